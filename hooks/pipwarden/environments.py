"""What the places a file's commands run in hold: hosted CI runners and base images.

Each row is a fact with its source: which Pythons an environment has and in which order PATH
finds them, whether a Python carries the PEP 668 `EXTERNALLY-MANAGED` marker (and whether pip
is configured to ignore it), who may write its site-packages, what /bin/sh is. Where a fact
changed over time the row says since when. Anything no row describes is unknown, and the
rules that would need it stay silent.

The analysis and the Dockerfile front-end read this module; it imports neither them nor the
rules. Adding an image family or a runner is adding a row (and a fixture where it is marked,
another where it is not).
"""

from __future__ import annotations

import re

from pipwarden.model import Span
from pipwarden.record import Record


class Python(Record):
    """One Python of an environment."""

    # Where it comes from: "distro" (the OS's packages), "homebrew", "official" (docker
    # official python images), "conda", "toolcache" (a CI runner's, or setup-python's),
    # "managed" (an image's Python meant to take installs), "pyenv", "source" (built here).
    origin: str
    # The names on PATH that run it or its pip (`python3`, `python3.12`, `pip3`, ...).
    commands: frozenset[str]
    version: str | None = None
    # Its standard library carries EXTERNALLY-MANAGED (PEP 668): pip refuses to install outside
    # a venv. None: not known.
    externally_managed: bool | None = None
    # pip's own configuration turns the refusal off (`break-system-packages = true` in
    # /etc/pip.conf), so installs go through.
    marker_overridden: bool = False
    # Who may write its site-packages.
    site_owner: str | None = "root"
    # Where the file installed it (an apt line, a build), and where it gave it its pip (a
    # pip package, get-pip, ensurepip), if it did.
    installed_at: Span | None = None
    pip_from: Span | None = None

    def runs(self, command: str) -> bool:
        return command in self.commands

    @property
    def has_pip(self) -> bool:
        return any(name.startswith("pip") for name in self.commands)

    def with_pip(self, at: Span | None = None) -> Python:
        """This Python once its pip is installed (by the command at `at`): `pip`, `pip3` and
        `pip3.X` beside each `python3`/`python3.X` (Debian's python3-pip ships /usr/bin/pip,
        pip3 and pip3.11)."""
        pips = {"pip"} | {
            "pip" + name[len("python") :] for name in self.commands if name.startswith("python")
        }
        return self._replace(commands=self.commands | pips, pip_from=at or self.pip_from)


class Environment(Record):
    """A hosted runner image, or a base image of one release."""

    name: str
    # "debian", "ubuntu", "kali", "alpine", "fedora", "rhel", "arch", "opensuse", "macos",
    # "windows", or None.
    distro: str | None
    # What /bin/sh is: "dash", "ash", "bash", or None.
    sh: str | None
    # Its Pythons in the order PATH finds them; None when not known (an image that names only
    # its distro may still carry a Python of its own).
    pythons: tuple[Python, ...] | None
    # The Python the distro's package manager installs (`apt-get install python3-pip`).
    distro_python: Python | None
    default_user: str | None = "root"
    windows: bool = False
    # A CI service's disposable machine: a job gets a fresh one.
    hosted: bool = False
    source: str = ""
    since: str | None = None
    # The SHELL its image configures for RUN (BuildKit starts each stage from the base
    # image's config and runs shell-form RUN with its `Config.Shell`: dockerfile2llb
    # convert.go `withShell`); None: Docker's default, `/bin/sh -c`.
    shell: tuple[str, ...] | None = None
    # Whether a `sudo` command is installed; None: not known.
    sudo: bool | None = None
    # Users for whom a pip that cannot write site-packages falling back to a user install is
    # the image's own way: their home exists and their shells put ~/.local/bin on PATH.
    user_installs: tuple[str, ...] = ()

    @property
    def externally_managed(self) -> bool | None:
        """Whether the distro's own Python is marked externally managed (PEP 668)."""
        return self.distro_python.externally_managed if self.distro_python else None

    @property
    def python(self) -> str | None:
        """The origin of the Python that `python3` and `pip` find first, if the image has one
        that is known."""
        first = self.pythons[0] if self.pythons else None
        return first.origin if first is not None and first.origin != "unknown" else None


# Stands for Pythons nothing here knows of (an unknown host, an image that may bring its own):
# a name not found before it is not found at all.
UNKNOWN = Python("unknown", frozenset())


def resolve(pythons: tuple[Python, ...], command: str) -> Python | None:
    """The Python a command found through PATH (`pip3`, `python3.11`) belongs to, if the
    environment shows it."""
    for python in pythons:
        if python is UNKNOWN:
            return None
        if python.runs(command):
            return python
    return None


def _commands(*names: str) -> frozenset[str]:
    return frozenset(names)


def _cpython(origin: str, version: str, *extra: str, **facts: object) -> Python:
    """A Python whose `pythonX.Y`/`pipX.Y` and `python3`/`pip3` (and `extra` names) are on
    PATH."""
    major = version.split(".")[0]
    names = {f"python{version}", f"python{major}", f"pip{version}", f"pip{major}", *extra}
    return Python(origin, frozenset(names), version, **facts)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Distributions: the Python their package manager installs, by release.


class Distro(Record):
    name: str
    sh: str | None
    # The first release whose python3 carries EXTERNALLY-MANAGED, as a version tuple; None:
    # no release is known to.
    marked_since: tuple[int, ...] | None
    # Release names a tag may use, as versions (rolling names are the newest).
    codenames: dict[str, tuple[int, ...]]
    # The python3 version of a release, where a fix or a message names it.
    python: dict[tuple[int, ...], str]
    source: str
    # Whether its images ship a `sudo` command; None: not known.
    sudo: bool | None = None


