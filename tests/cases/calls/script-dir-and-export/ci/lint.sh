#!/usr/bin/env bash
# Lints the tree; run from ci/run.sh inside the venv.
pip install ruff
ruff check .
