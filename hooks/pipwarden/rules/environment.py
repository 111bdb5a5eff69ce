"""Where pip installs: venvs, activation, PEP 668, user installs."""

from __future__ import annotations

from collections.abc import Iterable

from pipwarden import commands
from pipwarden.commands import PipCall
from pipwarden.environments import Python
from pipwarden.model import SAFE, Edit, Fix, Hit, Severity, Span
from pipwarden.rules.base import (
    ADD_VENV_PACKAGE,
    FIX_ALWAYS,
    FIX_SOMETIMES,
    Context,
    EnvContext,
    Rule,
    code,
    evidence,
    venv_layout,
    venv_remedy,
)
from pipwarden.shell.command import Command, Word


def _installs_into_interpreter(pip: PipCall) -> bool:
    """An install that targets the interpreter's own site-packages (not --user, --target,
    --prefix, --root, --python)."""
    if not pip.installs or pip.explicit_target or pip.has("--user"):
        return False
    if pip.kind == "uv pip":
        return pip.has("--system")
    return True


def is_system_install(pip: PipCall, context: Context) -> bool:
    """The install goes to the system Python's site-packages, as far as the text shows."""
    if not _installs_into_interpreter(pip) or pip.kind in ("easy_install", "setup.py"):
        return False
    if context.python in ("official", "conda", "managed", "runner"):
        return False  # a Python meant to take installs, or a disposable runner's
    if pip.names_system_interpreter:
        return True  # /usr/bin/pip3: the system's, whatever venv is active
    if pip.names_other_interpreter or context.venv_active is not False:
        return False  # .venv/bin/pip, or a venv that may be active
    python = context.python_of(pip)
    if python is not None:
        return python.origin == "distro"  # not a Python the file built into /usr/local
    return context.python == "distro"


def _drop_word(words: tuple[Word, ...], word: Word, title: str) -> Fix | None:
    """Delete `word` and the space before it; safe. None when either is not verbatim."""
    index = words.index(word) if word in words else 0
    if index == 0 or word.text != word.raw:
        return None
    before, here = words[index - 1].edit_span, word.edit_span
    if before is None or here is None or before.end > here.start:
        return None
    return Fix((Edit(Span(before.end, here.end), ""),), SAFE, title)


def refused_as_externally_managed(pip: PipCall, context: Context) -> Python | None:
    """The Python that refuses the command with "externally-managed-environment" before pip
    does anything (PEP 668), or None: pip checks the marker for install and uninstall, not
    inside a venv, not with --target/--prefix/--root, not when told to break system
    packages (or configured to, as GitHub's Ubuntu 24.04 runners are)."""
    if not context.checks_marker(pip):
        return None
    python = context.python_of(pip)
    if python is None or python.externally_managed is not True or python.marker_overridden:
        return None
    return python


class PipOutsideVenv(Rule):
    """
    ## What it finds
    An install into the distro's Python when it is known that no virtual environment is
    active: for example `pip3 install` on `ubuntu:22.04` after `apt-get install python3-pip`,
    or `/usr/bin/pip3 install` anywhere. Not where the Python is meant to take installs (an
    official `python:*` image, conda, `actions/setup-python`) or belongs to a hosted CI
    runner, whose machine is thrown away after the job.

    Strict tier (`strict = true`): the install itself works, and the harm is a risk rather
    than a failure. Where the distro marks its Python as externally managed, pip refuses
    instead, and PW305 (default) reports it.

    ## Why it breaks
    Packages land in the same site-packages as the distro's own Python packages. pip can
    upgrade or remove files that apt/dnf installed (`Attempting uninstall: ... Found existing
    installation`), breaking system tools, and the next distro upgrade overwrites them again.
    Where the distro marks its Python as externally managed this becomes PW305.

    ## Example
    ```dockerfile
    FROM ubuntu:22.04
    RUN apt-get update && apt-get install -y python3-pip
    RUN pip3 install requests
    ```

    ## Use instead
    ```dockerfile
    FROM ubuntu:22.04
    RUN apt-get update && apt-get install -y python3-venv
    RUN python3 -m venv /opt/venv
    ENV PATH=/opt/venv/bin:$PATH
    RUN python -m pip install requests
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - https://packaging.python.org/en/latest/guides/installing-using-pip-and-virtual-environments/#create-a-new-virtual-environment
    - https://docs.python.org/3/library/venv.html#how-venvs-work
    """

    code = "PW301"
    name = "pip-outside-venv"
    severity = Severity.WARNING
    summary = "install into the distro's Python with no virtual environment (strict tier)"
    url = "https://packaging.python.org/en/latest/guides/installing-using-pip-and-virtual-environments/#create-a-new-virtual-environment"
    superseded_by = ("PW101", "PW102", "PW201", "PW302", "PW303", "PW305", "PW401", "PW501")

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = context.pip
        if (
            pip is None
            or not is_system_install(pip, context)
            or context.breaks_system_packages(pip)
        ):
            return  # breaking the system on purpose is PW304's finding
        start, end = pip.span_through_subcommand
        yield Hit(
            Span(start, end),
            "installs into the system Python with no virtual environment: packages mix with "
            "the ones the system package manager owns and can break its tools",
            venv_remedy(context),
            related=evidence(
                (context.image_origin, "the image, whose Python is the distro's"),
                (context.python_origin, "the distro's Python is installed here"),
            ),
        )


