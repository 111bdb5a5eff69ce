#!/bin/bash
# Tools first, with Debian's Python told to let pip in; the app's own requirements after,
# once the override is gone again.
set -euo pipefail

install_requirements() {
    pip3 install --no-cache-dir -r /tmp/requirements.txt
}

export PIP_BREAK_SYSTEM_PACKAGES=1
echo "ansible" > /tmp/requirements.txt
install_requirements
unset PIP_BREAK_SYSTEM_PACKAGES

git clone --depth 1 https://example.com/app.git /srv/app
cp /srv/app/requirements.txt /tmp/requirements.txt
install_requirements
