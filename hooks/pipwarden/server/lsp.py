"""`pipwarden server`: the Language Server Protocol over stdio, on pygls. Findings become
diagnostics, fixes code actions, rule docs hovers; the engine (`server.engine`) does the
checking on its own thread."""

from __future__ import annotations

import asyncio
import functools
import os
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from pipwarden import __version__
from pipwarden.follow import display_path
from pipwarden.model import SAFE, Edit, Finding, Position, SourceText, Span
from pipwarden.reading import decode
from pipwarden.rules.catalog import tier
from pipwarden.server.engine import Document, Engine, Verdict

# A change is checked once the typing pauses this long (seconds); open and save at once.
# Short: changes that come while a check runs are checked together after it anyway.
DEBOUNCE = 0.01
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.pipwarden"
SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


class PipwardenServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("pipwarden", __version__)
        self.engine: Engine | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.debounce = DEBOUNCE
        self._timers: dict[str, asyncio.TimerHandle] = {}

    # Positions: the engine counts characters from 1, the client in its own code units ---------

    def character(self, line: str, column: int) -> int:
        prefix = line[: max(column - 1, 0)]
        encoding = self.workspace.position_encoding
        if encoding == types.PositionEncodingKind.Utf8:
            return len(prefix.encode("utf-8", "surrogateescape"))
        if encoding == types.PositionEncodingKind.Utf32:
            return len(prefix)
        return len(prefix.encode("utf-16-le", "surrogatepass")) // 2

    def position(self, source: SourceText | None, at: Position) -> types.Position:
        line = ""
        if source is not None and at.line <= len(source.line_starts):
            line = source.line_text(at.line)
        return types.Position(line=at.line - 1, character=self.character(line, at.column))

    def range(self, source: SourceText | None, start: Position, end: Position) -> types.Range:
        return types.Range(start=self.position(source, start), end=self.position(source, end))

    def span_range(self, source: SourceText, span: Span) -> types.Range:
        return self.range(source, source.position(span.start), source.position(span.end))

    # Findings as diagnostics ------------------------------------------------------------------

    def diagnostic(self, finding: Finding, source: SourceText) -> types.Diagnostic:
        sources: dict[str, SourceText | None] = {}
        related = []
        for item in finding.related:
            absolute = os.path.abspath(item.path)
            if absolute not in sources:
                sources[absolute] = self.source_of(absolute)
            related.append(
                types.DiagnosticRelatedInformation(
                    location=types.Location(
                        uri=self.uri(absolute),
                        range=self.range(sources[absolute], item.start, item.end),
                    ),
                    message=item.message,
                )
            )
        message = f"{finding.message}\n{finding.help}" if finding.help else finding.message
        return types.Diagnostic(
            range=self.range(source, finding.start, finding.end),
            message=message,
            severity=SEVERITIES[str(finding.severity)],
            code=finding.code,
            code_description=types.CodeDescription(href=finding.url) if finding.url else None,
            source="pipwarden",
            related_information=related or None,
            data={"tier": tier(finding.code), "name": finding.name},
        )

    def source_of(self, absolute: str) -> SourceText | None:
        """A related location's file: as the editor has it, or as it is on disk."""
        data = self.engine.library.read_bytes(absolute) if self.engine else None
        return SourceText(decode(data)[0]) if data is not None else None

    def publish(self, absolute: str, verdict: Verdict) -> None:
        """Called on the engine's thread: the diagnostics are sent from the server's."""
        if self.loop is None:
            return
        self.loop.call_soon_threadsafe(self._publish, absolute, verdict)

    def _publish(self, absolute: str, verdict: Verdict) -> None:
        document = self.engine.documents.get(absolute) if self.engine else None
        if document is None or document.version != verdict.version:
            return  # closed or changed since it was checked
        diagnostics = [self.diagnostic(f, verdict.source) for f in verdict.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=self.uri(absolute), version=verdict.version, diagnostics=diagnostics
            )
        )

    def uri(self, absolute: str) -> str:
        return from_fs_path(absolute) or absolute

    def warn(self, message: str) -> None:
        if self.loop is None:
            return
        params = types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        self.loop.call_soon_threadsafe(self.window_show_message, params)

    # Documents --------------------------------------------------------------------------------

    def absolute(self, uri: str) -> str:
        return os.path.abspath(to_fs_path(uri) or uri)

    def record(self, uri: str) -> str:
        """The engine told of the document as the editor has it now."""
        assert self.engine is not None
        document = self.workspace.get_text_document(uri)
        absolute = self.absolute(uri)
        self.engine.update(
            absolute,
            Document(
                display_path(absolute),
                document.version,
                document.source,
                document.language_id or "",
            ),
        )
        return absolute

    def cancel_check(self, absolute: str) -> None:
        timer = self._timers.pop(absolute, None)
        if timer is not None:
            timer.cancel()

    def check_soon(self, absolute: str) -> None:
        assert self.loop is not None and self.engine is not None
        engine = self.engine
        self.cancel_check(absolute)
        self._timers[absolute] = self.loop.call_later(
            self.debounce, lambda: engine.changed({absolute})
        )

    def verdict(self, uri: str) -> tuple[Verdict, Document] | None:
        """The document's verdict, when it is for the text the editor has."""
        if self.engine is None:
            return None
        absolute = self.absolute(uri)
        verdict = self.engine.verdicts.get(absolute)
        document = self.engine.documents.get(absolute)
        if verdict is None or document is None or verdict.version != document.version:
            return None
        return verdict, document

    # Code actions -----------------------------------------------------------------------------

    def workspace_edit(self, uri: str, version: int | None, edits: list[types.TextEdit]) -> Any:
        capabilities = self.client_capabilities.workspace
        versioned = (
            capabilities is not None
            and capabilities.workspace_edit is not None
            and capabilities.workspace_edit.document_changes
        )
        if not versioned:
            return types.WorkspaceEdit(changes={uri: edits})
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)]
        )

    def text_edits(self, source: SourceText, edits: tuple[Edit, ...]) -> list[types.TextEdit]:
        return [
            types.TextEdit(range=self.span_range(source, edit.span), new_text=edit.content)
            for edit in edits
        ]