class ActivationNotPersisted(Rule):
    """
    ## What it finds
    A venv activated (`. venv/bin/activate`, `source`, `conda activate`) in one shell process,
    and `pip` or `python` used in a later one: a later Dockerfile `RUN`, Makefile recipe line
    or CI step, where the activation is gone. Not where the same venv is activated again in
    another shell of the build or job: the file knows activations do not carry over, and a
    shell that does not activate is meant to run outside the venv.

    ## Why it breaks
    Activation only changes the environment of the shell that runs it. Each Dockerfile `RUN`,
    each Makefile recipe line (without `.ONESHELL`) and each CI step is a new shell, so the
    later `pip` is the system pip: packages land outside the venv, or pip fails with
    `externally-managed-environment` or `[Errno 13] Permission denied`.

    ## Example
    ```dockerfile
    RUN python3 -m venv /opt/venv
    RUN . /opt/venv/bin/activate
    RUN pip install requests
    ```

    ## Use instead
    Call the venv's interpreter by its path, or make the activation persist the way the format
    allows (Dockerfile `ENV PATH=/opt/venv/bin:$PATH`, on a Windows image `RUN setx /M PATH
    "C:\\venv\\Scripts;%PATH%"`, GitHub Actions `$GITHUB_PATH`, Azure
    `##vso[task.prependpath]`, one Makefile recipe line joined with `&&` or `.ONESHELL:`).
    The help speaks the shell the command runs in: `.\\venv\\Scripts\\python` in PowerShell,
    `venv\\Scripts\\python` in cmd (a Windows image's RUN, a Windows `script` step):
    ```dockerfile
    RUN python3 -m venv /opt/venv
    ENV PATH=/opt/venv/bin:$PATH
    RUN pip install requests
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - https://docs.python.org/3/library/venv.html#how-venvs-work
    - https://docs.docker.com/reference/dockerfile/#env
    - https://www.gnu.org/software/make/manual/html_node/Execution.html
    - https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-system-path
    """

    code = "PW302"
    name = "activation-not-persisted"
    severity = Severity.ERROR
    summary = "venv activated in one shell, pip/python used in a later one"
    url = "https://docs.python.org/3/library/venv.html#how-venvs-work"

    def on_command(self, context: Context) -> Iterable[Hit]:
        lost = context.lost_activation
        if lost is None or context.venv_active or context.reactivated:
            return
        pip = context.pip
        command = context.command
        run = commands.interpreter_run(command)
        if pip is not None:
            if not pip.through_path or pip.kind in ("uv pip", "easy_install"):
                return
            start, end = pip.span_through_subcommand
            what = code(" ".join(w.raw for w in pip.launcher))
        elif run is not None and "/" not in run.name:
            start, end = run.span
            what = code(run.name)
        else:
            return
        venv = lost.path or "the venv"
        boundary = context.boundary
        reason = boundary.reason if boundary else "this runs in a new shell"
        shell = command.script.shell
        layout = venv_layout(lost.path or "VENV", shell, context.windows)
        persist = ""
        if boundary:
            persist = dict(boundary.persist_in).get(shell, boundary.persist)
            persist = persist.format(venv=layout.anchored, bin=layout.bin)
        help_text = f"call `{layout.python} -m pip` directly"
        if persist:
            help_text += f", or {persist}"
        if boundary:
            help_text += f" (see {boundary.url})"
        related = evidence(
            (lost.span, "activated here"),
            (context.lost_boundary, f"the activation ends here ({reason})"),
        )
        yield Hit(
            Span(start, end),
            f"{what} does not run in {venv}: {reason}, so the activation made earlier is gone here",
            help_text,
            related=related,
            cause=lost.span,
            also=f"{what} does not run in {venv} either",
        )


