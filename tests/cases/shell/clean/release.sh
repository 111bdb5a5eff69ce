#!/usr/bin/env bash
# Everything here is what pipwarden recommends.
set -euo pipefail
python3 -m venv .venv
. .venv/bin/activate
python -m pip install --upgrade pip
python -m pip install -r requirements.txt
.venv/bin/python -m build
pipx install twine
uv pip install -e .
echo "pip is fine in strings"  # pip install in a comment
