# env.sh VENV: makes VENV and activates it, unless it is --system.
if [ "$1" != "--system" ]; then
    python3 -m venv "$1"
    . "$1/bin/activate"
fi