class UserInstallInVenv(Rule):
    """
    ## What it finds
    `pip install --user` while a virtual environment is active: activated earlier in the same
    shell (or in a shell whose activation fails only for `source` under dash, PW306), or put
    on PATH for the whole build or job (`ENV PATH=/venv/bin:$PATH`, `$GITHUB_PATH`,
    `$GITHUB_ENV`, `$BASH_ENV`, `##vso[task.prependpath]`).

    ## Why it breaks
    A venv does not see the user site-packages, so pip refuses: `ERROR: Can not perform a
    '--user' install. User site-packages are not visible in this virtualenv.`

    ## Example
    ```sh
    python3 -m venv .venv && . .venv/bin/activate && pip install --user requests
    ```

    ## Use instead
    ```sh
    python3 -m venv .venv && . .venv/bin/activate && python -m pip install requests
    ```

    ## Fix safety
    Dropping `--user` is safe: pip refuses the command as written, and inside a venv it
    installs into the venv either way.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#user-installs
    """

    code = "PW303"
    name = "user-install-in-venv"
    severity = Severity.ERROR
    summary = "`--user` install while a venv is active (pip refuses)"
    url = "https://pip.pypa.io/en/stable/user_guide/#user-installs"
    fix = FIX_SOMETIMES

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = context.pip
        if pip is None or not pip.installs or not pip.has("--user"):
            return
        if not context.venv_active or context.venv is None or context.venv.conda:
            return
        if not (pip.through_path or pip.names_other_interpreter):
            return
        option = pip.option_words["--user"]
        venv = context.venv
        where = venv.path or "the active venv"
        how = "put on PATH" if venv.how == "PATH" else "activated"
        yield Hit(
            option.span,
            f'{code("--user")} inside the venv {where}: pip refuses with "Can not perform a '
            "'--user' install. User site-packages are not visible in this virtualenv.\"",
            "drop `--user`: inside a venv pip already installs into the venv",
            related=evidence((venv.span, f"the venv is {how} here")),
            fix=_drop_word(context.command.words, option, "drop `--user`"),
        )


