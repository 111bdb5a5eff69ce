#!/bin/bash
# Bootstrap a build agent; the vendor SDK ships for Ubuntu 22.04 only.
set -e
. /etc/os-release
[ "$VERSION_ID" != "22.04" ] && { echo "Ubuntu 22.04 required"; exit 1; }
sudo apt-get update
sudo apt-get install -y python3-pip
sudo pip3 install vendor-sdk
