#!/usr/bin/env bash
set -euxo pipefail
apt-get update
apt-get install -y --no-install-recommends python3 python3-pip python3-venv
rm -rf /var/lib/apt/lists/*
