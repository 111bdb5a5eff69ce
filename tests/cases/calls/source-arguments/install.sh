#!/usr/bin/env bash
# install.sh [--system]: the app's dependencies, in the venv env.sh makes.
set -e
. /opt/env.sh /opt/app/venv
pip install -r /opt/requirements.txt