_NEWEST = (99,)
DISTROS: dict[str, Distro] = {
    "debian": Distro(
        "debian",
        "dash",
        (12,),
        {
            "jessie": (8,),
            "stretch": (9,),
            "buster": (10,),
            "bullseye": (11,),
            "bookworm": (12,),
            "trixie": (13,),
            "forky": (14,),
            "sid": _NEWEST,
            "testing": _NEWEST,
            "unstable": _NEWEST,
            "stable": (13,),
            "latest": (13,),
            # docker-library/official-images library/debian@37079fb3: `oldstable`,
            # `oldoldstable` tags.
            "oldstable": (12,),
            "oldoldstable": (11,),
        },
        {(11,): "3.9", (12,): "3.11", (13,): "3.13"},
        # Debian's python3.11 (3.11.1-3 / 3.11.2-1, bookworm) declares itself externally
        # managed: https://discuss.python.org/t/10302/69; on Debian 12, `dpkg -S
        # EXTERNALLY-MANAGED` gives libpython3.11-stdlib. Older releases ship pip < 23.0, which
        # does not read the marker (pip NEWS 23.0). /bin/sh is dash:
        # https://binarycontrol.debian.net/cache/testing/dash/control
        "https://discuss.python.org/t/pep-668-marking-python-base-environments-as-externally-managed/10302/69",
        # No sudo in the image: debuerreotype/docker-debian-artifacts (dist-amd64@f5527c9b)
        # trixie/rootfs.manifest and bookworm/slim/rootfs.manifest list dash and bash, no sudo.
        sudo=False,
    ),
    "ubuntu": Distro(
        "ubuntu",
        "dash",
        (23, 4),
        {
            "xenial": (16, 4),
            "bionic": (18, 4),
            "focal": (20, 4),
            "jammy": (22, 4),
            "kinetic": (22, 10),
            "lunar": (23, 4),
            "mantic": (23, 10),
            "noble": (24, 4),
            "oracular": (24, 10),
            "plucky": (25, 4),
            "questing": (25, 10),
            "resolute": (26, 4),
            "stonking": (26, 10),  # library/ubuntu: `26.10, stonking, devel`
            "latest": _NEWEST,
            "rolling": _NEWEST,
            "devel": _NEWEST,
        },
        {(20, 4): "3.8", (22, 4): "3.10", (24, 4): "3.12", (26, 4): "3.14"},
        # "This will carry into Ubuntu 23.04 ("lunar") too" (same post); 24.04's
        # libpython3.12-stdlib owns /usr/lib/python3.12/EXTERNALLY-MANAGED
        # (actions/runner-images#10781). /bin/sh is dash since 6.10:
        # https://wiki.ubuntu.com/DashAsBinSh
        "https://discuss.python.org/t/pep-668-marking-python-base-environments-as-externally-managed/10302/69",
        # The ubuntu image is the minimal ubuntu-base rootfs, without sudo: runner-images'
        # ubuntu-slim Dockerfile (FROM ubuntu:24.04) must apt-install `sudo` itself.
        sudo=False,
    ),
    "alpine": Distro(
        "alpine",
        "ash",
        (3, 19),
        {"latest": _NEWEST, "edge": _NEWEST},
        {},
        # alpinelinux/docker-alpine#361 (2023-12-08): `docker run alpine:3.19.0 ... pip
        # install` → externally-managed-environment; pypa/pip#12429: 3.18 still worked.
        "https://github.com/alpinelinux/docker-alpine/issues/361",
        # The minirootfs' lib/apk/db/installed (docker-alpine v3.20) lists no sudo.
        sudo=False,
    ),
    "arch": Distro(
        "arch",
        "bash",
        (0,),
        {"latest": _NEWEST, "base": _NEWEST, "base-devel": _NEWEST},
        {},
        # Marked since python 3.11.3-2 (June 2023), which every current image has:
        # https://bugs.archlinux.org/task/78413
        "https://bugs.archlinux.org/task/78413",
    ),
    "opensuse": Distro(
        "opensuse",
        "bash",
        (0,),
        {"latest": _NEWEST, "tumbleweed": _NEWEST},
        {},
        # Tumbleweed's python311 refuses with "try zypper install python311-xyz" (reported
        # 2023-09-25, davidhi7/ddcci-plasmoid#31). Leap is not known, so only Tumbleweed
        # images use this row.
        "https://github.com/davidhi7/ddcci-plasmoid/issues/31",
    ),
    "kali": Distro(
        "kali",
        "dash",
        (0,),
        {"latest": _NEWEST},
        {},
        # Kali rolling and its releases refuse system-wide pip installs: image builds FROM
        # kalilinux/kali-rolling stop with "If you wish to install a non-Kali-packaged Python
        # package" (python3.13; Z4nzu/hackingtool#562, 2025-08; yashab-cyber/HackGpt#1,
        # 2025-11), as Kali announced for its Python 3.12
        # (https://www.kali.org/blog/python-externally-managed/). Debian testing underneath:
        # /bin/sh is dash.
        "https://github.com/Z4nzu/hackingtool/pull/562",
    ),
    "fedora": Distro(
        "fedora",
        "bash",
        None,
        {"latest": _NEWEST, "rawhide": _NEWEST},
        {},
        # The change that would mark it is still "proposed":
        # https://fedoraproject.org/wiki/Changes/PythonMarkExternallyManaged ; Fedora sends
        # `sudo pip` installs to /usr/local instead (Changes/Making_sudo_pip_safe).
        "https://fedoraproject.org/wiki/Changes/PythonMarkExternallyManaged",
    ),
    "rhel": Distro(
        "rhel",
        "bash",
        None,
        {"latest": _NEWEST},
        {},
        # Fedora's packaging lineage; no marker is known (unverified either way).
        "https://fedoraproject.org/wiki/Changes/PythonMarkExternallyManaged",
    ),
}
# Image repositories that are these distributions.
_DISTRO_IMAGES = {
    "debian": "debian",
    "ubuntu": "ubuntu",
    "alpine": "alpine",
    "archlinux": "arch",
    "opensuse/tumbleweed": "opensuse",
    "kalilinux/kali-rolling": "kali",
    "kalilinux/kali-last-release": "kali",
    "fedora": "fedora",
    "centos": "rhel",
    "rockylinux": "rhel",
    "rockylinux/rockylinux": "rhel",
    "almalinux": "rhel",
    "oraclelinux": "rhel",
    "amazonlinux": "rhel",
    "redhat/ubi8": "rhel",
    "redhat/ubi9": "rhel",
}


