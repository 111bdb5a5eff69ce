"""What commands change in the state a walk keeps (`pipwarden.state`): variables, the
directory, venvs activated or written to a CI file for later steps, aliases; the Pythons a
command installs or builds, the users it creates, the pip it bootstraps. The walk
(`pipwarden.analysis`) decides where a command runs; this module, what it leaves behind."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipwarden import commands, environments
from pipwarden.analysis.paths import Event, Path
from pipwarden.analysis.state import Alias, Read, Session, State
from pipwarden.commands import PipCall
from pipwarden.environments import Python
from pipwarden.locate import expand_known, expanded, joined
from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.rules.base import Venv
from pipwarden.shell.command import Command, Word
from pipwarden.shell.expand import Values
from pipwarden.shell.parse import program
from pipwarden.shell.session import Persist, Scope, Script, SetPython


def set_python(state: State, item: SetPython) -> None:
    """setup-python, UsePythonVersion, setup-miniconda: a Python first on PATH."""
    state.python, state.python_origin = item.source, item.span
    names = {"python", "python3", "pip", "pip3"}
    if item.version and re.fullmatch(r"3\.\d+(\.[\dx*]+)?", item.version):
        minor = ".".join(item.version.split(".")[:2])
        names |= {f"python{minor}", f"pip{minor}"}
    origin = "conda" if item.source == "conda" else "toolcache"
    first_on_path(state, Python(origin, frozenset(names), item.version, False))


def first_on_path(state: State, python: Python) -> None:
    state.pythons = (python, *(p for p in state.pythons if p != python))


def venv_from_variable(state: State, name: str, value: str | None, span: Span) -> Venv | None:
    """The venv a new PATH puts first. VIRTUAL_ENV or CONDA_PREFIX set alone make none: `pip`
    is still whichever PATH finds (checked by running bash and dash)."""
    if value is None or name != "PATH":
        return None
    # Windows separates PATH entries with `;` (and a drive's colon is no separator).
    for entry in value.split(";" if ";" in value else ":"):
        directory = commands.venv_of_bin_dir(entry.strip("\"'"))
        if directory is None or directory in ("/usr", "/usr/local", "", "/"):
            continue
        if directory == state.env.get("POETRY_HOME") or directory.endswith(("/poetry", "/.cargo")):
            continue  # Poetry's installer and cargo put only their own programs there
        if commands.is_conda_dir(directory):
            return Venv(directory, "conda", span)
        if directory in state.venvs_later and directory not in state.venvs_created:
            continue  # not there yet: PATH looks further
        if (
            directory in state.venvs_created
            or _made_here(state, directory)
            or directory == state.env.get("VIRTUAL_ENV")
            or commands.looks_like_venv(directory)
        ):
            return Venv(directory, "PATH", span)
        if not directory.startswith("$"):
            break  # an ordinary bin directory comes first on PATH
    return None


def _made_here(state: State, directory: str) -> bool:
    """`$SOMEWHERE/build-env` after `python -m venv build-env`: a directory whose variables are
    not known, ending in a venv made in the working directory, is that venv."""
    return "$" in directory and any(
        not made.startswith(("/", "$", "~")) and directory.endswith("/" + made.removeprefix("./"))
        for made in state.venvs_created
    )


def _on_path_already(state: State, session: Session, span: Span) -> None:
    """A venv made where PATH already names its bin directory (`ENV PATH=/opt/venv/bin:$PATH`
    written before `RUN python3 -m venv /opt/venv`): from now on its pip is the one PATH
    finds, in this shell and, where the PATH is inherited, in the later ones."""
    if session.venv is None:
        session.venv = venv_from_variable(state, "PATH", session.env.get("PATH"), span)
    if state.venv is None:
        state.venv = venv_from_variable(state, "PATH", state.env.get("PATH"), span)


def _own_environment(command: Command, state: State, session: Session) -> bool:
    """A project tool making an environment of its own (`poetry install`), or told to make
    none; with a venv active, Poetry, Pipenv and PDM install into that one."""
    off = commands.environment_creation_off(command)
    if off is not None:
        state.writable().own_environments[off] = None
        return True
    tool = commands.environment_made(command)
    if tool is None:
        return False
    variable, meaning = commands.ENVIRONMENT_ELSEWHERE.get(tool, ("", None))
    assigned = {a.name: a for a in command.assignments}
    if variable in assigned or variable in session.env:
        told = assigned[variable].value if variable in assigned else None
        value = told.text if told is not None else session.env.get(variable)
        if meaning is None or value is None or value.lower() in meaning:
            return True  # maybe no environment of its own: not known to be one
    if session.venv is None and state.own_environments.get(tool, command.span) is not None:
        state.writable().own_environments.setdefault(tool, command.span)
    return True


def user_of(command: Command, state: State, session: Session) -> tuple[str | None, Span | None]:
    """Who runs `command`, and the line that says so: the user sudo names, root under
    sudo, the user this process switched to, or the Scope's."""
    if command.run_as is not None:
        origin = command.elevated_by or (command.wrappers[0].span if command.wrappers else None)
        return command.run_as, origin
    if command.elevated_by:
        return "root", command.elevated_by
    if session.runs_as is not None:
        return session.runs_as
    return state.user, state.user_origin


