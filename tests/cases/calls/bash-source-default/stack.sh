#!/bin/bash
# Installs the services on this host.
set -o errexit
sudo apt-get install -y python3-pip python3-dev
TOP_DIR=$(cd $(dirname "$0") && pwd)
source $TOP_DIR/tools/functions

pip_install -r $TOP_DIR/requirements.txt
