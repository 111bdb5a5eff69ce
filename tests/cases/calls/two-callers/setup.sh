#!/bin/sh
# Installs the worker's dependencies.
python3 -m pip install --no-cache-dir celery redis
