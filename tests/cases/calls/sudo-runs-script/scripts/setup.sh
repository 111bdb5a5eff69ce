#!/bin/sh
set -e
apt-get update
apt-get install -y python3-pip
pip3 install ansible==9.1.0
