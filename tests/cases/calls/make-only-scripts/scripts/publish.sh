#!/bin/sh
# Publishes the documentation; run from this directory.
set -e
build="sudo make -C ../docs"
$build html
