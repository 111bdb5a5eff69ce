#!/bin/sh
set -e
source .venv/bin/activate
python -m pip install ruff
