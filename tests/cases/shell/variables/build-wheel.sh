#!/usr/bin/env bash
sudo apt-get install -y python3-pip build-essential
# Build the wheel and install it; pass --pip_sudo on machines without a venv.
set -euo pipefail

PIP_SUDO=""
if [[ "${1:-}" == --pip_sudo ]]; then
  PIP_SUDO="sudo -H"
fi
PIP_INSTALL="pip install --no-cache-dir"

python3 -m build --wheel
$PIP_SUDO $PIP_INSTALL dist/*.whl

SUDO=sudo
${SUDO} pip3 install -r requirements.txt

PIP="python3 -m pip"
$PIP install --user tox

for tool in $TOOLS; do
  $tool --version
done
read -r EXTRA
$EXTRA pip install x
