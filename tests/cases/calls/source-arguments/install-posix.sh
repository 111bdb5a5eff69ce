#!/bin/sh
# install-posix.sh [--system]: as install.sh, run by dash, which gives env.sh no words.
set -e
. /opt/env.sh /opt/app/venv
pip install -r /opt/requirements.txt
