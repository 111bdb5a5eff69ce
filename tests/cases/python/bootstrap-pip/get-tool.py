#!/usr/bin/env python
"""Install our tool with a pip carried in this file, whatever pip the machine has."""
import base64
import os.path
import shutil
import sys
import tempfile

PIP_WHEEL = b""  # the wheel, base64-encoded, filled in by the release script


def patch_certificates(tmpdir):
    from pip._internal.commands.install import InstallCommand

    original = InstallCommand.parse_args

    def parse_args(self, args):
        return original(self, ["--cert", os.path.join(tmpdir, "cacert.pem"), *args])

    InstallCommand.parse_args = parse_args


def bootstrap(tmpdir):
    patch_certificates(tmpdir)
    from pip._internal.cli.main import main as pip_main

    sys.exit(pip_main(["install", "--upgrade", "our-tool"]))


def main():
    tmpdir = tempfile.mkdtemp()
    try:
        wheel = os.path.join(tmpdir, "pip.whl")
        with open(wheel, "wb") as handle:
            handle.write(base64.b64decode(PIP_WHEEL))
        # Import pip from the wheel above, not from the machine.
        sys.path.insert(0, wheel)
        bootstrap(tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
