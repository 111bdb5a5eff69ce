#!/bin/sh
# Checks the documentation's links; run from this directory.
set -e
docs=../docs
sudo make -C "$docs" linkcheck
