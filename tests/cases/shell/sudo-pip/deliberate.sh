#!/bin/sh
# Provision a Raspberry Pi appliance: its service runs on the system Python, on purpose.
set -e
sudo apt-get install -y python3-pip python3-dev
sudo pip3 install --break-system-packages mopidy-iris
sudo python3 -m pip config set global.break-system-packages true
sudo python3 -m pip install mopidy-local
# Legacy Python 2 tooling: no PEP 668 marker there.
sudo pip2 install mercurial
# setuptools installs; pip's PEP 668 check does not apply.
cd vendor/torchvision && sudo python3 setup.py install
