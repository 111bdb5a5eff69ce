"""Environment facts: base images classified by what their reference says (official images
behind any registry path, vendor images that name their distro, known Python images) and
hosted runners by their label; what is not known stays unknown."""

from __future__ import annotations

import pytest

from pipwarden.environments import (
    DISTROS,
    UNKNOWN,
    facts,
    image,
    release_named,
    resolve,
    runner,
)
from pipwarden.environments import RUNNERS as RUNNERS_BY_LABEL

# reference → (distro, the distro's python3 marked externally managed, the image's own
# Python, default user)
IMAGES = {
    "python:3.12-slim": ("debian", True, "official", "root"),
    "docker.io/library/python:3.12": ("debian", True, "official", "root"),
    "public.ecr.aws/docker/library/python:3.12-slim": ("debian", True, "official", "root"),
    "python:3.11-slim-bullseye": ("debian", False, "official", "root"),
    "mirror.gcr.io/library/debian:12": ("debian", True, None, "root"),
    "ubuntu:22.04": ("ubuntu", False, None, "root"),
    "ubuntu:noble": ("ubuntu", True, None, "root"),
    "ubuntu:noble-20240423": ("ubuntu", True, None, "root"),
    "debian:bullseye-slim": ("debian", False, None, "root"),
    "debian:trixie": ("debian", True, None, "root"),
    "debian:oldstable-slim": ("debian", True, None, "root"),
    "debian:oldoldstable": ("debian", False, None, "root"),
    "ubuntu:stonking": ("ubuntu", True, None, "root"),
    "alpine:3.18": ("alpine", False, None, "root"),
    "alpine:3.20": ("alpine", True, None, "root"),
    "archlinux:latest": ("arch", True, None, "root"),
    "opensuse/tumbleweed": ("opensuse", True, None, "root"),
    "fedora:40": ("fedora", None, None, "root"),
    "rockylinux:9": ("rhel", None, None, "root"),
    "nvidia/cuda:12.2.2-devel-ubuntu22.04": ("ubuntu", False, None, "root"),
    "nvidia/cuda:12.6.2-runtime-ubuntu24.04": ("ubuntu", True, None, "root"),
    "nvcr.io/nvidia/cuda:12.6.2-devel-ubuntu24.04": ("ubuntu", True, None, "root"),
    "nvidia/cuda:12.2.2-devel-rockylinux8": ("rhel", None, None, "root"),
    "nvidia/cuda:12.4.1-runtime-ubi9": ("rhel", None, None, "root"),
    "nvidia/cuda:latest": None,
    "intel/oneapi-basekit:2024.0.1-devel-ubuntu22.04": ("ubuntu", False, "unknown", "root"),
    "marketplace.gcr.io/google/ubuntu2404": ("ubuntu", True, "unknown", "root"),
    "mcr.microsoft.com/devcontainers/base:bookworm": ("debian", True, None, "root"),
    "mcr.microsoft.com/devcontainers/base:ubuntu-22.04": ("ubuntu", False, None, "root"),
    "mcr.microsoft.com/devcontainers/base:ubuntu-24.04": ("ubuntu", True, None, "root"),
    "mcr.microsoft.com/devcontainers/base:ubuntu": ("ubuntu", True, None, "root"),
    "mcr.microsoft.com/devcontainers/base:latest": ("debian", True, None, "root"),
    "mcr.microsoft.com/devcontainers/python:3.12": ("debian", True, "official", "root"),
    "mcr.microsoft.com/devcontainers/python:1-3.12-bookworm": ("debian", True, "official", "root"),
    "mcr.microsoft.com/vscode/devcontainers/python:3.10": ("debian", True, "official", "root"),
    "mcr.microsoft.com/vscode/devcontainers/python:0-3.10-bullseye": (
        "debian",
        False,
        "official",
        "root",
    ),
    "node:20-bookworm": ("debian", True, None, "root"),
    "golang:1.22-alpine3.18": ("alpine", False, None, "root"),
    "cimg/python:3.12": ("ubuntu", False, "managed", "circleci"),
    "cimg/base:current-24.04": ("ubuntu", True, None, "circleci"),
    "cimg/base:2026.08-22.04": ("ubuntu", False, None, "circleci"),
    "cimg/base:current": None,
    "continuumio/miniconda3:24.1.2-0": ("debian", True, "conda", "root"),
    "mambaorg/micromamba:1.5": ("debian", True, None, "mambauser"),
    "ghcr.io/org/img@sha256:0123": None,
    "quay.io/jupyter/scipy-notebook": None,
    "localhost:5000/x:1": None,
    "$BASE_IMAGE": None,
    "%%BASE_IMAGE%%": None,
    "{{ base }}": None,
}


