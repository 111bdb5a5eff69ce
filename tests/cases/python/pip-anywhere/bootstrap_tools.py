"""Installs what the build scripts need before they run."""

import os
import subprocess
import sys


def install_ansible():
    subprocess.run(f"sudo {sys.executable} -m pip install ansible", shell=True, check=True)


def install_serial():
    os.system("sudo pip install pyserial")


def install_docs_tools():
    os.system("pip install sphinx")
    subprocess.check_call(["pip", "install", "--upgrade", "build"])


def run_own_pip():
    subprocess.check_call([sys.executable, "-m", "pip", "install", "wheel"])


try:
    import yaml  # noqa: F401
except ModuleNotFoundError:
    subprocess.run("pip install -r requirements.txt")
    import yaml  # noqa: F401
