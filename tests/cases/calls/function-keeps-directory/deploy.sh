#!/bin/bash
# Deploys a release: run as `deploy.sh RELEASE_DIR`.
set -e

say() {
    echo "[deploy] $1"
}

. /opt/deploy/venv/bin/activate
say "starting"
cd "$1"
say "in the release"
./post-install.sh
