#!/usr/bin/env bash
set -euo pipefail
export PYENV_VERSION=3.11.9
pip install -r requirements.txt
python app.py
