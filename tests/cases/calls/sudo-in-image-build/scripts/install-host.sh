#!/bin/bash
# Run by hand on a board: sudo ./scripts/install-host.sh
set -euo pipefail
apt-get install -y python3-pip
sudo -H pip3 install -r requirements.txt
systemctl restart board-monitor
