#!/bin/bash
# Runs the test suite in a virtualenvwrapper environment of its own.
set -e

venv=ci-tests
wrapper=$(command -v virtualenvwrapper.sh)
. "$wrapper"
rmvirtualenv "$venv" || true
mkvirtualenv -p "$(command -v python3)" "$venv" || true
workon "$venv"

pip install --upgrade pytest pytest-cov
pip install -e .
python -m pytest
