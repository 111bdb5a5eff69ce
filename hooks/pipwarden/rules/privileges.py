"""Who installs: sudo, non-root users in images, permission changes on site-packages."""

from __future__ import annotations

from collections.abc import Iterable

from pipwarden import commands
from pipwarden.commands import PipCall
from pipwarden.model import SAFE, UNSAFE, Edit, Fix, Hit, Related, Severity, Span, line_ref
from pipwarden.rules.base import (
    FIX_SOMETIMES,
    Context,
    Rule,
    UserSwitch,
    code,
    evidence,
    venv_commands,
    venv_remedy,
)
from pipwarden.shell.session import RUNNING_PYTHON


class SudoPip(Rule):
    """
    ## What it finds
    `sudo` running an installer: `sudo pip install`, `sudo python3 -m pip install`,
    `sudo uv pip install --system`, `sudo easy_install`, `sudo python setup.py install`, also
    through `sudo -H`, `sudo -E` and `sudo sh -c '...'`, through a variable the script sets
    to a literal (`SUDO=sudo; $SUDO pip install`; where it is `sudo` on one branch only, the
    message says so), and inside text run in a container or on another host (`docker exec
    app sh -c 'sudo pip install ...'`, `ssh host 'sudo pip3 install ...'`). Also a script's own
    `pip install` after it stopped unless run as root (`if [ "$(id -u)" -ne 0 ]; then ...;
    exit 1; fi`, `[[ $EUID -ne 0 ]] && exit 1`, `(( EUID != 0 )) && exec sudo bash "$0"
    "$@"`, a `whoami` check), with no venv active and not `--user`: it runs as root too.

    Not with `--target`, `--prefix` or `--root` (a directory of its own, not the system's
    site-packages). Not on a hosted CI runner (GitHub's, Azure's), whose image gives its
    user sudo for system installs and is thrown away after the job; not in an image build,
    where installs are root's anyway and nobody later installs as a user (PW305 and the
    strict PW102 and PW301 speak for its Python); and not where the Python is externally
    managed: pip refuses there first (PW305).

    On a machine nothing describes (a script run by hand, a Makefile or task runner
    target), only where the file shows what goes wrong: it installs with apt, so it is
    meant for Debian or Ubuntu, whose current releases (Debian 12+, Ubuntu 23.04+) refuse
    pip into the system Python, and it does not tell pip to break system packages (a
    flag, PIP_BREAK_SYSTEM_PACKAGES, `pip config set global.break-system-packages true`:
    a deliberate system install, which the strict tier's PW304 reports). That verdict is the
    script's run by hand: where a CI job or image build of the repository runs it, that run's
    runner or image decides (an installer its CI runs on ubuntu-22.04 is meant for releases
    that do not refuse; the strict PW102 remains). Where the script checks which release it
    runs on (`/etc/os-release`, `lsb_release`), that release decides: PW305 where it
    refuses, nothing shown where it does not. Not an uninstall whose failure the script
    ignores (`sudo pip uninstall -y x || true`): refused, it changes nothing (the strict
    PW102 still names it).

    ## Why it breaks
    The install runs as root into the system Python's site-packages. The files it leaves are
    owned by root: pip run later as your own user prints `Defaulting to user installation
    because normal site-packages is not writeable` and installs a second copy into
    `~/.local`, which shadows the first, and an upgrade or uninstall of the root-owned
    package fails with `PermissionError: [Errno 13] Permission denied`. Packages pip puts
    there can overwrite or shadow the ones the distro's package manager installed, breaking
    system tools. pip itself warns: `Running pip as the 'root' user can
    result in broken permissions and conflicting behaviour with the system package manager`.
    On Debian 12+ and Ubuntu 23.04+ it fails outright with `externally-managed-environment`.

    ## Example
    ```sh
    sudo pip install requests
    ```

    ## Use instead
    ```sh
    python3 -m venv .venv
    .venv/bin/python -m pip install requests
    ```
    For a command-line tool, `pipx install tool` (or `uv tool install tool`). The help speaks
    the file's terms: `$(PYTHON) -m venv .venv` in a Makefile that names its Python, and
    `virtualenv -p python2 .venv` for Python 2's pip (Python 2 has no venv module).

    ## Fix safety
    Dropping `sudo` (with its flags `-H`, `-E`, ...) is safe where the shell already runs as
    root, as a container build does before any `USER`: there sudo adds nothing but a
    `sudo: not found` in images without it. Elsewhere the fix is unsafe: without root the
    install needs a venv (or lands in the user site), which a person should set up.

    ## References
    - https://docs.python.org/3/installing/index.html#installing-into-the-system-python-on-linux
    - https://pip.pypa.io/warnings/venv
    - https://pipx.pypa.io/stable/#pip-vs-pipx
    """

    code = "PW101"
    name = "sudo-pip"
    severity = Severity.ERROR
    summary = "sudo running pip installs as root into the system Python"
    url = (
        "https://docs.python.org/3/installing/index.html#installing-into-the-system-python-on-linux"
    )
    fix = FIX_SOMETIMES
    # Where the Python is externally managed, pip refuses before root can write anything.
    superseded_by = ("PW305",)

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = _sudo_pip(context)
        if pip is None:
            return
        sudo = context.command.elevated_by
        if context.environment is not None and context.environment.hosted:
            return  # a hosted runner: sudo is how its image takes system installs
        if context.host == "build":
            # An image build: root installs are what it makes; sudo adds nothing, unless the
            # image has no sudo at all.
            yield from _sudo_not_found(context)
            return
        if context.environment is not None and context.host in ("unknown", "developer"):
            return  # a release the script checks for: PW305 where it refuses, else nothing shown
        unknown_machine = context.environment is None and context.host in ("unknown", "developer")
        if unknown_machine and not _refused_on_current_debian(context):
            return  # nothing shows what it breaks there
        if context.failure_ignored and pip.action == "uninstall":
            return  # `sudo pip uninstall -y x || true`: a refusal changes nothing
        end = (pip.subcommand or pip.launcher[-1]).span.end
        start = pip.launcher[0].span.start
        if sudo is not None and sudo.start <= start:
            start = sudo.start
        yield Hit(
            Span(start, end),
            f"{_as_root(context, pip)}: it writes root-owned files into the system Python, "
            "beside apt/dnf-managed packages it can break; pip run as your user cannot upgrade "
            "or remove them later ([Errno 13] Permission denied) and installs into ~/.local "
            "instead"
            + (
                "; on Debian 12+ and Ubuntu 23.04+ (it installs with apt) pip refuses outright "
                "(PEP 668)"
                if unknown_machine
                else ""
            ),
            f"install into a virtual environment instead: {venv_commands(context)}; for "
            "command-line tools use `pipx install`",
            related=evidence(
                (context.root_only, "the script stops here unless it runs as root"),
                (context.apt_installs() if unknown_machine else None, "apt installs here"),
            ),
            fix=_drop_sudo(context),
            # On a machine nothing describes, the refusal is that of the script run by hand:
            # where a CI job or image build of the repository runs it, that run's facts decide.
            alone=unknown_machine,
        )


