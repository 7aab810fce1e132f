"""Safe YAML loading that remembers where every value came from.

Manifests are untrusted: the loader bounds file size, nesting and alias use,
rejects duplicate keys and custom tags, and reports every failure as a
`Problem` with a line and column instead of raising. It composes the YAML node
tree itself (with libyaml when available, which is ~15x faster than the pure
Python parser) so that each value keeps its position for error messages.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Path_, Problem, Severity
from .regular_files import NotRegularFile, TooLarge, read_regular

try:  # libyaml is optional; fall back to the pure-Python parser.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 8 * 1024 * 1024
"""Largest manifest accepted; 40,000 file records fit in about 5 MB."""
MAX_ALIASES = 50
"""Aliases allowed per document: enough for hand-written reuse, too few for a 'billion laughs'."""
MAX_DEPTH = 40
"""Deepest nesting accepted; real manifests are under 8 levels deep."""
_DEEP = 2000
"""libyaml composes recursively and overflows the C stack (a segfault, not an exception) near
20,000 levels, which a 40 kB line of brackets or dashes reaches. Text that could nest this deep
has its depth checked on the event stream, which does not recurse, before it is composed."""
_DEEP_INDENT = re.compile(rf"(?m)^[ \t?:-]{{{_DEEP // 2}}}")
"""Block nesting needs indentation or `- `, `? `, `: ` indicators: two levels at most per column."""

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in a source file."""

    line: int
    column: int


@dataclass
class YamlDocument:
    """Plain Python data from one YAML file, plus the position of every value and key."""

    file: str
    data: Any
    marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)
    source_text: dict[Path_, str] = field(default_factory=dict)
    """The text of each non-string scalar as written, e.g. `1.10` for a version YAML reads as 1.1."""
    digest: str = ""
    """SHA-256 of the file's bytes: what incremental builds compare."""
    reparse_from: Path | None = None
    """Set when positions were dropped to keep the document small (in caches, between
    processes): the file is parsed again the first time a problem must be located."""

    def without_marks(self, source: Path) -> YamlDocument:
        """A copy without positions, which finds them again in `source` when asked."""
        return YamlDocument(self.file, self.data, {}, {}, dict(self.source_text), self.digest, source)

    def _restore_marks(self) -> None:
        source, self.reparse_from = self.reparse_from, None
        assert source is not None
        again, _problems = load_yaml(source, display_name=self.file)
        if again is not None and again.digest == self.digest:
            self.marks, self.key_marks = again.marks, again.key_marks

    def locate(self, path: Path_, *, key: bool = False) -> Mark:
        """Position of `path`, or of its nearest existing parent when it is absent."""
        if self.reparse_from is not None:
            self._restore_marks()
        if key and path in self.key_marks:
            return self.key_marks[path]
        for end in range(len(path), -1, -1):
            mark = self.marks.get(path[:end])
            if mark is not None:
                return mark
        return Mark(1, 1)

    def problem(
        self, path: Path_, message: str, hint: str = "", *,
        severity: Severity = Severity.ERROR, key: bool = False, shown_path: str | None = None,
    ) -> Problem:
        """A Problem located at `path` in this document."""
        from .problems import format_path

        mark = self.locate(path, key=key)
        return Problem(
            file=self.file, line=mark.line, column=mark.column,
            path=format_path(path) if shown_path is None else shown_path,
            severity=severity, message=message, hint=hint,
        )


