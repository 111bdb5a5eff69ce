#!/bin/bash
# The tools live in a venv of their own under /opt, whoever runs this.
set -e
python3 -m venv /opt/tools/venv
. /opt/tools/venv/bin/activate
pip install --upgrade pip
pip install -r /opt/tools/requirements.txt
