"""Import a Zenodo record (its JSON export, or its DataCite JSON export) as a draft manifest.

A Zenodo record says who made the data, under which licence, where they are and what they
are about; it never says how the annotations were made, which MIFA requires. So the import
writes a *draft*: every field the record gives, normalised and checked as `mifa validate`
would check it, and the required fields it cannot give left empty and listed, for the
curator to fill in. Problems are located in the source file (line and column). What the
record holds and the manifest has no field for is listed in notes, never dropped silently.

The record's files are archives, not annotation files paired with images (which is what a
MIFA file record is), so they are kept under `config.zenodo.files` (name, size, checksum)
and their total size goes to `images.total_size_bytes`. Everything is read offline from the
exported file: nothing is fetched, so a related paper's title and authors are left to fill in.
"""

from __future__ import annotations

import bisect
import copy
import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from html.parser import HTMLParser
from json.scanner import NUMBER_RE
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..checks import check_document
from ..errors import error_to_problem, field_doc
from ..identifiers import (
    doi_url,
    normalise_doi,
    normalise_orcid,
    normalise_pmid,
    normalise_ror,
    normalise_uri_or_curie,
)
from ..licences import NOASSERTION, LicenceError, normalise_licence
from ..manifest_writer import dump_data, manifest_data
from ..model import Manifest
from ..model.base import field_keys, nested_model
from ..problems import InputError, Path_, Problem, Severity, format_path
from ..regular_files import NotRegularFile, TooLarge, read_regular
from ..yaml_loader import MAX_DEPTH, Mark, YamlDocument
from .bia import ImportResult

MAX_BYTES = 8 * 1024 * 1024
"""Largest export read: one listing ten thousand files is about 2.5 MB."""
LISTED_FILES = 20
"""Files named one by one in the notes; the rest are counted (all are kept in config.zenodo)."""
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"')
_ZENODO_DOI = re.compile(r"^10\.5281/zenodo\.(\d+)$", re.IGNORECASE)
_RECORD_URL = re.compile(r"^https?://(?:www\.)?zenodo\.org/(?:records?|deposit)/(\d+)/?$", re.IGNORECASE)

_LEGACY_LICENCES = {
    "cc-by": "CC-BY-4.0", "cc-zero": "CC0-1.0", "cc-by-sa": "CC-BY-SA-4.0", "odc-by": "ODC-By-1.0",
    "odc-odbl": "ODbL-1.0", "odc-pddl": "PDDL-1.0", "notspecified": NOASSERTION,
}
"""Zenodo's legacy licence ids (before 2023) that are not SPDX ids; the current ids are SPDX ids
in lower case (cc-by-4.0), which the licence normaliser reads as they are."""

_RELATIONS = {name.lower(): (name, label) for name, label in (
    ("IsSupplementTo", "Supplement to"), ("IsSupplementedBy", "Supplemented by"),
    ("IsCitedBy", "Cited by"), ("Cites", "Cites"), ("IsReferencedBy", "Referenced by"),
    ("References", "References"), ("IsDocumentedBy", "Documentation"), ("Documents", "Documents"),
    ("IsDescribedBy", "Described by"), ("Describes", "Describes"), ("IsDerivedFrom", "Derived from"),
    ("IsSourceOf", "Source of"), ("IsPartOf", "Part of"), ("HasPart", "Has part"),
    ("IsIdenticalTo", "Identical copy"), ("IsAlternateIdentifier", "Alternate identifier"),
    ("IsVersionOf", "Version of"), ("HasVersion", "Has version"), ("IsNewVersionOf", "New version of"),
    ("IsPreviousVersionOf", "Previous version of"), ("IsCompiledBy", "Compiled by"),
    ("Compiles", "Compiles"), ("IsVariantFormOf", "Variant form of"),
    ("IsOriginalFormOf", "Original form of"), ("IsReviewedBy", "Reviewed by"), ("Reviews", "Reviews"),
    ("Requires", "Requires"), ("IsRequiredBy", "Required by"), ("IsObsoletedBy", "Obsoleted by"),
    ("Obsoletes", "Obsoletes"), ("IsPublishedIn", "Published in"), ("IsContinuedBy", "Continued by"),
    ("Continues", "Continues"), ("HasMetadata", "Metadata"), ("IsMetadataFor", "Metadata for"),
    ("IsCollectedBy", "Collected by"), ("Collects", "Collects"),
)}
"""Relation types as DataCite spells them, and as a link's label says them; Zenodo writes them in
lower case (InvenioRDM) or camel case (the records API)."""
_PAPER_RELATIONS = frozenset({"issupplementto", "iscitedby", "isdescribedby", "isdocumentedby",
                              "isreferencedby"})
"""Relations by which a DOI or PubMed id names a paper about the data (when its type allows)."""
_PAPER_TYPES = ("publication", "journalarticle", "preprint", "text", "conferencepaper", "book")

_ZENODO_SYSTEM_KEYS = frozenset({
    "created", "updated", "modified", "links", "stats", "owners", "revision", "revision_id", "state",
    "submitted", "status", "is_draft", "is_published", "deletion_status", "media_files", "recid",
    "conceptrecid", "doi_url", "swh", "$schema", "custom_fields", "parent", "versions", "pids",
    "id", "doi", "conceptdoi", "title", "metadata", "files", "access",
})
"""Top-level keys of a Zenodo export that are read, or that hold only Zenodo's bookkeeping."""
_ZENODO_METADATA_READ = frozenset({
    "title", "doi", "publication_date", "description", "creators", "contributors", "keywords",
    "subjects", "license", "rights", "related_identifiers", "version", "relations", "grants",
    "funding", "access_right", "resource_type", "additional_descriptions", "notes", "method",
    "communities", "access_right_category", "publisher",
})
_DATACITE_READ = frozenset({
    "id", "doi", "identifiers", "titles", "creators", "contributors", "descriptions", "rightsList",
    "dates", "publicationYear", "relatedIdentifiers", "subjects", "fundingReferences", "version",
    "types", "publisher", "schemaVersion", "url", "prefix", "suffix", "sizes",
    "state", "created", "registered", "updated", "isActive", "xml", "agency", "source",
})

STAND_IN = "(to fill in: the Zenodo record does not say)"
"""What a field the record cannot give holds in `ZenodoImport.manifest`, so that the rest is
validated and normalised by the model itself; the written draft leaves the field empty."""
_STAND_INS: dict[str, Any] = {
    "annotation_type": ["other"], "license": NOASSERTION,
    "authors": [{"author_first_name": STAND_IN, "author_last_name": STAND_IN}],
}
_FILL_KINDS = frozenset({"missing", "too_short", "string_too_short"})


@dataclass
class ZenodoImport(ImportResult):
    """An import of one record. `data` is what is written (None when the import found errors):
    the fields in `to_fill` are empty there, and hold a stand-in (`STAND_IN`, or NOASSERTION for
    the licence) in `manifest`."""

    to_fill: list[str] = field(default_factory=list)
    """Required manifest fields the record cannot give, e.g. annotations[0].annotation_method."""


# --- reading JSON with positions ------------------------------------------------------------


