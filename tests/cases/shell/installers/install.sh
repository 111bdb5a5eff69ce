#!/usr/bin/env bash
# Install the tool on your machine: ./install.sh
set -e
echo "Installing dependencies..."
pip3 install -r requirements.txt
pip3 install pylint
pylint --version
python3 -m mytool --setup
echo "Done."
