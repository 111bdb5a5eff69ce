#!/bin/bash
# Install the tool into its own venv on a fresh Ubuntu machine.
set -e
sudo apt-get install -y python3 python3-venv python3.11
VENV=/opt/tool/venv
python3 -m venv $VENV
export PATH=$VENV/bin:$PATH
pip install -U pip
pip install -r requirements.txt
python3 tool.py