def replacement(old: str, new: str) -> Edit:
    """The one edit that turns `old` into `new`: what lies between their common ends."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return Edit(Span(start, len(old) - end), new[start : len(new) - end])


def overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def wanted(kind: str, only: list[str] | None) -> bool:
    """Whether the client asks for actions of `kind` (`only` names kinds or their prefixes)."""
    return only is None or any(kind == k or kind.startswith(f"{k}.") for k in only)


def initialize(ls: PipwardenServer, params: types.InitializeParams) -> None:
    ls.loop = asyncio.get_running_loop()
    folders = params.workspace_folders or []
    root = ls.workspace.root_path or (to_fs_path(folders[0].uri) if folders else None)
    if root and os.path.isdir(root):
        os.chdir(root)  # where settings are found and findings name files from, as in a run
    options = params.initialization_options
    options = options if isinstance(options, dict) else {}
    if isinstance(options.get("debounce"), (int, float)):
        ls.debounce = max(0.0, options["debounce"] / 1000)
    ls.engine = Engine(options, ls.publish, ls.warn)


def initialized(ls: PipwardenServer, params: types.InitializedParams) -> None:
    workspace = ls.client_capabilities.workspace
    watching = workspace and workspace.did_change_watched_files
    if watching and watching.dynamic_registration:
        # Scripts changed on disk (a checkout, another editor) and the configuration.
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern="**/*")]
        )
        registration = types.Registration(
            id="pipwarden-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        ls.client_register_capability(types.RegistrationParams(registrations=[registration]))


def did_open(ls: PipwardenServer, params: types.DidOpenTextDocumentParams) -> None:
    assert ls.engine is not None
    ls.engine.changed({ls.record(params.text_document.uri)})


def did_change(ls: PipwardenServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.check_soon(ls.record(params.text_document.uri))


def did_save(ls: PipwardenServer, params: types.DidSaveTextDocumentParams) -> None:
    assert ls.engine is not None
    ls.engine.changed({ls.record(params.text_document.uri)}, saved=True)


def did_close(ls: PipwardenServer, params: types.DidCloseTextDocumentParams) -> None:
    assert ls.engine is not None
    absolute = ls.absolute(params.text_document.uri)
    ls.cancel_check(absolute)
    ls.engine.update(absolute, None)
    ls.engine.changed({absolute})
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


def did_change_files(ls: PipwardenServer, params: types.DidChangeWatchedFilesParams) -> None:
    assert ls.engine is not None
    ls.engine.changed({ls.absolute(change.uri) for change in params.changes}, saved=True)


def did_change_configuration(
    ls: PipwardenServer, params: types.DidChangeConfigurationParams
) -> None:
    # The same keys as initializationOptions, under `pipwarden` as editors nest them.
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("pipwarden"), dict):
        assert ls.engine is not None
        ls.engine.configure(settings["pipwarden"])


async def code_action(
    ls: PipwardenServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    found = ls.verdict(params.text_document.uri)
    if found is None or ls.engine is None:
        return None
    verdict, document = found
    uri, source, only = params.text_document.uri, verdict.source, params.context.only
    engine, absolute = ls.engine, ls.absolute(params.text_document.uri)
    actions = []
    if wanted(types.CodeActionKind.QuickFix, only):
        for finding in verdict.findings:
            diagnostic = ls.diagnostic(finding, source)
            if not overlaps(diagnostic.range, params.range):
                continue
            if finding.fix is not None:
                safe = finding.fix.applicability == SAFE
                title = f"{finding.code}: {finding.fix.title}" + ("" if safe else " (unsafe fix)")
                edits = ls.text_edits(source, finding.fix.edits)
                actions.append(
                    types.CodeAction(
                        title=title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=safe,
                        edit=ls.workspace_edit(uri, document.version, edits),
                    )
                )
            new = None
            if finding.code != "PW100":
                new = await asyncio.wrap_future(
                    engine.call(functools.partial(engine.suppressed, absolute, verdict, finding))
                )
            if new is not None:
                edits = ls.text_edits(source, (replacement(source.text, new),))
                actions.append(
                    types.CodeAction(
                        title=f"Ignore {finding.code} on this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=ls.workspace_edit(uri, document.version, edits),
                    )
                )
    safe_fixes = any(f.fix is not None and f.fix.applicability == SAFE for f in verdict.findings)
    if safe_fixes and wanted(FIX_ALL, only):
        fixed = await asyncio.wrap_future(
            engine.call(functools.partial(engine.fix_all, absolute, verdict))
        )
        if fixed is not None and fixed != source.text:
            edits = ls.text_edits(source, (replacement(source.text, fixed),))
            actions.append(
                types.CodeAction(
                    title="pipwarden: fix all safe fixes",
                    kind=FIX_ALL,
                    edit=ls.workspace_edit(uri, document.version, edits),
                )
            )
    return actions


def hover(ls: PipwardenServer, params: types.HoverParams) -> types.Hover | None:
    found = ls.verdict(params.text_document.uri)
    if found is None:
        return None
    verdict = found[0]
    from pipwarden.rules.docs import rule_markdown
    from pipwarden.rules.registry import lookup

    at = types.Range(start=params.position, end=params.position)
    parts, where = [], None
    for finding in verdict.findings:
        place = ls.range(verdict.source, finding.start, finding.end)
        rule = lookup(finding.code)
        if rule is None or not overlaps(place, at):
            continue
        where = where or place
        parts.append(rule_markdown(rule))
    if not parts:
        return None
    contents = types.MarkupContent(
        kind=types.MarkupKind.Markdown, value="\n---\n\n".join(dict.fromkeys(parts))
    )
    return types.Hover(contents=contents, range=where)


def build() -> PipwardenServer:
    ls = PipwardenServer()
    ls.feature(types.INITIALIZE)(initialize)
    ls.feature(types.INITIALIZED)(initialized)
    ls.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    ls.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_files)
    ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    ls.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )(code_action)
    ls.feature(types.TEXT_DOCUMENT_HOVER)(hover)
    return ls


def serve() -> int:
    build().start_io()
    return 0
