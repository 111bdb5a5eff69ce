#!/bin/bash
# Installs the linters for whichever distro family this is.
set -e
. /etc/os-release
if [ "${ID}" = "debian" ] || [ "${ID_LIKE}" = "debian" ]; then
    FAMILY="debian"
elif [[ "${ID}" = "rhel" || "${ID}" = "fedora" || "${ID_LIKE}" = *"rhel"* || "${ID_LIKE}" = *"fedora"* ]]; then
    FAMILY="rhel"
else
    echo "Linux distro ${ID} not supported."
    exit 1
fi
echo "Installing for ${FAMILY}"
pip3 install --user flake8
