#!/usr/bin/with-contenv bash
# shellcheck shell=bash

# Migrations need alembic in the distro's Python, which Ubuntu 24.04 refuses.
/usr/bin/pip3 install --no-cache-dir alembic