class BreakSystemPackages(Rule):
    """
    ## What it finds
    Strict tier. `--break-system-packages` on pip or uv (also abbreviated,
    `--break-system-pack`, as pip's parser allows; on any branch), or
    `PIP_BREAK_SYSTEM_PACKAGES` / `UV_BREAK_SYSTEM_PACKAGES` set to a true value (a shell
    `export` or prefix, a Dockerfile `ENV`/`ARG`, a CI job's or step's `env:`, GitLab
    `variables:`, a Makefile recipe, a justfile), pip's configuration told so (`pip config
    set global.break-system-packages true`, a pip.conf that says it), and get-pip.py given
    the flag, in every kind of file: in a script run by hand it breaks a machine nobody chose
    to break, and in a CI job or an image build it keeps the habit the remedy replaces.
    Reported once, at the line that sets it (a Dockerfile's global `ARG`, not each stage
    that takes it). Not with
    `--target`, `--prefix` or `--root`, where pip skips the PEP 668 check and the flag does
    nothing, nor for a pip whose venv is active (pip skips the check in a venv too), nor on a
    prefix that sets the variable for a command pip is not in (`make`, or
    `poetry install`, which installs into Poetry's own venv).

    ## Why it breaks
    It switches off the PEP 668 guard that stops pip from overwriting the distro's Python
    packages. Installs then replace files apt owns; the next `apt upgrade` or a system tool
    that imports a changed package can break, and `pip uninstall` can remove what the OS needs.

    ## Example
    ```dockerfile
    RUN pip install --break-system-packages requests
    ```

    ## Use instead
    A virtual environment (`python3 -m venv /opt/venv`), or `pipx install` for command-line
    tools. On a Windows image, `RUN python -m venv C:\\venv` and `RUN setx /M PATH
    "C:\\venv\\Scripts;%PATH%"` put the venv first on the PATH later RUNs start with.

    ## Fix safety
    No automatic fix.

    ## References
    - https://packaging.python.org/en/latest/specifications/externally-managed-environments/#marking-an-interpreter-as-using-an-external-package-manager
    - https://pip.pypa.io/en/stable/topics/configuration/#environment-variables
    """

    code = "PW304"
    name = "break-system-packages"
    severity = Severity.WARNING
    summary = "`--break-system-packages` / PIP_BREAK_SYSTEM_PACKAGES in any form (strict tier)"
    url = "https://packaging.python.org/en/latest/specifications/externally-managed-environments/#marking-an-interpreter-as-using-an-external-package-manager"
    # Decided by the file's own text: a caller's venv can only make it quieter.
    caller_dependent = False

    def on_command(self, context: Context) -> Iterable[Hit]:
        command, pip = context.command, context.pip
        if commands.configures_break_system_packages(command):
            yield Hit(
                command.span,
                "pip's configuration told to break system packages switches off the PEP 668 "
                "guard for every later pip command: pip may overwrite packages the system "
                "package manager owns",
                f"remove it and {venv_remedy(context)}",
            )
            return
        if pip is None and commands.bootstraps_pip(command):
            # get-pip.py hands its options to the `pip install` it runs.
            option = next((w for w in command.words if _breaks_system(w.text)), None)
        elif pip is None or pip.has("--target", "--prefix", "--root") or context.venv_active:
            return  # pip skips the PEP 668 check there and in a venv: the flag does nothing
        else:
            option = pip.option_words.get("--break-system-packages")
        if option is None:
            return
        # Python code installs what it imports: no command-line tool for pipx.
        tools = (
            ""
            if command.script.origin.startswith("python-")
            else ", or use `pipx install` for tools"
        )
        # Where the command already names its interpreter (`sys.executable`), the flag alone
        # is what to change.
        drop = (
            f"drop {code('--break-system-packages')} and " if pip and pip.runs_this_python else ""
        )
        yield Hit(
            option.span,
            f"{code('--break-system-packages')} lets pip overwrite the packages the system "
            "package manager owns (PEP 668), which can break system tools",
            drop + venv_remedy(context) + tools,
        )

    def on_env(self, env: EnvContext) -> Iterable[Hit]:
        if env.name not in ("PIP_BREAK_SYSTEM_PACKAGES", "UV_BREAK_SYSTEM_PACKAGES"):
            return
        if not commands.pip_env_true(env.value):
            return
        if env.prefixed is not None and not _may_run_pip(env.prefixed):
            return  # `PIP_BREAK_SYSTEM_PACKAGES=1 make bios`: set for a command pip is not in
        venv_package = ADD_VENV_PACKAGE if env.venv_package_missing() else ""
        yield Hit(
            env.span,
            f"{code(env.name)} switches off the PEP 668 guard for every later pip command: "
            "pip may overwrite packages the system package manager owns",
            (
                f"remove it and install into a venv on PATH: {venv_package}"
                "`RUN python3 -m venv /opt/venv`, `ENV PATH=/opt/venv/bin:$PATH`"
                if env.host == "build"
                else "remove it and install into a virtual environment (or use `pipx install`)"
            ),
        )


def _may_run_pip(command: Command) -> bool:
    """Whether pip may read a variable set for `command` alone: pip, an interpreter, a shell
    or a script; not a build tool, and not a tool installing into its own environment
    (`poetry install`)."""
    name = command.name or ""
    if commands.environment_made(command) is not None or name in ("make", "gmake"):
        return False
    return commands.may_be_judged(command) or commands.runs_file(name)


def _breaks_system(option: str | None) -> bool:
    """`--break-system-packages`, or a prefix of it pip's parser takes for it."""
    return (
        option is not None
        and option.startswith("--br")
        and "--break-system-packages".startswith(option)
    )