def _version(text: str) -> tuple[int, ...] | None:
    match = re.match(r"(\d+)(?:\.(\d+))?", text)
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def _release(distro: Distro, tag: str) -> tuple[int, ...] | None:
    """The release a tag names: `24.04`, `noble-20240423`, `12.6-slim`, `bookworm`,
    `3.20.1`; None when it names none."""
    head = tag.split("-", 1)[0]
    if head in distro.codenames:
        return distro.codenames[head]
    first = tag.split("-", 1)[0].split("_", 1)[0]
    return _version(first) if first[:1].isdigit() else None


def distro_release(name: str, tag: str) -> Environment | None:
    """The environment of a distribution image (`ubuntu:24.04`, `debian:bookworm-slim`)."""
    distro = DISTROS.get(name)
    if distro is None:
        return None
    release = _release(distro, tag)
    marked: bool | None = None
    if distro.marked_since is not None and release is not None:
        if distro.name == "ubuntu" and len(release) == 1:
            release = (release[0], 4)
        marked = release >= distro.marked_since
    elif distro.marked_since is None and distro.name in ("fedora", "rhel"):
        marked = None
    version = (distro.python.get(release) or distro.python.get(release[:1])) if release else None
    names = ["python3", *(["python" + version] if version else [])]
    python = Python("distro", frozenset(names), version, marked)
    return Environment(
        f"{name}:{tag}", distro.name, distro.sh, (), python, source=distro.source, sudo=distro.sudo
    )


def release_named(text: str) -> Environment | None:
    """The Debian or Ubuntu release a script's own check names (`/etc/os-release`'s
    VERSION_ID or VERSION_CODENAME, `lsb_release -rs` or `-cs`): a codename (`noble`,
    `bookworm`) or a number (`24.04` is Ubuntu's, `12` Debian's)."""
    name = text.lower()
    named = _codename_release(name)
    if named is not None:
        return named
    if re.fullmatch(r"\d{2}\.(?:04|10)", name):
        return distro_release("ubuntu", name)
    if re.fullmatch(r"\d{1,2}(?:\.\d+)?", name) and int(name.split(".")[0]) < 20:
        return distro_release("debian", name)
    return None


def _distro_in(text: str) -> Environment | None:
    """The distro a tag or an image name states: `20-bookworm`, `1.22-alpine3.20`,
    `12.6.2-runtime-ubuntu24.04`, `ubuntu2404`, `debian12`."""
    alpine = re.search(r"(?:^|[-_])alpine(\d+\.\d+)?(?:[-_]|$)", text)
    if alpine:
        return distro_release("alpine", alpine.group(1) or "latest")
    ubuntu = re.search(r"(?:^|[-_])ubuntu-?(\d\d)\.?(\d\d)(?:[-_.]|$)", text)
    if ubuntu:
        return distro_release("ubuntu", f"{ubuntu.group(1)}.{ubuntu.group(2)}")
    debian = re.search(r"(?:^|[-_])debian-?(\d+)(?:[-_.]|$)", text)
    if debian:
        return distro_release("debian", debian.group(1))
    # nvidia/cuda's `-rockylinux8`, `-ubi9`, `-oraclelinux8`, `-centos7`: RHEL's family.
    rhel = re.search(r"(?:^|[-_])(?:rockylinux|ubi|oraclelinux|centos|rhel|almalinux)(\d+)", text)
    if rhel:
        return distro_release("rhel", rhel.group(1))
    for token in re.split(r"[-_.]", text):
        named = _codename_release(token)
        if named is not None:
            return named
    return None


def _codename_release(token: str) -> Environment | None:
    """The Debian or Ubuntu release a codename names (`bookworm`, `noble`); not `latest` nor
    a moving name, which say no release."""
    for distro in ("debian", "ubuntu"):
        codenames = DISTROS[distro].codenames
        if token in codenames and codenames[token] != _NEWEST and token != "latest":
            return distro_release(distro, token)
    return None


# --------------------------------------------------------------------------------------------
# Images that bring a Python of their own

