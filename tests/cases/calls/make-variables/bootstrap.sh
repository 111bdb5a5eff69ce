#!/bin/sh
# Sets up a Debian or Ubuntu workstation for development.
set -e
sudo apt-get install -y make python3-pip python3-venv

make install
make install PIP=pip3
sudo make deps VENV=/usr
VENV=/usr make deps
sudo env PYTHON=.venv/bin/python make -C docs
sudo make docs PYTHON=.venv/bin/python
sudo PYTHON=python3 make -C docs
