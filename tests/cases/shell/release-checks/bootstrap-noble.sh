#!/bin/bash
set -e
. /etc/os-release
[ "$VERSION_CODENAME" = "noble" ] || { echo "Ubuntu 24.04 required"; exit 1; }
sudo apt-get update
sudo apt-get install -y python3-pip
sudo pip3 install vendor-sdk
