#!/usr/bin/env bash
set -e

VERSION=${VERSION:-latest}

python3 -m pip config set global.break-system-packages true
if [ "$VERSION" = "latest" ]; then
    python3 -m pip install tensor-tools
else
    python3 -m pip install "tensor-tools==$VERSION"
fi
