"""Characters that do not belong in a manifest, found in every key and string of the raw file.

Control characters are errors: nothing a submitter means needs them, and they break feeds,
citations and terminals. Bidirectional controls are warnings: a submitter writing Arabic or
Hebrew may have pasted them along with the text (which displays right without them), and every
published file keeps their effect inside the value. A line break in a name or title is a
warning too: it is shown as a space. The outputs neutralise all of these anyway (text_safety.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .problems import Path_, Problem, Severity, format_path
from .text_safety import BIDI, CONTROL, LINE_BREAK, SUSPECT, SUSPECT_OR_BREAK, describe, find, visible
from .yaml_loader import YamlDocument

MAX_LISTED = 20
"""Character problems listed per file and severity; the rest are counted in one more problem, so
that a generated file with a control character in each of 40,000 records stays readable and small."""
ONE_LINE_KEYS = frozenset({
    "title", "publication_title", "author_first_name", "author_last_name", "organisation_name",
    "funder", "grant_id", "keywords", "link_description", "name", "label", "scientific_name",
    "common_name", "version", "previous_version", "creators",
})
"""Names, titles and labels: shown on one line everywhere, so a line break in one is a slip."""
_CONTEXT = 24
"""Characters of text quoted before a finding, so the submitter can find it in the value."""

_CONTROL_HINT = ("delete it: it is invisible and breaks feeds, citations and terminals (in double "
                 "quotes, an escape such as \\e, \\r or \\x85 writes one; a new line needs only \\n "
                 "or a `|` block)")
_BIDI_HINT = ("delete it unless the text needs it to display right: Arabic and Hebrew display "
              "correctly without it, and it can make text read differently from what is stored "
              "(published files keep its effect inside this value)")
_BREAK_HINT = "write the value on one line"
_PLURAL = {"control character": "control characters",
           "invisible bidirectional control": "invisible bidirectional controls",
           "line break": "line breaks or tabs"}


@dataclass(frozen=True)
class _Finding:
    """Unsafe characters of one kind in one key or string: (0-based index, character) each."""

    severity: Severity
    kind: str
    path: Path_
    text: str
    hits: list[tuple[int, str]]
    is_key: bool


def character_problems(doc: YamlDocument, raw: dict[str, Any], path: Path_) -> Iterator[Problem]:
    """Every unsafe character run in the document, in file order: up to MAX_LISTED per severity,
    then one problem counting the rest (at the first one not listed)."""
    findings = _Findings()
    findings.walk(raw, path, one_line=False)
    listed: Counter[Severity] = Counter()
    for finding in findings.kept:
        listed[finding.severity] += 1
        problem = _problem(doc, finding)
        if listed[finding.severity] <= MAX_LISTED:
            yield problem
            continue
        what = ("control characters" if finding.severity is Severity.ERROR
                else "invisible or line-breaking characters")
        yield Problem(problem.file, problem.line, problem.column, problem.path, finding.severity,
                      f"{findings.count[finding.severity] - MAX_LISTED} more values with {what} in "
                      "this file, the first of them here",
                      "fix the ones listed and validate again to see the rest")


class _Findings:
    """What a walk of the document found, in file order: the first MAX_LISTED + 1 findings of each
    severity in full, the rest only counted. Most strings cost one regex search; a manifest may
    hold a million of them, each with a control character, so nothing else grows with the file."""

    def __init__(self) -> None:
        self.kept: list[_Finding] = []
        self.count = {Severity.ERROR: 0, Severity.WARNING: 0}

    def walk(self, value: Any, path: Path_, *, one_line: bool) -> None:
        if isinstance(value, str):
            if (SUSPECT_OR_BREAK if one_line else SUSPECT).search(value):
                self._look(value, path, is_key=False, one_line=one_line)
        elif isinstance(value, dict):
            free_form = path[:1] == ("config",)
            for key, item in value.items():
                if SUSPECT.search(key):
                    self._look(key, (*path, key), is_key=True, one_line=False)
                self.walk(item, (*path, key), one_line=key in ONE_LINE_KEYS and not free_form)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.walk(item, (*path, index), one_line=one_line)

    def _look(self, text: str, path: Path_, *, is_key: bool, one_line: bool) -> None:
        if CONTROL.search(text):
            self._keep(Severity.ERROR, "control character", CONTROL, text, path, is_key)
        if BIDI.search(text):
            self._keep(Severity.WARNING, "invisible bidirectional control", BIDI, text, path, is_key)
        if one_line:  # the line break a `|` block leaves at the end is stripped, and harmless
            inner = text.strip()
            if LINE_BREAK.search(inner):
                self._keep(Severity.WARNING, "line break", LINE_BREAK, inner, path, is_key,
                           offset=len(text) - len(text.lstrip()), shown=text)

    def _keep(self, severity: Severity, kind: str, pattern: re.Pattern[str], text: str, path: Path_,
              is_key: bool, *, offset: int = 0, shown: str | None = None) -> None:
        self.count[severity] += 1
        if self.count[severity] <= MAX_LISTED + 1:
            hits = [(offset + index, char) for index, char in find(pattern, text)]
            self.kept.append(_Finding(severity, kind, path, text if shown is None else shown, hits,
                                      is_key))


def _problem(doc: YamlDocument, finding: _Finding) -> Problem:
    """E.g. `control character U+001B (ESCAPE) at character 8, after 'Nuclei '`."""
    index, char = finding.hits[0]
    before = finding.text[max(0, index - _CONTEXT):index]
    at = f"at character {index + 1}"
    if before:
        at += f", after '{'…' if index > _CONTEXT else ''}{visible(before)}'"
    in_key = " in this key" if finding.is_key else ""
    if len(finding.hits) == 1:
        kind = "tab" if char == "\t" else finding.kind
        message = f"{kind} {describe(char)}{in_key} {at}"
    else:
        kinds = list(dict.fromkeys(c for _, c in finding.hits))
        listed = ", ".join(describe(c) for c in kinds[:4]) + (", …" if len(kinds) > 4 else "")
        message = f"{len(finding.hits)} {_PLURAL[finding.kind]}{in_key}: {listed}; the first {at}"
    if finding.severity is Severity.ERROR:
        hint = _CONTROL_HINT
    elif finding.kind == "line break":
        message, hint = message + ": this is a one-line field, shown as a space", _BREAK_HINT
    else:
        hint = _BIDI_HINT
    return doc.problem(finding.path, message, hint, severity=finding.severity, key=finding.is_key,
                       shown_path=visible(format_path(finding.path)))
