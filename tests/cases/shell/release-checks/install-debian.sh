#!/bin/bash
set -e
CODENAME=$(lsb_release -cs)
case "$CODENAME" in
    bookworm|trixie)
        sudo apt-get install -y python3-pip
        sudo pip3 install pymongo
        ;;
    bullseye)
        sudo apt-get install -y python3-pip
        sudo pip3 install pymongo
        ;;
    *)
        echo "unsupported release: $CODENAME"
        exit 1
        ;;
esac
