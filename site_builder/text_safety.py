"""Characters that break file formats or mislead readers: which they are, and how outputs defuse them.

Control characters (C0 except tab and line feed, DEL, C1), Unicode noncharacters such as U+FFFF
and lone surrogates mean nothing in a manifest, yet they make XML ill-formed, YAML invalid and
terminals obey them. Bidirectional controls only change the order in which text is displayed:
Arabic and Hebrew need none of them, but text pasted from a word processor may carry some, and
an unclosed override reverses whatever follows it. Validation reports both (checks.py); every
output neutralises them as well, because warnings still publish and not every path validates:

- `clean` for published files (feeds, citations, JSON-LD): control characters removed, line
  endings made `\\n`, and bidirectional controls kept but closed inside the value;
- `visible` for what reviewers read (terminal, pull-request summary, GitHub annotations): every
  such character shown as an escape such as `\\x1b` or `\\u202e`, the way YAML would write it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_ASTRAL_NONCHARACTERS = "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17))
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_LINE_BREAKS = r"\t\n\u2028\u2029"
_ASTRAL_SUSPECTS = r"\U0001fffe-\U0010ffff"
"""Every astral noncharacter is in this range, and little else is (emoji end below U+1FB00)."""

_ASTRAL_NONCHARACTER = f"[{_ASTRAL_SUSPECTS}](?<=[{_ASTRAL_NONCHARACTERS}])"
"""The 32 astral noncharacters, tested only behind a range: a class of 32 singletons is slow."""

CONTROL = re.compile(f"[{_CONTROLS}]|{_ASTRAL_NONCHARACTER}")
"""Characters no manifest text needs: C0 but tab and line feed, DEL, C1, surrogates, noncharacters."""
BIDI = re.compile(f"[{_BIDI}]")
"""Bidirectional controls: embeddings, overrides, isolates and their terminators, and the marks."""
LINE_BREAK = re.compile(f"[{_LINE_BREAKS}]")
"""Whitespace that breaks a line (or, for a tab, an alignment): fine in prose, odd in a name."""
SUSPECT = re.compile(f"[{_CONTROLS}{_BIDI}{_ASTRAL_SUSPECTS}]")
"""A superset of CONTROL and BIDI as one character class: a fast first test for a string, which
matters when a manifest holds a million of them."""
SUSPECT_OR_BREAK = re.compile(f"[{_CONTROLS}{_BIDI}{_LINE_BREAKS}{_ASTRAL_SUSPECTS}]")
_SHOWN = re.compile(f"[{_CONTROLS}{_BIDI}{_LINE_BREAKS}]|{_ASTRAL_NONCHARACTER}")

_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE, RLE, LRO, RLO: closed by PDF
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI: closed by PDI
_PDF, _PDI = "\u202c", "\u2069"
_PAIRED = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_LINE_ENDING = re.compile(r"\r\n?|[\x85\u2028\u2029]")
_CLEANED = re.compile(f"[{_CONTROLS}\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029{_ASTRAL_SUSPECTS}]")
"""A fast superset of what `clean` changes."""

_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_CONTROL_NAMES = {
    "\x00": "NULL", "\x07": "BELL", "\x08": "BACKSPACE", "\t": "TAB", "\n": "LINE FEED",
    "\x0b": "LINE TABULATION", "\x0c": "FORM FEED", "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE",
    "\x7f": "DELETE", "\x85": "NEXT LINE", "\x9b": "CONTROL SEQUENCE INTRODUCER",
}


def escape(char: str) -> str:
    """The YAML (and Python) escape of one character: \\n, \\x1b, \\u202e, \\U0010ffff."""
    code = ord(char)
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """The text with every control, bidirectional control and line break shown as an escape:
    what a reviewer reads, which can neither drive a terminal nor reorder or split a line."""
    if not SUSPECT_OR_BREAK.search(text):
        return text
    return _SHOWN.sub(lambda match: escape(match.group()), text)


def describe(char: str) -> str:
    """`U+001B (ESCAPE)`, `U+202E (RIGHT-TO-LEFT OVERRIDE)`, `U+FFFF (a noncharacter)`."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        name = "a lone surrogate"
    elif 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        name = "a noncharacter"
    else:
        name = _CONTROL_NAMES.get(char, "") or unicodedata.name(char, "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def contain_bidi(text: str) -> str:
    """Close every embedding, override and isolate the text opens, at the end of each line, and
    drop terminators with nothing to close: the text keeps its own display order but cannot
    reorder what an output prints after it. Marks (U+200E/F, U+061C) need no closing."""
    if not _PAIRED.search(text):
        return text
    out: list[str] = []
    stack: list[str] = []
    for char in text:
        if char == "\n":
            out += _closers(stack)
            stack.clear()
        elif char in _EMBEDDINGS or char in _ISOLATES:
            stack.append(char)
        elif char == _PDF:
            if not stack or stack[-1] not in _EMBEDDINGS:
                continue  # nothing to close inside the current isolate
            stack.pop()
        elif char == _PDI:
            if not any(opener in _ISOLATES for opener in stack):
                continue
            while stack.pop() not in _ISOLATES:  # a PDI also closes the embeddings inside it
                pass
        out.append(char)
    return "".join(out + _closers(stack))


def _closers(stack: list[str]) -> list[str]:
    return [_PDI if opener in _ISOLATES else _PDF for opener in reversed(stack)]


def clean(text: str) -> str:
    """Text as published files carry it: line endings as `\\n`, control characters, noncharacters
    and lone surrogates removed, bidirectional controls closed within the text."""
    if not _CLEANED.search(text):
        return text
    return contain_bidi(CONTROL.sub("", _LINE_ENDING.sub("\n", text)))


def one_line(text: str) -> str:
    """`clean` text on one line: every run of whitespace (line breaks included) a single space."""
    return " ".join(clean(text).split())


def clean_strings(value: Any) -> Any:
    """A JSON-like value with `clean` applied to every string in it, keys included.

    repr() escapes every character `clean` changes (all are non-printable), so a list whose repr
    has no backslash is returned as it is: one C-speed pass instead of a Python call per string,
    which matters for the 40,000 file records of a large dataset's Croissant."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list) and "\\" not in repr(value):
        return value
    if isinstance(value, list):
        return [clean_strings(item) for item in value]
    if isinstance(value, dict):
        return {clean_strings(key): clean_strings(item) for key, item in value.items()}
    return value


def find(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, str]]:
    """(0-based index, character) of each character of `text` that `pattern` matches."""
    for match in pattern.finditer(text):
        yield match.start(), match.group()
