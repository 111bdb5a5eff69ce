#!/usr/bin/env bash
sudo apt-get install -y python3-pip build-essential
set -euo pipefail

# Elevated through options and other wrappers: still root.
sudo -H pip3 install --upgrade awscli
env DEBIAN_FRONTEND=noninteractive nice -n 10 sudo -E python3 -m pip install -r requirements.txt
time sudo uv pip install --system ruff

# Runs as another user, and uv without --system installs into a venv: not sudo-pip.
sudo -u deploy pip3 install --user httpie
sudo uv pip install black

# Wrapped but not elevated.
xargs -n 1 pip3 download < wheels.txt
command -v pip3 >/dev/null || echo "pip3 missing"
