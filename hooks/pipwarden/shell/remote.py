"""Commands that hand shell text to another machine or container: `docker run [options] IMAGE
sh -c '...'` (also `--entrypoint bash IMAGE -c '...'`), `docker exec CONTAINER sh -c`, `podman`
likewise, `kubectl exec ... -- sh -c`, `ssh host '...'`.

The payload runs in a fresh environment: for `docker run`, the one its image gives (as a
Dockerfile's FROM would); for the others, an environment nothing here can see.
"""

from __future__ import annotations

from pipwarden.record import Record
from pipwarden.shell import SHELLS


class Payload(Record):
    """The word holding the shell text, which shell runs it, and where."""

    index: int  # of the word in the command
    shell: str
    image: str | None  # `docker run`'s image; None where the environment is unknown
    user: str | None  # `docker run -u USER`, `su app -c`
    # True where the text runs in a container or on other hosts; False where it runs on this
    # machine as another user (`su -c`, `runuser -c`).
    elsewhere: bool = True
    # Logged in on the other hosts as the user who runs the command (`ssh host`, `pdsh -w`,
    # no `-l` or `user@`): under `sudo`, as root.
    as_caller: bool = False


# Options of `docker run` / `podman run` that take a value (short ones may be clustered,
# `-it`, with the value-taking letter last).
_RUN_VALUES = frozenset(
    [
        "--add-host",
        "--annotation",
        "--attach",
        "--blkio-weight",
        "--cap-add",
        "--cap-drop",
        "--cgroup-parent",
        "--cgroupns",
        "--cidfile",
        "--cpu-period",
        "--cpu-quota",
        "--cpu-shares",
        "--cpus",
        "--cpuset-cpus",
        "--cpuset-mems",
        "--device",
        "--dns",
        "--dns-option",
        "--dns-search",
        "--entrypoint",
        "--env",
        "--env-file",
        "--expose",
        "--gpus",
        "--group-add",
        "--health-cmd",
        "--hostname",
        "--ip",
        "--ipc",
        "--isolation",
        "--label",
        "--label-file",
        "--link",
        "--log-driver",
        "--log-opt",
        "--mac-address",
        "--memory",
        "--memory-swap",
        "--mount",
        "--name",
        "--network",
        "--pid",
        "--platform",
        "--publish",
        "--pull",
        "--restart",
        "--runtime",
        "--security-opt",
        "--shm-size",
        "--stop-signal",
        "--stop-timeout",
        "--storage-opt",
        "--sysctl",
        "--tmpfs",
        "--ulimit",
        "--user",
        "--userns",
        "--uts",
        "--volume",
        "--volumes-from",
        "--workdir",
    ]
)
_RUN_SHORT_VALUES = frozenset("aceghlmpuvw")
_EXEC_VALUES = frozenset({"--env", "--env-file", "--user", "--workdir", "--detach-keys"})
_EXEC_SHORT_VALUES = frozenset("euw")
_SSH_SHORT_VALUES = frozenset("BbcDEeFIiJLlmOopQRSWw")


def payload(texts: list[str | None]) -> Payload | None:
    """Where the remote shell text of this command is, if it has one we can read."""
    program = (texts[0] or "").rsplit("/", 1)[-1] if texts else ""
    if program in ("docker", "podman"):
        rest = texts[1:]
        if rest[:1] == ["container"]:
            rest = rest[1:]
        offset = len(texts) - len(rest)
        if rest[:1] == ["run"]:
            return _run(texts, offset + 1)
        if rest[:1] == ["exec"]:
            return _exec(texts, offset + 1)
        return None
    if program == "kubectl" and "exec" in texts and "--" in texts:
        start = texts.index("--") + 1
        return _shell_c(texts, start, None, None)
    if program == "ssh":
        return _ssh(texts)
    if program in _PARALLEL_SHELLS:
        return _parallel(texts, _PARALLEL_SHELLS[program])
    if program in ("su", "runuser"):
        return _switch_user(texts)
    return None


def _skip_options(
    texts: list[str | None], i: int, long_values: frozenset[str], short_values: frozenset[str]
) -> tuple[int, dict[str, str | None]]:
    """Index of the first operand from `i`, and the options seen (name → value)."""
    seen: dict[str, str | None] = {}
    while i < len(texts):
        text = texts[i]
        if text is None or not text.startswith("-") or text == "-":
            break
        if text == "--":
            return i + 1, seen
        if text.startswith("--"):
            name, has_value, value = text.partition("=")
            if not has_value and name in long_values:
                seen[name] = texts[i + 1] if i + 1 < len(texts) else None
                i += 2
                continue
            seen[name] = value if has_value else None
        else:
            letters = text[1:]
            last = letters[-1]
            if last in short_values and len(letters) >= 1:
                seen["-" + last] = texts[i + 1] if i + 1 < len(texts) else None
                i += 2
                continue
        i += 1
    return i, seen


