#!/usr/bin/env bash
# Compiles the native parts; nothing here installs anything.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
for f in "$ROOT"/src/*.c; do gcc -c "$f" -o "${f%.c}.o"; done
case "${1:-}" in
  all) sudo make -j4 ;;
  clean) rm -rf build ;;
esac
