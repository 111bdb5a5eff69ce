#!/usr/bin/env bash
export PIP_BREAK_SYSTEM_PACKAGES=1
PIP_BREAK_SYSTEM_PACKAGES=true python3 -m pip install build
python3 -m pip install --break-system-packages twine
# Explicitly off: fine.
export PIP_BREAK_SYSTEM_PACKAGES=0
# Inside a venv pip skips PEP 668's check altogether: the flag does nothing there.
python3 -m venv .venv
. .venv/bin/activate
python -m pip install --break-system-packages --upgrade pip wheel