def _as_root(context: Context, pip: PipCall) -> str:
    """Who runs pip as root: the sudo that runs it, or the script, which runs only as root."""
    launcher = code(
        " ".join(
            "sys.executable" if w.text == RUNNING_PYTHON else w.raw if w.text is None else w.text
            for w in pip.launcher
        )
    )
    if context.command.elevated_by is None and context.run_by_sudo is None and context.root_only:
        line = line_ref(context.root_only.start)
        return f"{launcher} runs as root (the script stops on line {line} unless it is root)"
    return f"{code(context.command.switcher or 'sudo')} runs {launcher} as root"


def _sudo_pip(context: Context) -> PipCall | None:
    """The installer sudo runs into a system Python's site-packages (PW101, PW102): not a
    venv's own pip, not `uv pip` without --system, not into a directory of its own."""
    pip = context.pip
    sudo = context.command.elevated_by
    if pip is None or not pip.modifies:
        return None
    if sudo is None and (context.venv_active or context.maybe_activated):
        # Root runs the whole script (`sudo ./install.sh`, or it stops unless root): a venv it
        # activates is its pip's, as root or not.
        return None
    if sudo is None and context.run_by_sudo is None:
        # A script that runs only as root: its own pip, not for root's own user site.
        if context.root_only is None:
            return None
        if pip.has("--user") or context.host == "build":
            return None  # an image build runs as root anyway: PW301/PW305 speak for it
    if pip.kind == "uv pip" and not pip.has("--system"):
        return None  # uv without --system only installs into a venv
    if pip.names_other_interpreter and not pip.runs_this_python:
        return None  # `sudo /opt/app/venv/bin/pip`: a venv's pip, not the system Python's
    if pip.has("--target", "--prefix", "--root"):
        return None  # into a directory of its own, not the system's site-packages
    return pip


