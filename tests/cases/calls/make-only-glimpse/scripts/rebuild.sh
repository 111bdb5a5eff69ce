#!/bin/sh
# Rebuilds the documentation from this directory.
set -e
docs=../docs
make -C "$docs" html
