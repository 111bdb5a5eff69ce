#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
make -j4 --no-print-directory install