class ExternallyManaged(Rule):
    """
    ## What it finds
    pip installing or uninstalling (also with `--user`, also under `sudo`) into a Python
    that is marked externally managed (PEP 668), outside a venv:

    - a distro Python the file installs: Debian 12+, Ubuntu 23.04+, Alpine 3.19+, Arch,
      openSUSE Tumbleweed, for example `FROM ubuntu:24.04`, `apt-get install python3-pip`,
      then `pip3 install requests`, in a Dockerfile, a CI job's image or `docker run IMAGE sh
      -c '...'`. Images are classified by the distro their reference names, official or not
      (`nvidia/cuda:12.6.2-runtime-ubuntu24.04`, `mirror.gcr.io/library/debian:12`); in a
      script, on the way where it checks the release it runs on (`/etc/os-release`'s
      `VERSION_CODENAME` or `VERSION_ID`, `lsb_release -rs`/`-cs` in a variable, compared in
      an `if` or named in a `case` arm; past `[ "$VERSION_ID" != 22.04 ] && exit 1`, the
      release it allows);
    - the `python3` of GitHub's and Azure's hosted macOS runners (`macos-latest`,
      `macos-14`, `macOS-latest`), Homebrew's, marked since 2023, in the job's steps and the
      composite actions it runs, unless `actions/setup-python` or `UsePythonVersion` put
      another Python first.

    Not on `ubuntu-latest`/`ubuntu-24.04` runners: their image sets
    `break-system-packages = true` in `/etc/pip.conf`, so pip installs there. Not with
    `--target`, `--prefix` or `--root` (pip skips the check), nor with
    `--break-system-packages` (PW304). An image or runner nothing here describes is unknown,
    and nothing is reported. README.md lists the environments and the sources of each fact.

    ## Why it breaks
    pip refuses every install there outside a venv, and `--user` is no way around it:
    ```
    error: externally-managed-environment
    × This environment is externally managed
    ╰─> To install Python packages system-wide, try apt install python3-xyz ...
    ```
    Only a venv or `--target`/`--prefix`/`--root` are exempt.

    ## Example
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y python3-pip
    RUN pip3 install requests
    ```

    ## Use instead
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y python3-venv
    RUN python3 -m venv /opt/venv
    ENV PATH=/opt/venv/bin:$PATH
    RUN python -m pip install requests
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - https://packaging.python.org/en/latest/specifications/externally-managed-environments/#keep-the-marker-file-in-container-images
    - https://peps.python.org/pep-0668/
    - https://docs.brew.sh/Homebrew-and-Python#pep-668-and-virtual-environments
    - https://github.com/actions/runner-images/blob/main/images/ubuntu/scripts/build/install-python.sh
    """

    code = "PW305"
    name = "externally-managed"
    severity = Severity.ERROR
    summary = (
        "pip into a PEP 668 externally managed Python: distro images, macOS runners (pip refuses)"
    )
    url = "https://packaging.python.org/en/latest/specifications/externally-managed-environments/#keep-the-marker-file-in-container-images"

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = context.pip
        python = refused_as_externally_managed(pip, context) if pip else None
        if pip is None or python is None:
            return
        start, end = pip.span_through_subcommand
        whose = _MARKED_BY.get(python.origin, "the distro")
        environment = context.environment
        if environment is not None and environment.hosted:
            where = f"the runner, whose {code('python3')} is {whose}'s, externally managed"
        elif environment is not None and context.host in ("unknown", "developer"):
            release = environment.name.replace(":", " ").capitalize()
            where = f"the script checks that it runs on {release}"
        else:
            where = f"the image, whose Python is {whose}'s, externally managed"
        yield Hit(
            Span(start, end),
            f"{whose} marks this Python as externally managed (PEP 668): pip stops with "
            '"error: externally-managed-environment" (and --user does not get around it)',
            venv_remedy(context),
            related=evidence(
                (context.image_origin, where),
                (
                    context.python_origin if context.python == "distro" else None,
                    "the distro's Python is installed here",
                ),
            ),
            fails=True,
        )


_MARKED_BY = {"distro": "the distro", "homebrew": "Homebrew"}


