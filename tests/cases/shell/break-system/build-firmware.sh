#!/usr/bin/env bash
# Builds the firmware and the host tools; the variable is set where each command runs.
set -e
cd seabios
# Set for make and for poetry's own venv: pip never sees them here.
PIP_BREAK_SYSTEM_PACKAGES=1 make bios
PIP_BREAK_SYSTEM_PACKAGES=1 poetry install --no-interaction
# Set for pip itself, and for a script that may run it: reported.
PIP_BREAK_SYSTEM_PACKAGES=1 pip3 install pyelftools
PIP_BREAK_SYSTEM_PACKAGES=1 ./scripts/host-tools.sh
