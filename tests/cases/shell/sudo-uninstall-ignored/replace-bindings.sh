#!/bin/sh
# Replaces the old Python bindings on a Debian lab machine with the vendor's wheel.
set -e
sudo apt-get install -y python3-pip libusb-1.0-0
sudo pip3 uninstall -y pyusb-legacy || true
sudo pip3 uninstall -y pyusb
sudo pip3 install ./wheels/pyusb-1.2.1-py3-none-any.whl
