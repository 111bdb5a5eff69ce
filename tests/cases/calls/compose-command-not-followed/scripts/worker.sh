#!/bin/sh
python -m pip install --no-cache-dir celery
exec celery -A app worker
