"""Base images classified by what their reference says: official images behind any registry
path, vendor images that name their distro, known Python images; unknown stays unknown."""

from __future__ import annotations

import pytest

from pipwarden.images import classify

# reference → (distro, externally managed, the image's Python, default user)
TABLE = {
    "python:3.12-slim": ("debian", False, "official", "root"),
    "docker.io/library/python:3.12": ("debian", False, "official", "root"),
    "public.ecr.aws/docker/library/python:3.12-slim": ("debian", False, "official", "root"),
    "mirror.gcr.io/library/debian:12": ("debian", True, None, "root"),
    "ubuntu:22.04": ("ubuntu", False, None, "root"),
    "ubuntu:noble": ("ubuntu", True, None, "root"),
    "debian:bullseye-slim": ("debian", False, None, "root"),
    "nvidia/cuda:12.2.2-devel-ubuntu22.04": ("ubuntu", False, None, "root"),
    "nvidia/cuda:12.6.2-runtime-ubuntu24.04": ("ubuntu", True, None, "root"),
    "intel/oneapi-basekit:2024.0.1-devel-ubuntu22.04": ("ubuntu", False, None, "root"),
    "marketplace.gcr.io/google/ubuntu2404": ("ubuntu", True, None, "root"),
    "mcr.microsoft.com/devcontainers/base:bookworm": ("debian", True, None, "root"),
    "mcr.microsoft.com/devcontainers/base:ubuntu-22.04": ("ubuntu", False, None, "root"),
    "mcr.microsoft.com/devcontainers/python:3.12": ("debian", None, "managed", "root"),
    "mcr.microsoft.com/devcontainers/python:1-3.12-bookworm": ("debian", None, "managed", "root"),
    "node:20-bookworm": ("debian", True, None, "root"),
    "golang:1.22-alpine3.18": ("alpine", False, None, "root"),
    "cimg/python:3.12": ("ubuntu", None, "managed", "circleci"),
    "continuumio/miniconda3:24.1.2-0": ("debian", None, "conda", "root"),
    "ghcr.io/org/img@sha256:0123": None,
    "quay.io/jupyter/scipy-notebook": None,
    "localhost:5000/x:1": None,
    "$BASE_IMAGE": None,
    "%%BASE_IMAGE%%": None,
    "{{ base }}": None,
}


@pytest.mark.parametrize("reference", sorted(TABLE))
def test_image(reference: str) -> None:
    platform = classify(reference)
    expected = TABLE[reference]
    if expected is None:
        assert platform is None
    else:
        assert platform is not None
        found = (
            platform.distro,
            platform.externally_managed,
            platform.python,
            platform.default_user,
        )
        assert found == expected