@pytest.mark.parametrize("reference", sorted(IMAGES))
def test_image(reference: str) -> None:
    environment = image(reference)
    expected = IMAGES[reference]
    if expected is None:
        assert environment is None
        return
    assert environment is not None
    own = environment.pythons[0].origin if environment.pythons else None
    found = (environment.distro, environment.externally_managed, own, environment.default_user)
    assert found == expected
    assert environment.source.startswith("https://")


# label → (the Python `pip3` belongs to, marked externally managed, pip told to ignore it)
RUNNERS = {
    "ubuntu-latest": ("distro", True, True),
    "ubuntu-24.04": ("distro", True, True),
    "ubuntu-24.04-arm": ("distro", True, True),
    "ubuntu-22.04": ("distro", False, False),
    "macos-latest": ("homebrew", True, False),
    "macos-14": ("homebrew", True, False),
    "macos-15-intel": ("homebrew", True, False),
    "macOS-latest": ("homebrew", True, False),
    "windows-latest": ("toolcache", False, False),
    "windows-2022": ("toolcache", False, False),
    "self-hosted": None,
    "ubuntu-20.04": ("distro", False, False),  # retired, still named by workflows
    "my-runner-group": None,
}


@pytest.mark.parametrize("label", sorted(RUNNERS))
def test_runner(label: str) -> None:
    environment = runner(label)
    expected = RUNNERS[label]
    if expected is None:
        assert environment is None
        return
    assert environment is not None and environment.hosted
    assert environment.pythons is not None
    pip3 = resolve(environment.pythons, "pip3")
    assert pip3 is not None
    assert (pip3.origin, pip3.externally_managed, pip3.marker_overridden) == expected
    assert environment.source == "https://github.com/actions/runner-images"


def test_unknown_pythons_hide_what_comes_after_them() -> None:
    environment = image("intel/oneapi-basekit:2024.0.1-devel-ubuntu22.04")
    assert environment is not None and environment.pythons == (UNKNOWN,)
    assert environment.distro_python is not None
    assert resolve((UNKNOWN, environment.distro_python.with_pip()), "pip3") is None
    assert resolve((environment.distro_python.with_pip(),), "pip3") is not None


# label → (its default Python's version, `python` on PATH, the job's user)
RUNNER_FACTS = {
    "ubuntu-24.04": ("3.12", True, "runner"),
    "ubuntu-22.04": ("3.10", True, "runner"),  # python-is-python3 (Ubuntu2204-Readme.md)
    "ubuntu-20.04": ("3.8", True, "runner"),
    "windows-latest": ("3.12", True, "runneradmin"),  # an administrator, UAC off
    "windows-11-arm": ("3.13", True, "runneradmin"),  # toolset-win-11-arm64.json
    "windows-11-vs2026-arm": ("3.13", True, "runneradmin"),
    "windows-2019": ("3.9", True, "runneradmin"),  # toolset-2019.json, retired
}


@pytest.mark.parametrize("label", sorted(RUNNER_FACTS))
def test_runner_facts(label: str) -> None:
    environment = runner(label)
    assert environment is not None and environment.pythons
    first = environment.pythons[0]
    found = (first.version, first.runs("python"), environment.default_user)
    assert found == RUNNER_FACTS[label]


