#!/bin/bash
# Run by hand on a dev box.
set -e
pip3 install -r requirements-dev.txt
python3 -m pytest -q
