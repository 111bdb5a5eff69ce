#!/bin/sh
# First-time set-up of a build machine, run from this directory; then the build.
set -e
sudo ../tools/provision
sudo make -j4