def _sudo_not_found(context: Context) -> Iterable[Hit]:
    """`FROM python:3.12` / `RUN sudo pip install flask`: the image ships no sudo (and no RUN
    before installed it), so the build stops there."""
    sudo = context.command.elevated_by
    environment = context.environment
    if sudo is None or environment is None or environment.sudo is not False:
        return
    yield Hit(
        sudo,
        f"{code(environment.name)} has no `sudo` command: the build stops here with "
        "`sudo: not found`",
        "drop `sudo`: RUN already runs as root until a USER line (or install sudo first)",
        related=evidence((context.image_origin, "the image")),
        fix=_drop_sudo(context),
    )


def _refused_on_current_debian(context: Context) -> bool:
    """On a machine nothing describes, the script installs with apt (so for Debian or
    Ubuntu, whose current releases mark their Python externally managed) and pip into the
    system Python without telling pip to break system packages: there pip refuses."""
    pip = context.pip
    return (
        pip is not None
        and context.checks_marker(pip)
        and not pip.program.rsplit("/", 1)[-1].startswith(("pip2", "python2"))  # no marker
        and context.apt_installs() is not None
    )


class SudoPipAnywhere(Rule):
    """
    ## What it finds
    Strict tier: `sudo` running pip wherever it is written, not only where the files show it
    failing (PW101): `sudo pip install`, `sudo -H pip3 install`, `sudo -E python3 -m pip
    install`, `bash -c "sudo pip install ..."`, `$SUDO pip install` (a variable set to `sudo`,
    also on one branch only), in shell scripts, Dockerfile `RUN` lines, CI steps, Makefile,
    just and Task recipes, tox commands, and in shell strings Python code runs
    (`os.system("sudo pip install x")`, `subprocess.run(f"sudo {sys.executable} -m pip
    install x", shell=True)`). Also on hosted CI runners and in image builds, where nothing
    fails but the habit stays, and a script's own pip after it stopped unless run as root
    (as PW101 reads it).

    Where PW101 or PW305 reports the command, this rule adds nothing. Silent where sudo does
    not write into a system Python: a venv's own pip (`sudo /opt/app/venv/bin/pip`),
    `--target`, `--prefix` or `--root` installs, `sudo -u someone` (another user, not root),
    `uv pip` without `--system`.

    ## Why it breaks
    The install runs as root into the system Python's site-packages, beside (or over) the
    packages the system package manager owns. pip warns about it itself (`Running pip as
    the 'root' user can result in broken permissions and conflicting behaviour with the
    system package manager`); the root-owned files cannot later be upgraded or removed by
    pip run as a user (`[Errno 13] Permission denied`), and on Debian 12+ and Ubuntu 23.04+
    pip refuses outright (`externally-managed-environment`). In an image build sudo adds
    nothing (the build already runs as root) and most base images have no sudo at all.

    ## Example
    ```sh
    sudo -H pip3 install requests
    ```

    ## Use instead
    ```sh
    python3 -m venv .venv
    .venv/bin/python -m pip install requests
    ```
    In Python code, the interpreter running it, without sudo: `subprocess.check_call(
    [sys.executable, "-m", "pip", "install", "requests"])`. In an image build, no sudo and a
    venv: `RUN python -m venv /opt/venv` and `ENV PATH=/opt/venv/bin:$PATH`. For a
    command-line tool, `pipx install tool`.

    ## Fix safety
    As PW101: dropping `sudo` (with its flags `-H`, `-E`, ...) is safe where the shell
    already runs as root (an image build before any `USER`), unsafe elsewhere, where the
    install then needs a venv.

    ## References
    - https://docs.python.org/3/installing/index.html#installing-into-the-system-python-on-linux
    - https://pip.pypa.io/warnings/venv
    - https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program
    """

    code = "PW102"
    name = "sudo-pip-anywhere"
    severity = Severity.WARNING
    summary = "sudo running pip, wherever it is written (strict tier)"
    url = (
        "https://docs.python.org/3/installing/index.html#installing-into-the-system-python-on-linux"
    )
    fix = FIX_SOMETIMES
    superseded_by = ("PW101", "PW305")

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = _sudo_pip(context)
        if pip is None:
            return
        sudo = context.command.elevated_by
        start = pip.launcher[0].span.start
        if sudo is not None and sudo.start <= start:
            start = sudo.start
        if context.host == "build" and context.shell_user == "root":
            outcome = "the build already runs as root, so sudo adds nothing but a dependency (most base images have no sudo)"
        else:
            outcome = (
                "it writes root-owned files beside the packages the system package manager "
                "owns, which pip run as a user cannot upgrade or remove ([Errno 13])"
            )
        yield Hit(
            Span(start, (pip.subcommand or pip.launcher[-1]).span.end),
            f"{_as_root(context, pip)}: {outcome}",
            _without_root(context),
            related=evidence((context.root_only, "the script stops here unless it runs as root")),
            fix=_drop_sudo(context),
        )


