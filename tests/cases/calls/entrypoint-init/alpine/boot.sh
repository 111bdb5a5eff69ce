#!/bin/sh
source venv/bin/activate
exec gunicorn app:server --bind 0.0.0.0:8080
