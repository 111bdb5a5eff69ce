#!/bin/bash
# How many warnings the documentation build prints.
set -euo pipefail
count=$(cd "$(dirname "$0")/../docs" && echo "$(make html 2>&1)" | grep -c WARNING)
echo "$count"