# docker-library/python (Dockerfile-linux.template@4f070595): CPython built from source into
# /usr/local with ensurepip, `python`/`pip` linked to `python3`/`pip3`, `ENV PATH
# /usr/local/bin:$PATH`, no EXTERNALLY-MANAGED, no USER (root), no sudo (`git grep sudo`
# finds none in the templates or in buildpack-deps).
_OFFICIAL_SOURCE = "https://github.com/docker-library/python/blob/master/Dockerfile-linux.template"
# The Windows variants (3.12/windows/windowsservercore-ltsc2022/Dockerfile@0d563832): FROM
# mcr.microsoft.com/windows/servercore, `SHELL ["powershell", "-Command",
# "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]`, which the
# image's config keeps for RUN in images built FROM it; CPython in C:\Python, on PATH.
_OFFICIAL_WINDOWS_SOURCE = (
    "https://github.com/docker-library/python/blob/master/Dockerfile-windows.template"
)
_OFFICIAL_WINDOWS_SHELL = (
    "powershell",
    "-Command",
    "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';",
)
# Microsoft's Windows base images: Server Core, Nano Server, Server and Windows. No Python,
# no SHELL of their own, so RUN is Docker's Windows default `cmd /S /C` ("The default shell
# on Windows is ["cmd", "/S", "/C"]", Dockerfile reference, SHELL). Who RUN runs as differs
# (ContainerAdministrator, Nano Server's ContainerUser): not assumed.
_WINDOWS_BASE_SOURCE = "https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/container-base-images"
_WINDOWS_BASE_IMAGES = frozenset(
    {
        "mcr.microsoft.com/windows/servercore",
        "mcr.microsoft.com/windows/nanoserver",
        "mcr.microsoft.com/windows/server",
        "mcr.microsoft.com/windows",
    }
)
_OFFICIAL = Python(
    "official", _commands("python", "python3", "pip", "pip3"), externally_managed=False
)
# The non-slim variants are `FROM buildpack-deps:<distro>`, which brings the distro's own
# python3 to /usr/bin, after /usr/local/bin on PATH: "In the non-slim variants there will be
# an additional (distro-provided) python executable at /usr/bin/python (and/or
# /usr/bin/python3)" (docker-library/docs python/content.md@c4a9ba41).
_OFFICIAL_VARIANTS = "https://github.com/docker-library/docs/blob/master/python/content.md"


def _official(name: str, tag: str) -> Environment:
    version = re.match(r"(\d+\.\d+)", tag)
    python = _OFFICIAL
    if version and name == "python":
        python = _cpython("official", version.group(1), "python", "pip", externally_managed=False)
    if "windowsservercore" in tag or "nanoserver" in tag:
        return Environment(
            f"{name}:{tag}",
            "windows",
            None,
            (python,),
            None,
            windows=True,
            source=_OFFICIAL_WINDOWS_SOURCE,
            shell=_OFFICIAL_WINDOWS_SHELL,
        )
    base = _distro_in(tag) or distro_release("alpine" if "alpine" in tag else "debian", "latest")
    assert base is not None
    pythons: tuple[Python, ...] = (python,)
    if name == "python" and base.distro == "debian" and "slim" not in tag and base.distro_python:
        pythons += (base.distro_python,)
    return base._replace(name=f"{name}:{tag}", pythons=pythons, source=_OFFICIAL_SOURCE)


class VendorImage(Record):
    python: Python | None  # None: the image has no Python of its own (micromamba)
    distro: str  # where the tag does not name another
    user: str
    source: str
    # The release (a tag of `distro`) of tags that name none; None: such a tag is unknown.
    release: str | None = "latest"
    # A tag's end that names a release of `distro` in the vendor's words (`current-24.04`).
    release_suffix: str | None = None
    shell: tuple[str, ...] | None = None
    sudo: bool | None = None
    # Tags that name a distro in the vendor's own words: tag → (distro, its tag).
    tags: dict[str, tuple[str, str]] | None = None


