#!/bin/sh
# CI's documentation job, run from this directory.
set -e
sudo make -C ../docs html
