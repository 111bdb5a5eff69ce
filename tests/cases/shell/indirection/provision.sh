#!/bin/sh
sudo apt-get install -y python3-pip build-essential
# Provision a build host: the pip that is on PATH, whichever it is.
set -e

PIP=$(command -v pip3 || command -v pip)
sudo $PIP install --upgrade wheel

PIP_BIN="$(which pip3)"
sudo "$PIP_BIN" install awscli

sudo `which pip` install supervisor

alias pip=pip3
sudo pip install ansible
