#!/usr/bin/env bash
set -euo pipefail
pip install --user -r requirements-dev.txt
