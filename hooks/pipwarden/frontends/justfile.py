"""just (`justfile`, `.justfile`, `*.just`).

just runs each line of a recipe in a fresh shell (`sh -cu` unless `set shell := [...]` names
another), so an activation does not reach the next line; a recipe whose body starts with a
shebang, or that has the `[script]` attribute, is one script run as a whole
(https://just.systems/man/en/). `{{ ... }}` interpolations are unknown words; a line's `@`
and `-` prefixes are not part of the command. Each recipe is a Scope.
"""

from __future__ import annotations

from pipwarden.frontends import Parsed, file_directory, starting_in
from pipwarden.frontends.shellscript import shebang_shell
from pipwarden.patterns import lazy
from pipwarden.shell.session import Boundary, Scope, Script, ScriptBuilder

BOUNDARY = Boundary(
    reason="just runs each recipe line in a fresh shell",
    persist="join the lines with `&&`, or make the recipe a script (a shebang or `[script]`)",
    url="https://just.systems/man/en/",
)
_RECIPE = lazy(r"@?[A-Za-z_][\w-]*(\s+[^:=]*)?:(?!=)")
_SET_SHELL = lazy(r"set\s+shell\s*:=\s*(\[.*\])")
_INTERPOLATION = lazy(r"\{\{.*?\}\}")


def parse(text: str, path: str) -> Parsed:
    shell = "sh"
    scopes: list[Scope] = []
    recipe: str | None = None
    body: list[tuple[int, str]] = []  # (file offset, line without its indentation)
    script_attribute = False
    offset = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        start = offset
        offset += len(line)
        if content[:1] in (" ", "\t") and recipe is not None:
            stripped = content.lstrip(" \t")
            if stripped:
                body.append((start + len(content) - len(stripped), stripped))
            continue
        if not content.strip() or content.lstrip().startswith("#"):
            continue
        if recipe is not None:
            scopes.append(_recipe(recipe, body, shell, script_attribute))
            recipe, body = None, []
        setting = _SET_SHELL.match(content)
        if setting:
            shell = _shell_of(setting.group(1), shell)
        elif content.startswith("["):
            script_attribute = script_attribute or "script" in content
        elif _RECIPE.match(content):
            recipe = content.split(":", 1)[0].lstrip("@").split()[0]
            continue
        if not content.startswith("["):
            script_attribute = False
    if recipe is not None:
        scopes.append(_recipe(recipe, body, shell, script_attribute))
    return Parsed(starting_in(scopes, file_directory(path)))


def _shell_of(value: str, default: str) -> str:
    import json  # only for `set shell`

    try:
        words = json.loads(value)
    except ValueError:
        return default
    return words[0].rsplit("/", 1)[-1] if words and isinstance(words[0], str) else default


def _recipe(name: str, body: list[tuple[int, str]], shell: str, script: bool) -> Scope:
    first = body[0][1] if body else ""
    if first.startswith("#!"):
        return Scope(
            name, (_script(body[1:], shebang_shell(first) or ""),), BOUNDARY, host="developer"
        )
    if script:
        return Scope(name, (_script(body, shell),), BOUNDARY, host="developer")
    return Scope(name, tuple(_script([line], shell) for line in body), BOUNDARY, host="developer")


def _script(lines: list[tuple[int, str]], shell: str) -> Script:
    builder = ScriptBuilder()
    for start, line in lines:
        skip = len(line) - len(line.lstrip("@-"))
        builder.add_masked(line[skip:] + "\n", start + skip, _INTERPOLATION)
    return builder.script(shell)
