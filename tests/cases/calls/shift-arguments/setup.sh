#!/bin/sh
# setup.sh [--quiet] [--venv]: the first word says how loud, the next where to install.
set -e
if [ "$1" = "--quiet" ]; then
    exec >/dev/null
    shift
fi
if [ "$1" = "--venv" ]; then
    python3 -m venv /opt/app
    . /opt/app/bin/activate
fi
pip install requests
