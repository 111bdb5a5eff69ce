#!/bin/bash
# Installs the client tools system-wide, then the services into the stack's venv.
set -e
sudo apt-get install -y python3-pip python3-venv

USE_VENV=False
source tools/python-env
$PIP install python-openstackclient

USE_VENV=True
VENV_DIR=/opt/stack/venv
python3 -m venv "$VENV_DIR"
source tools/python-env
$PIP install -r requirements.txt
