# Sourced by the dev scripts: the project's virtual environment.
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
