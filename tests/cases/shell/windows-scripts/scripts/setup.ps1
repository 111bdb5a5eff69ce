# Set up a development environment on Windows.
$ErrorActionPreference = "Stop"
python -m venv .venv
pip install --upgrade pip
python -m pip install -r requirements-dev.txt
& $python -m pip install --upgrade pip
.\.venv\Scripts\Activate.ps1
pip install --user pre-commit
