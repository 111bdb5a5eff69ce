#!/bin/sh
# Installs the service into its own venv under /opt, owned by root.
set -eu

sudo python3 -m venv /opt/exporter/venv
sudo /opt/exporter/venv/bin/python -m pip install --upgrade pip
sudo /opt/exporter/venv/bin/pip install ./dist/exporter-*.whl
sudo pip3 install supervisor
