#!/bin/bash
# Installs the pieces of the sandbox, as root: setup.sh <base|yara|mongo|docs>

function usage() {
    echo "usage: $0 <base|yara|mongo|docs>"
}

function install_mongo() {
    apt-get install -y mongodb-org
    PIP_BREAK_SYSTEM_PACKAGES=1 pip3 install pymongo -U
}

function install_yara() {
    apt-get install -y libyara-dev
    pip3 install yara-python --break-system-packages
}

function install_docs() {
    pip3 install mkdocs --break-system-packages
}

COMMAND=$(echo "$1"|tr "{A-Z}" "{a-z}")

case $COMMAND in
    '-h')
        usage
        exit 0;;
esac

if [ "$EUID" -ne 0 ]; then
   echo 'This script must be run as root'
   exit 1
fi

case "$COMMAND" in
'base')
    install_mongo
    install_yara
    ;;
'yara')
    install_yara;;
'mongo')
    install_mongo;;
'docs')
    install_docs;;
*)
    usage;;
esac
