#!/usr/bin/env bash
# Installs the board's Python tools system-wide; asks for root once.
set -euo pipefail

if (( EUID != 0 )); then
    exec sudo bash "$0" "$@"
fi

pip install --upgrade esptool
