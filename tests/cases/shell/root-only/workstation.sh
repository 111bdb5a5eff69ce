#!/bin/sh
# Prepares an Ubuntu workstation for the lab exercises.
set -e

if [ "$(id -u)" -ne 0 ]; then
    echo "Please run as root (sudo $0)" >&2
    exit 1
fi

run() {
    echo "+ $*"
    "$@"
}

retry() {
    tries=$1
    shift
    for _ in $(seq "$tries"); do
        "$@" && return 0
        sleep 5
    done
    return 1
}

run apt-get install -y python3-pip git
retry 3 pip3 install ansible
pip3 uninstall -y ansible-core-legacy || true
pip3 install --user yq
