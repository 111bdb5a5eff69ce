#!/usr/bin/env bash
set -euo pipefail

echo "bootstrapping"
pip3 install -r /opt/requirements.txt
