#!/bin/bash
# The command-line tools the build needs, each from where it is packaged.
set -euo pipefail

pip3 install --no-cache-dir yq; python3 -m pip install --no-cache-dir --break-system-packages ansible-core