def _without_root(context: Context) -> str:
    """The remedy for sudo running pip, in the terms of the file it is written in."""
    if context.command.script.origin.startswith("python-"):
        return f"drop `sudo` and {venv_remedy(context)}"
    if (
        context.host == "build"
        and not context.at_start
        and context.shell_user not in (None, "root")
    ):
        return (
            "install before the USER line (the build runs as root there, no sudo needed), "
            "into a venv on PATH: `RUN python3 -m venv /opt/venv`, "
            "`ENV PATH=/opt/venv/bin:$PATH`"
        )
    if context.command.elevated_by is None and context.run_by_sudo is None:
        # a script that runs as root: no sudo to drop
        return f"{venv_remedy(context)}; for command-line tools, `pipx install`"
    return f"drop `sudo` and {venv_remedy(context)}; for command-line tools, `pipx install`"


# sudo options that take no value: dropping them with sudo changes nothing else.
_SUDO_FLAGS = frozenset(
    {"-H", "-E", "-n", "-S", "-k", "-P", "-A", "-b", "--preserve-env", "--set-home"}
)


def _drop_sudo(context: Context) -> Fix | None:
    """`sudo -H pip install` → `pip install`. Safe where the shell already runs as root (a
    container build before any USER), where sudo only adds a failure when it is missing;
    unsafe elsewhere, since the install then needs a venv or a user install to succeed."""
    command, pip = context.command, context.pip
    wrappers = command.wrappers
    if pip is None or not wrappers or wrappers[0].text not in ("sudo", "doas"):
        return None
    if any(w.text not in _SUDO_FLAGS for w in wrappers[1:]):
        return None
    first = pip.launcher[0]
    # `{sys.executable}` stands in the file as itself: cutting up to it leaves it whole.
    start, end = (
        wrappers[0].edit_span,
        first.span if first.text == RUNNING_PYTHON else first.edit_span,
    )
    if start is None or end is None or start.start > end.start:
        return None
    applicability = SAFE if context.shell_user == "root" else UNSAFE
    return Fix((Edit(Span(start.start, end.start), ""),), applicability, "drop `sudo`")


def _install_span(context: Context) -> Span:
    pip = context.pip
    assert pip is not None
    start, end = pip.span_through_subcommand
    return Span(start, end)


