#!/bin/bash
# Sets up the database tools on this machine.
set -e
. /etc/os-release
if [ "$VERSION_CODENAME" = "noble" ]; then
    sudo apt-get install -y python3-pip
    sudo pip3 install pymongo
else
    echo "Ubuntu 24.04 only; see docs/install.md"
fi
