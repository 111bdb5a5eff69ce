#!/bin/bash
# Optional extras; the image build runs this as root.
set -euo pipefail
sudo pip3 install -r requirements-extras.txt