def prefix_venv(command: Command, state: State, session: Session) -> Venv | None:
    """The venv a PATH set for this command alone puts first: the shell finds the command
    itself on that PATH (checked by running bash and dash)."""
    for assignment in command.assignments:
        if assignment.name == "PATH" and assignment.value is not None:
            value = expand_known(_assigned_value(assignment.value.raw), session.env)
            return venv_from_variable(state, "PATH", value, assignment.span)
    return None


# `$(echo "$1" | tr "{A-Z}" "{a-z}")`, `$(echo $X | tr '[:upper:]' '[:lower:]')`: a variable's
# value in lower (or upper) case, as installers read their command word.
_CASE_CHANGE = lazy(
    r"""\$\(\s*echo\s+"?\$\{?(\w+)\}?"?\s*\|\s*tr\s+(["']?)(\S+?)\2\s+(["']?)(\S+?)\4\s*\)"""
)
_UPPER = frozenset({"A-Z", "{A-Z}", "[A-Z]", "[:upper:]"})
_LOWER = frozenset({"a-z", "{a-z}", "[a-z]", "[:lower:]"})


def _case_changed(raw: str, session: Session, span: Span) -> Values | None:
    """The values of a variable read through `echo | tr` to change its case, where known."""
    found = _CASE_CHANGE.fullmatch(raw)
    values = session.lookup(found.group(1)) if found else None
    if found is None or values is None:
        return None
    sets = (found.group(3), found.group(5))
    if sets[0] in _UPPER and sets[1] in _LOWER:
        return tuple((value.lower(), span) for value, _ in values)
    if sets[0] in _LOWER and sets[1] in _UPPER:
        return tuple((value.upper(), span) for value, _ in values)
    return None


# Variables that hold the machine's release: /etc/os-release's and /etc/lsb-release's, and
# one assigned from `lsb_release -rs` / `-cs`.
_RELEASE_NAMES = frozenset(
    {"VERSION_ID", "VERSION_CODENAME", "UBUNTU_CODENAME", "DISTRIB_RELEASE", "DISTRIB_CODENAME"}
)
_LSB_RELEASE = lazy(r"\$\(\s*lsb_release\s+-(?:s[rc]|[rc]s?)\s*\)|`lsb_release -(?:s[rc]|[rc]s?)`")


