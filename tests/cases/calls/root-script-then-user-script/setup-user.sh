#!/usr/bin/env bash
set -euxo pipefail
pip3 install pre-commit
pip3 install --user ansible
