"""Command line: argument parsing and exit codes, nothing else."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from pipwarden import __version__
from pipwarden.config import FAIL_ON, OUTPUT_FORMATS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
COMMANDS = ("check", "rule", "rules", "server")


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter with the terminal's width found without importing shutil, which
    every run would otherwise pay for (argparse builds a formatter for each argument)."""

    def __init__(self, prog: str) -> None:
        try:
            width = os.get_terminal_size(sys.stdout.fileno()).columns
        except (OSError, ValueError):
            width = 80
        super().__init__(prog, width=max(width - 2, 40))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipwarden",
        description="Find the pip habits that end in Errno 13, externally-managed-environment, "
        "or packages in the wrong interpreter.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"pipwarden {__version__}")
    sub = parser.add_subparsers(dest="command")

    check = sub.add_parser(
        "check",
        help="check files and directories (the default command)",
        formatter_class=_Formatter,
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    check.add_argument(
        "--select",
        type=_codes,
        metavar="CODES",
        help="only these rules (codes, names, prefixes, ALL)",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="also the strict tier: every pip anti-pattern, not only the failures the files "
        "show (`strict = true`)",
    )
    check.add_argument(
        "--extend-select", type=_codes, metavar="CODES", help="enable these rules in addition"
    )
    check.add_argument("--ignore", type=_codes, metavar="CODES", help="disable these rules")
    check.add_argument(
        "--exclude", type=_codes, metavar="GLOBS", help="skip paths matching these patterns"
    )
    check.add_argument(
        "--output-format",
        choices=OUTPUT_FORMATS,
        help="how to report findings (default: full)",
    )
    check.add_argument(
        "-o",
        "--output-file",
        metavar="PATH",
        help="write the report to this file; the terminal still gets the summary",
    )
    check.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="the lowest severity that makes the exit code 1 (default: info, any finding)",
    )
    check.add_argument(
        "--statistics", action="store_true", help="count findings per rule instead of listing them"
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file afresh; also PIPWARDEN_NO_CACHE=1",
    )
    check.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where to keep results of earlier runs (default: .pipwarden_cache at the project root)",
    )
    check.add_argument(
        "--no-follow-calls",
        action="store_true",
        help="judge each file alone, not the scripts it runs in its state (`follow-calls = false`)",
    )
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also say which calls were not followed, and why",
    )
    check.add_argument("--config", metavar="FILE", help="read settings from this TOML file")
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply `exclude` to files named on the command line too (for pre-commit)",
    )
    check.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    check.add_argument("--fix", action="store_true", help="apply the safe fixes")
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="apply the unsafe fixes too (with --fix or --diff)",
    )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    check.add_argument(
        "--show-fixes", action="store_true", help="list the findings that were fixed"
    )
    check.add_argument(
        "--add-noqa",
        action="store_true",
        help="add a `# pipwarden: ignore[...]` comment for every finding, then report what is left",
    )

    rule = sub.add_parser("rule", help="explain a rule", formatter_class=_Formatter)
    rule.add_argument(
        "code", metavar="CODE", help="a rule code or name, e.g. PW302 or activation-not-persisted"
    )
    rule.add_argument("--output-format", choices=("text", "json"), default="text")

    rules_parser = sub.add_parser("rules", help="list every rule", formatter_class=_Formatter)
    rules_parser.add_argument("--output-format", choices=("text", "json"), default="text")
    server = sub.add_parser(
        "server",
        help="run the language server on stdio (needs pipwarden[server])",
        formatter_class=_Formatter,
    )
    server.add_argument("--stdio", action="store_true", help="talk over stdio (the only way)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A run makes many small objects (parsed files, states, cached results) and keeps most
    # of them to its end: collecting the youngest every 700 allocations only scans them
    # again and again (a tenth of a cached rerun).
    gc.set_threshold(20_000)
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (
        args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")
    ):
        args_list.insert(0, "check")
    parser = _parser()
    args = parser.parse_args(args_list)
    try:
        if args.command == "rule":
            return _rule(args.code, args.output_format)
        if args.command == "rules":
            return _rules(args.output_format)
        if args.command == "server":
            from pipwarden.server import main as serve

            return serve()
        return _check(args)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


# Most severe first, as FAIL_ON lists them.
SEVERITY_NAMES = FAIL_ON


def _error(message: str) -> None:
    sys.stderr.write(f"pipwarden: error: {message}\n")


def _checked_directory(paths: list[str]) -> str | None:
    """The directory the paths share, where the nearest configuration is looked for (as
    ruff does: `pipwarden check ../other` reads ../other's settings); None for the current
    directory."""
    if not paths:
        return None
    try:
        common = os.path.commonpath([os.path.abspath(p) for p in paths])
    except ValueError:  # paths on different Windows drives
        return None
    return common if os.path.isdir(common) else os.path.dirname(common)


def _check(args: argparse.Namespace) -> int:
    from pipwarden import report
    from pipwarden.config import ConfigError, load
    from pipwarden.run import run

    try:
        settings = load(
            args.config,
            select=args.select,
            extend_select=args.extend_select,
            ignore=args.ignore,
            exclude=args.exclude,
            output_format=args.output_format,
            fail_on=args.fail_on,
            cache_dir=args.cache_dir,
            follow_calls=False if args.no_follow_calls else None,
            strict=True if args.strict else None,
            start=_checked_directory(args.paths),
        )
    except ConfigError as error:
        _error(str(error))
        return EXIT_ERROR
    no_cache = os.environ.get("PIPWARDEN_NO_CACHE", "").lower() not in ("", "0", "false", "no")
    cache = not args.no_cache and not no_cache
    result = run(args.paths or ["."], settings, force_exclude=args.force_exclude, cache=cache)
    if args.add_noqa:
        from pipwarden.run import add_suppressions

        added, result = add_suppressions(
            result, settings, args.paths or ["."], args.force_exclude, cache
        )
        sys.stderr.write(f"Added {added} suppression comment{'s' if added != 1 else ''}.\n")
    if args.diff or args.fix:
        from pipwarden.run import fix_files

        outcome = fix_files(result, settings, unsafe=args.unsafe_fixes, write=not args.diff)
        for problem in outcome.errors:
            _error(problem)
        if args.diff:
            sys.stdout.write("".join(outcome.diffs))
            count = sum(len(found) for found in outcome.fixed.values())
            sys.stderr.write(f"Would fix {count} finding{'s' if count != 1 else ''}.\n")
            return (
                EXIT_ERROR if outcome.errors else (EXIT_FINDINGS if outcome.diffs else EXIT_CLEAN)
            )
        if args.show_fixes:
            for path, found in outcome.fixed.items():
                for f in found:
                    sys.stdout.write(
                        f"Fixed {path}:{f.start.line}:{f.start.column}: {f.code} {f.fix.title if f.fix else ''}\n"
                    )
        fixed = sum(len(found) for found in outcome.fixed.values())
        if fixed:
            sys.stderr.write(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.\n")
            result = run(
                args.paths or ["."], settings, force_exclude=args.force_exclude, cache=cache
            )
        result.errors.extend(outcome.errors)
    for problem in result.errors:
        _error(problem)
    for path, part in result.unread:
        sys.stderr.write(f"pipwarden: warning: {path}: not fully checked: {part}\n")
    if args.verbose:
        for note in result.notes:
            sys.stderr.write(f"pipwarden: note: {note}\n")
    fmt = settings.output_format or "full"
    if args.statistics:
        report.render_statistics(result.reports, sys.stdout)
    elif args.output_file:
        from pipwarden.write import atomic_write

        try:
            with atomic_write(args.output_file) as handle:
                report.renderer(fmt)(result, handle, False)
        except OSError as error:
            _error(f"{args.output_file}: cannot write the report: {error.strerror or error}")
            return EXIT_ERROR
    else:
        report.renderer(fmt)(result, sys.stdout, report.use_color(sys.stdout))
    if (fmt in report.TEXT_FORMATS or args.output_file) and not args.quiet:
        partial = len({path for path, _ in result.unread})
        sys.stdout.write(
            report.summary(result.reports, len(result.errors), partial, result.hidden) + "\n"
        )
    if result.errors:
        return EXIT_ERROR
    failing = SEVERITY_NAMES.index(settings.fail_on)
    worst = max(
        (SEVERITY_NAMES.index(str(f.severity)) for r in result.reports for f in r.findings),
        default=None,
    )
    if worst is not None and worst <= failing and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _rule(key: str, fmt: str) -> int:
    from pipwarden.rules import registry as rules
    from pipwarden.rules.docs import rule_json, rule_text

    rule = rules.lookup(key)
    if rule is None:
        _error(f"unknown rule {key!r}; `pipwarden rules` lists them")
        return EXIT_ERROR
    if fmt == "json":
        import json

        sys.stdout.write(json.dumps(rule_json(rule), indent=2) + "\n")
    else:
        sys.stdout.write(rule_text(rule))
    return EXIT_CLEAN


def _rules(fmt: str) -> int:
    from pipwarden.rules import registry as rules
    from pipwarden.rules.catalog import tier
    from pipwarden.rules.docs import rule_json

    if fmt == "json":
        import json

        sys.stdout.write(json.dumps([rule_json(r) for r in rules.ALL_RULES], indent=2) + "\n")
        return EXIT_CLEAN
    for rule in rules.ALL_RULES:
        sys.stdout.write(
            f"{rule.code}  {rule.name:<30} {tier(rule.code):<7} {rule.severity!s:<8} fix: {rule.fix:<9} "
            f"{rule.summary}\n"
        )
    return EXIT_CLEAN
