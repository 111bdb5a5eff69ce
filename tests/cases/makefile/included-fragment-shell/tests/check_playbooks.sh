set -e

ROOT_DIR=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT_DIR/tests/lib.sh"

python3 -m venv /tmp/playbooks-venv
source /tmp/playbooks-venv/bin/activate
pip install -r "$ROOT_DIR/requirements.txt"
run_playbooks
