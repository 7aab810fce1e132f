"""Print a validation report for people, for programs (JSON) and for GitHub Actions.

The JSON shape is stable (`schema_version` 1) and is documented in
`mifa validate --help`; tests pin it.

Problems quote what submitters wrote, so every format treats their text as untrusted: the
terminal, the workflow commands and the pull-request summary show control characters, line
breaks and bidirectional controls as escapes (text_safety.visible), and the summary escapes
Markdown and HTML, so a value can never drive a terminal, forge a line, heading, table row or
HTML block, or reorder what a reviewer reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from itertools import groupby

from .diff import VersionDiff
from .problems import Problem, Report, Severity
from .text_safety import BIDI, CONTROL, visible

JSON_SCHEMA_VERSION = 1

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    total = errors + warnings
    files = _plural(report.files_checked, "file")
    if not total:
        return f"no problems in {files}"
    return (f"{_plural(total, 'problem')} ({_plural(errors, 'error')}, "
            f"{_plural(warnings, 'warning')}) in {files}")


def format_human(report: Report, *, colour: bool = False) -> str:
    """Problems grouped per file, aligned, each followed by what to write instead."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    lines: list[str] = []
    for file, group in groupby(report.sorted(), key=lambda p: p.file):
        problems = list(group)
        lines.append(paint(visible(file), _BOLD))
        paths = [visible(p.path) for p in problems]
        width = min(max(len(path) for path in paths), 48)
        for p, path in zip(problems, paths, strict=True):
            where = f"{p.line}:{p.column}"
            severity = paint(f"{p.severity!s:<8}", _COLOURS[p.severity])
            lines.append(f"  {severity} {where:>7}  {path:<{width}}  {visible(p.message)}")
            if p.hint:
                lines.append(paint(f"  {'':8} {'':>7}  {'':<{width}}  -> {visible(p.hint)}", _DIM))
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def format_json(report: Report, *, strict: bool = False) -> str:
    """{"schema_version", "ok", "summary": {files, errors, warnings}, "problems": [...]}."""
    payload = {
        "schema_version": JSON_SCHEMA_VERSION,
        "ok": report.ok(strict=strict),
        "summary": {
            "files": report.files_checked,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
        },
        "problems": [p.as_dict() for p in report.sorted()],
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True)
    # JSON escapes C0 itself; the rest (C1, bidirectional controls, a lone surrogate from a file
    # name that is not UTF-8, which could not even be written) as \uXXXX: the same string, read back.
    return _JSON_ESCAPED.sub(lambda match: json.dumps(match.group())[1:-1], text) + "\n"


_JSON_ESCAPED = re.compile(f"{CONTROL.pattern}|{BIDI.pattern}|[\u2028\u2029]")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(problem: Problem) -> str:
    """A workflow command that GitHub shows inline on the pull request diff (and in the job log,
    which obeys terminal escapes: hence `visible`)."""
    level = "error" if problem.severity is Severity.ERROR else "warning"
    title = visible(problem.path) or "manifest"
    body = visible(problem.message + (f". Fix: {problem.hint}" if problem.hint else ""))
    return (f"::{level} file={_escape_property(visible(problem.file))},line={problem.line},"
            f"col={problem.column},title={_escape_property(title)}::{_escape_data(body)}")


def format_github(report: Report) -> str:
    lines = [github_command(p) for p in report.sorted()]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


_MARKUP = re.compile(r"([\\`*_\[\]|~!#])")
"""Markdown syntax inside a line: emphasis, code, links, images, cells (backslash-escaped)."""
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
"""Tags and entities: written as entities, which every Markdown renders as the character."""
_BLOCK_START = re.compile(r"^(?:[-+](?=\s|-|$)|\d{1,9}(?=[.)](?:\s|$)))")
"""A list marker or thematic break, which would open a block at the start of a list item."""


def _text(text: str, limit: int | None = None) -> str:
    """Untrusted text as literal Markdown on one line (a table cell, list item or heading)."""
    flat = " ".join(visible(text).split())[:limit]
    escaped = "".join(_HTML.get(char, char) for char in _MARKUP.sub(r"\\\1", flat))
    marker = _BLOCK_START.match(escaped)
    if marker is None:
        return escaped
    if marker.group().isdigit():  # "1. x": escape the dot or parenthesis after the number
        return escaped[:marker.end()] + "\\" + escaped[marker.end():]
    return "\\" + escaped  # "- x", "+ x", "---"


def _code(text: str, *, in_table: bool = True) -> str:
    """Untrusted text as inline code when it can be (no backtick, no pipe), else as literal text."""
    flat = " ".join(visible(text).split())
    if not flat:
        return "-"
    if "`" in flat or (in_table and "|" in flat):
        return _text(flat)
    return f"`{flat}`"


def format_markdown(report: Report, diffs: Sequence[tuple[str, VersionDiff]] = ()) -> str:
    """A pull-request job summary: each problem with its fix, then what each new version changes."""
    errors, warnings = len(report.errors), len(report.warnings)
    verdict = "❌ fix the errors below" if errors else "✅ ready for review"
    lines = [f"## MIFA manifest check: {verdict}", "", summary_line(report) + ".", ""]
    for file, group in groupby(report.sorted(), key=lambda p: p.file):
        lines += [f"### {_code(file, in_table=False)}", "", "| | line | field | problem | what to write |",
                  "|---|---|---|---|---|"]
        for p in group:
            icon = "❌" if p.severity is Severity.ERROR else "⚠️"
            lines.append(f"| {icon} | {p.line} | {_code(p.path)} | {_text(p.message)} | {_text(p.hint)} |")
        lines.append("")
    if not errors and not warnings:
        lines += ["No problems found.", ""]
    for dataset_id, diff in diffs:
        title = (f"What version {_text(diff.new_version)} of {_code(dataset_id, in_table=False)} changes "
                 f"(from {_text(diff.old_version)})")
        lines += [f"### {title}", ""]
        lines += [f"- {_text(phrase)}" for phrase in diff.summary]
        credit = diff.credit
        lines.append("- credit preserved" if credit.preserved
                     else f"- ❌ credit dropped: {_text(', '.join(credit.dropped))}")
        if diff.changes:
            lines += ["", "| field | change | before | after |", "|---|---|---|---|"]
            for change in diff.changes[:60]:
                old = "" if change.old is None else _text(str(change.old), 120)
                new = "" if change.new is None else _text(str(change.new), 120)
                lines.append(f"| {_code(change.path)} | {change.kind} | {old} | {new} |")
            if len(diff.changes) > 60:
                lines.append(f"| … | {len(diff.changes) - 60} more changes | | |")
        lines.append("")
    return "\n".join(lines) + "\n"