class _LoadError(Exception):
    def __init__(self, mark: Mark, message: str, hint: str) -> None:
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into Python values, recording marks."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.constructor = SafeConstructor()
        self.seen: set[int] = set()
        self.aliases = 0

    def build(self, node: Node, path: Path_, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise _LoadError(_mark(node), f"nesting is deeper than {MAX_DEPTH} levels",
                             "flatten the structure; manifests need only a few levels")
        if id(node) in self.seen:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _LoadError(_mark(node), f"more than {MAX_ALIASES} YAML aliases (*name)",
                                 "write the values out instead of reusing anchors")
        self.seen.add(id(node))
        if path not in self.doc.marks:
            self.doc.marks[path] = _mark(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                raise _custom_tag(node)
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            raise _custom_tag(node)
        result: dict[str, Any] = {}
        first_seen: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                raise _LoadError(_mark(key_node), "YAML merge keys (<<) are not supported",
                                 "write the keys out in full")
            if not isinstance(key_node, ScalarNode):
                raise _LoadError(_mark(key_node), "a key must be plain text",
                                 "write `name: value`; complex keys are not allowed")
            key = str(key_node.value).strip()
            if key in first_seen:
                raise _LoadError(
                    _mark(key_node),
                    f"duplicate key '{key}' (first given on line {first_seen[key].line})",
                    "keep one of them; YAML would silently drop the first",
                )
            first_seen[key] = self.doc.key_marks[(*path, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def _scalar(self, node: ScalarNode, path: Path_) -> Any:
        if node.tag == _STR_TAG:  # most values: skip the constructor's dispatch
            return node.value
        self.doc.source_text[path] = str(node.value)
        try:
            return self.constructor.construct_object(node, deep=True)
        except ConstructorError as exc:
            if node.tag.startswith("tag:yaml.org,2002:"):
                raise _LoadError(_mark(node), f"'{str(node.value)[:40]}' cannot be read: {exc.problem}",
                                 "quote the value to make it plain text") from exc
            raise _custom_tag(node) from exc
        except (ValueError, OverflowError) as exc:  # e.g. integers over Python's 4300-digit limit
            raise _LoadError(_mark(node), f"the value '{str(node.value)[:40]}...' cannot be read",
                             "quote the value to make it plain text, or shorten it") from exc


def _custom_tag(node: Node) -> _LoadError:
    return _LoadError(_mark(node), f"custom YAML tag '{node.tag}' is not allowed",
                      "remove the tag; manifests use plain YAML values only")


def _too_big(file: str, size: int | None, max_bytes: int) -> Problem:
    size_ = f" {size:,} bytes," if size is not None else ""  # None: more than its stated size
    return Problem(file, 1, 1, "", Severity.ERROR, f"the file is{size_} over the {max_bytes:,}-byte limit",
                   "split the file records into a separate listing, or ask a maintainer")


def _line_of_offset(raw: bytes, offset: int) -> Mark:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    return Mark(before.count(b"\n") + 1, offset - line_start + 1)


def _too_deep(text: str) -> Mark | None:
    """Where nesting first goes deeper than MAX_DEPTH, when the text could nest deep enough to
    crash the composer (more than _DEEP flow brackets, or a long run of indentation)."""
    if text.count("[") + text.count("{") < _DEEP and not _DEEP_INDENT.search(text):
        return None  # the usual case: composing is safe, the builder bounds the depth
    try:
        return _first_too_deep(text, _Loader)
    except yaml.YAMLError as exc:
        return _too_deep_before(text, exc)


def _first_too_deep(text: str, loader: type[yaml.SafeLoader] | type[_Loader]) -> Mark | None:
    """Scan the event stream (which does not recurse) for the first collection over MAX_DEPTH."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                where = event.start_mark
                return Mark(where.line + 1, where.column + 1) if where else Mark(1, 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _too_deep_before(text: str, exc: yaml.YAMLError) -> Mark | None:
    """Whether the text nests deeper than MAX_DEPTH before the point where YAML gave up.

    libyaml has a nesting limit of its own (about 1,000 levels since PyYAML 6.0.4) and stops
    there, in its own words, before any event reaches the project's scan. The project's limit
    is far lower, so it is decided here, with the pure-Python parser (which has no such limit
    and does not recurse), on the text before the failure only: that bounds the work.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    end = mark.index if mark is not None and getattr(mark, "index", None) else len(text)
    try:
        return _first_too_deep(text[:end], yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None  # the text before the failure is broken or shallow: the syntax error stands


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based line and column, or ''."""
    lines = text.split("\n", line + 1)
    return lines[line][column:column + 1] if line < len(lines) else ""


def _control_character(text: str, exc: yaml.reader.ReaderError) -> tuple[Mark, str]:
    """Where a character YAML forbids (NUL, other control characters) is, and which one."""
    if _Loader.__name__.startswith("C"):  # libyaml reports a byte offset into the UTF-8 text
        before = text.encode("utf-8")[:exc.position].decode("utf-8", "replace")
    else:  # pragma: no cover - the pure-Python reader counts characters
        before = text[:exc.position]
    line_start = before.rfind("\n") + 1
    mark = Mark(before.count("\n") + 1, len(before) - line_start + 1)
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return mark, f"U+{code:04X}"


def parse_yaml(raw: bytes, file: str, *, max_bytes: int = MAX_BYTES) -> tuple[YamlDocument | None,
                                                                             list[Problem]]:
    """Parse one YAML mapping from bytes; return the document or the problems that stop it."""

    def fail(mark: Mark, message: str, hint: str) -> tuple[None, list[Problem]]:
        return None, [Problem(file, mark.line, mark.column, "", Severity.ERROR, message, hint)]

    if len(raw) > max_bytes:
        return None, [_too_big(file, len(raw), max_bytes)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return fail(Mark(1, 1), "the file is UTF-16 text, not UTF-8", "save the file as UTF-8 text")
        return fail(_line_of_offset(raw, exc.start),
                    f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                    "save the file as UTF-8 text")
    text = text.removeprefix("\ufeff")
    deep = _too_deep(text)
    if deep is not None:
        return fail(deep, f"nesting is deeper than {MAX_DEPTH} levels",
                    "flatten the structure; manifests need only a few levels")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        deep = _too_deep_before(text, exc)
        if deep is not None:
            return fail(deep, f"nesting is deeper than {MAX_DEPTH} levels",
                        "flatten the structure; manifests need only a few levels")
        where = exc.problem_mark or exc.context_mark
        mark = Mark(where.line + 1, where.column + 1) if where else Mark(1, 1)
        if where is not None and _char_at(text, where.line, where.column) == "\t":
            return fail(mark, "a tab is used for indentation; YAML indents with spaces only",
                        "replace the tab with spaces (editors can convert tabs to spaces)")
        context = str(exc.context or "")
        if exc.context_mark is not None and exc.problem_mark is not None \
                and exc.context_mark.line != exc.problem_mark.line:
            context += f" (started on line {exc.context_mark.line + 1})"
        reason = ", ".join(part for part in (context, str(exc.problem or "")) if part)
        return fail(mark, f"this is not valid YAML: {reason}",
                    "check the indentation and quoting near this line")
    except yaml.reader.ReaderError as exc:
        mark, code = _control_character(text, exc)
        return fail(mark, f"the file contains the control character {code}, which YAML does not allow",
                    "remove it: a manifest is plain text (is this a binary file saved as .yaml?)")
    except yaml.YAMLError as exc:
        return fail(Mark(1, 1), f"this is not valid YAML: {exc}", "check the file's syntax")
    except RecursionError:  # the pure-Python parser on absurdly deep nesting
        return fail(Mark(1, 1), f"nesting is deeper than {MAX_DEPTH} levels",
                    "flatten the structure; manifests need only a few levels")
    if node is None:
        return fail(Mark(1, 1), "the file is empty",
                    "start from `mifa new <dataset-id>`, which writes a filled-in skeleton")
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        return fail(_mark(node), f"the file must be a mapping of keys to values, not {kind}",
                    "write `key: value` lines at the top level (study:, annotations:, ...)")
    doc = YamlDocument(file=file, data=None, digest=hashlib.sha256(raw).hexdigest())
    try:
        doc.data = _Builder(doc).build(node, ())
    except _LoadError as exc:
        return fail(exc.mark, exc.message, exc.hint)
    return doc, []


def load_yaml(path: Path, *, display_name: str | None = None,
              max_bytes: int = MAX_BYTES) -> tuple[YamlDocument | None, list[Problem]]:
    """Read and parse a YAML file, never raising for a user's mistake.

    Only a regular file is opened (a FIFO would block, /dev/zero never ends), and no more
    than `max_bytes` + 1 bytes are read, whatever size the file claims."""
    name = display_name or str(path)
    try:
        raw = read_regular(path, max_bytes)
    except NotRegularFile as exc:
        return None, [Problem(name, 1, 1, "", Severity.ERROR,
                              f"{exc.describe(Path(name).name)}, not a regular file; it is not read",
                              "a manifest is a plain text file: put the file itself here")]
    except TooLarge as exc:
        return None, [_too_big(name, exc.size, max_bytes)]
    except OSError as exc:
        return None, [Problem(name, 1, 1, "", Severity.ERROR,
                              f"the file cannot be read: {exc.strerror or exc}", "")]
    return parse_yaml(raw, name, max_bytes=max_bytes)
