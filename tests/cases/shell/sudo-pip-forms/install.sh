#!/usr/bin/env bash
# Installs the toolkit's Python dependencies on a developer machine.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

sudo -H pip3 install --upgrade requests
sudo -E python3 -m pip install numpy
bash -c "sudo pip install pyserial"
$SUDO pip install ansible

# What sudo does not write into a system Python: silent in both tiers.
sudo /opt/toolkit/venv/bin/pip install -r requirements.txt
sudo python3 -m pip install --target /opt/toolkit/lib six
sudo -u deploy /home/deploy/venv/bin/pip install fabric

if command -v apt-get >/dev/null; then
    pip install --user yq
else
    pip install --break-system-pack yq
fi

# Into a directory of their own, not the system's site-packages: silent too.
LIB=/opt/toolkit/lib
sudo pip3 install -t /opt/toolkit/lib six
sudo pip3 install --target="$LIB" six
sudo pip3 install -t/opt/toolkit/lib six
sudo pip3 install --prefix /usr/local/toolkit six
sudo pip3 install --root=/tmp/stage --break-system-packages six
