#!/bin/bash
# Installs the agent's build tools with the system package manager.
set -e

log() {
    echo "[install] $*"
}

if [ "$1" = "--minimal" ]; then
    apt-get install -y --no-install-recommends git
    log "minimal tools installed"
    exit 0
else
    apt-get install -y build-essential curl
    log "build tools installed"
fi

sudo pip3 install agent-tools