class NonrootSystemInstall(Rule):
    """
    ## What it finds
    In a container build, `pip install` into the image's system Python after `USER` switched to
    a non-root user, with no virtual environment active.

    ## Why it breaks
    The image's site-packages belongs to root. pip notices it cannot write there and prints
    `Defaulting to user installation because normal site-packages is not writeable`: the
    packages land in `~/.local/lib/pythonX.Y/site-packages` and their scripts in `~/.local/bin`,
    which is not on PATH (`WARNING: The script flask is installed in '/home/app/.local/bin' which
    is not on PATH`). If the user has no writable home (`USER 1000` with no passwd entry, a user
    made with `useradd` without `-m` on Debian), the install fails with
    `ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied`.

    Not reported for the `vscode` user of the dev container Python images
    (`mcr.microsoft.com/devcontainers/python`): user installs are those images' own way, and
    their shells put `~/.local/bin` on PATH.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd -m app
    USER app
    RUN pip install flask
    ```

    ## Use instead
    Create a venv the user owns and put it on PATH:
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd -m app
    USER app
    RUN python -m venv /home/app/venv
    ENV PATH=/home/app/venv/bin:$PATH
    RUN pip install flask
    ```
    Or install as root before the `USER` line.

    ## Fix safety
    No automatic fix.

    ## References
    - https://docs.docker.com/build/building/best-practices/#user
    - https://pip.pypa.io/en/stable/user_guide/#user-installs
    """

    code = "PW401"
    name = "nonroot-system-install"
    severity = Severity.ERROR
    summary = "pip into the image's system Python after USER switched to a non-root user"
    url = "https://docs.docker.com/build/building/best-practices/#user"
    superseded_by = ("PW305",)

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = context.pip
        user = context.user
        if pip is None or not pip.installs or pip.kind not in ("pip", "python -m pip"):
            return
        if user in (None, "root") or context.venv_active is not False:
            return
        if not context.system_python or not pip.through_path or pip.explicit_target:
            return
        if pip.has("--user") and context.user_home is not False:
            return  # a deliberate user install: it fails only where there is no home
        if context.environment and user in context.environment.user_installs:
            return  # the image's user, whose user installs its shells find
        home = f"/home/{user}" if not user.isdigit() else "~"
        if context.user_home:
            outcome = (
                f"pip falls back to a user install under {home}/.local whose scripts "
                f"({home}/.local/bin) are not on PATH"
            )
        elif context.user_home is False:
            outcome = (
                f"{user!s} has no writable home, so pip fails with [Errno 13] Permission denied"
            )
        else:
            outcome = (
                "pip either falls back to a user install under ~/.local whose scripts are not "
                "on PATH, or, without a writable home, fails with [Errno 13] Permission denied"
            )
        python = "python" if context.python == "official" else "python3"
        if context.user_home:
            remedy = (
                f"create a venv owned by {user} (`RUN {python} -m venv {home}/venv`, then "
                f"`ENV PATH={home}/venv/bin:$PATH`), or install before the USER line"
            )
        else:
            remedy = (
                f"install before the USER line, into a venv (`RUN {python} -m venv /opt/venv`, "
                "`ENV PATH=/opt/venv/bin:$PATH`)"
            )
        yield Hit(
            _install_span(context),
            f"runs as {code(user)}, who cannot write the image's site-packages: {outcome}",
            remedy,
            related=evidence((context.user_origin, f"the user becomes {user} here")),
        )


class RootUserInstallThenSwitch(Rule):
    """
    ## What it finds
    `pip install --user` while the build runs as root, followed later by `USER` switching to
    another user.

    ## Why it breaks
    As root, `--user` installs into `/root/.local`. The user the container later runs as
    cannot read `/root` and its `PATH` does not include `/root/.local/bin`, so the packages and
    their scripts are missing at run time: `ModuleNotFoundError` or `command not found`.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --user gunicorn
    RUN useradd -m app
    USER app
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN python -m venv /opt/venv
    ENV PATH=/opt/venv/bin:$PATH
    RUN pip install gunicorn
    RUN useradd -m app
    USER app
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#user-installs
    - https://docs.python.org/3/library/site.html#site.USER_BASE
    """

    code = "PW402"
    name = "root-user-install-then-switch"
    severity = Severity.WARNING
    summary = "`--user` install as root, then USER switches to another user"
    url = "https://pip.pypa.io/en/stable/user_guide/#user-installs"

    def on_user_switch(self, switch: UserSwitch) -> Iterable[Hit]:
        for pip in switch.root_user_installs:
            start, end = pip.span_through_subcommand
            option = pip.option_words.get("--user")
            yield Hit(
                Span(start, option.span.end if option and option.span.end > end else end),
                "`--user` as root installs into /root/.local, which "
                f"{code(switch.user)} (set by USER later) can neither read nor find on PATH",
                "install into a venv (`python -m venv /opt/venv`, `ENV PATH=/opt/venv/bin:$PATH`) "
                "that every user can read",
                related=(Related(switch.span, f"the build switches to {switch.user} here"),),
            )


