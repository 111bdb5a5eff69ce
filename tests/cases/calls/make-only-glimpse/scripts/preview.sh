#!/bin/sh
# The documentation, built in a subshell, then served.
set -e
(cd "$(dirname "$0")/../docs" && make html)
python3 -m http.server --directory docs/_build/html
