#! /usr/bin/env bash
set -e
pip install --user -r requirements.txt
alembic upgrade head