def release_checked(
    name: str, values: tuple[str, ...], session: Session
) -> environments.Environment | None:
    """The Debian or Ubuntu release the machine runs where the release variable `name` holds
    one of `values` (`noble`, `24.04`), which agree on PEP 668; None for any other
    variable."""
    assigned = session.env.get(name)
    # os-release's names, also under a prefix a script reads them with (mail-in-a-box's
    # `source <(sed s/^/OS_RELEASE_/ /etc/os-release)`).
    own = name.rsplit("_", 2)
    named = name in _RELEASE_NAMES or "_".join(own[-2:]) in _RELEASE_NAMES
    if not named and not (assigned and _LSB_RELEASE.fullmatch(assigned)):
        return None
    found = [environments.release_named(value) for value in values]
    if not found or None in found:
        return None
    if len({e.externally_managed for e in found if e is not None}) != 1:
        return None
    return found[0]


POSITIONAL = ("#", *(str(n) for n in range(1, 10)))


def set_positional(session: Session, words: Sequence[Word] | None) -> None:
    """`$1`..`$9` and `$#` of a script run with `words` as its arguments: known where every
    word is (an unset one reads as empty); None: not known (a script run by hand, a
    function, whose arguments are not followed)."""
    known = words is not None and all(word.text is not None for word in words)
    for name in POSITIONAL:
        if session.env.get(name, "") is not None or session.values.get(name, ()) is not None:
            session.set(name, None, None)  # (already unknown: the shared maps stay shared)
    if not known:
        return
    assert words is not None
    session.set("#", str(len(words)), None)
    for number in range(1, 10):
        text = words[number - 1].text if number <= len(words) else ""
        session.set(str(number), text, words[number - 1].span if number <= len(words) else None)


def shift_positional(session: Session, count: int | None) -> None:
    """`shift COUNT` where `$1`.. are the script's: each moves down by COUNT and `$#` drops by
    it. A COUNT or `$#` not known, or a COUNT past `$#` (bash's shift then fails and changes
    nothing, dash's stops the script), leaves them all unknown."""
    number = session.env.get("#")
    known = count is not None and number is not None and number.isascii() and number.isdigit()
    if not known or count > int(number):  # type: ignore[operator]
        for name in POSITIONAL:
            session.set(name, None, None)
        return
    assert count is not None and number is not None
    left = int(number) - count
    moved = [session.lookup(str(n + count)) if n + count <= 9 else None for n in range(1, 10)]
    session.set("#", str(left), None)
    for n, values in enumerate(moved, start=1):
        if n > left:
            session.set(str(n), "", None)
        elif values is None:
            session.set(str(n), None, None)
        else:
            session.narrow(str(n), values, frozenset())


def _getopts(command: Command, session: Session) -> None:
    """`getopts SPEC NAME [ARG...]`, each round of a `while` loop: NAME is one of the option
    letters the arguments give (the script's own where none are written), `?` for one SPEC
    does not name or whose value is missing (`:` for that in silent mode); OPTARG the value of
    an option that takes one. The walk's rounds join them, so a `case "$NAME"` runs the arms
    of the options given, in any order, and the one for `?`, which the loop ends with (also
    inside the loop: an over-approximation). Arguments or a SPEC that are not known leave
    both unknown."""
    texts = command.texts()
    if len(texts) < 3 or not texts[2]:
        return
    name = texts[2]
    arguments = texts[3:] if len(texts) > 3 else _script_arguments(session)
    if not texts[1] or arguments is None or None in arguments:
        session.set(name, None, command.span)
        session.set("OPTARG", None, command.span)
        return
    silent, spec = texts[1].startswith(":"), texts[1].lstrip(":")
    letters: dict[str, None] = {}
    values: dict[str, None] = {}
    pending = ""  # the option whose value the next word is
    for text in arguments:
        assert text is not None
        if pending:
            values[text] = None
            pending = ""
            continue
        if text == "--" or not text.startswith("-") or text == "-":
            break
        for index, letter in enumerate(text[1:], start=2):
            if letter not in spec or letter == ":":
                letters["?"] = None
                if silent:
                    values[letter] = None
                continue
            letters[letter] = None
            if spec[spec.index(letter) + 1 : spec.index(letter) + 2] == ":":
                if text[index:]:
                    values[text[index:]] = None
                else:
                    pending = letter
                break
    if pending:  # the last option's value is missing
        del letters[pending]
        letters[":" if silent else "?"] = None
        if silent:
            values[pending] = None
    # After the last option getopts returns false, NAME `?`: the value the loop ends with.
    letters["?"] = None
    session.narrow(name, tuple((letter, command.span) for letter in letters), frozenset())
    if values:
        session.narrow("OPTARG", tuple((value, command.span) for value in values), frozenset())
    else:
        session.set("OPTARG", None, command.span)


