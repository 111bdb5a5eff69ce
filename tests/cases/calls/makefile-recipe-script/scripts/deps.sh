#!/bin/sh
set -e
pip install --user -e '.[dev]'
