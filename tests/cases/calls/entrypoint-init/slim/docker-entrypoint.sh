#!/bin/sh
set -e
source /opt/app/env.sh
gosu app pip install --no-cache-dir -r /opt/app/requirements.txt
exec gosu app python -m app
