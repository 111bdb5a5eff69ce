#!/bin/bash
# Fails when the documentation build warns.
set -euo pipefail
log=$(cd "$(dirname "$0")/../docs" && make html 2>&1)
if grep -q WARNING <<<"$log"; then exit 1; fi
