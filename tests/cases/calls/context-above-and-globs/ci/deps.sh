#!/bin/sh
set -e
pip3 install --no-cache-dir -r requirements.txt