def _script_arguments(session: Session) -> list[str | None] | None:
    """The script's own arguments, where the call that runs it wrote them (`$#`, `$1`...)."""
    count = session.env.get("#")
    if count is None or not count.isdigit() or int(count) > 9:
        return None
    return [session.env.get(str(number)) for number in range(1, int(count) + 1)]


def assign(command: Command, path: Path, exported: bool) -> None:
    session = path.session
    for assignment in command.assignments:
        raw = _assigned_value(assignment.value.raw if assignment.value else "")
        value = expand_known(raw, session.env) if assignment.name == "PATH" else raw
        text = assignment.value.text if assignment.value else ""
        session.set(assignment.name, value if text is None else text, assignment.span, exported)
        if text is None:
            changed = _case_changed(raw, session, assignment.span)
            if changed is not None and len(changed) == 1:
                session.set(assignment.name, changed[0][0], assignment.span, exported)
            else:
                session.writable().values[assignment.name] = changed
        else:
            said = f"{assignment.name} is `{text}`" if text else f"{assignment.name} is empty"
            path.with_event(Event("set", assignment.name, said, assignment.span))
        venv = venv_from_variable(path.state, assignment.name, value, assignment.span)
        if venv is not None:
            session.venv = venv
            session.activated = venv


def _persist(
    command: Command, state: State, session: Session, persists: tuple[Persist, ...]
) -> None:
    """`echo "$PWD/.venv/bin" >> "$GITHUB_PATH"` and the like: state for later Scripts. In
    PowerShell and cmd also `Add-Content $env:GITHUB_PATH "$PWD\\venv\\Scripts"`, `echo
    %CD%\\venv\\Scripts>> %GITHUB_PATH%`, `Write-Host "##vso[task.prependpath]..."`."""
    windows = command.script.shell in ("pwsh", "cmd")
    words = [w for w in command.words[1:] if not (w.text or "").startswith("-")]
    if command.program == "printf" and words:
        words = words[-1:]
    targets = [r.target.raw for r in command.redirects if r.operator in (">", ">>")]
    written = None
    if windows and (command.program or "").lower() in _WRITE_CMDLETS:
        target, words = _cmdlet_file(command.words[1:])
        targets.append(target)
        if not words and command.stdin:  # `"$PWD\venv\Scripts" | Out-File $env:GITHUB_PATH`
            written = _assigned_value(command.script.text[slice(*command.stdin)])
    if written is None:
        written = " ".join(_assigned_value(w.raw) for w in words)
    # `echo "${CONDA_PREFIX}/Scripts" >> "$GITHUB_PATH"` names the directory the variable holds.
    written = expand_known(written, session.env)
    if windows:
        written = written.replace("\\", "/")
    for persist in persists:
        if persist.variable is not None:
            variable = rf"(?:\$\{{?|\$env:|%){persist.variable}\b"
            if not any(re.search(variable, t, re.IGNORECASE) for t in targets):
                continue
            _apply_persisted(state, persist, written, command, session)
        elif persist.marker is not None and written.startswith(persist.marker):
            _apply_persisted(state, persist, written[len(persist.marker) :], command, session)


