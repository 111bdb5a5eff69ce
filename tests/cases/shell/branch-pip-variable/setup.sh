#!/bin/bash
set -e
if [ -n "$USE_SYSTEM" ]; then
  PIP=pip
else
  python3 -m venv venv
  PIP=venv/bin/pip
fi
"$PIP" install -r requirements.txt
"$PIP" install -e .
