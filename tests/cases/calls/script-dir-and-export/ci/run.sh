#!/usr/bin/env bash
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$HERE/.."

python3 -m venv "$ROOT/.venv"
. "$ROOT/.venv/bin/activate"
"$HERE"/install-deps.sh
bash "$ROOT/ci/lint.sh" --strict