_CONDA = Python("conda", _commands("python", "python3", "pip", "pip3"), externally_managed=False)
# CircleCI's cimg/base (Dockerfile.template, 22.04/Dockerfile and 24.04/Dockerfile line 10):
# `SHELL ["/bin/bash", "-exo", "pipefail", "-c"]`, which every cimg/* image inherits;
# `useradd ... circleci`, `circleci ALL=NOPASSWD: ALL`, `USER circleci`.
_CIMG_SHELL = ("/bin/bash", "-exo", "pipefail", "-c")
_CIMG_RELEASE = r"(?:^|-)(\d\d\.\d\d)$"
_DEVCONTAINER_BASE_TAGS = {
    # devcontainers/images src/base-ubuntu and src/base-debian manifest.json: `base:ubuntu`
    # is resolute (26.04), `base:debian` and `base:latest` trixie; src/base-alpine 3.23.
    "ubuntu": ("ubuntu", "26.04"),
    "debian": ("debian", "13"),
    "latest": ("debian", "13"),
    "alpine": ("alpine", "3.23"),
}
_VENDOR: dict[str, VendorImage] = {
    # Dev container bases (devcontainers/images@bed3eb26 src/base-debian, src/base-ubuntu:
    # `FROM buildpack-deps:${VARIANT}-curl` with the common-utils and git features only, so
    # no Python; no USER, so RUN is root's; common-utils main.sh gives `vscode` passwordless
    # sudo).
    "mcr.microsoft.com/devcontainers/base": VendorImage(
        None,
        "debian",
        "root",
        "https://github.com/devcontainers/images/tree/main/src/base-debian",
        release=None,
        sudo=True,
        tags=_DEVCONTAINER_BASE_TAGS,
    ),
    # The older name, built from microsoft/vscode-dev-containers (archived 2023-11-29):
    # containers/debian and ubuntu, common-debian.sh creates `vscode` with sudo.
    "mcr.microsoft.com/vscode/devcontainers/base": VendorImage(
        None,
        "debian",
        "root",
        "https://github.com/microsoft/vscode-dev-containers/tree/main/containers/debian",
        release=None,
        sudo=True,
    ),
    # ContinuumIO/docker-images miniconda3/debian/Dockerfile@dc64b234: /opt/conda, ENV PATH
    # /opt/conda/bin:$PATH, no USER, no sudo. PEP 668: "Conda environment: currently yes;
    # stays yes".
    "continuumio/miniconda3": VendorImage(
        _CONDA, "debian", "root", "https://github.com/ContinuumIO/docker-images", sudo=False
    ),
    "continuumio/anaconda3": VendorImage(
        _CONDA, "debian", "root", "https://github.com/ContinuumIO/docker-images", sudo=False
    ),
    # conda-forge/miniforge-images ubuntu/Dockerfile@841e405a: FROM ubuntu:noble,
    # CONDA_DIR=/opt/conda first on PATH, no USER; apt installs no sudo.
    "condaforge/miniforge3": VendorImage(
        _CONDA, "ubuntu", "root", "https://github.com/conda-forge/miniforge-images", sudo=False
    ),
    # No longer built ("Drop mambaforge and pypy images", 18d23d39, 2025-01-24); its last
    # Dockerfile was FROM ubuntu:focal-20241011.
    "condaforge/mambaforge": VendorImage(
        _CONDA,
        "ubuntu",
        "root",
        "https://github.com/conda-forge/miniforge-images/commit/18d23d396e0c",
        release="20.04",
        sudo=False,
    ),
    # mamba-org/micromamba-docker debian.Dockerfile@a815800c: `ARG BASE_IMAGE=debian:13-slim`,
    # USER mambauser, no sudo; "the mambaorg/micromamba images do not contain python"
    # (docs/quick_start.rst); `SHELL ["/usr/local/bin/_dockerfile_shell.sh"]`, a wrapper that
    # runs `exec bash -o pipefail -c "$@"`: RUN is bash.
    "mambaorg/micromamba": VendorImage(
        None,
        "debian",
        "mambauser",
        "https://github.com/mamba-org/micromamba-docker/blob/main/debian.Dockerfile",
        shell=("/bin/bash", "-o", "pipefail", "-c"),
        sudo=False,
    ),
    # NVIDIA's CUDA images install CUDA's packages on the distro their tag names (Ubuntu,
    # Rocky Linux, UBI, Oracle Linux), no Python, no sudo (dist/*/base/Dockerfile: gnupg2,
    # ca-certificates, cuda-cudart, cuda-compat). A tag that names none is unknown.
    "nvidia/cuda": VendorImage(
        None,
        "ubuntu",
        "root",
        "https://gitlab.com/nvidia/container-images/cuda",
        release=None,
        sudo=False,
    ),
    # CircleCI's Python image: pyenv's Python, owned by `circleci`, on cimg/base 22.04
    # (cimg-python manifest@5200c699: `base_version=2026.08-22.04`).
    "cimg/python": VendorImage(
        Python("managed", _commands("python", "python3", "pip", "pip3"), None, False, False, None),
        "ubuntu",
        "circleci",
        "https://github.com/CircleCI-Public/cimg-python",
        release="22.04",
        release_suffix=_CIMG_RELEASE,
        shell=_CIMG_SHELL,
        sudo=True,
    ),
    # cimg/base is built for Ubuntu 22.04 and 24.04 (build-images.sh tags `cimg/base:22.04`,
    # `current-24.04`, `2026.08-24.04`); a tag that names neither is unknown.
    "cimg/base": VendorImage(
        None,
        "ubuntu",
        "circleci",
        "https://github.com/CircleCI-Public/cimg-base/blob/main/Dockerfile.template",
        release=None,
        release_suffix=_CIMG_RELEASE,
        shell=_CIMG_SHELL,
        sudo=True,
    ),
}
# The same images behind another registry path: NVIDIA's NGC registry serves nvidia/cuda as
# nvcr.io/nvidia/cuda (https://catalog.ngc.nvidia.com/orgs/nvidia/containers/cuda).
_VENDOR_ALIASES = {"nvcr.io/nvidia/cuda": "nvidia/cuda"}
# Dev container Python images are `FROM python:${VARIANT}` with the Python feature set to
# "none": the official image's root-owned CPython, with the image's `vscode` user given sudo
# (devcontainers/images@bed3eb26 src/python/.devcontainer/Dockerfile and devcontainer.json;
# the archived microsoft/vscode-dev-containers containers/python-3/base.Dockerfile alike).
# Their `vscode` user installs with `pip3 install --user` (the template devcontainer.json's
# postCreateCommand), and common-utils appends to /etc/bash.bashrc a line that puts
# ~/.local/bin on PATH (devcontainers/features@765e8ebd src/common-utils/main.sh and
# scripts/rc_snippet.sh; vscode-dev-containers script-library/common-debian.sh alike).
_DEVCONTAINER_PYTHON = {
    "mcr.microsoft.com/devcontainers/python": "https://github.com/devcontainers/images/tree/main/src/python",
    "mcr.microsoft.com/vscode/devcontainers/python": "https://github.com/microsoft/vscode-dev-containers/tree/main/containers/python-3",
}


def _devcontainer_python(name: str, tag: str) -> Environment:
    """`1-3.12-bookworm`, `3.10`, `dev-3.12`: the official `python:` image of that variant
    (the leading image version is the dev container's own)."""
    variant = re.sub(r"^(?:\d+|dev)-(?=\d)", "", tag)
    official = _official("python", "3-trixie" if variant == "latest" else variant)
    return official._replace(
        name=f"{name}:{tag}",
        source=_DEVCONTAINER_PYTHON[name],
        sudo=True,
        user_installs=("vscode",),
    )


