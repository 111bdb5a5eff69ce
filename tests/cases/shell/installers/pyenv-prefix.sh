#!/usr/bin/env bash
set -euo pipefail
PYENV_VERSION=3.11.9 pip install -r requirements.txt
PYENV_VERSION=3.11.9 python app.py
