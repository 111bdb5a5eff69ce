#!/usr/bin/env bash
# Builds the release artifacts from the top of the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo make deps
tar -czf dist/release.tar.gz build/
