#!/usr/bin/env python3
"""Installs the HAT's drivers and Python dependencies; run it with sudo."""

import subprocess
import sys

DEPENDENCIES = ["smbus2", "gpiozero"]
ENV = "/opt/hat/env"


def run_command(cmd=""):
    p = subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    result = p.stdout.read().decode("utf-8")
    return p.poll(), result


def do(msg="", cmd=""):
    print(f" - {msg} ...", end="", flush=True)
    status, _ = run_command(cmd)
    print("Done" if not status else "Error")


def in_env(cmd, environment=False):
    # The env's own python: activated first, not whichever is first on PATH.
    if environment:
        cmd = f'. "{ENV}/bin/activate" && {cmd}'
    return subprocess.run(cmd, shell=True, executable="bash")


def say(msg=""):
    print(msg)


def main():
    say("pip install the dependencies")
    for dep in DEPENDENCIES:
        do(msg=f"install {dep}", cmd=f"pip3 install {dep}")
    do("install the package", "pip3 install .")
    do("install the examples' needs", f"{sys.executable} -m pip install -r examples.txt")
    in_env("python -m pip install -r requirements.txt", environment=True)


if __name__ == "__main__":
    main()
