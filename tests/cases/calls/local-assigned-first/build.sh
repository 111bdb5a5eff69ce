#!/bin/bash
# Builds the app with its venv's Python, then the docs with the system's.

show_python() {
    local PY
    PY=$(command -v python3)
    echo "building with $PY"
}

PY=/opt/app/venv/bin/python
show_python
sudo $PY -m pip install -r requirements.txt

PY=python3
show_python
sudo $PY -m pip install sphinx