# reference → (the SHELL RUN runs in, whether `sudo` is installed)
IMAGE_SHELLS = {
    "cimg/python:3.12": (("/bin/bash", "-exo", "pipefail", "-c"), True),
    "cimg/base:current-24.04": (("/bin/bash", "-exo", "pipefail", "-c"), True),
    "mambaorg/micromamba:1.5.8": (("/bin/bash", "-o", "pipefail", "-c"), False),
    "python:3.12": (None, False),
    "debian:bookworm": (None, False),
    "ubuntu:24.04": (None, False),
    "alpine:3.20": (None, False),
    "nvidia/cuda:12.6.2-runtime-ubuntu24.04": (None, False),
    "mcr.microsoft.com/devcontainers/base:bookworm": (None, True),
    "mcr.microsoft.com/devcontainers/python:3.12": (None, True),
    "fedora:40": (None, None),
    "intel/oneapi-basekit:2024.0.1-devel-ubuntu22.04": (None, None),
}


@pytest.mark.parametrize("reference", sorted(IMAGE_SHELLS))
def test_image_shell_and_sudo(reference: str) -> None:
    environment = image(reference)
    assert environment is not None
    assert (environment.shell, environment.sudo) == IMAGE_SHELLS[reference]


def test_non_slim_python_images_carry_debians_python_after_their_own() -> None:
    full = image("python:3.12-bookworm")
    assert full is not None and full.pythons is not None
    debian = resolve(full.pythons, "python3.11")
    assert debian is not None and debian.origin == "distro" and debian.externally_managed
    assert resolve(full.pythons, "python3").origin == "official"  # type: ignore[union-attr]
    slim = image("python:3.12-slim-bookworm")
    assert slim is not None and slim.pythons is not None
    assert resolve(slim.pythons, "python3.11") is None


def test_every_fact_names_its_source_and_when_it_was_checked() -> None:
    """A row without a source (or a date) is a fact nobody can recheck."""
    for row in facts():
        *_, source, checked = row
        assert source and all(s.startswith("https://") for s in source.split(", ")), row
        assert checked, row
    for environment in RUNNERS_BY_LABEL.values():
        assert environment.source.startswith("https://"), environment.name
    for name, distro in DISTROS.items():
        assert distro.source.startswith("https://"), name


# reference → (Windows, the shell RUN runs in: None for Docker's Windows default, cmd)
WINDOWS_IMAGES = {
    "mcr.microsoft.com/windows/servercore:ltsc2022": (True, None),
    "mcr.microsoft.com/windows/nanoserver:1809": (True, None),
    "mcr.microsoft.com/windows/servercore-insider": (True, None),
    "mcr.microsoft.com/windows/servercore/insider:10.0.20348.1": (True, None),
    "mcr.microsoft.com/windows:20H2": (True, None),
    "python:3.12-windowsservercore-ltsc2022": (True, "powershell"),
    "python:3.11-windowsservercore": (True, "powershell"),
}


@pytest.mark.parametrize("reference", sorted(WINDOWS_IMAGES))
def test_windows_images_and_their_run_shell(reference: str) -> None:
    environment = image(reference)
    assert environment is not None
    shell = environment.shell[0] if environment.shell else None
    assert (environment.windows, shell) == WINDOWS_IMAGES[reference]
    assert environment.distro == "windows"


def test_a_release_check_names_a_release_by_codename_or_number_only() -> None:
    assert [release_named(t).name for t in ("noble", "bookworm", "24.04", "12")] == [  # type: ignore[union-attr]
        "ubuntu:noble",
        "debian:bookworm",
        "ubuntu:24.04",
        "debian:12",
    ]
    # `latest` and a moving codename say no release.
    assert release_named("latest") is None
    assert release_named("sid") is None
