#!/bin/sh
# Vendor the dependencies next to the function's code.
set -e
pip install --target ./package --break-system-packages -r requirements.txt
pip install --prefix /opt/app --break-system-packages .
pip install --root /tmp/stage --break-system-packages .
pip install --break-system-packages -r requirements.txt