def _cmdlet_file(words: tuple[Word, ...]) -> tuple[str, list[Word]]:
    """`Add-Content -Path FILE -Value TEXT -Encoding utf8` (or FILE TEXT by position): the
    file as written, and the words of the text."""
    path: list[Word] = []
    value: list[Word] = []
    positional: list[Word] = []
    index = 0
    while index < len(words):
        name = words[index].raw.lower()
        following = words[index + 1 : index + 2]
        if name in ("-path", "-filepath", "-literalpath"):
            path, index = following, index + 2
        elif name == "-value":
            value, index = following, index + 2
        elif name.startswith("-"):
            # A switch (`-Append`) or a parameter with its value (`-Encoding utf8`).
            index += 1 if name in _SWITCHES else 2
        else:
            positional.append(words[index])
            index += 1
    if not path and positional:
        path, positional = positional[:1], positional[1:]
    return (path[0].raw if path else ""), value or positional


_SWITCHES = frozenset({"-append", "-force", "-nonewline", "-passthru", "-noclobber"})


def _apply_persisted(
    state: State, persist: Persist, written: str, command: Command, session: Session
) -> None:
    written = written.strip()
    active = session.venv
    if active is not None and active.path:
        # `echo "$VIRTUAL_ENV/bin" >> "$GITHUB_PATH"` after an activation names that venv.
        written = re.sub(r"\$(?:env:)?\{?VIRTUAL_ENV\}?", lambda _: active.path or "", written)
    if persist.kind == "path":
        venv = venv_from_variable(state, "PATH", written + ":$PATH", command.span)
        if venv is None and "$" in written:
            # A directory whose variables are not known here (`.venv/$BIN` with BIN an
            # expression): which pip comes first is not known.
            state.venv, state.venv_known = None, False
            return
    elif persist.kind == "env":
        name, _, value = written.partition("=")
        name = name.strip()
        state.writable().env[name] = value
        venv = venv_from_variable(state, name, value, command.span)
        # `echo "PATH=$PATH" >> "$GITHUB_ENV"`: the PATH the activation made, venv first.
        if venv is None and active and name == "PATH" and re.search(r"\$\{?PATH\b", value):
            venv = active._replace(how="PATH", span=command.span)
    else:
        activated = re.fullmatch(r"(?:source|\.)\s+(\S+)", written)
        found = None
        if activated:
            target = activated.group(1).strip("\"'")
            found = re.fullmatch(r"(.*?)/(?:bin|Scripts)/activate", target)
        venv = Venv(found.group(1), "activate", command.span) if found else None
        if venv is None and written.startswith("export "):
            name, _, value = written[len("export ") :].partition("=")
            venv = venv_from_variable(state, name.strip(), value, command.span)
    if venv is not None:
        state.venv = venv
        state.lost_activation = None


def maybe_applied(command: Command, path: Path) -> None:
    """What a command that may not run at all leaves (`$STD source venv/bin/activate`, its
    wrapper unknown): a venv it would activate or leave is maybe active; nothing else is
    assumed."""
    if (
        commands.activation(command)
        or commands.deactivation(command)
        or commands.sources_venv_helper(command)
    ):
        path.session.maybe_activated = path.session.maybe_activated or command.span


def reads_directory(command: Command, session: Session) -> bool:
    """Whether what `command` changes (`apply`) depends on the shell's working directory
    or the script's own (a directory change, a project venv made in it, CPython's `make
    install` in its sources), whatever directory that is."""
    return (
        command.program in DIRECTORY_COMMANDS
        or command.program in ("make", "gmake")
        or (session.venv is None and commands.project_venv(command, session.env) is not None)
    )


