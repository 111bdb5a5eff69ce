#!/bin/sh
# Install the Python bindings from this checkout.
set -e
pip install -e .
