"""Install the project's requirements before the first run."""

import importlib
import subprocess
from subprocess import run as r


def install(pkg: str) -> None:
    subprocess.check_call(["pip", "install", "-r", "req.txt"])
    r(["pip3", "install", pkg], check=True)
    subprocess.run(("python3", "-m", "pip", "list"), check=False)
    importlib.import_module(pkg)


def developer_tools() -> None:
    # Tools other programs run: which Python they use is not this module's business.
    subprocess.check_call(["pip", "install", "pre-commit"])
