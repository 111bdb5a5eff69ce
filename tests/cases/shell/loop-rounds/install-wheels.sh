#!/bin/sh
# Installs the wheels the release job built: the first as the CI user, the rest as
# root (the helper switches after the first one).
set -e
for wheel in $WHEELS; do
    $AS_ROOT pip install --no-deps "$wheel"
    AS_ROOT=sudo
done
