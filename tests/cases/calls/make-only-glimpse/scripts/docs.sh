#!/bin/sh
# Rebuilds the documentation.
set -e
cd "$(dirname "$0")/../docs"
make html
