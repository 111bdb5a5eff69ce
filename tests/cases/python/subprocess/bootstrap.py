"""Install the project's requirements before the first run."""

import subprocess
from subprocess import run as r


def install(pkg: str) -> None:
    subprocess.check_call(["pip", "install", "-r", "req.txt"])
    r(["pip3", "install", pkg], check=True)
    subprocess.run(("python3", "-m", "pip", "list"), check=False)
