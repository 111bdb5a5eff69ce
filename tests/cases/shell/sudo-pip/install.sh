#!/bin/sh
sudo apt-get install -y python3-pip build-essential
sudo pip install requests
