#!/bin/sh
# The HTML documentation; run from this directory.
set -e
alias docs='sudo make -C ../docs'
docs html
