#!/usr/bin/env bash
# Installs what the options ask for: -p the Python linters, -d the docs toolchain.
set -e

python_tools() {
    sudo apt-get install -y python3-pip
    sudo pip3 install flake8 pylint
}

docs() {
    python3 -m venv /opt/docs
    /opt/docs/bin/pip install sphinx
}

usage() {
    echo "usage: $0 [-p] [-d] [-b DIR]"
    exit 1
}

BUILD_DIR=build
while getopts 'pdb:h' option; do
    case $option in
        p) python_tools ;;
        d) docs ;;
        b) BUILD_DIR=$OPTARG ;;
        h | *) usage ;;
    esac
done
mkdir -p "$BUILD_DIR"
