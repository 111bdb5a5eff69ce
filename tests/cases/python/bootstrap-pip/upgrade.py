"""Upgrade the tool in place with whatever pip this interpreter has."""
import sys

from pip._internal.cli.main import main as pip_main

if __name__ == "__main__":
    sys.exit(pip_main(["install", "--upgrade", "our-tool"]))