class SourceInSh(Rule):
    """
    ## What it finds
    `source` in a script run by `/bin/sh` where that is dash (Debian and Ubuntu images, and
    any script whose shebang asks for `/bin/sh`) or by `dash` itself.

    ## Why it breaks
    `source` is a bash builtin; dash and POSIX sh only have `.`. The shell prints
    `/bin/sh: 1: source: not found`, the command fails, and the venv is never activated.

    ## Example
    ```dockerfile
    FROM python:3.12
    RUN source /opt/venv/bin/activate && pip install requests
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12
    RUN . /opt/venv/bin/activate && pip install requests
    ```
    or, simpler, `RUN /opt/venv/bin/python -m pip install requests`.

    ## Fix safety
    `source` → `.` is safe: `.` does the same in every POSIX shell, bash included.

    ## References
    - https://docs.python.org/3/library/venv.html#how-venvs-work
    - https://docs.docker.com/reference/dockerfile/#shell-form
    """

    code = "PW306"
    name = "source-in-sh"
    severity = Severity.ERROR
    summary = "`source` where /bin/sh is dash (`source: not found`)"
    url = "https://docs.python.org/3/library/venv.html#how-venvs-work"
    fix = FIX_ALWAYS

    def on_command(self, context: Context) -> Iterable[Hit]:
        command = context.command
        if command.program != "source" or not context.posix_sh or len(command.words) < 2:
            return
        where = command.words[0].edit_span
        yield Hit(
            command.words[0].span,
            f"{code('source')} is not a command in {context.sh_label}: it fails with "
            '"source: not found" and nothing is activated',
            f"use the POSIX {code('.')} instead: `. {command.words[1].raw}`",
            related=evidence(
                # /bin/sh is dash because of the image (not where `dash` is named)
                (
                    context.image_origin if command.script.shell == "sh" else None,
                    "the image, whose /bin/sh is dash",
                ),
            ),
            fix=Fix((Edit(where, "."),), SAFE, "use `.`") if where else None,
            # `#!/bin/sh` on a machine nothing describes: where a repository file runs the
            # script, its image or runner says what /bin/sh is.
            alone=command.script.shell == "sh" and context.environment is None,
        )


class ActivateNotSourced(Rule):
    """
    ## What it finds
    A venv's activate script run as a command instead of sourced: `./venv/bin/activate`,
    `.venv/bin/activate`, `bash venv/bin/activate`, `sh .venv/bin/activate`, a CI step
    `run: .venv/bin/activate`. Later commands are judged as if nothing was activated, which
    is what happens. (In PowerShell and cmd, running `Activate.ps1` or `activate.bat` is
    right and is not reported.)

    ## Why it breaks
    A script run as a command gets a child shell of its own: the activation changes that
    child's PATH and is gone when it exits a moment later (or the shell refuses with
    `Permission denied`, since activate is not executable). The `pip` and `python` that
    follow are not the venv's.

    ## Example
    ```sh
    python3 -m venv .venv
    .venv/bin/activate
    pip install -r requirements.txt
    ```

    ## Use instead
    ```sh
    python3 -m venv .venv
    . .venv/bin/activate
    pip install -r requirements.txt
    ```

    ## Fix safety
    Safe in bash and POSIX sh: the script is sourced with `.` (which every POSIX shell has),
    as was meant.

    ## References
    - https://docs.python.org/3/library/venv.html#how-venvs-work
    """

    code = "PW307"
    name = "activate-not-sourced"
    severity = Severity.ERROR
    summary = "venv activate script run as a command: it activates nothing"
    url = "https://docs.python.org/3/library/venv.html#how-venvs-work"
    fix = FIX_SOMETIMES
    caller_dependent = False  # decided by the file's own text

    def on_command(self, context: Context) -> Iterable[Hit]:
        command = context.command
        script = commands.activate_run_as_command(command)
        if script is None:
            return
        first = command.words[0]
        fix = None
        if command.script.shell in ("bash", "sh", "dash") and script.edit_span is not None:
            if first is script:
                edit = Edit(Span(script.edit_span.start, script.edit_span.start), ". ")
            elif first.edit_span is not None:
                edit = Edit(first.edit_span, ".")
            else:
                edit = None
            fix = Fix((edit,), SAFE, "source it with `.`") if edit else None
        yield Hit(
            Span(first.span.start, script.span.end),
            f"{code(' '.join(w.raw for w in command.words[: command.words.index(script) + 1]))} "
            "runs the activate script in a child shell that exits at once: nothing is "
            "activated here",
            f"source it: `. {script.raw}` (or call the venv's own `bin/python` directly)",
            fix=fix,
        )
