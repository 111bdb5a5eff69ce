#!/bin/sh
set -e
# A pip named by its path is unambiguous: the venv's own pip.
.venv/bin/pip install -r requirements.txt
"$HOME/.venvs/tools/bin/pip" install pre-commit
# The system's pip, named by path: a system install.
/usr/bin/pip3 install pyyaml
# Read-only subcommands only pick the wrong pip.
pip download -d wheels/ -r requirements.txt
pip --version
pip3 freeze > constraints.txt
pip show requests
