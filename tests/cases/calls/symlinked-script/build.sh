#!/usr/bin/env bash
set -euo pipefail
./bin/lock-deps.sh
./bin/setup.sh