def _vendor_image(name: str, tag: str) -> Environment | None:
    """Images that are not Docker official images: a known Python image, or one whose name
    or tag says its distro (`nvidia/cuda:12.2.2-devel-ubuntu22.04`,
    `marketplace.gcr.io/google/ubuntu2404`, `mcr.microsoft.com/devcontainers/base:bookworm`)."""
    name = _VENDOR_ALIASES.get(name, name)
    if name in _DEVCONTAINER_PYTHON:
        return _devcontainer_python(name, tag)
    vendor = _VENDOR.get(name)
    base = _distro_in(name.rsplit("/", 1)[-1]) or _distro_in(tag)
    if vendor is None:
        # The distro is known, not what else the vendor put in (a Python in /usr/local?).
        return base._replace(pythons=(UNKNOWN,), sudo=None) if base else None
    suffix = re.search(vendor.release_suffix, tag) if vendor.release_suffix else None
    if base is None and suffix:
        base = distro_release(vendor.distro, suffix.group(1))
    if base is None and vendor.tags and tag in vendor.tags:
        base = distro_release(*vendor.tags[tag])
    if base is None and vendor.release is not None:
        base = distro_release(vendor.distro, vendor.release)
    if base is None:
        return None  # a tag that names no distro this module knows
    return base._replace(
        name=f"{name}:{tag}",
        pythons=(vendor.python,) if vendor.python else (),
        default_user=vendor.user,
        source=vendor.source,
        shell=vendor.shell,
        sudo=vendor.sudo,
    )


# --------------------------------------------------------------------------------------------
# Image references


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


def image(ref: str) -> Environment | None:
    """The environment a base image gives (Dockerfile FROM, a CI job's image, `docker run`)."""
    if "$" in ref or "{" in ref or "%" in ref:
        return None  # a template or an ARG: unknown
    name, tag = split_reference(ref)
    if name in ("python", "pypy"):
        return _official(name, tag)
    if name in _DISTRO_IMAGES:
        return distro_release(_DISTRO_IMAGES[name], tag)
    if name.removesuffix("/insider").removesuffix("-insider") in _WINDOWS_BASE_IMAGES:
        return Environment(
            f"{name}:{tag}", "windows", None, (), None, None, True, source=_WINDOWS_BASE_SOURCE
        )
    if "/" in name:
        return _vendor_image(name, tag)
    return _distro_in(tag)


# --------------------------------------------------------------------------------------------
# Hosted CI runners (GitHub Actions and Azure Pipelines use the same images: "This repository
# contains the source code used to create the VM images for GitHub-hosted runners used for
# Actions, as well as for Microsoft-hosted agents used for Azure Pipelines", runner-images
# README.md@749514466b4f).

_RUNNER_IMAGES = "https://github.com/actions/runner-images"
# images/ubuntu/scripts/build/install-python.sh@749514466b4f: apt's python3, python3-pip and
# python3-venv; on every Ubuntu image but 22.04, `/etc/pip.conf` with `[global]
# break-system-packages = true` ("allow user to continue using pip"), since 2024-10-16
# (actions/runner-images#10794); the removal announced in #10897 never happened. python-is-
# python3 gives `python` (Ubuntu2404-Readme.md).
_UBUNTU_2404_PYTHON = _cpython(
    "distro", "3.12", "python", "pip", externally_managed=True, marker_overridden=True
)
_UBUNTU_2604_PYTHON = _cpython(
    "distro", "3.14", "python", "pip", externally_managed=True, marker_overridden=True
)
# Ubuntu2204-Readme.md: Python 3.10.12, Pip 22.0.2, which predates pip's reading of the marker;
# python-is-python3 gives `python` (its line 351).
_UBUNTU_2204_PYTHON = _cpython("distro", "3.10", "python", "pip", externally_managed=False)
# Ubuntu2004-Readme.md (at be938cd8^): Python 3.8.10, python-is-python3; the image was retired
# on 2025-04-15 (actions/runner-images#11101), but workflows still name it: a hosted machine
# all the same.
_UBUNTU_2004_PYTHON = _cpython("distro", "3.8", "python", "pip", externally_managed=False)
# images/macos/scripts/build/install-python.sh: "Installing latest Homebrew Python 3 to handle
# python3 and pip3 symlinks"; Homebrew's python@3.14 writes EXTERNALLY-MANAGED
# (Homebrew/homebrew-core Formula/p/python@3.14.rb) and no image overrides it; its
# unversioned `python`/`pip` stay in libexec/bin, off PATH. First seen failing on runners in
# October 2023 (actions/runner-images#8615).
_MACOS_PYTHON = _cpython("homebrew", "3.14", externally_managed=True)
# images/windows/toolsets/toolset-2022.json, toolset-2025.json: `"default": "3.12.*"`, put
# first on PATH with its Scripts folder (Configure-Toolset.ps1, Add-MachinePathItem prepends).
_WINDOWS_PYTHON = Python(
    "toolcache", _commands("python", "pip", "pip3"), "3.12", externally_managed=False
)
# toolset-win-11-arm64.json, toolset-win-11-vs2026-arm64.json: `"default": "3.13.*"`
# (Windows11-Arm64-Readme.md: Python 3.13.15).
_WINDOWS_ARM_PYTHON = _WINDOWS_PYTHON._replace(version="3.13")
# toolset-2019.json (at 206850279^; the image was removed on 2026-01-19, #13533): 3.9.
_WINDOWS_2019_PYTHON = _WINDOWS_PYTHON._replace(version="3.9")
# "Windows virtual machines are configured to run as administrators with User Account Control
# (UAC) disabled" (docs.github.com, github-hosted-runners, "Administrative privileges"); the
# account is `runneradmin`.
_WINDOWS_USER = "runneradmin"