class _JsonError(Exception):
    def __init__(self, offset: int, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.offset, self.message, self.hint = offset, message, hint


class _JsonPositions:
    """Where each value and key of a JSON text starts. `json` itself keeps no positions, and YAML
    readers refuse some JSON (escaped emoji, which Zenodo writes as surrogate pairs); this reads
    text `json` has accepted, with its number pattern and its string decoding, bounded in depth."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.marks: dict[Path_, int] = {}
        self.key_marks: dict[Path_, int] = {}

    def _skip(self, i: int) -> int:
        text, end = self.text, len(self.text)
        while i < end and text[i] in " \t\n\r":
            i += 1
        return i

    def parse(self) -> Any:
        value, end = self._value(0, (), 0)
        end = self._skip(end)
        if end != len(self.text):
            raise _JsonError(end, "extra text after the JSON value")
        return value

    def _value(self, start: int, path: Path_, depth: int) -> tuple[Any, int]:
        text = self.text
        i = self._skip(start)
        self.marks[path] = i
        char = text[i:i + 1]
        if char == "{":
            return self._object(i, path, depth + 1)
        if char == "[":
            return self._array(i, path, depth + 1)
        if char == '"':
            string = _STRING.match(text, i)
            if string is None:
                raise _JsonError(i, "a text value is not closed")
            return str(json.loads(string.group())), string.end()
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, i):
                return value, i + len(word)
        number = NUMBER_RE.match(text, i)
        if number is not None:
            integer, fraction, exponent = number.groups()
            if fraction or exponent:
                return float(integer + (fraction or "") + (exponent or "")), number.end()
            return int(integer), number.end()
        raise _JsonError(i, "expected a value")

    def _deeper(self, i: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _JsonError(i, f"nesting is deeper than {MAX_DEPTH} levels",
                             "a Zenodo export nests a few levels deep: is this the right file?")

    def _object(self, i: int, path: Path_, depth: int) -> tuple[dict[str, Any], int]:
        self._deeper(i, depth)
        text, result = self.text, dict[str, Any]()
        i = self._skip(i + 1)
        if text.startswith("}", i):
            return result, i + 1
        while True:
            if not text.startswith('"', i):
                raise _JsonError(i, "expected a key in double quotes")
            string = _STRING.match(text, i)
            if string is None:
                raise _JsonError(i, "a key is not closed")
            key, end = str(json.loads(string.group())), string.end()
            if key in result:
                raise _JsonError(i, f"duplicate key '{key[:60]}'",
                                 "keep one of them: JSON readers silently keep only the last")
            self.key_marks[(*path, key)] = i
            end = self._skip(end)
            if not text.startswith(":", end):
                raise _JsonError(end, "expected ':' after the key")
            result[key], end = self._value(end + 1, (*path, key), depth)
            end = self._skip(end)
            if text.startswith("}", end):
                return result, end + 1
            if not text.startswith(",", end):
                raise _JsonError(end, "expected ',' or '}'")
            i = self._skip(end + 1)

    def _array(self, i: int, path: Path_, depth: int) -> tuple[list[Any], int]:
        self._deeper(i, depth)
        text, result = self.text, list[Any]()
        end = self._skip(i + 1)
        if text.startswith("]", end):
            return result, end + 1
        while True:
            value, end = self._value(end, (*path, len(result)), depth)
            result.append(value)
            end = self._skip(end)
            if text.startswith("]", end):
                return result, end + 1
            if not text.startswith(",", end):
                raise _JsonError(end, "expected ',' or ']'")
            end += 1


def _position(text: str, newlines: list[int], offset: int) -> Mark:
    """1-based line and column (in characters) of an offset into the text."""
    line = bisect.bisect_left(newlines, offset)
    start = newlines[line - 1] + 1 if line else 0
    return Mark(line + 1, offset - start + 1)


class _Constant(ValueError):
    """NaN or Infinity: Python's json reads them, JSON has no such values."""


def _no_constant(name: str) -> Any:
    raise _Constant(name)


def load_json(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[YamlDocument | None, list[Problem]]:
    """Read one JSON object, remembering where each value is; a user's mistake is a located
    Problem, never an exception. Only a regular file is opened, and at most `max_bytes` + 1
    bytes are read."""
    name = str(path)

    def fail(mark: Mark, message: str, hint: str = "") -> tuple[None, list[Problem]]:
        return None, [Problem(name, mark.line, mark.column, "", Severity.ERROR, message, hint)]

    try:
        raw = read_regular(path, max_bytes)
    except NotRegularFile as exc:
        return fail(Mark(1, 1), f"{exc.describe(path.name)}, not a regular file; it is not read",
                    "give the file Zenodo's export was saved in")
    except TooLarge as exc:
        size = f" {exc.size:,} bytes," if exc.size is not None else ""
        return fail(Mark(1, 1), f"the file is{size} over the {max_bytes:,}-byte limit",
                    "a Zenodo record's export is a few kilobytes: is this the right file?")
    except OSError as exc:
        return fail(Mark(1, 1), f"the file cannot be read: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        return fail(Mark(before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1),
                    f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                    "save the export as UTF-8 (JSON is UTF-8 text)")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return fail(Mark(exc.lineno, exc.colno), f"this is not valid JSON: {exc.msg}",
                    "give the record's JSON export (Export > JSON, or DataCite JSON, on its page)")
    except _Constant as exc:
        return fail(Mark(1, 1), f"{exc} is not a JSON value", "write a number or null")
    except ValueError:  # e.g. an integer of more than 4,300 digits
        return fail(Mark(1, 1), "a value in the file is too long to read",
                    "a Zenodo export holds no such value: is this the right file?")
    except RecursionError:
        return fail(Mark(1, 1), f"nesting is deeper than {MAX_DEPTH} levels",
                    "a Zenodo export nests a few levels deep: is this the right file?")
    newlines = [m.start() for m in re.finditer("\n", text)]
    reader = _JsonPositions(text)
    try:
        reader.parse()
    except _JsonError as exc:
        return fail(_position(text, newlines, exc.offset), exc.message, exc.hint)
    except (ValueError, RecursionError):  # pragma: no cover - json accepted it: keep it, unlocated
        reader.marks, reader.key_marks = {}, {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        return fail(Mark(1, 1), f"the file holds {kind}, not a record",
                    "give one record's export: a JSON object with `metadata` (Zenodo JSON) or "
                    "`titles` (DataCite JSON)")
    doc = YamlDocument(file=name, data=data)
    doc.marks = {p: _position(text, newlines, o) for p, o in reader.marks.items()}
    doc.key_marks = {p: _position(text, newlines, o) for p, o in reader.key_marks.items()}
    return doc, []


# --- HTML to Markdown -------------------------------------------------------------------------

_DROPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "math",
                      "head", "title", "canvas", "video", "audio", "form", "select", "textarea", "button"})
"""Elements left out with everything inside them: code, styling, embedded objects, controls."""
_VOID_DROPPED = frozenset({"img", "embed", "input", "source", "track", "area", "meta", "link", "base"})
_BLOCKS = frozenset({"p", "div", "section", "article", "header", "footer", "main", "aside", "nav",
                     "blockquote", "figure", "figcaption", "table", "address", "dl", "dd", "dt",
                     "details", "summary", "center", "caption"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_INLINE_SPECIAL = re.compile(r"([\\`*\[\]])")
_LINE_START = re.compile(r"^([#>+=|-]|\d+[.)])")


def _escape(text: str) -> str:
    """Plain text as Markdown that shows it as it is, and never as an HTML tag or entity."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _TAG_LIKE.sub("&lt;", _ENTITY_LIKE.sub("&amp;", text))


def _link_target(href: str) -> str | None:
    """An http(s) link, with the characters that would end a Markdown link encoded; else None."""
    href = href.strip()
    if not re.match(r"(?i)^https?://\S+$", href):
        return None
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        href = href.replace(char, code)
    return href


class _Markdown(HTMLParser):
    """HTML to Markdown: paragraphs, line breaks, lists, links, emphasis, headings and code are
    kept; scripts, styles, frames, forms and images are left out with what they hold; no tag,
    attribute or event handler survives, and text that looks like a tag is escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.trailing = 0  # newlines at the end of the output
        self.after_marker = False  # a list marker or heading prefix was the last thing written
        self.opened = False  # an emphasis or code marker was, and nothing after it yet
        self.skipping: list[str] = []
        self.lists: list[list[int]] = []  # [next number] for ol, [] for ul
        self.links: list[tuple[int, str | None]] = []
        self.pre: list[str] | None = None
        self.code = 0
        self.dropped: dict[str, int] = {}

    def _write(self, text: str) -> None:
        if text:
            self.out.append(text)
            self._recount()
            self.after_marker = self.opened = False

    def _open(self, marker: str) -> None:
        self._write(marker)
        self.opened = True

    def _recount(self) -> None:
        """Newlines at the end of the output, looking back only as far as the last text."""
        count = 0
        for piece in reversed(self.out):
            stripped = piece.rstrip("\n")
            count += len(piece) - len(stripped)
            if stripped:
                break
        self.trailing = count

    def _break(self, count: int) -> None:
        if self.out and self.trailing < count:
            self._write("\n" * (count - self.trailing))

    def _marker(self, text: str) -> None:
        self._write(text)
        self.after_marker = True

    def _drop(self, tag: str) -> None:
        self.dropped[tag] = self.dropped.get(tag, 0) + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        if tag in _DROPPED:
            self._drop(tag)
            self.skipping.append(tag)
        elif tag in _VOID_DROPPED:
            self._drop(tag)
        elif self.pre is not None:
            return
        elif tag in _BLOCKS:
            self._break(2)
        elif tag in _HEADINGS:
            self._break(2)
            self._marker("#" * int(tag[1]) + " ")
        elif tag in ("ul", "ol"):
            self._break(1 if self.lists else 2)
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._break(1)
            counter = self.lists[-1] if self.lists else []
            marker = f"{counter[0]}. " if counter else "- "
            if counter:
                counter[0] += 1
            self._marker("    " * max(len(self.lists) - 1, 0) + marker)
        elif tag == "br":
            if self.out:
                self._write("\n")
        elif tag == "hr":
            self._break(2)
            self._write("* * *")
            self._break(2)
        elif tag == "tr":
            self._break(1)
        elif tag in ("td", "th"):
            if self.out and self.trailing == 0:
                self._write(" ")
        elif tag == "pre":
            self._break(2)
            self.pre = []
        elif tag == "a":
            self.links.append((len(self.out), _link_target(dict(attrs).get("href") or "")))
        elif tag in ("strong", "b"):
            self._open("**")
        elif tag in ("em", "i"):
            self._open("*")
        elif tag == "code":
            self.code += 1
            self._open("`")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if self.pre is not None:
            if tag == "pre":
                self.close_pre()
            return
        if tag in _BLOCKS or tag in _HEADINGS:
            self._break(2)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._break(1 if self.lists else 2)
        elif tag == "a" and self.links:
            start, target = self.links.pop()
            label = " ".join("".join(self.out[start:]).split())
            if target and label:
                del self.out[start:]
                self._recount()
                self._write(f"[{label}]({target})")
        elif tag in ("strong", "b", "em", "i"):
            self._close_inline("**" if tag in ("strong", "b") else "*")
        elif tag == "code" and self.code:
            self.code -= 1
            self._close_inline("`")

    def close_pre(self) -> None:
        """End a preformatted block: an indented code block, shown as it is."""
        lines = "".join(self.pre or []).strip("\n").split("\n")
        self.pre = None
        if any(line.strip() for line in lines):
            self._write("\n".join("    " + line.rstrip() for line in lines))
        self._break(2)

    def _close_inline(self, marker: str) -> None:
        if self.out and self.out[-1] == marker:  # nothing inside: write nothing
            self.out.pop()
            self._recount()
            return
        last = self.out[-1] if self.out else ""
        trail = last[len(last.rstrip(" ")):]
        if trail:  # `**word **` is not bold: the space goes after the marker
            self.out[-1] = last.rstrip(" ")
        self._write(marker + trail)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre is not None:
            self.pre.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        line_start = not self.out or self.trailing > 0
        if line_start or self.after_marker:
            text = text.lstrip(" ")
        elif self.opened and text.startswith(" "):  # `** bold**` is not bold: the space goes first
            marker = self.out.pop()
            self._recount()
            if self.out and self.trailing == 0 and not self.out[-1].endswith(" "):
                self._write(" ")
            self._open(marker)
            text = text.lstrip(" ")
        if not text:
            return
        if self.code:
            self._write(_TAG_LIKE.sub("&lt;", text))
            return
        text = _escape(text)
        if line_start:  # a '#', '-' or '1.' starting a line would be a heading or a list
            text = _LINE_START.sub(r"\\\1", text)
        self._write(text)


def html_to_markdown(html: str) -> tuple[str, dict[str, int]]:
    """Markdown for an HTML description, and how many elements of each kind were left out.

    Text without any tag is taken as plain text, with its line breaks."""
    if not _TAG_START.search(html):
        return html.replace("\r\n", "\n").strip(), {}
    parser = _Markdown()
    parser.feed(html)
    parser.close()
    if parser.pre is not None:  # an unclosed <pre>
        parser.close_pre()
    text = "".join(parser.out)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n").rstrip()
    return text, parser.dropped


# --- the record, read from either export ---------------------------------------------------


@dataclass
class _Person:
    path: Path_
    name: str | None = None
    name_path: Path_ = ()
    given: str | None = None
    given_path: Path_ = ()
    family: str | None = None
    family_path: Path_ = ()
    organisation: bool = False
    orcid: tuple[str, Path_] | None = None
    affiliations: list[tuple[str, str | None, Path_]] = field(default_factory=list)
    role: str | None = None


@dataclass
class _Related:
    identifier: str
    scheme: str
    relation: str  # lower case, for matching
    resource_type: str
    path: Path_
    shown: str = ""  # as the record spells it


@dataclass
class _Grant:
    funder: str | None
    code: str | None
    title: str | None
    path: Path_


@dataclass
class _File:
    key: str
    size: int | None
    checksum: str | None
    path: Path_


Located = tuple[str, Path_]


@dataclass
class _Record:
    """What the import reads from a record, each value with where it was in the file."""

    kind: str
    root: Path_ = ()
    record_id: Located | None = None
    doi: Located | None = None
    concept_doi: Located | None = None
    concept_id: str | None = None
    title: Located | None = None
    description: Located | None = None
    creators: list[_Person] = field(default_factory=list)
    contributors: list[_Person] = field(default_factory=list)
    licences: list[tuple[str, str, Path_]] = field(default_factory=list)  # (id or URL or text, label)
    release: Located | None = None
    related: list[_Related] = field(default_factory=list)
    keywords: list[Located] = field(default_factory=list)
    grants: list[_Grant] = field(default_factory=list)
    files: list[_File] | None = None
    files_path: Path_ = ()
    version: Located | None = None
    version_index: int | None = None
    version_count: int | None = None
    is_latest: bool | None = None
    access: str | None = None
    resource_type: str | None = None
    notes: list[str] = field(default_factory=list)


class _Reader:
    """Typed access to the parsed file: a value of the wrong type is a located error."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def get(self, path: Path_) -> Any:
        value: Any = self.doc.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(value, list) or not 0 <= part < len(value):
                    return None
            elif not isinstance(value, dict):
                return None
            value = value[part] if isinstance(part, int) else value.get(part)
        return value

    def error(self, path: Path_, message: str, hint: str = "") -> None:
        self.problems.append(self.doc.problem(path, message, hint))

    def warn(self, path: Path_, message: str, hint: str = "") -> None:
        self.problems.append(self.doc.problem(path, message, hint, severity=Severity.WARNING))

    def _wrong(self, path: Path_, expected: str, value: Any) -> None:
        got = ("a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list)
               else "true or false" if isinstance(value, bool) else "a number"
               if isinstance(value, int | float) else "text")
        self.error(path, f"expected {expected}, got {got}", "the export of a Zenodo record has "
                   f"{expected} here: is the file complete and unedited?")

    def text(self, path: Path_, *, numbers: bool = False) -> str | None:
        value = self.get(path)
        if value is None:
            return None
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self._wrong(path, "text", value)
            return None
        return value.strip() or None

    def located(self, path: Path_, *, numbers: bool = False) -> Located | None:
        value = self.text(path, numbers=numbers)
        return (value, path) if value is not None else None

    def mapping(self, path: Path_) -> dict[str, Any] | None:
        value = self.get(path)
        if value is None:
            return None
        if not isinstance(value, dict):
            self._wrong(path, "a mapping of keys to values", value)
            return None
        return value

    def items(self, path: Path_) -> list[Path_]:
        """Paths of the entries of a list (none when absent); each entry is a mapping."""
        value = self.get(path)
        if value is None:
            return []
        if not isinstance(value, list):
            self._wrong(path, "a list", value)
            return []
        paths = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                paths.append((*path, index))
            elif item is not None:
                self._wrong((*path, index), "a mapping of keys to values", item)
        return paths

    def strings(self, path: Path_) -> list[Located]:
        value = self.get(path)
        if value is None:
            return []
        if not isinstance(value, list):
            self._wrong(path, "a list", value)
            return []
        out = []
        for index in range(len(value)):
            item = self.located((*path, index))
            if item is not None:
                out.append(item)
        return out

    def integer(self, path: Path_) -> int | None:
        value = self.get(path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self._wrong(path, "a whole number of 0 or more", value)
            return None
        return value

    def flag(self, path: Path_) -> bool | None:
        value = self.get(path)
        if value is None or isinstance(value, bool):
            return value
        self._wrong(path, "true or false", value)
        return None

    def first(self, *paths: Path_, numbers: bool = False) -> Located | None:
        for path in paths:
            found = self.located(path, numbers=numbers)
            if found is not None:
                return found
        return None


def _lower_id(reader: _Reader, path: Path_) -> str:
    """A vocabulary value written as text, or as a mapping with an `id` (InvenioRDM)."""
    value = reader.get(path)
    if isinstance(value, dict):
        return (reader.text((*path, "id")) or "").lower()
    return (reader.text(path) or "").lower()


def _i18n(reader: _Reader, path: Path_) -> str | None:
    """Text, or InvenioRDM's {"en": text, ...}."""
    value = reader.get(path)
    if isinstance(value, dict):
        return reader.text((*path, "en")) or next(
            (v.strip() for v in value.values() if isinstance(v, str) and v.strip()), None)
    return reader.text(path)


def _zenodo_person(reader: _Reader, path: Path_) -> _Person:
    person = _Person(path)
    inner = (*path, "person_or_org")
    if reader.mapping(inner) is not None:  # InvenioRDM: {person_or_org: {...}, affiliations: [...]}
        person.organisation = _lower_id(reader, (*inner, "type")) == "organizational"
        person.name, person.name_path = reader.text((*inner, "name")), (*inner, "name")
        person.given, person.given_path = reader.text((*inner, "given_name")), (*inner, "given_name")
        person.family, person.family_path = reader.text((*inner, "family_name")), (*inner, "family_name")
        for ident in reader.items((*inner, "identifiers")):
            if _lower_id(reader, (*ident, "scheme")) == "orcid":
                found = reader.located((*ident, "identifier"))
                person.orcid = person.orcid or found
        for affiliation in reader.items((*path, "affiliations")):
            name = reader.text((*affiliation, "name"))
            if name:
                person.affiliations.append((name, reader.text((*affiliation, "id")), affiliation))
        role = reader.get((*path, "role"))
        person.role = _i18n(reader, (*path, "role", "title")) if isinstance(role, dict) else None
        return person
    person.name, person.name_path = reader.text((*path, "name")), (*path, "name")  # legacy
    person.orcid = reader.located((*path, "orcid"))
    written = reader.text((*path, "affiliation"))
    if written:
        person.affiliations.append((written, None, (*path, "affiliation")))
    person.role = reader.text((*path, "type"))
    return person


def _zenodo_record(reader: _Reader) -> _Record:
    meta: Path_ = ("metadata",)
    rec = _Record("Zenodo JSON", root=meta)
    rec.record_id = reader.first(("id",), ("recid",), numbers=True)
    rec.doi = reader.first(("doi",), ("pids", "doi", "identifier"), (*meta, "doi"))
    rec.concept_doi = reader.first(("conceptdoi",), ("parent", "pids", "doi", "identifier"))
    concept = reader.first(("conceptrecid",), ("parent", "id"), numbers=True)
    rec.concept_id = concept[0] if concept else None
    rec.title = reader.first((*meta, "title"), ("title",))
    rec.description = reader.located((*meta, "description"))
    rec.creators = [_zenodo_person(reader, p) for p in reader.items((*meta, "creators"))]
    rec.contributors = [_zenodo_person(reader, p) for p in reader.items((*meta, "contributors"))]
    licence = reader.get((*meta, "license"))
    if isinstance(licence, dict):
        found = reader.located((*meta, "license", "id"))
        if found:
            rec.licences.append((found[0], found[0], found[1]))
    elif licence is not None:
        found = reader.located((*meta, "license"))
        if found:
            rec.licences.append((found[0], found[0], found[1]))
    for right in reader.items((*meta, "rights")):
        value = reader.text((*right, "id"))
        label = _i18n(reader, (*right, "title")) or value or ""
        if value:
            rec.licences.append((value, label, (*right, "id")))
        elif (link := reader.text((*right, "link")) or reader.text((*right, "props", "url"))):
            rec.licences.append((link, label or link, right))
        elif label:
            rec.licences.append((label, label, right))
    rec.release = reader.located((*meta, "publication_date"))
    for item in reader.items((*meta, "related_identifiers")):
        identifier = reader.text((*item, "identifier"))
        if identifier:
            shown = (reader.text((*item, "relation_type", "id")) if isinstance(
                reader.get((*item, "relation_type")), dict) else reader.text((*item, "relation"))) or ""
            rec.related.append(_Related(identifier, _lower_id(reader, (*item, "scheme")), shown.lower(),
                                        _lower_id(reader, (*item, "resource_type")), item, shown))
    rec.keywords = reader.strings((*meta, "keywords"))
    for subject in reader.items((*meta, "subjects")):
        found = reader.first((*subject, "subject"), (*subject, "term"))
        if found:
            rec.keywords.append(found)
    for grant in reader.items((*meta, "grants")):
        rec.grants.append(_Grant(reader.text((*grant, "funder", "name")),
                                 reader.text((*grant, "code"), numbers=True),
                                 reader.text((*grant, "title")), grant))
    for funding in reader.items((*meta, "funding")):
        rec.grants.append(_Grant(reader.text((*funding, "funder", "name")),
                                 reader.text((*funding, "award", "number"), numbers=True),
                                 _i18n(reader, (*funding, "award", "title")), funding))
    _zenodo_files(reader, rec)
    rec.version = reader.located((*meta, "version"), numbers=True)
    if reader.mapping(("versions",)) is not None:  # InvenioRDM: 1-based index
        rec.version_index = reader.integer(("versions", "index"))
        rec.is_latest = reader.flag(("versions", "is_latest"))
    else:
        for version in reader.items((*meta, "relations", "version"))[:1]:  # legacy: 0-based
            index = reader.integer((*version, "index"))
            rec.version_index = index + 1 if index is not None else None
            rec.is_latest = reader.flag((*version, "is_last"))
            rec.version_count = reader.integer((*version, "count"))
    rec.access = reader.text((*meta, "access_right")) or reader.text(("access", "files"))
    resource = reader.get((*meta, "resource_type"))
    if isinstance(resource, dict):
        rec.resource_type = (reader.text((*meta, "resource_type", "id"))
                             or reader.text((*meta, "resource_type", "type")))
    for key, label in (("notes", "notes"), ("method", "methods")):
        if reader.text((*meta, key)):
            rec.notes.append(f"metadata.{key}: the record's {label} (free text) have no MIFA field and "
                             "are not imported; read them for the annotation method and criteria")
    for extra in reader.items((*meta, "additional_descriptions")):
        kind = _lower_id(reader, (*extra, "type")) or "other"
        rec.notes.append(f"{format_path(extra)}: an additional description ({kind}) is not imported; "
                         "read it for the annotation method and criteria")
    communities = [reader.text((*c, "id")) or reader.text((*c, "identifier"))
                   for c in reader.items((*meta, "communities"))]
    if any(communities):
        rec.notes.append("metadata.communities: Zenodo communities have no MIFA field: "
                         + ", ".join(c for c in communities if c))
    leftovers = [f"metadata.{key}" for key in _filled_keys(reader.mapping(meta), _ZENODO_METADATA_READ)]
    leftovers += _filled_keys(reader.doc.data, _ZENODO_SYSTEM_KEYS)
    if leftovers:
        rec.notes.append("no MIFA field, not imported: " + ", ".join(leftovers))
    return rec


def _filled_keys(mapping: dict[str, Any] | None, read: frozenset[str]) -> list[str]:
    """The keys of a mapping that hold something and that the import does not read."""
    return sorted(k for k, v in (mapping or {}).items() if k not in read and v not in (None, "", [], {}))


def _zenodo_files(reader: _Reader, rec: _Record) -> None:
    value = reader.get(("files",))
    entries: list[Path_] = []
    if isinstance(value, list):  # the records API: [{key, size, checksum}, ...]
        rec.files_path = ("files",)
        entries = reader.items(("files",))
    elif isinstance(value, dict):  # InvenioRDM: {entries: {name: {key, size, checksum}}, ...}
        if reader.flag(("files", "enabled")) is False:
            rec.notes.append("files: the record has no files (metadata only)")
        table = reader.mapping(("files", "entries"))
        rec.files_path = ("files", "entries")
        entries = [("files", "entries", key) for key, item in (table or {}).items()
                   if isinstance(item, dict)]
    elif value is not None:
        reader.mapping(("files",))
    if value is None:
        return
    rec.files = []
    for entry in entries:
        key = reader.first((*entry, "key"), (*entry, "filename"))
        if key is None:
            continue
        size = reader.integer((*entry, "size")) if reader.get((*entry, "size")) is not None \
            else reader.integer((*entry, "filesize"))
        checksum = reader.text((*entry, "checksum"))
        if checksum and ":" not in checksum:  # the deposit API leaves the algorithm out
            checksum = f"md5:{checksum}"
        rec.files.append(_File(key[0], size, checksum, entry))


def _datacite_person(reader: _Reader, path: Path_) -> _Person:
    person = _Person(path)
    person.organisation = (reader.text((*path, "nameType")) or "").lower() == "organizational"
    person.name, person.name_path = reader.text((*path, "name")), (*path, "name")
    person.given, person.given_path = reader.text((*path, "givenName")), (*path, "givenName")
    person.family, person.family_path = reader.text((*path, "familyName")), (*path, "familyName")
    for ident in reader.items((*path, "nameIdentifiers")):
        if (reader.text((*ident, "nameIdentifierScheme")) or "").lower() == "orcid":
            person.orcid = person.orcid or reader.located((*ident, "nameIdentifier"))
    affiliations = reader.get((*path, "affiliation"))
    if isinstance(affiliations, str):
        name = reader.text((*path, "affiliation"))
        if name:
            person.affiliations.append((name, None, (*path, "affiliation")))
    elif isinstance(affiliations, list):
        for index, item in enumerate(affiliations):
            where = (*path, "affiliation", index)
            if isinstance(item, str) and item.strip():
                person.affiliations.append((item.strip(), None, where))
            elif isinstance(item, dict) and (name := reader.text((*where, "name"))):
                scheme = (reader.text((*where, "affiliationIdentifierScheme")) or "").lower()
                ror = reader.text((*where, "affiliationIdentifier")) if scheme == "ror" else None
                person.affiliations.append((name, ror, where))
    elif affiliations is not None:
        reader.items((*path, "affiliation"))
    person.role = reader.text((*path, "contributorType"))
    return person


def _datacite_record(reader: _Reader, root: Path_) -> _Record:
    rec = _Record("DataCite JSON", root=root)
    rec.doi = reader.located((*root, "doi"))
    for ident in reader.items((*root, "identifiers")):
        kind = (reader.text((*ident, "identifierType")) or "").lower()
        if kind == "doi" and rec.doi is None:
            rec.doi = reader.located((*ident, "identifier"))
        elif kind == "url" and rec.record_id is None:
            url = reader.located((*ident, "identifier"))
            if url and (match := _RECORD_URL.match(url[0])):
                rec.record_id = (match.group(1), url[1])
    if rec.doi is None and (ident_text := reader.located((*root, "id"))) and "doi.org/" in ident_text[0]:
        rec.doi = ident_text
    if rec.record_id is None and rec.doi and (match := _ZENODO_DOI.match(_bare_doi(rec.doi[0]))):
        rec.record_id = (match.group(1), rec.doi[1])
    titles = reader.items((*root, "titles"))
    main = [t for t in titles if not reader.text((*t, "titleType"))] or titles
    if main:
        rec.title = reader.located((*main[0], "title"))
    for other in titles:
        if other not in main[:1] and (text := reader.text((*other, "title"))):
            rec.notes.append(f"{format_path(other)}: the {reader.text((*other, 'titleType')) or 'other'} "
                             f"title '{text[:80]}' is not imported")
    rec.creators = [_datacite_person(reader, p) for p in reader.items((*root, "creators"))]
    rec.contributors = [_datacite_person(reader, p) for p in reader.items((*root, "contributors"))]
    for item in reader.items((*root, "descriptions")):
        kind = reader.text((*item, "descriptionType")) or "Abstract"
        if kind.lower() == "abstract" and rec.description is None:
            rec.description = reader.located((*item, "description"))
        elif reader.text((*item, "description")):
            rec.notes.append(f"{format_path(item)}: a description of type {kind} is not imported; read "
                             "it for the annotation method and criteria")
    for right in reader.items((*root, "rightsList")):
        uri = reader.text((*right, "rightsUri")) or ""
        if uri.startswith("info:eu-repo/semantics/"):
            rec.access = rec.access or uri.rsplit("/", 1)[-1].removesuffix("Access").lower()
            continue
        label = reader.text((*right, "rights")) or ""
        spdx = reader.located((*right, "rightsIdentifier"))
        if spdx:
            rec.licences.append((spdx[0], label or spdx[0], spdx[1]))
        elif uri:
            rec.licences.append((uri, label or uri, (*right, "rightsUri")))
        elif label:
            rec.licences.append((label, label, (*right, "rights")))
    for date in reader.items((*root, "dates")):
        if (reader.text((*date, "dateType")) or "").lower() == "issued" and rec.release is None:
            rec.release = reader.located((*date, "date"))
    rec.release = rec.release or reader.located((*root, "publicationYear"), numbers=True)
    for item in reader.items((*root, "relatedIdentifiers")):
        identifier = reader.text((*item, "relatedIdentifier"))
        scheme = (reader.text((*item, "relatedIdentifierType")) or "").lower()
        shown = reader.text((*item, "relationType")) or ""
        relation = shown.lower()
        if identifier and relation == "isversionof" and scheme == "doi" and rec.concept_doi is None \
                and _ZENODO_DOI.match(_bare_doi(identifier)):
            rec.concept_doi = (identifier, (*item, "relatedIdentifier"))
        elif identifier:
            rec.related.append(_Related(identifier, scheme, relation,
                                        (reader.text((*item, "resourceTypeGeneral")) or "").lower(), item,
                                        shown))
    for subject in reader.items((*root, "subjects")):
        found = reader.located((*subject, "subject"))
        if found:
            rec.keywords.append(found)
    for funding in reader.items((*root, "fundingReferences")):
        rec.grants.append(_Grant(reader.text((*funding, "funderName")),
                                 reader.text((*funding, "awardNumber"), numbers=True),
                                 reader.text((*funding, "awardTitle")), funding))
    rec.version = reader.located((*root, "version"), numbers=True)
    types = reader.mapping((*root, "types"))
    if types is not None:
        rec.resource_type = (reader.text((*root, "types", "resourceTypeGeneral")) or "").lower() or None
    sizes = reader.strings((*root, "sizes"))
    if sizes:
        rec.notes.append("sizes: DataCite gives the sizes as text ("
                         + ", ".join(s[0] for s in sizes[:5]) + "): not imported; the Zenodo JSON export "
                         "lists each file with its size and checksum")
    leftovers = _filled_keys(reader.mapping(root), _DATACITE_READ)
    if leftovers:
        rec.notes.append("no MIFA field, not imported: " + ", ".join(leftovers))
    return rec


def _zenodo_doi(value: object) -> str:
    """A normalised DOI; Zenodo's own in Zenodo's spelling (DataCite writes 10.5281/ZENODO.1)."""
    doi = normalise_doi(value)
    return doi.lower() if _ZENODO_DOI.match(doi) else doi


def _bare_doi(text: str) -> str:
    try:
        return _zenodo_doi(text)
    except InputError:
        return text


# --- the draft manifest --------------------------------------------------------------------


def _split_name(person: _Person, notes: list[str]) -> tuple[str | None, Path_, str | None, Path_]:
    """(first, its path, last, its path): given and family names where the record has them,
    else 'Last, First', else the last word of the name as the family name (and a note)."""
    if person.family:
        first = person.given
        if first is None and person.name and "," in person.name:
            first = person.name.split(",", 1)[1].strip() or None
        return first, person.given_path if person.given else person.name_path, person.family, \
            person.family_path
    name = person.name or ""
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
        if "," in first:
            notes.append(f"{format_path(person.name_path)}: '{name}' has more than one comma; read as "
                         f"family name '{last}', given names '{first}': check it")
        return first or None, person.name_path, last or None, person.name_path
    words = name.split()
    if len(words) > 1:
        notes.append(f"{format_path(person.name_path)}: '{name}' is not written 'Family, Given'; read "
                     f"as given names '{' '.join(words[:-1])}', family name '{words[-1]}': check it")
        return " ".join(words[:-1]), person.name_path, words[-1], person.name_path
    return None, person.name_path, name or None, person.name_path


class _Draft:
    """The manifest being built, and where in the source file each of its values came from."""

    def __init__(self, reader: _Reader, record: _Record, notes: list[str]) -> None:
        self.reader, self.record, self.notes = reader, record, notes
        self.origin: dict[Path_, Path_] = {}

    def source(self, path: Path_, origin: Path_) -> None:
        self.origin[path] = origin

    def identifier(self, normalise: Callable[[object], str], value: str, where: Path_,
                   what: str) -> str | None:
        """A normalised identifier, or None and a located warning saying it was left out."""
        try:
            return normalise(value)
        except InputError as exc:
            self.reader.warn(where, f"{exc.message}; this {what} is left out", exc.hint)
            return None

    def authors(self, study: dict[str, Any]) -> None:
        authors: list[dict[str, Any]] = []
        for person in self.record.creators:
            if person.organisation:
                self.notes.append(f"{format_path(person.path)}: the creator '{person.name}' is an "
                                  "organisation; MIFA authors are people, so it is not imported")
                continue
            where: Path_ = ("study", "authors", len(authors))
            first, first_path, last, last_path = _split_name(person, self.notes)
            author: dict[str, Any] = {"author_first_name": first, "author_last_name": last}
            self.source(where, person.path)
            self.source((*where, "author_first_name"), first_path)
            self.source((*where, "author_last_name"), last_path)
            if person.orcid:
                orcid = self.identifier(normalise_orcid, person.orcid[0], person.orcid[1], "ORCID iD")
                if orcid:
                    author["orcid_id"] = orcid
                    self.source((*where, "orcid_id"), person.orcid[1])
            organisations: list[dict[str, Any]] = []
            for name, ror, origin in person.affiliations:
                organisation: dict[str, Any] = {"organisation_name": name}
                if ror:
                    ror_id = self.identifier(normalise_ror, ror, origin, "ROR id")
                    if ror_id:
                        organisation["ror_id"] = ror_id
                self.source((*where, "organisation", len(organisations)), origin)
                organisations.append(organisation)
            if organisations:
                author["organisation"] = organisations
            authors.append(author)
        if authors:
            study["authors"] = authors
            self.source(("study", "authors"), (*self.record.root, "creators"))
        for person in self.record.contributors:
            orcid = f", ORCID {person.orcid[0]}" if person.orcid else ""
            self.notes.append(f"{format_path(person.path)}: contributor '{person.name or person.family}' "
                              f"({person.role or 'no role given'}{orcid}) is not imported: add them to "
                              "annotations[0].authors if they made or curated the annotations")

    def licence(self, study: dict[str, Any]) -> None:
        if not self.record.licences:
            return
        value, label, where = self.record.licences[0]
        for other, other_label, other_where in self.record.licences[1:]:
            if other.lower() == value.lower():
                continue
            self.notes.append(f"{format_path(other_where)}: a further licence, '{other_label}', is not "
                              "imported (a manifest states one licence; images.license or an annotation "
                              "set's license can differ from it)")
        spdx = _LEGACY_LICENCES.get(value.lower())
        if spdx is None:
            try:
                spdx = normalise_licence(value)
            except LicenceError as exc:
                self.reader.warn(where, f"the record's licence is not an SPDX licence id: {exc.message}; "
                                 "written as NOASSERTION (licence not stated)",
                                 f"read the terms of '{label}' on the record and write the SPDX id they "
                                 "match, e.g. CC-BY-4.0")
                spdx = NOASSERTION
        study["license"] = spdx
        self.source(("study", "license"), where)

    def related(self, study: dict[str, Any], links: list[tuple[str, str, Path_]]) -> None:
        publications: list[dict[str, Any]] = []
        for item in self.record.related:
            scheme = item.scheme or ("doi" if re.match(r"(?i)^(?:https?://(?:dx\.)?doi\.org/|doi:)?10\.",
                                                       item.identifier)
                                     else "url" if re.match(r"(?i)^https?://", item.identifier) else "")
            spelt, label = _RELATIONS.get(item.relation, (item.shown, item.shown or "Related"))
            relation = f"{label} (relation {spelt or 'not given'})"
            paper_type = not item.resource_type or item.resource_type.startswith(_PAPER_TYPES)
            where = (*item.path, "identifier") if self.reader.get((*item.path, "identifier")) is not None \
                else (*item.path, "relatedIdentifier")
            if scheme in ("doi", "pmid") and item.relation in _PAPER_RELATIONS and paper_type:
                key, normalise = ("publication_doi", normalise_doi) if scheme == "doi" \
                    else ("pubmed_id", normalise_pmid)
                value = self.identifier(normalise, item.identifier, where,
                                        "DOI" if scheme == "doi" else "PubMed id")
                if value is None:
                    continue
                index = len(publications)
                publications.append({"publication_title": None, "publication_authors": None, key: value})
                self.source(("study", "publications", index), item.path)
                self.source(("study", "publications", index, key), where)
                self.notes.append(f"{format_path(item.path)}: {relation} {value} is taken as a paper "
                                  "about the data: fill in its title and authors (nothing is looked up)")
            elif scheme == "doi":
                doi = self.identifier(normalise_doi, item.identifier, where, "DOI")
                if doi:
                    links.append((doi_url(doi), relation, where))
            elif scheme in ("url", "arxiv", "handle"):
                url = item.identifier
                if scheme == "arxiv":
                    url = "https://arxiv.org/abs/" + re.sub(r"(?i)^arxiv:", "", url)
                elif scheme == "handle" and not url.lower().startswith("http"):
                    url = "https://hdl.handle.net/" + url
                link = self.identifier(normalise_uri_or_curie, url, where, "link")
                if link:
                    links.append((link, relation, where))
            else:
                self.notes.append(f"{format_path(item.path)}: {relation} '{item.identifier}' (scheme "
                                  f"{scheme or 'not given'}) has no MIFA field and is not imported")
        if publications:
            study["publications"] = publications

    def funding(self, study: dict[str, Any]) -> None:
        parts: list[str] = []
        grants: list[dict[str, str]] = []
        for grant in self.record.grants:
            what = ", ".join(x for x in (f"grant {grant.code}" if grant.code else None, grant.title) if x)
            if grant.funder or what:
                parts.append(f"{grant.funder or 'an unnamed funder'}{f' ({what})' if what else ''}")
            if grant.funder and grant.code:
                self.source(("study", "grants", len(grants)), grant.path)
                grants.append({"grant_id": grant.code, "funder": grant.funder})
        if parts:
            study["funding_statement"] = "Funded by " + "; ".join(parts) + "."
            self.source(("study", "funding_statement"), self.record.grants[0].path)
        if grants:
            study["grants"] = grants


def _study(draft: _Draft, record: _Record) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The study section (in the model's key order) and the images section."""
    reader = draft.reader
    study: dict[str, Any] = {"title": None, "description": None}
    if record.title:
        study["title"] = record.title[0]
        draft.source(("study", "title"), record.title[1])
    if record.description:
        text, dropped = html_to_markdown(record.description[0])
        study["description"] = text or None
        draft.source(("study", "description"), record.description[1])
        if dropped:
            what = ", ".join(f"{count} {tag}" for tag, count in sorted(dropped.items()))
            reader.warn(record.description[1], f"the description's HTML holds elements that are not text "
                        f"({what}); they were left out", "check the description in the draft")
    keywords = list(dict.fromkeys(k for k, _ in record.keywords))
    if keywords:
        study["keywords"] = keywords
        first = {k: p for k, p in reversed(record.keywords)}
        for index, keyword in enumerate(keywords):
            draft.source(("study", "keywords", index), first[keyword])
    study["license"] = None
    draft.licence(study)
    study["authors"] = None
    draft.authors(study)
    links: list[tuple[str, str, Path_]] = []
    draft.related(study, links)
    study["funding_statement"] = None
    draft.funding(study)
    if record.concept_doi:
        concept = draft.identifier(_zenodo_doi, record.concept_doi[0], record.concept_doi[1], "DOI")
        if concept:
            links.insert(0, (doi_url(concept), "All versions (Zenodo concept DOI)", record.concept_doi[1]))
    if links:
        study["link_url"] = [url for url, _, _ in links]
        study["link_description"] = [text for _, text, _ in links]
        for index, (_, _, where) in enumerate(links):
            draft.source(("study", "link_url", index), where)
            draft.source(("study", "link_description", index), where)
    if record.record_id:
        study["accession"] = f"zenodo.{record.record_id[0]}"
        draft.source(("study", "accession"), record.record_id[1])
    if record.release:
        study["release_date"] = record.release[0]
        draft.source(("study", "release_date"), record.release[1])
    if record.doi:
        doi = draft.identifier(_zenodo_doi, record.doi[0], record.doi[1], "DOI")
        if doi:
            study["data_url"] = doi_url(doi)
            draft.source(("study", "data_url"), record.doi[1])
    images = None
    if record.files is not None:
        sizes = [f.size for f in record.files]
        if record.files and all(size is not None for size in sizes):
            images = {"total_size_bytes": sum(s for s in sizes if s is not None)}
            draft.source(("images", "total_size_bytes"), record.files_path)
    return study, images


def _config(draft: _Draft, record: _Record, doi: str | None) -> dict[str, Any]:
    """config.zenodo: what identifies the imported record and its files."""
    zenodo: dict[str, Any] = {"export": record.kind}
    for key, value in (("record_id", record.record_id[0] if record.record_id else None), ("doi", doi),
                       ("concept_record_id", record.concept_id),
                       ("concept_doi", _bare_doi(record.concept_doi[0]) if record.concept_doi else None),
                       ("version", record.version[0] if record.version else None),
                       ("version_index", record.version_index), ("is_latest", record.is_latest)):
        if value is not None:
            zenodo[key] = value
    if record.files:
        zenodo["files"] = []
        for file in record.files:
            entry: dict[str, Any] = {"key": file.key}
            if file.size is not None:
                entry["size"] = file.size
            if file.checksum:
                entry["checksum"] = file.checksum
            draft.source(("config", "zenodo", "files", len(zenodo["files"])), file.path)
            zenodo["files"].append(entry)
    return {"zenodo": zenodo}


def _version_notes(record: _Record, notes: list[str]) -> None:
    if record.version_index is None and record.version is None and record.concept_doi is None:
        return
    which = f"version {record.version_index}" if record.version_index else "one version"
    if record.version_index and record.version_count:
        which += f" of {record.version_count}"
    label = f" (labelled '{record.version[0]}')" if record.version else ""
    latest = {True: ", the latest one", False: ", not the latest one", None: ""}[record.is_latest]
    concept = f"; all versions: https://doi.org/{_bare_doi(record.concept_doi[0])}" \
        if record.concept_doi else ""
    notes.append(f"imported {which}{label} of the record{latest}{concept}")
    if record.is_latest is False:
        notes.append("a newer version of the record exists: import its export instead if the catalogue "
                     "should describe the current data")


def _file_notes(record: _Record, notes: list[str]) -> None:
    if record.files is None:
        return
    if not record.files:
        notes.append("the record lists no files")
        return
    total = sum(f.size or 0 for f in record.files)
    unknown = sum(1 for f in record.files if f.size is None)
    summary = (f"{len(record.files)} file(s), {total:,} bytes in total: kept in config.zenodo.files "
               "(MIFA file records pair annotation files with images, which an archive listing does "
               "not); ")
    summary += ("the total is images.total_size_bytes (as downloaded, so it may include annotations "
                "and other files)" if not unknown else
                f"{unknown} without a size, so images.total_size_bytes is not set")
    notes.append(summary)
    for file in record.files[:LISTED_FILES]:
        size = f"{file.size:,} bytes" if file.size is not None else "size not given"
        notes.append(f"  file {file.key} ({size}, {file.checksum or 'no checksum'})")
    if len(record.files) > LISTED_FILES:
        notes.append(f"  ... and {len(record.files) - LISTED_FILES} more")


def _record_notes(record: _Record, notes: list[str]) -> None:
    if record.access and record.access not in ("open", "public"):
        notes.append(f"the record's files are {record.access}, not open: say how to get access in the "
                     "description")
    if record.resource_type and not record.resource_type.startswith("dataset"):
        notes.append(f"the record is of type '{record.resource_type}', not a dataset: check that it holds "
                     "the data")
    if record.record_id is None:
        notes.append("no Zenodo record id found: study.accession is not set")


def _set(data: Any, path: Path_, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[part] if isinstance(part, int) else data.get(part)
    return data


def _stand_in(path: Path_) -> Any:
    return copy.deepcopy(_STAND_INS.get(str(path[-1]), STAND_IN))


def _located_doc(reader: _Reader, draft: _Draft, data: dict[str, Any]) -> YamlDocument:
    """The draft as a document whose positions are those of the values it came from."""
    source = reader.doc
    doc = YamlDocument(file=source.file, data=data)
    for section in ("study", "images", "version", "config", "annotations"):
        doc.marks[(section,)] = source.locate(draft.record.root) if section == "study" else Mark(1, 1)
    for path, origin in draft.origin.items():
        doc.marks[path] = source.locate(origin)
        doc.key_marks[path] = source.locate(origin, key=True)
    return doc


def _parse_path(shown: str) -> Path_:
    return tuple(int(index) if index else key for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", shown))


def _from_source(draft: _Draft, problem: Problem) -> Problem | None:
    """The problem named by the place in the record its value came from (the line and column are
    already there); None when the record gave no value at or above that manifest path."""
    path = _parse_path(problem.path)
    for end in range(len(path), 0, -1):
        origin = draft.origin.get(path[:end])
        if origin is not None:
            return Problem(problem.file, problem.line, problem.column, format_path(origin),
                           problem.severity, problem.message, problem.hint)
    return None


def _validate(reader: _Reader, draft: _Draft, data: dict[str, Any],
              result: ZenodoImport) -> dict[str, Any] | None:
    """Check the draft as `mifa validate` would: its errors and warnings, located in the source;
    the required fields it lacks become `to_fill`. Returns the normalised draft, or None."""
    doc = _located_doc(reader, draft, data)
    absent: list[str] = []
    for problem in check_document(doc, Manifest):
        located = _from_source(draft, problem)
        if located is not None:
            result.problems.append(located)
        elif problem.severity is Severity.ERROR:
            result.problems.append(problem)
        else:
            absent.append(f"{problem.path} ({problem.message})")
    fill: list[Path_] = []
    try:
        Manifest.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            path = tuple(p for p in error["loc"] if isinstance(p, int) or p in _known_keys())
            if (error["type"] in _FILL_KINDS and _get(data, path) in (None, [], "")) \
                    or error["type"] == "string_too_short":
                fill.append(path)
            else:
                problem = error_to_problem(doc, error)
                result.problems.append(_from_source(draft, problem) or problem)
    if any(p.severity is Severity.ERROR for p in result.problems):
        return None
    filled = copy.deepcopy(data)
    for path in fill:
        _set(filled, path, _stand_in(path))
    try:
        manifest = Manifest.model_validate(filled)
    except ValidationError as exc:  # pragma: no cover - a stand-in the model refuses: say where
        result.problems.extend(error_to_problem(doc, e) for e in exc.errors(include_url=False))
        return None
    normalised = manifest_data(manifest)
    for path in fill:
        _set(normalised, path, _get(data, path) or None)
    result.to_fill = [format_path(p) for p in fill]
    result.manifest = manifest
    for path in fill:
        doc_text = field_doc(path)
        result.notes.append(f"to fill in: {format_path(path)}" + (f" ({doc_text})" if doc_text else ""))
    if absent:
        result.notes.append("not in the record, recommended (fill in what you know): " + "; ".join(absent))
    return normalised


@cache
def _known_keys() -> frozenset[str]:
    """Every key of the model: pydantic's error locations also name validators and union
    branches, which are not keys."""
    keys: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel]) -> None:
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.update(field_keys(name, info))
            inner = nested_model(info.annotation)
            if inner is not None and inner not in seen:
                walk(inner)

    walk(Manifest)
    return frozenset(keys)


def import_zenodo(path: Path, *, now: datetime | None = None) -> ZenodoImport:
    """Read one Zenodo export (Zenodo JSON or DataCite JSON) into a draft manifest."""
    doc, problems = load_json(path)
    result = ZenodoImport(None, None, problems)
    if doc is None:
        return result
    reader = _Reader(doc)
    data = doc.data
    if isinstance(data.get("metadata"), dict):
        record = _zenodo_record(reader)
    elif "titles" in data or "creators" in data:
        record = _datacite_record(reader, ())
    elif isinstance(data.get("data"), dict) and isinstance(data["data"].get("attributes"), dict):
        record = _datacite_record(reader, ("data", "attributes"))  # DataCite's REST API
    else:
        hits = "hits" in data
        result.problems.append(doc.problem(
            (), "this is a search result, not one record" if hits else
            "this is not a Zenodo record: it has neither `metadata` (Zenodo JSON) nor `titles` "
            "(DataCite JSON)",
            "save one record's export: on the record's page, Export > JSON (or DataCite JSON)"))
        return result
    notes = [f"read as {record.kind}"]
    _version_notes(record, notes)
    draft = _Draft(reader, record, notes)
    study, images = _study(draft, record)
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    manifest: dict[str, Any] = {"study": study}
    if images:
        manifest["images"] = images
    manifest["annotations"] = [{"annotation_overview": None, "annotation_type": None,
                                "annotation_method": None}]
    manifest["version"] = {"version": "1.0", "timestamp": stamp.isoformat()}
    manifest["config"] = _config(draft, record, study.get("data_url", "").removeprefix("https://doi.org/")
                                 or None)
    _file_notes(record, notes)
    _record_notes(record, notes)
    notes.extend(record.notes)
    result.problems.extend(reader.problems)
    result.notes = notes
    if any(p.severity is Severity.ERROR for p in result.problems):
        return result
    result.data = _validate(reader, draft, manifest, result)
    return result


def manifest_text(result: ZenodoImport, source: str) -> str:
    """The draft to write: schema line, a header naming the source and what to fill in."""
    if result.data is None:
        raise ValueError("the import found errors; there is no manifest to write")
    header = f"Imported from the Zenodo export {source} by `mifa import zenodo`."
    if result.to_fill:
        header += ("\nThe record does not give these; fill them in (mifa validate reports them until "
                   "then): " + ", ".join(result.to_fill))
    wrapped = "\n".join(textwrap.fill(line, 96) for line in header.splitlines())
    return dump_data(result.data, header=wrapped)
