#!/usr/bin/env bash
sudo apt-get install -y python3-pip build-essential
# Developer setup: a venv for the project, the docs toolchain, and the test tools.
set -euo pipefail

VENV_DIR=.venv

pip_install() {
  sudo -H pip3 install "$@"
}

build_docs() {
  pip install -e ".[docs]"
  make -C docs html
}

setup_tests() {
  pip install --user -r requirements-test.txt
}

system_tools() {
  pip_install pre-commit
}

lint() {
  pip install --user ruff
}

python3 -m venv "$VENV_DIR"
source "$VENV_DIR/bin/activate"
build_docs
setup_tests
deactivate
system_tools
