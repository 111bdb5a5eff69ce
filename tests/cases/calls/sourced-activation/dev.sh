#!/usr/bin/env bash
set -e
source scripts/env.sh
pip install --user pre-commit
pre-commit install
