#!/bin/bash
set -e

require_root() {
    [ "$(whoami)" = root ] || { echo "run me as root" >&2; exit 1; }
}

require_root
python3 -m pip install -r /opt/tools/requirements.txt