def _runner(name: str, python: Python, distro: str, since: str | None = None) -> Environment:
    windows = distro == "windows"
    return Environment(
        name,
        distro,
        "dash" if distro == "ubuntu" else ("bash" if distro == "macos" else None),
        (python,),
        python if distro == "ubuntu" else None,
        default_user=_WINDOWS_USER if windows else "runner",
        windows=windows,
        hosted=True,
        source=_RUNNER_IMAGES,
        since=since,
        # GitHub: "The Linux and macOS virtual machines both run using passwordless sudo".
        sudo=None if windows else True,
    )


RUNNERS: dict[str, Environment] = {
    "ubuntu-20.04": _runner("ubuntu-20.04", _UBUNTU_2004_PYTHON, "ubuntu"),
    "ubuntu-22.04": _runner("ubuntu-22.04", _UBUNTU_2204_PYTHON, "ubuntu"),
    "ubuntu-24.04": _runner("ubuntu-24.04", _UBUNTU_2404_PYTHON, "ubuntu", "2024-10-16"),
    # `ubuntu-latest` is 24.04 since 2025-01-17 (actions/runner-images#10636), for GitHub
    # Actions and Azure DevOps alike.
    "ubuntu-latest": _runner("ubuntu-latest", _UBUNTU_2404_PYTHON, "ubuntu", "2025-01-17"),
    "ubuntu-slim": _runner("ubuntu-slim", _UBUNTU_2404_PYTHON, "ubuntu", "2025-12-12"),
    "ubuntu-26.04": _runner("ubuntu-26.04", _UBUNTU_2604_PYTHON, "ubuntu", "2026-05-05"),
    "macos": _runner("macos", _MACOS_PYTHON, "macos", "2023-10-17"),
    "windows": _runner("windows", _WINDOWS_PYTHON, "windows"),
    "windows-arm": _runner("windows-arm", _WINDOWS_ARM_PYTHON, "windows"),
    "windows-2019": _runner("windows-2019", _WINDOWS_2019_PYTHON, "windows"),
}


def runner(label: str) -> Environment | None:
    """A hosted runner by its label (`ubuntu-latest`, `ubuntu-24.04-arm`, `macos-15`,
    `windows-2022`; Azure's `vmImage` names alike). Self-hosted and unknown labels: None."""
    label = label.strip().lower()
    if label.startswith(("windows", "vs20", "win")):
        if "arm" in label:
            return RUNNERS["windows-arm"]
        if label.startswith(("windows-2019", "vs2017", "vs2019")):
            return RUNNERS["windows-2019"]
        return RUNNERS["windows"]
    if label.startswith("macos"):
        return RUNNERS["macos"]
    label = label.removesuffix("-arm").removesuffix("-arm64")
    return RUNNERS.get(label)


def any_runner(labels: tuple[str, ...]) -> Environment | None:
    """Where a matrix picks one of `labels`: their runner if they all name the same, or a
    hosted machine whose Pythons are not known if each is a hosted runner; else None."""
    found = {runner(label) for label in labels}
    if not found or None in found:
        return None
    if len(found) == 1:
        return found.pop()
    distros = {environment.distro for environment in found if environment is not None}
    shells = {environment.sh for environment in found if environment is not None}
    return Environment(
        " or ".join(labels),
        distros.pop() if len(distros) == 1 else None,
        shells.pop() if len(shells) == 1 else None,
        None,
        None,
        default_user="runner",
        hosted=True,
        source=_RUNNER_IMAGES,
    )


# --------------------------------------------------------------------------------------------
# The facts as a table, for README.md (scripts/update_docs.py)


def _marked(python: Python | None) -> str:
    if python is None:
        return "no Python"
    if python.externally_managed is None:
        return "not known"
    if python.externally_managed and python.marker_overridden:
        return "yes, but /etc/pip.conf sets break-system-packages"
    return "yes: pip refuses" if python.externally_managed else "no"


# When the facts were last checked against their sources (the facts audit of issue 23, which
# read each source at the commit its comment names); a row whose source was only a user's
# report says so.
CHECKED = "2026-12-02"
_SECONDARY = {
    "arch": "2026-12-02 (secondary reports only)",
    "opensuse": "2026-12-02 (secondary reports only)",
    "kali": "2026-12-05 (image build reports only)",
    "rhel": "not verified",
    "nvidia/cuda": "2026-12-02 (image sources not stored)",
}


def _run_shell(shell: tuple[str, ...] | None, sh: str | None) -> str:
    if shell:
        return "`" + " ".join(shell) + "` (its SHELL)"
    return f"/bin/sh ({sh})" if sh else "not known"


def _has_sudo(sudo: bool | None) -> str:
    return "not known" if sudo is None else ("yes" if sudo else "no")


