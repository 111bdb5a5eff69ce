#!/usr/bin/env bash
# Installs the emulator's build dependencies (the CI jobs run it on each supported release).
set -e
sudo apt-get install -y python3-pip libpcap-dev
sudo pip3 install pexpect scapy
