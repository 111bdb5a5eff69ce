"""`pipwarden server` end to end: a real LSP client (pytest-lsp) over stdio against the real
server, on a project of a Dockerfile running a script, a workflow and a shell script."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from .conftest import CASES

PROJECT = CASES / "server" / "project"
SERVER = [sys.executable, "-m", "pipwarden", "server"]
WAIT = 30  # seconds: a bound that only a hang reaches


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT, tmp_path / "project", ignore=shutil.ignore_patterns("expected.txt"))
    return tmp_path / "project"


async def start(
    client: LanguageClient, root: Path, options: Any = None, editor: str = "neovim"
) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(editor),
            root_uri=root.as_uri(),
            initialization_options=options,
        )
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, root: Path) -> AsyncIterator[None]:
    await start(lsp_client, root)
    yield
    await lsp_client.shutdown_session()


# Neovim offers UTF-8 columns, which the server takes; VS Code offers none, so UTF-16.
ENCODINGS = {"neovim": "utf-8", "visual-studio-code": "utf-16-le"}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=sorted(ENCODINGS))
async def editor_client(
    lsp_client: LanguageClient, root: Path, request: pytest.FixtureRequest
) -> AsyncIterator[None]:
    # VS Code takes the server's registration to watch files (the test client does not).
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    await start(lsp_client, root, editor=request.param)
    lsp_client.encoding = ENCODINGS[request.param]  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def strict_client(lsp_client: LanguageClient, root: Path) -> AsyncIterator[None]:
    await start(lsp_client, root, {"select": ["ALL"], "ignore": ["PW305"], "debounce": 0})
    yield
    await lsp_client.shutdown_session()


def open_file(
    client: LanguageClient, path: Path, text: str | None = None, language: str = ""
) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id=language,
                version=1,
                text=path.read_text() if text is None else text,
            )
        )
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def created(client: LanguageClient, path: Path) -> None:
    """What the client's file watcher tells the server of a file written."""
    event = types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Created)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[event]))


async def diagnostics(
    client: LanguageClient,
    uri: str,
    until: Callable[[list[types.Diagnostic]], bool] = lambda found: True,
) -> list[types.Diagnostic]:
    """The document's diagnostics once they satisfy `until`."""

    async def wait() -> list[types.Diagnostic]:
        while uri not in client.diagnostics or not until(client.diagnostics[uri]):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), WAIT)