def apply(
    command: Command, pip: PipCall | None, path: Path, scope: Scope, script_dir: str | None
) -> None:
    """What `command` changes: the shell's variables, directory, venv and aliases (`path`'s
    session), and the machine's Pythons, users and venvs (`path`'s state)."""
    state, session = path.state, path.session
    program_name = command.program
    if program_name in ("export", "declare", "typeset", "local", "readonly"):
        exported = program_name == "export" or any(w.text == "-x" for w in command.words[1:])
        assign(command, path, exported)
        if exported:  # `export NAME`: a variable set before is now exported
            session.writable().exported.update(w.text for w in command.words[1:] if w.text)
        return
    if program_name in DIRECTORY_COMMANDS:
        words = [w for w in command.words[1:] if not (w.text or "").startswith("-")]
        named = expanded(words[0], session.env, script_dir) if words else None
        session.cwd = joined(session.cwd, named) if program_name != "popd" and named else None
        session.moved = session.cwd is None
        return
    if commands.configures_break_system_packages(command):
        state.pip_config_breaks = command.span
        return
    if program_name in _OUTPUT_COMMANDS or (
        command.script.shell in ("pwsh", "cmd") and (program_name or "").lower() in _WINDOWS_OUTPUT
    ):
        _persist(command, state, session, scope.persist)
        return
    if command.script.shell in ("pwsh", "cmd") and (program_name or "").lower() == "setx":
        _setx(command, state)
        return
    if program_name == "alias":
        for word in command.words[1:]:
            name, has_value, value = (word.text or "").partition("=")
            if has_value:
                session.writable().aliases[name] = Alias(value, word.span, _read_after(command))
        return
    if program_name == "unalias":
        for word in command.words[1:]:
            session.writable().aliases.pop(word.text or "", None)
        return
    if program_name == "set":
        _set_options(command, session)
        return
    if program_name == "shopt" and command.texts()[1:3] == ["-s", "expand_aliases"]:
        session.expand_aliases = session.expand_aliases or _read_after(command)
        return
    if program_name == "getopts":
        _getopts(command, session)
        return
    if program_name == "read":
        for word in command.words[1:]:
            if word.text and not word.text.startswith("-"):
                session.set(word.text, None, word.span)
        return
    created = commands.venv_created(command)
    # A directory whose value is not known is named by its words: `uv venv "$HOME/.venvs/x"`
    # is the venv `PATH="$HOME/.venvs/x/bin:$PATH"` puts first.
    if created is not None:
        made = created.text or expand_known(_assigned_value(created.raw), session.env)
        state.writable().venvs_created[made.rstrip("/")] = created.span
        _on_path_already(state, session, created.span)
        if made.startswith("/") and session.venv is None and _env_unknown(state):
            # A base image whose ENV is not known may have put this venv's bin first on
            # PATH already (linuxserver's set VIRTUAL_ENV=/lsiopy, PATH=/lsiopy/bin:$PATH
            # for the `python3 -m venv /lsiopy` of the images built on them).
            session.venv_known = False
        return
    activation = commands.activation(command)
    if (
        activation is not None
        and program_name == "source"
        and posix_sh(command.script, state, scope)[0]
    ):
        # dash has no `source` (PW306 says so): no venv is activated, so whether one is
        # active is what it was; what the file meant is still an activation, which does
        # not outlive this shell either (PW302).
        session.maybe_activated = command.span
        session.activated = Venv(activation.venv, "activate", command.span)
        path.failed = True
        return
    if activation is not None:
        venv = Venv(activation.venv, "conda" if activation.conda else "activate", command.span)
        if not activation.conda and session.before_activation is None:
            session.before_activation = (session.venv, session.venv_known)
        session.venv = session.activated = venv
        state.lost_activation = None
        where = activation.venv or "the venv"
        path.with_event(Event("activate", "", f"{where} is activated", command.span))
        return
    if commands.sources_venv_helper(command) or program_name == "workon":
        # `workon NAME`: virtualenvwrapper activates a venv this file does not show.
        session.venv, session.venv_known = None, False
        session.maybe_activated = command.span
        return
    if commands.deactivation(command):
        if program_name != "deactivate":  # `conda deactivate`
            session.venv, session.venv_known = None, True
        elif session.before_activation is not None:
            session.venv, session.venv_known = session.before_activation
            session.before_activation = None
        else:
            path.failed = True  # no `deactivate` function in this shell
        return
    if program_name == "unset":
        for word in command.words[1:]:
            if word.text:
                session.writable().env.pop(word.text, None)
                session.values.pop(word.text, None)
        return
    user = commands.user_created(command)
    if user is not None:
        for key in (user.name, user.uid):
            if key:
                state.writable().users[key] = user
        return
    if commands.removes_marker(command):
        state.pythons = tuple(p._replace(marker_overridden=True) for p in state.pythons)
        return
    if state.apt_installs is None and commands.installs_with_apt(command):
        state.apt_installs = command.span
    without_venv = commands.apt_pip_without_venv(command)
    if without_venv is not None:
        state.pip_without_venv = (state.pip_without_venv or command.span) if without_venv else None
    if state.environment is not None and "sudo" in commands.packages_installed(command):
        state.environment = state.environment._replace(sudo=True)
    in_project = None if session.venv else commands.project_venv(command, session.env)
    made = joined(session.cwd, in_project) if in_project else None
    if made is not None and made.startswith("/"):
        state.writable().venvs_created[made] = command.span
        _on_path_already(state, session, command.span)
    if _own_environment(command, state, session):
        return
    packages = commands.distro_python_packages(command)
    if packages:
        _distro_python(state, packages, command.span)
        return
    version = commands.pyenv_version(command)
    if version is not None:
        state.python, state.python_origin = "pyenv", command.span
        minor = ".".join(version.split(".")[:2]) if re.match(r"\d+\.\d+", version) else ""
        names = {"python", "python3", "pip", "pip3"}
        if minor:
            names |= {f"python{minor}", f"pip{minor}"}
        first_on_path(state, Python("pyenv", frozenset(names), version or None, False))
        return
    build = commands.python_built(command, session.cwd, session.env)
    if build is not None:
        _python_built(state, build, command.span)
        return
    if commands.bootstraps_pip(command) and command.name:
        found = environments.resolve(state.pythons, command.name.rsplit("/", 1)[-1])
        if found is not None:  # get-pip puts its pip in /usr/local/bin, first on PATH
            first_on_path(state, found.with_pip(command.span))
        return
    if state.python is None and commands.conda_environment_used(command):
        state.python = "conda"
        state.python_origin = command.span
        return
    user_name, _ = user_of(command, state, session)
    if pip is not None and pip.installs and pip.has("--user") and user_name == "root":
        state.writable().root_user_installs.append(pip)


