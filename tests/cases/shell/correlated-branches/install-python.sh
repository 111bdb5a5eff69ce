#!/usr/bin/env bash
# Installs Python for a dev container: the distro's ("system"/"distro") or one built from
# source under /opt/python. Usage: ./install-python.sh [VERSION]
VERSION=${1:-"latest"}
PREFIX=/opt/python

set -e

install_packages() {
    if ! dpkg -s "$@" > /dev/null 2>&1; then
        apt-get update
        apt-get install -y --no-install-recommends "$@"
    fi
}

build_python() {
    local version=$1
    install_packages build-essential libssl-dev zlib1g-dev
    curl -fsSL "https://www.python.org/ftp/python/${version}/Python-${version}.tgz" | tar -xz
    (cd "Python-${version}" && ./configure --prefix="${PREFIX}" && make -j"$(nproc)" install)
}

install_packages curl ca-certificates

if [ ${VERSION} = "system" ] || [ ${VERSION} = "distro" ]; then
    # The image's own Python.
    PYTHON=/usr/bin/python3
else
    build_python ${VERSION}
    PYTHON=/opt/python/bin/python3
fi

echo "export PATH=$(dirname ${PYTHON}):\${PATH}" >> /etc/profile.d/python.sh

# A Python we built owns its pip and build tools: bring them up to date.
if [ ${VERSION} != "system" ] && [ ${VERSION} != "distro" ]; then
    $PYTHON -m pip install --no-cache-dir --upgrade pip setuptools wheel
fi

case "${VERSION}" in
    system | distro)
        # The distro's own Python takes only what the tools below need.
        $PYTHON -m pip install --no-cache-dir wheel
        ;;
    *)
        $PYTHON -m pip install --no-cache-dir wheel tomli
        ;;
esac
