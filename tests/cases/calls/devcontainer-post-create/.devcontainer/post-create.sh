#!/usr/bin/env bash
set -euo pipefail
sudo apt-get update
sudo apt-get install -y --no-install-recommends python3-pip
pip3 install -r requirements-dev.txt