def _distro_python(state: State, packages: tuple[str, ...], span: Span) -> None:
    """`apt-get install python3-pip python3.11`: the distro's Python (with its pip where a
    pip package is named), and each other release named, a Python of its own."""
    if state.python is None:
        state.python, state.python_origin = "distro", span
    template = state.environment.distro_python if state.environment else None
    if template is None:
        return
    others = set()
    for name in packages:
        found = re.fullmatch(r"python(3\.\d+)(?:-\w+)?", name)
        if found and found.group(1) != template.version:
            others.add(found.group(1))
        else:
            with_pip = any(package.endswith("-pip") for package in packages)
            python = template.with_pip(span) if with_pip else template
            _installed(state, python._replace(installed_at=span))
    for version in sorted(others):
        # Another release beside the distro's own (deadsnakes, universe): whether its
        # package carries the marker is not known.
        names = frozenset({f"python{version}"})
        _installed(state, Python("distro", names, version, None, installed_at=span))


def _installed(state: State, python: Python) -> None:
    """A Python the distro installs into /usr/bin: after those in /usr/local and the
    like, unless it is one the environment has already."""
    pythons = list(state.pythons)
    for index, known in enumerate(pythons):
        if known.origin == python.origin and known.version == python.version:
            pythons[index] = known._replace(
                commands=known.commands | python.commands,
                installed_at=known.installed_at or python.installed_at,
                pip_from=known.pip_from or python.pip_from,
            )
            break
    else:
        pythons.append(python)
    state.pythons = tuple(pythons)


