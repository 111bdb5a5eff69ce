#!/usr/bin/env bash
# Build the native libraries from their release archives, then install them system-wide.
set -eo pipefail

archive=libfoo-1.2
curl -fsSL "https://example.org/$archive.tar.gz" | tar -xz

pushd "$archive"
./configure --prefix=/usr
make
sudo ./install.sh
popd
