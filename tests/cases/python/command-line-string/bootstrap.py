"""Installs what the tool needs on first run."""

import subprocess
import sys


def ensure_requests():
    try:
        import requests
    except ImportError:
        # One string without a shell: the words a list would hold (Windows splits them).
        subprocess.check_call("pip install --quiet requests")
        import requests
    return requests


def ensure_yaml():
    subprocess.check_call("pip install -r requirements.txt".split())
    import yaml

    return yaml


def ensure_rich():
    # The interpreter running this code: nothing to say.
    subprocess.check_call(f"{sys.executable} -m pip install rich".split())
    import rich

    return rich


if __name__ == "__main__":
    ensure_requests()
    ensure_yaml()
    ensure_rich()
