#!/bin/bash
set -e
sudo apt-get install -y python3-pip
sudo pip3 install pymongo
