#!/bin/sh
# Sets up a fresh CI machine.
set -e
sudo ./scripts/setup.sh --ci
sudo ./scripts/tools.sh
