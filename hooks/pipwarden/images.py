"""What a base image says about Python: where it comes from, whether the distro marks it
externally managed (PEP 668), what /bin/sh is, and who runs the build.

Classification is by repository name and tag. Anything not classified is None: rules that
would need it stay silent.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Platform(NamedTuple):
    # "debian", "ubuntu", "alpine", "fedora", "rhel", "arch", or None when unknown.
    distro: str | None
    # True when a Python installed from the distro's packages carries the EXTERNALLY-MANAGED
    # marker (Debian 12+, Ubuntu 23.04+, Alpine 3.19+, Arch); None when unknown.
    externally_managed: bool | None
    # What /bin/sh is: "dash", "ash", "bash", or None.
    sh: str | None
    # "official" (python:* images, Python built into /usr/local, pip as root is their normal
    # use), "conda", or None: the image brings no Python of its own that we know of.
    python: str | None = None
    default_user: str | None = "root"
    windows: bool = False


_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


def split_reference(ref: str) -> tuple[str, str]:
    """`docker.io/library/ubuntu:24.04@sha256:..` → ("ubuntu", "24.04"); an official image
    behind any registry path (`public.ecr.aws/docker/library/python:3.12`,
    `mirror.gcr.io/library/debian:12`) likewise; any other image keeps its path
    (`nvidia/cuda`, `mcr.microsoft.com/devcontainers/python`)."""
    ref = ref.split("@", 1)[0]
    parts = ref.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        if parts[0] in _DOCKER_HUB:
            parts = parts[1:]
        elif not (len(parts) >= 3 and parts[-2] == "library"):
            parts[0] = parts[0].lower()
    if len(parts) >= 2 and parts[-2] == "library":
        parts = parts[-1:]
    name, _, tag = "/".join(parts).partition(":")
    return name, tag or "latest"


# Vendor images whose Python we know, by repository path (registry included).
_VENDOR_PYTHON = {
    # Python images for dev containers: whether their `vscode` user may write the Python
    # (the Python feature gives a group write access) varies by version, so they count as
    # a Python meant to take installs and PW401 never guesses.
    "mcr.microsoft.com/devcontainers/python": "managed",
    "mcr.microsoft.com/vscode/devcontainers/python": "managed",
    "continuumio/miniconda3": "conda",
    "continuumio/anaconda3": "conda",
    "condaforge/miniforge3": "conda",
    "condaforge/mambaforge": "conda",
    "mambaorg/micromamba": "conda",
    # CircleCI's convenience image: pyenv's Python, owned by the image's user `circleci`.
    "cimg/python": "managed",
}
_VENDOR_DISTRO = {"cimg/python": "ubuntu"}
_VENDOR_USER = {"cimg/python": "circleci", "mambaorg/micromamba": "mambauser"}


def _vendor_image(name: str, tag: str) -> Platform | None:
    """Images that are not Docker official images: a known Python image, or one whose name
    or tag says its distro (`nvidia/cuda:12.2.2-devel-ubuntu22.04`,
    `marketplace.gcr.io/google/ubuntu2404`, `mcr.microsoft.com/devcontainers/base:bookworm`)."""
    python = _VENDOR_PYTHON.get(name)
    distro = _distro_in(name.rsplit("/", 1)[-1]) or _distro_in(tag)
    if python is not None:
        base = distro or Platform(_VENDOR_DISTRO.get(name, "debian"), None, "dash")
        return base._replace(
            python=python,
            externally_managed=None,
            default_user=_VENDOR_USER.get(name, "root"),
        )
    return distro


_DEBIAN_EXTERNALLY_MANAGED = {
    "bookworm": True,
    "trixie": True,
    "forky": True,
    "sid": True,
    "testing": True,
    "unstable": True,
    "stable": True,
    "latest": True,
    "12": True,
    "13": True,
    "14": True,
    "bullseye": False,
    "buster": False,
    "stretch": False,
    "jessie": False,
    "11": False,
    "10": False,
    "9": False,
    "8": False,
}
_UBUNTU_CODENAMES = {
    "bionic": False,
    "focal": False,
    "jammy": False,
    "kinetic": False,
    "lunar": True,
    "mantic": True,
    "noble": True,
    "oracular": True,
    "plucky": True,
    "questing": True,
    "resolute": True,
    "latest": True,
    "rolling": True,
    "devel": True,
}
_CODENAME_DISTRO = {
    name: "debian" for name in ("bookworm", "trixie", "bullseye", "buster", "stretch")
}
_CODENAME_DISTRO.update(
    {
        name: "ubuntu"
        for name in ("bionic", "focal", "jammy", "noble", "lunar", "mantic", "oracular", "plucky")
    }
)
_RHEL_LIKE = frozenset(
    {"fedora", "centos", "rockylinux", "almalinux", "oraclelinux", "amazonlinux"}
)


def _ubuntu(tag: str) -> bool | None:
    version = re.match(r"(\d\d)\.(\d\d)", tag)
    if version:
        return (int(version.group(1)), int(version.group(2))) >= (23, 4)
    return _UBUNTU_CODENAMES.get(tag.split("-", 1)[0])


def _debian(tag: str) -> bool | None:
    head = tag.split("-", 1)[0]
    major = re.match(r"(\d+)(\.\d+)*$", head)
    if major:
        return int(major.group(1)) >= 12
    return _DEBIAN_EXTERNALLY_MANAGED.get(head)


def _alpine(version: str) -> bool | None:
    if version in ("", "latest", "edge"):
        return True
    match = re.match(r"(\d+)\.(\d+)", version)
    if match:
        return (int(match.group(1)), int(match.group(2))) >= (3, 19)
    return None


def _distro_in(text: str) -> Platform | None:
    """The distro a tag or image name states: `20-bookworm`, `1.22-alpine3.20`,
    `12.6.2-runtime-ubuntu24.04`, `ubuntu2404`, `debian12`."""
    alpine = re.search(r"(?:^|[-_])alpine(\d+\.\d+)?(?:[-_]|$)", text)
    if alpine:
        return Platform("alpine", _alpine(alpine.group(1) or ""), "ash")
    ubuntu = re.search(r"(?:^|[-_])ubuntu-?(\d\d)\.?(\d\d)(?:[-_.]|$)", text)
    if ubuntu:
        return Platform("ubuntu", _ubuntu(f"{ubuntu.group(1)}.{ubuntu.group(2)}"), "dash")
    debian = re.search(r"(?:^|[-_])debian-?(\d+)(?:[-_.]|$)", text)
    if debian:
        return Platform("debian", _debian(debian.group(1)), "dash")
    for token in re.split(r"[-_.]", text):
        distro = _CODENAME_DISTRO.get(token)
        if distro == "debian":
            return Platform("debian", _DEBIAN_EXTERNALLY_MANAGED.get(token), "dash")
        if distro == "ubuntu":
            return Platform("ubuntu", _UBUNTU_CODENAMES.get(token), "dash")
    return None


def classify(ref: str) -> Platform | None:
    if "$" in ref or "{" in ref or "%" in ref:
        return None  # a template or an ARG: unknown
    name, tag = split_reference(ref)
    if "/" in name:
        return _vendor_image(name, tag)
    if name in ("python", "pypy"):
        if "windowsservercore" in tag or "nanoserver" in tag:
            return Platform(None, False, None, "official", windows=True)
        alpine = "alpine" in tag
        return Platform(
            "alpine" if alpine else "debian", False, "ash" if alpine else "dash", "official"
        )
    if name == "debian":
        return Platform("debian", _debian(tag), "dash")
    if name == "ubuntu":
        return Platform("ubuntu", _ubuntu(tag), "dash")
    if name == "alpine":
        return Platform("alpine", _alpine(tag), "ash")
    if name in _RHEL_LIKE:
        return Platform("fedora" if name == "fedora" else "rhel", False, "bash")
    if name == "archlinux":
        return Platform("arch", True, "bash")
    return _distro_in(tag)
