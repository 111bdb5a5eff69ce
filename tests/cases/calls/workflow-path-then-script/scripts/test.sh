#!/usr/bin/env bash
set -euo pipefail
pip install --user pytest
python -m pytest -q
