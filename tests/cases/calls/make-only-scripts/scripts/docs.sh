#!/bin/sh
# Rebuilds the documentation, then publishes it.
set -e

(cd "$(dirname "$0")/../docs" && sudo make html)
rsync -a docs/_build/html/ web:/srv/docs/
