#!/bin/bash
set -e
sudo apt-get install -y python3-pip
sudo pip install requests
