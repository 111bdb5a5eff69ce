#!/usr/bin/env bash
sudo apt-get install -y python3-pip build-essential
# Build the extension and install its wheel. On shared build hosts without a venv, pass
# --pip_sudo; --uv installs with uv instead of pip.
set -e

pip_sudo=0
use_uv=0
for arg in "$@"; do
  case $arg in
    --pip_sudo) pip_sudo=1 ;;
    --uv) use_uv=1 ;;
  esac
done

if [ "$pip_sudo" == "1" ]; then
  PIP_SUDO="sudo -H"
else
  PIP_SUDO=""
fi
if [ "$use_uv" == "1" ]; then
  PIP_INSTALL="uv pip install --system"
else
  PIP_INSTALL="pip install"
fi

rm -rf dist
python3 setup.py bdist_wheel
$PIP_SUDO $PIP_INSTALL dist/*.whl

if command -v conda >/dev/null 2>&1; then
  conda install -y -c conda-forge ninja
else
  python3 -m venv build-env
  . build-env/bin/activate
fi
pip install --user pytest
