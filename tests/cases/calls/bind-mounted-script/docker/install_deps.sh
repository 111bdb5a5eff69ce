#!/bin/bash
set -euxo pipefail
apt-get -qq update
apt-get -qq install --no-install-recommends -y python3 python3-pip
pip3 install -r /deps/requirements.txt
python3 -c "import numpy"