def codes(found: list[types.Diagnostic]) -> list[tuple[str, int, int, int, int]]:
    return [
        (
            str(d.code),
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in found
    ]


def where(item: types.DiagnosticRelatedInformation, root: Path) -> tuple[str, int, int, str]:
    path = Path(item.location.uri.removeprefix("file://")).relative_to(root).as_posix()
    start = item.location.range.start
    return path, start.line, start.character, item.message


def applied(text: str, edits: list[types.TextEdit], encoding: str = "utf-8") -> str:
    """`text` with `edits` made, their columns counted in `encoding` (ASCII: any)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(p: types.Position) -> int:
        width = 2 if "16" in encoding else 1
        line = lines[p.line].encode(encoding)[: p.character * width].decode(encoding)
        return offsets[p.line] + len(line)

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None
    if action.edit.document_changes:
        (document_edit,) = action.edit.document_changes
        assert isinstance(document_edit, types.TextDocumentEdit)
        assert document_edit.text_document.uri == uri
        return list(document_edit.edits)  # type: ignore[arg-type]
    assert action.edit.changes is not None
    return action.edit.changes[uri]


@pytest.mark.asyncio
async def test_diagnostics_of_a_dockerfile_a_workflow_and_a_script(
    client: LanguageClient, root: Path
) -> None:
    dockerfile = open_file(client, root / "Dockerfile", language="dockerfile")
    workflow = open_file(client, root / ".github/workflows/ci.yml", language="yaml")
    script = open_file(client, root / "scripts/lint.sh", language="shellscript")

    (found,) = await diagnostics(client, dockerfile, bool)
    assert codes([found]) == [("PW306", 4, 4, 4, 10)]
    assert found.severity == types.DiagnosticSeverity.Error
    assert found.source == "pipwarden"
    assert found.code_description is not None
    assert found.code_description.href.startswith("https://")
    assert found.data == {"tier": "default", "name": "source-in-sh"}
    assert found.message.startswith("`source` is not a command in /bin/sh")
    assert [where(r, root) for r in found.related_information or []] == [
        ("Dockerfile", 0, 0, "the image, whose /bin/sh is dash")
    ]

    (found,) = await diagnostics(client, workflow, bool)
    assert codes([found]) == [("PW305", 7, 13, 7, 25)]
    assert [where(r, root)[:3] for r in found.related_information or []] == [
        (".github/workflows/ci.yml", 4, 13)
    ]

    (found,) = await diagnostics(client, script, bool)
    assert codes([found]) == [("PW306", 2, 0, 2, 6)]


@pytest.mark.asyncio
async def test_a_called_script_shows_what_its_caller_makes_of_it(
    client: LanguageClient, root: Path
) -> None:
    # The Dockerfile is not open: the server finds it as the script's caller.
    script = open_file(client, root / "install.sh", language="shellscript")
    found = await diagnostics(client, script, bool)
    assert codes(found) == [("PW302", 3, 0, 3, 11), ("PW401", 3, 0, 3, 11)]
    (pw401,) = [d for d in found if d.code == "PW401"]
    related = {where(r, root)[:3] for r in pw401.related_information or []}
    assert ("Dockerfile", 6, 4) in related  # the RUN that runs it, after USER app


@pytest.mark.asyncio
async def test_a_change_to_a_called_script_checks_its_caller_again(
    client: LanguageClient, root: Path
) -> None:
    dockerfile = open_file(client, root / "Dockerfile", language="dockerfile")
    script = open_file(client, root / "install.sh", language="shellscript")
    await diagnostics(client, script, lambda found: "PW401" in [d.code for d in found])
    # Unsaved: the Dockerfile's check follows the script as the editor has it.
    text = (root / "install.sh").read_text().replace('echo "installing"\n', "")
    change(client, script, 2, text)
    found = await diagnostics(
        client, script, lambda found: found and found[0].range.start.line == 2
    )
    assert codes(found) == [("PW302", 2, 0, 2, 11), ("PW401", 2, 0, 2, 11)]
    # The Dockerfile stops activating the venv: the caller, re-checked, no longer makes PW302.
    dockerfile_text = (
        (root / "Dockerfile")
        .read_text()
        .replace("RUN source /opt/venv/bin/activate && pip install -r requirements.txt\n", "")
    )
    change(client, dockerfile, 2, dockerfile_text)
    found = await diagnostics(client, script, lambda found: len(found) == 1)
    assert codes(found) == [("PW401", 2, 0, 2, 11)]
    assert await diagnostics(client, dockerfile, lambda found: not found) == []


@pytest.mark.asyncio
async def test_a_composite_action_is_judged_by_its_callers(
    client: LanguageClient, root: Path
) -> None:
    action = open_file(client, root / ".github/actions/docs/action.yml", language="yaml")
    (found,) = await diagnostics(client, action, bool)
    assert codes([found]) == [("PW305", 5, 11, 5, 23)]  # `pip3 install`
    assert {where(r, root)[:3] for r in found.related_information or []} == {
        (".github/workflows/docs.yml", 7, 8),  # the step that uses it
        (".github/workflows/docs.yml", 4, 13),  # the macOS runner
    }
    # The caller, unsaved, moves to Linux: the action's finding goes.
    workflow = open_file(client, root / ".github/workflows/docs.yml", language="yaml")
    text = (root / ".github/workflows/docs.yml").read_text()
    change(client, workflow, 2, text.replace("macos-latest", "ubuntu-latest"))
    assert await diagnostics(client, action, lambda found: not found) == []


@pytest.mark.asyncio
async def test_quick_fix_and_ignore_comment_clear_the_diagnostic(
    client: LanguageClient, root: Path
) -> None:
    text = (root / "Dockerfile").read_text()
    uri = open_file(client, root / "Dockerfile", language="dockerfile")
    (found,) = await diagnostics(client, uri, bool)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found.range,
            context=types.CodeActionContext(diagnostics=[found]),
        )
    )
    assert actions is not None
    by_title = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
    (fix,) = [a for a in by_title.values() if a.is_preferred]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.title == "PW306: use `.`"
    ignore = by_title["Ignore PW306 on this line"]

    fixed = applied(text, edits_of(fix, uri))
    assert "RUN . /opt/venv/bin/activate && pip install" in fixed
    change(client, uri, 2, fixed)
    assert await diagnostics(client, uri, lambda found: not found) == []

    change(client, uri, 3, text)
    await diagnostics(client, uri, bool)
    ignored = applied(text, edits_of(ignore, uri))
    assert "# pipwarden: ignore[PW306]\nRUN source /opt/venv/bin/activate" in ignored
    change(client, uri, 4, ignored)
    assert await diagnostics(client, uri, lambda found: not found) == []

    fix_all = by_title["pipwarden: fix all safe fixes"]
    assert applied(text, edits_of(fix_all, uri)) == fixed


async def actions_for(
    client: LanguageClient, uri: str, found: types.Diagnostic, only: list[str] | None = None
) -> dict[str, types.CodeAction]:
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found.range,
            context=types.CodeActionContext(diagnostics=[found], only=only),
        )
    )
    return {a.title: a for a in actions or [] if isinstance(a, types.CodeAction)}


@pytest.mark.asyncio
async def test_an_unsafe_fix_says_so_and_is_left_out_of_fix_all(
    client: LanguageClient, root: Path
) -> None:
    text = (root / "scripts/bootstrap.sh").read_text()
    uri = open_file(client, root / "scripts/bootstrap.sh", language="shellscript")
    (found,) = await diagnostics(client, uri, bool)
    assert codes([found]) == [("PW101", 3, 0, 3, 16)]
    actions = await actions_for(client, uri, found)
    assert sorted(actions) == ["Ignore PW101 on this line", "PW101: drop `sudo` (unsafe fix)"]
    unsafe = actions["PW101: drop `sudo` (unsafe fix)"]
    assert not unsafe.is_preferred
    assert applied(text, edits_of(unsafe, uri)).endswith("\npip install requests\n")
    assert await actions_for(client, uri, found, ["source.fixAll"]) == {}


@pytest.mark.asyncio
async def test_no_ignore_comment_where_it_would_not_hold(
    client: LanguageClient, root: Path
) -> None:
    # In a folded scalar the comment line would join the command (and comment out the pip).
    folded = root / ".github/workflows/folded.yml"
    text = (root / ".github/workflows/ci.yml").read_text()
    folded.write_text(text.replace("- run: pip3", "- run: >\n          pip3"))
    uri = open_file(client, folded, language="yaml")
    (found,) = await diagnostics(client, uri, bool)
    assert found.code == "PW305"
    assert sorted(await actions_for(client, uri, found)) == []
    # In a literal one it is a shell comment of its own.
    literal = root / ".github/workflows/literal.yml"
    literal.write_text(text.replace("- run: pip3", "- run: |\n          pip3"))
    uri = open_file(client, literal, language="yaml")
    (found,) = await diagnostics(client, uri, bool)
    action = (await actions_for(client, uri, found))["Ignore PW305 on this line"]
    assert "        # pipwarden: ignore[PW305]\n          pip3 install" in applied(
        literal.read_text(), edits_of(action, uri)
    )


@pytest.mark.asyncio
async def test_columns_count_what_the_client_counts(
    editor_client: LanguageClient, root: Path
) -> None:
    # The snake is one character to Python, two UTF-16 code units, four UTF-8 bytes.
    client = editor_client
    text = (root / "Dockerfile").read_text().replace("RUN source", 'RUN echo "🐍 venv" && source')
    uri = open_file(client, root / "Dockerfile", text, "dockerfile")
    (found,) = await diagnostics(client, uri, bool)
    encoding = client.encoding  # type: ignore[attr-defined]
    column = len('RUN echo "🐍 venv" && '.encode(encoding)) // (2 if "16" in encoding else 1)
    assert codes([found]) == [("PW306", 4, column, 4, column + 6)]
    (fix,) = [a for a in (await actions_for(client, uri, found)).values() if a.is_preferred]
    fixed = applied(text, edits_of(fix, uri), encoding)
    assert 'RUN echo "🐍 venv" && . /opt/venv/bin/activate' in fixed


@pytest.mark.asyncio
async def test_hover_explains_the_rule(client: LanguageClient, root: Path) -> None:
    uri = open_file(client, root / "Dockerfile", language="dockerfile")
    await diagnostics(client, uri, bool)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=4, character=6),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("# PW306 source-in-sh\n")
    assert hover.range == types.Range(
        start=types.Position(line=4, character=4), end=types.Position(line=4, character=10)
    )
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=2),
        )
    )
    assert nothing is None


@pytest.mark.asyncio
async def test_bad_input_is_a_diagnostic_not_a_crash(client: LanguageClient, root: Path) -> None:
    binary = open_file(client, root / "blob.sh", "#!/bin/sh\n\0\0pip install x\n", "shellscript")
    (found,) = await diagnostics(client, binary, bool)
    assert (found.code, found.range.start.line, found.message) == (
        "PW900",
        0,
        "binary file (it contains NUL bytes); it was not checked",
    )
    huge = open_file(client, root / "huge.sh", "pip install x\n" * 1_500_000, "shellscript")
    (found,) = await diagnostics(client, huge, bool)
    assert found.code == "PW900" and found.message.startswith("file is 20.0 MiB")
    workflow = open_file(client, root / ".github/workflows/ci.yml", language="yaml")
    await diagnostics(client, workflow, bool)
    change(client, workflow, 2, "on: push\njobs:\n  test: [\n    run: pip install x\n")
    (found,) = await diagnostics(client, workflow, lambda found: found[0].code == "PW900")
    assert found.range.start.line > 0
    # The server still answers.
    script = open_file(client, root / "scripts/lint.sh", language="shellscript")
    assert codes(await diagnostics(client, script, bool)) == [("PW306", 2, 0, 2, 6)]


@pytest.mark.asyncio
async def test_changes_faster_than_checks_end_on_the_last_text(
    client: LanguageClient, root: Path
) -> None:
    uri = open_file(client, root / "scripts/lint.sh", language="shellscript")
    await diagnostics(client, uri, bool)
    body = "pip install -r requirements.txt\n" * 200
    for version in range(2, 60):
        # The `source` line moves down with every change.
        comments = "#\n" * version
        change(client, uri, version, f"#!/bin/sh\n{comments}source .venv/bin/activate\n{body}")
    final = await diagnostics(client, uri, lambda found: found[0].range.start.line == 60)
    assert codes(final) == [("PW306", 60, 0, 60, 6)]
    # Nothing older arrives after it.
    await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=0),
        )
    )
    await asyncio.sleep(0.5)
    assert codes(client.diagnostics[uri]) == codes(final)


@pytest.mark.asyncio
async def test_a_config_change_checks_open_documents_again(
    client: LanguageClient, root: Path
) -> None:
    uri = open_file(client, root / "Dockerfile", language="dockerfile")
    await diagnostics(client, uri, bool)

    def configure(options: dict[str, Any]) -> None:
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"pipwarden": options})
        )

    configure({"ignore": ["PW306"]})
    assert await diagnostics(client, uri, lambda found: not found) == []
    configure({})
    assert codes(await diagnostics(client, uri, bool)) == [("PW306", 4, 4, 4, 10)]

    (root / "pyproject.toml").write_text('[tool.pipwarden]\nignore = ["PW306"]\n')
    created(client, root / "pyproject.toml")
    assert await diagnostics(client, uri, lambda found: not found) == []


@pytest.mark.asyncio
async def test_yaml_becomes_gitlab_ci_when_the_gitlab_ci_includes_it(
    client: LanguageClient, root: Path
) -> None:
    job = root / "jobs" / "test.yml"
    job.parent.mkdir()
    job.write_text(
        "test:\n  image: ubuntu:24.04\n  script:\n"
        "    - apt-get update && apt-get install -y python3-pip\n"
        "    - pip install -r requirements.txt\n"
    )
    uri = open_file(client, job, language="yaml")
    assert await diagnostics(client, uri) == []  # plain YAML: not ours
    gitlab_ci = root / ".gitlab-ci.yml"
    gitlab_ci.write_text("include:\n  - local: jobs/test.yml\n")
    created(client, gitlab_ci)
    assert codes(await diagnostics(client, uri, bool)) == [("PW305", 4, 6, 4, 17)]


@pytest.mark.asyncio
async def test_initialization_options_select_and_ignore(
    strict_client: LanguageClient, root: Path
) -> None:
    script = open_file(strict_client, root / "install.sh", language="shellscript")
    # The strict PW203 on that pip is not added: default rules speak for the command.
    found = await diagnostics(strict_client, script, lambda found: len(found) == 2)
    assert [(d.code, d.data["tier"]) for d in found] == [
        ("PW302", "default"),
        ("PW401", "default"),
    ]
    workflow = open_file(strict_client, root / ".github/workflows/ci.yml", language="yaml")
    found = await diagnostics(strict_client, workflow, bool)
    assert codes(found) == [("PW203", 7, 13, 7, 17)]  # PW305 ignored
    assert [d.data["tier"] for d in found] == ["strict"]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def unclosed_client(lsp_client: LanguageClient, root: Path) -> AsyncIterator[None]:
    await start(lsp_client, root)
    yield


@pytest.mark.asyncio
async def test_shutdown_while_a_check_runs(unclosed_client: LanguageClient, root: Path) -> None:
    # Several seconds of checking: one long script, and a change to it at once.
    text = "".join(f"pip install pkg{i}\nsudo pip install x{i}\n" for i in range(20_000))
    uri = open_file(unclosed_client, root / "long.sh", text, "shellscript")
    change(unclosed_client, uri, 2, text + "source x\n")
    await asyncio.wait_for(unclosed_client.shutdown_session(), WAIT)
    assert unclosed_client._server is not None
    assert unclosed_client._server.returncode == 0


def test_without_the_extra_the_server_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['pygls'] = None; from pipwarden.cli import main;"
        "sys.exit(main(['server']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == (
        "pipwarden: error: the language server needs its extra: pip install 'pipwarden[server]'\n"
    )
