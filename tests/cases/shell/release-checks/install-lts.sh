#!/bin/bash
# Ubuntu 22.04 LTS only: the vendor's packages are built for it.
set -e
RELEASE=$(lsb_release -rs)
if [ "$RELEASE" != "22.04" ]; then
    echo "only Ubuntu 22.04 is supported (found $RELEASE)"
    exit 1
fi
sudo apt-get install -y python3-pip
sudo pip3 install pymongo
