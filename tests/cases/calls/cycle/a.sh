#!/bin/bash
sudo apt-get install -y python3-pip build-essential
. ./b.sh
sudo pip install requests
