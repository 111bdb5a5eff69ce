#!/usr/bin/env bash
# Sets up the build environment; ci/virtualenv.sh lives in the CI image, not here.
set -euo pipefail

source /ci/virtualenv.sh
pip install -r requirements.txt
pip install --upgrade setuptools wheel
