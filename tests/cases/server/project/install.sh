#!/bin/sh
set -eu
echo "installing"
pip install requests