def _shell_c(
    texts: list[str | None], start: int, image: str | None, user: str | None, shell: str = ""
) -> Payload | None:
    """`sh -c 'text'` from `start` (or, with `shell`, just `-c 'text'` after an entrypoint)."""
    if not shell:
        if start >= len(texts) or texts[start] is None:
            return None
        shell = (texts[start] or "").rsplit("/", 1)[-1]
        if shell not in SHELLS:
            return None
        start += 1
    i = start
    while i < len(texts):
        text = texts[i]
        if text is None:
            return None
        if text.startswith("-") and "c" in text[1:] and not text.startswith("--"):
            return Payload(i + 1, shell, image, user) if i + 1 < len(texts) else None
        if not text.startswith("-"):
            return None
        i += 1
    return None


def _run(texts: list[str | None], i: int) -> Payload | None:
    i, options = _skip_options(texts, i, _RUN_VALUES, _RUN_SHORT_VALUES)
    if i >= len(texts) or texts[i] is None:
        return None
    image = texts[i]
    user = options.get("--user") or options.get("-u")
    entrypoint = options.get("--entrypoint")
    if entrypoint is not None:
        shell = entrypoint.rsplit("/", 1)[-1]
        return _shell_c(texts, i + 1, image, user, shell) if shell in SHELLS else None
    return _shell_c(texts, i + 1, image, user)


def _exec(texts: list[str | None], i: int) -> Payload | None:
    i, _ = _skip_options(texts, i, _EXEC_VALUES, _EXEC_SHORT_VALUES)
    return _shell_c(texts, i + 1, None, None) if i < len(texts) else None


def _ssh(texts: list[str | None]) -> Payload | None:
    i, options = _skip_options(texts, 1, frozenset(), _SSH_SHORT_VALUES)
    # `ssh host 'command'`: one word after the host is the text the remote shell runs.
    if i + 2 == len(texts):
        caller = "-l" not in options and "@" not in (texts[i] or "@")
        return Payload(i + 1, "", None, None, as_caller=caller)
    return None


# Commands that run one shell text on many hosts (`pdsh -w "$hosts" "sudo -H pip install
# x.whl"`), and their options that take a value.
_PARALLEL_SHELLS = {
    "pdsh": frozenset("wxgXltufRMe"),
    "pssh": frozenset("hHlpoetxXO"),
    "parallel-ssh": frozenset("hHlpoetxXO"),
    "clush": frozenset("wxgXlftuoOR"),
}


def _parallel(texts: list[str | None], short_values: frozenset[str]) -> Payload | None:
    i, options = _skip_options(texts, 1, frozenset(), short_values)
    # The rest is the command; one word of it is shell text the remote shells run.
    caller = "-l" not in options and not any("@" in (t or "") for t in texts[1:i])
    return Payload(i, "", None, None, as_caller=caller) if i + 1 == len(texts) else None


def _switch_user(texts: list[str | None]) -> Payload | None:
    """`su -c 'text' [user]`, `su [-] user -c 'text'`, `runuser -l user -c 'text'`: the
    text runs on this machine as the user (root where none is named), in the shell `-s`
    names, else the user's login shell from /etc/passwd (su(1)), which the file does not
    show: bash for a user made with `useradd -s /bin/bash` (dev container images), so not
    /bin/sh's rules."""
    user: str | None = None
    shell = ""
    index: int | None = None
    i = 1
    while i < len(texts):
        text = texts[i]
        if text == "--" and i + 1 < len(texts):
            # `runuser -u app -- sh -c 'text'`: the program after `--` runs the text.
            shell = (texts[i + 1] or "").rsplit("/", 1)[-1]
            i += 2
            continue
        if text in ("-c", "--command") and i + 1 < len(texts):
            index = i + 1
            i += 2
            continue
        if text in ("-u", "--user", "-s", "--shell", "-g", "--group", "-w") and i + 1 < len(texts):
            user = texts[i + 1] if text in ("-u", "--user") else user
            if text in ("-s", "--shell"):
                shell = (texts[i + 1] or "").rsplit("/", 1)[-1]
            i += 2
            continue
        if text is None:
            return None
        if not text.startswith("-") and user is None:
            user = text
        i += 1
    if index is None:
        return None
    return Payload(index, shell, None, user or "root", elsewhere=False)
