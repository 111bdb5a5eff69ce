#!/bin/bash
set -euo pipefail
python3 -m venv .venv
./.venv/bin/activate
bash .venv/bin/activate
pip install --user -r requirements.txt
