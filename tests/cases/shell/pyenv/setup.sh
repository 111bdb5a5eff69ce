#!/bin/bash
set -e
pyenv install -s 3.12.4
pyenv local 3.12.4
pip install -U pip-tools
pip-compile requirements.in
