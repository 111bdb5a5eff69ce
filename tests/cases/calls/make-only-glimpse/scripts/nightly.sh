#!/bin/bash
# The nightly documentation build.
set -e
build_docs() {
  pushd "$(dirname "$0")/../docs" >/dev/null
  make html
  popd >/dev/null
}
build_docs
