"""Release helper: installs the build tools, bumps the version, builds.

Written for Python 3.14; CI runs it there.
"""

import subprocess
import sys

type Version = tuple[int, int, int]


def install_tools() -> None:
    try:
        import build  # noqa: F401
    except ImportError:
        try:
            subprocess.check_call(["pip", "install", "build", "twine"])
        except subprocess.CalledProcessError, OSError:
            sys.exit("could not install the release tools")


def bumped(version: Version, part: str) -> Version:
    major, minor, patch = version
    match part:
        case "major":
            return major + 1, 0, 0
        case "minor":
            return major, minor + 1, 0
    return major, minor, patch + 1


def build() -> None:
    try:
        subprocess.run([sys.executable, "-m", "build"], check=True)
    except* OSError, ValueError:
        pass


if __name__ == "__main__":
    install_tools()
    build()