class ChownSitePackages(Rule):
    """
    ## What it finds
    `chown -R` or `chmod -R` on site-packages, dist-packages (or one package in it) or a
    Python installation directory (`/usr/lib/python3.X`, `/usr/local/lib/python3.X`), in
    any shell text; not a folder deeper inside a package, which pip did not make. A path
    with variables in it counts by its literal parts
    (`/usr/local/lib/python${PYTHON_VERSION%.*}/site-packages`).

    Not on a hosted CI runner (GitHub's, Azure's): the machine is thrown away after the job,
    so no later update or root install meets the files it handed over.

    ## Why it breaks
    It usually patches over an earlier `sudo pip install` or a `Permission denied`. It hands
    packages that the system (or the image's root user) installed to another user, so pip and
    the distro's package manager now disagree about who owns what, and the next system update
    or root install fails or silently overwrites them.

    ## Example
    ```sh
    sudo chown -R "$USER" /usr/local/lib/python3.12/site-packages
    ```

    ## Use instead
    A virtual environment the user owns: `python3 -m venv ~/.venvs/app`. If a venv was
    created by the wrong user, delete and recreate it as the right one.

    ## Fix safety
    No automatic fix.

    ## References
    - https://docs.python.org/3/installing/index.html#installing-into-the-system-python-on-linux
    - https://docs.python.org/3/library/venv.html#how-venvs-work
    """

    code = "PW403"
    name = "chown-site-packages"
    severity = Severity.WARNING
    summary = "recursive chown/chmod on site-packages or a Python install directory"
    url = (
        "https://docs.python.org/3/installing/index.html#installing-into-the-system-python-on-linux"
    )
    caller_dependent = False  # decided by the file's own text

    def on_command(self, context: Context) -> Iterable[Hit]:
        if context.environment is None or not context.environment.hosted:
            yield from _permission_change(context)


def _permission_change(context: Context) -> Iterable[Hit]:
    """`chown -R`/`chmod -R` on a Python installation (PW403, and PW404 on hosted runners)."""
    target = commands.recursive_permission_change(context.command)
    if target is None:
        return
    program = context.command.words[0]
    what = (
        "lets other users rewrite Python's installed packages"
        if context.command.program == "chmod"
        else "hands Python's installed packages to another owner"
    )
    yield Hit(
        Span(program.span.start, target.span.end),
        f"{code(context.command.program or '')} -R on {code(target.text or target.raw)} "
        f"{what}: pip and the system package manager will then fight over those files",
        "give the user a virtual environment of its own instead (`python3 -m venv`), "
        "and recreate a venv that was made by the wrong user",
    )


class ChownSitePackagesAnywhere(Rule):
    """
    ## What it finds
    Strict tier: `chown -R` or `chmod -R` on site-packages, dist-packages or a Python
    installation directory where PW403 stays silent: on a hosted CI runner (GitHub's,
    Azure's), whose machine is thrown away after the job, so nothing later meets the files
    handed over. The habit is the same one, and the remedy too.

    ## Why it breaks
    It patches over a `sudo pip install` or a `Permission denied` by handing the system's
    packages to the job's user; copied to a machine that is kept (a self-hosted runner, a
    developer's laptop), pip and the system package manager then fight over those files.

    ## Example
    ```yaml
    runs-on: ubuntu-latest
    steps:
      - run: sudo chown -R "$USER" /usr/lib/python3/dist-packages
    ```

    ## Use instead
    `actions/setup-python`, or a venv the job's user owns: `python3 -m venv .venv`.

    ## Fix safety
    No automatic fix.

    ## References
    - https://docs.python.org/3/library/venv.html#how-venvs-work
    """

    code = "PW404"
    name = "chown-site-packages-anywhere"
    severity = Severity.INFO
    summary = "recursive chown/chmod on a Python install directory on a hosted runner (strict tier)"
    url = "https://docs.python.org/3/library/venv.html#how-venvs-work"
    caller_dependent = False  # decided by the file's own text
    superseded_by = ("PW403",)

    def on_command(self, context: Context) -> Iterable[Hit]:
        if context.environment is not None and context.environment.hosted:
            yield from _permission_change(context)
