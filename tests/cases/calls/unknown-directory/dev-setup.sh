#!/bin/sh
# One-time set-up of a developer machine, from anywhere.
set -e
cd "$(dirname "$0")"
sudo ./install.sh
