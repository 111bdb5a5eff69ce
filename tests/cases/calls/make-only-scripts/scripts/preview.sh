#!/bin/sh
# The documentation, built in a clean shell.
set -e
cd "$(dirname "$0")/.."
sh -c "cd docs && sudo make html"
