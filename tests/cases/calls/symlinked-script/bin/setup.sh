#!/usr/bin/env bash
# Sets up the build tools; bin/lock-deps.sh is a link to this script.
set -euo pipefail
sudo python3 -m pip install --upgrade uv