def facts() -> list[tuple[str, ...]]:
    """(environment, the Python `pip3` finds there, externally managed, RUN's shell, sudo,
    source, checked) per row."""
    install_python = "https://github.com/actions/runner-images/blob/main/images/ubuntu/scripts/build/install-python.sh"
    windows = "https://github.com/actions/runner-images/tree/main/images/windows/toolsets"
    rows: list[tuple[str, ...]] = [
        (
            "runner `ubuntu-latest`, `ubuntu-24.04`, `ubuntu-slim` (GitHub, Azure)",
            "the distro's 3.12 (`python`, `python3`, `pip`, `pip3`)",
            _marked(_UBUNTU_2404_PYTHON),
            "/bin/sh (dash)",
            "yes",
            install_python,
        ),
        (
            "runner `ubuntu-26.04`",
            "the distro's 3.14",
            _marked(_UBUNTU_2604_PYTHON),
            "/bin/sh (dash)",
            "yes",
            install_python,
        ),
        (
            "runner `ubuntu-22.04`, `ubuntu-20.04`",
            "the distro's 3.10 (20.04: 3.8), with `python`; pip 22.0.2 (older than pip's PEP 668 support)",
            _marked(_UBUNTU_2204_PYTHON),
            "/bin/sh (dash)",
            "yes",
            "https://github.com/actions/runner-images/blob/main/images/ubuntu/Ubuntu2204-Readme.md",
        ),
        (
            "runner `macos-*` (GitHub `runs-on`, Azure `vmImage`)",
            "Homebrew's 3.14 (`python3`, `pip3`; no `python`, `pip`)",
            _marked(_MACOS_PYTHON),
            "/bin/sh (bash)",
            "yes",
            "https://github.com/actions/runner-images/blob/main/images/macos/scripts/build/install-python.sh",
        ),
        (
            "runner `windows-*` (as the administrator `runneradmin`)",
            "the tool cache's 3.12 (`python`, `pip`); 3.13 on `windows-11-arm`; 3.9 on `windows-2019`",
            _marked(_WINDOWS_PYTHON),
            "",
            "no need: an administrator",
            windows,
        ),
        (
            "after `actions/setup-python`, `UsePythonVersion`",
            "the tool cache's, first on PATH (not with `update-environment: false`)",
            "no",
            "",
            "",
            "https://github.com/actions/setup-python/blob/main/action.yml",
        ),
        (
            "`python:*`, `pypy:*` images",
            "CPython built into /usr/local (`python`, `pip` too); non-slim `python:*` also the distro's `python3` at /usr/bin, after it",
            _marked(_OFFICIAL),
            "/bin/sh (dash)",
            "no",
            _OFFICIAL_SOURCE + ", " + _OFFICIAL_VARIANTS,
        ),
        (
            "`python:*-windowsservercore*` images",
            "CPython in C:\\Python (`python`, `pip`)",
            "no",
            "PowerShell (the image's SHELL)",
            "no need: an administrator",
            _OFFICIAL_WINDOWS_SOURCE,
        ),
        (
            ", ".join(f"`{name}`" for name in sorted(_WINDOWS_BASE_IMAGES)),
            "no Python",
            "",
            "cmd (`cmd /S /C`)",
            "",
            _WINDOWS_BASE_SOURCE,
        ),
        (
            "`mcr.microsoft.com/devcontainers/python`, `mcr.microsoft.com/vscode/devcontainers/python`",
            "the official `python:` image's, root-owned",
            _marked(_OFFICIAL),
            "/bin/sh (dash)",
            "yes",
            ", ".join(_DEVCONTAINER_PYTHON.values()),
        ),
    ]
    rows = [(*row, CHECKED) for row in rows]
    for name, distro in DISTROS.items():
        if distro.marked_since is None:
            since = "no release known"
        elif distro.marked_since == (0,):
            since = "yes, every current release"
        else:
            minor = "{:02d}" if name == "ubuntu" else "{}"
            first = [str(distro.marked_since[0]), *map(minor.format, distro.marked_since[1:])]
            since = "yes, from " + ".".join(first)
        images = ", ".join(f"`{image}`" for image, of in _DISTRO_IMAGES.items() if of == name)
        rows.append(
            (
                f"{images} images",
                "the distro's `python3` once installed",
                since,
                _run_shell(None, distro.sh),
                _has_sudo(distro.sudo),
                distro.source,
                _SECONDARY.get(name, CHECKED),
            )
        )
    for name, vendor in _VENDOR.items():
        what = _VENDOR_PYTHON.get(vendor.python.origin, "") if vendor.python else "no Python"
        sh = DISTROS[vendor.distro].sh if vendor.release is not None else "the tag's distro's"
        rows.append(
            (
                f"`{name}`" + ("" if vendor.release is not None else " (distro from the tag)"),
                what,
                _marked(vendor.python),
                _run_shell(vendor.shell, sh),
                _has_sudo(vendor.sudo),
                vendor.source,
                _SECONDARY.get(name, CHECKED),
            )
        )
    return rows


_VENDOR_PYTHON = {
    "conda": "conda's, in /opt/conda",
    "managed": "its own, meant to take installs",
}


# What an init system runs when a container starts, before its command: each directory of
# the image, and the pattern of the files in it that run. s6-overlay's (the README's "Stage
# 2": legacy oneshots in /etc/cont-init.d, legacy longruns in /etc/services.d, s6-rc services
# in /etc/s6-overlay/s6-rc.d, longruns' `run`, oneshots' `up` naming the script), runit's
# and phusion/baseimage's my_init.d. https://github.com/just-containers/s6-overlay#init-stages
INIT_RUNS = (
    ("/etc/cont-init.d", "*"),
    ("/etc/services.d", "*/run"),
    ("/etc/s6-overlay/s6-rc.d", "*/run"),
    ("/etc/s6-overlay/s6-rc.d", "*/up"),
    ("/etc/my_init.d", "*"),
    ("/etc/service", "*/run"),
)
