#!/bin/sh
# Builds the documentation from this directory, then uploads it.
set -e
make -C ../docs html
rsync -a ../docs/_build/html/ web:/srv/docs/
