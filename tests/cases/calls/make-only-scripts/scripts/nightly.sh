#!/bin/bash
# Nightly job: fresh dependencies, then the native build.
set -e
refresh() {
  cd "$(dirname "$0")/.."
  sudo make deps
}
refresh
gcc -O2 -o build/native src/native.c
