#!/usr/bin/env bash
# Set up a developer workstation (Debian 12 / Ubuntu 24.04).
set -euo pipefail
sudo apt-get install -y python3-pip
export PIP_BREAK_SYSTEM_PACKAGES=1
pip3 install --user pre-commit
