#!/bin/bash
set -e
sudo apt-get install -y python3-pip python3.11
VENV=/opt/tool/venv
python3 -m venv $VENV
export PATH=$HOME/.local/bin:$PATH
pip install -e .
python3 -m tool
