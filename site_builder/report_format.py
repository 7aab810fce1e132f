"""Print a validation report for people, for programs (JSON) and for GitHub Actions.

The JSON shape is stable (`schema_version` 1) and is documented in
`mifa validate --help`; tests pin it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby

from .diff import VersionDiff
from .problems import Problem, Report, Severity

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
        lines.append(paint(file, _BOLD))
        width = min(max(len(p.path) for p in problems), 48)
        for p in problems:
            where = f"{p.line}:{p.column}"
            severity = paint(f"{p.severity!s:<8}", _COLOURS[p.severity])
            lines.append(f"  {severity} {where:>7}  {p.path:<{width}}  {p.message}")
            if p.hint:
                lines.append(paint(f"  {'':8} {'':>7}  {'':<{width}}  -> {p.hint}", _DIM))
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
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(problem: Problem) -> str:
    """A workflow command that GitHub shows inline on the pull request diff."""
    level = "error" if problem.severity is Severity.ERROR else "warning"
    title = problem.path or "manifest"
    body = problem.message + (f". Fix: {problem.hint}" if problem.hint else "")
    return (f"::{level} file={_escape_property(problem.file)},line={problem.line},"
            f"col={problem.column},title={_escape_property(title)}::{_escape_data(body)}")


def format_github(report: Report) -> str:
    lines = [github_command(p) for p in report.sorted()]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(report: Report, diffs: Sequence[tuple[str, VersionDiff]] = ()) -> str:
    """A pull-request job summary: each problem with its fix, then what each new version changes."""
    errors, warnings = len(report.errors), len(report.warnings)
    verdict = "❌ fix the errors below" if errors else "✅ ready for review"
    lines = [f"## MIFA manifest check: {verdict}", "", summary_line(report) + ".", ""]
    for file, group in groupby(report.sorted(), key=lambda p: p.file):
        lines += [f"### `{file}`", "", "| | line | field | problem | what to write |",
                  "|---|---|---|---|---|"]
        for p in group:
            icon = "❌" if p.severity is Severity.ERROR else "⚠️"
            where = _cell(p.path) or "-"
            lines.append(f"| {icon} | {p.line} | `{where}` | {_cell(p.message)} | {_cell(p.hint)} |")
        lines.append("")
    if not errors and not warnings:
        lines += ["No problems found.", ""]
    for dataset_id, diff in diffs:
        title = f"What version {diff.new_version} of `{dataset_id}` changes (from {diff.old_version})"
        lines += [f"### {title}", ""]
        lines += [f"- {phrase}" for phrase in diff.summary]
        credit = diff.credit
        lines.append("- credit preserved" if credit.preserved
                     else f"- ❌ credit dropped: {', '.join(credit.dropped)}")
        if diff.changes:
            lines += ["", "| field | change | before | after |", "|---|---|---|---|"]
            for change in diff.changes[:60]:
                old = "" if change.old is None else _cell(str(change.old))[:120]
                new = "" if change.new is None else _cell(str(change.new))[:120]
                lines.append(f"| `{_cell(change.path)}` | {change.kind} | {old} | {new} |")
            if len(diff.changes) > 60:
                lines.append(f"| … | {len(diff.changes) - 60} more changes | | |")
        lines.append("")
    return "\n".join(lines) + "\n"
