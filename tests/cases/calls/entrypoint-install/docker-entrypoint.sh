#!/bin/sh
# Install the plugins the operator mounted, then start the app.
set -e
if [ -f /plugins/requirements.txt ]; then
    pip3 install -r /plugins/requirements.txt
fi
exec "$@"
