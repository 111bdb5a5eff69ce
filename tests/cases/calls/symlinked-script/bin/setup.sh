#!/usr/bin/env bash
sudo apt-get install -y python3-pip build-essential
# Sets up the build tools; bin/lock-deps.sh is a link to this script.
set -euo pipefail
sudo python3 -m pip install --upgrade uv