def _python_built(state: State, build: commands.PythonBuild, span: Span) -> None:
    """CPython's `make install`/`make altinstall` into /usr/local, before /usr/bin on
    PATH; it installs pip (ensurepip) and no EXTERNALLY-MANAGED."""
    names: set[str] = set()
    if build.version:
        names |= {f"python{build.version}", f"pip{build.version}"}
    if not build.altinstall:
        names |= {"python3", "pip3"}
    if state.python is None:
        state.python, state.python_origin = "source", span
    first_on_path(
        state,
        Python("source", frozenset(names), build.version, False, installed_at=span, pip_from=span),
    )


DIRECTORY_COMMANDS = frozenset({"cd", "pushd", "popd"})
_OUTPUT_COMMANDS = frozenset({"echo", "printf"})
# What writes a line to a file or the job's log in PowerShell and cmd (names case-blind).
_WRITE_CMDLETS = frozenset({"add-content", "ac", "set-content", "out-file"})
_WINDOWS_OUTPUT = _WRITE_CMDLETS | {"echo", "write-output", "write-host"}


def _setx(command: Command, state: State) -> None:
    """`setx /M PATH "C:\\venv\\Scripts;%PATH%"`: Windows keeps the value for the processes
    started later (a Windows image's next RUN), not for this shell.
    https://learn.microsoft.com/windows-server/administration/windows-commands/setx"""
    words = [_assigned_value(w.raw) for w in command.words[1:] if not w.raw.startswith("/")]
    if len(words) == 2 and words[0].upper() == "PATH":
        venv = venv_from_variable(state, "PATH", words[1].replace("\\", "/"), command.span)
        if venv is not None:
            state.venv = venv
            state.lost_activation = None


def _assigned_value(raw: str) -> str:
    """A shell assignment's value with quotes removed; expansions are kept as written so that
    `PATH="$PWD/.venv/bin:$PATH"` still shows its venv."""
    if not raw:
        return ""
    return re.sub(r"[\"']", "", raw)


def posix_sh(script: Script, state: State, scope: Scope) -> tuple[bool, str]:
    """Whether `script` runs in a POSIX sh without bash's extensions (`source`), and how
    to name that shell."""
    if script.shell == "dash":
        return True, "dash"
    if script.shell != "sh":
        return False, script.shell
    environment = state.environment
    if environment is not None:
        distro = (environment.distro or "").capitalize()
        return environment.sh == "dash", f"/bin/sh (dash on {distro}-based images)"
    if scope.runs_in_image or script.container is not None:
        return False, "/bin/sh"
    # A script that names /bin/sh must run wherever /bin/sh is POSIX sh: dash on Debian
    # and Ubuntu.
    return True, "/bin/sh (dash on Debian and Ubuntu)"


def _env_unknown(state: State) -> bool:
    """An image whose distro is known, not what else (ENV among it) its vendor put in."""
    environment = state.environment
    return environment is not None and environment.pythons == (environments.UNKNOWN,)


def _read_after(command: Command) -> Read:
    """Where what `command` defines starts to apply: after the shell has read the rest of
    its line and the compound command it is in."""
    return Read(command.script, program(command.script).read_by(command.span.end))


def _set_options(command: Command, session: Session) -> None:
    """`set -e`, `set -euo pipefail`, `set -o errexit`; `set +e` undoes it. The words after
    the options (all after `--`, none) are the new `$1`...; a word not known ends them."""
    words = command.words[1:]
    index = 0
    while index < len(words):
        text = words[index].text
        if text in ("--", "-"):  # (`set -` with no words after it leaves them)
            index += 1
            break
        if text is None or text[:1] not in ("-", "+") or len(text) < 2:
            break
        letters = text[1:]
        named = None
        if "o" in letters:  # the option's name is the next word
            index += 1
            named = words[index].text if index < len(words) else None
        if "e" in letters.split("o")[0] or named == "errexit":
            session.errexit = text[0] == "-"
        index += 1
    if index < len(words) or (index == len(words) and index and words[-1].text == "--"):
        if session.positional is None:
            set_positional(session, words[index:])
        else:
            session.positional = tuple(words[index:])
