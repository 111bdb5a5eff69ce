#!/bin/bash
set -e
sudo apt-get install -y python3-pip python3.11
uv venv "$HOME/.venvs/tool"
export PATH="$HOME/.venvs/tool/bin:$PATH"
pip install -e .
python3 -m tool
