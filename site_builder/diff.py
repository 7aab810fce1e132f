"""Field-level differences between two versions of a dataset, and whether credit survives.

MIFA asks that each version says what changed and that nobody credited for an
earlier version loses that credit. The page for a pair of consecutive versions
shows both, computed here from the validated models, so the comparison sees
normalised values (ORCIDs, licences, annotation types) rather than spellings.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .model import Manifest
from .people import Mention, credited_keys, mentions, name_key

ChangeKind = Literal["added", "removed", "changed"]

FILE_RECORD_LIMIT = 20
"""More changed file records than this in one annotation set are shown as counts only."""
WORD_DIFF_LENGTH = 80
"""Text longer than this gets a word-level diff even when it is a single token."""

_PEOPLE_LISTS = frozenset({"authors", "preserved_credit"})
# The version page shows these itself; e-mail addresses are never published on the site.
_EXCLUDE: Any = {
    "version": {"version", "timestamp", "changes", "previous_version"},
    "study": {"authors": {"__all__": {"email"}}},
    "annotations": {"__all__": {"authors": {"__all__": {"email"}}}},
}

Shape = tuple[str, ...]
"""A path with list items written as "[]": what kind of field a change is about."""
Key = Callable[[dict[str, Any]], str | None]


@dataclass(frozen=True)
class WordSpan:
    """A run of words that is the same in both texts, or only in the old or the new one."""

    kind: Literal["same", "added", "removed"]
    text: str


@dataclass(frozen=True)
class Change:
    """One field, list item or file-record count that differs between two versions."""

    path: str
    """Dotted path with list identities in brackets, e.g. "study.authors[Grace Hopper].role"."""
    kind: ChangeKind
    old: Any
    """JSON-able old value; None when added."""
    new: Any
    """JSON-able new value; None when removed."""
    words: tuple[WordSpan, ...] = ()
    """Word-level diff of changed prose, so a reader sees which words were edited."""
    is_credit: bool = False
    """True when the change touches a person (authors, annotators, preserved credit)."""


@dataclass(frozen=True)
class CreditChange:
    """Who gained or lost credit: MIFA asks that earlier contributors stay credited."""

    added: tuple[str, ...]
    """Display names of people credited in the new version but not the old one."""
    dropped: tuple[str, ...]
    """Credited in the old version and nowhere in the new one, not even in preserved_credit."""
    moved_to_preserved: tuple[str, ...]
    """No longer authors or annotators, but listed in the new version.preserved_credit."""
    preserved: bool
    """True when nobody credited in the old version is missing from the new one."""


@dataclass(frozen=True)
class VersionDiff:
    """Everything the version-pair page shows about what changed."""

    old_version: str
    new_version: str
    changes: tuple[Change, ...]
    credit: CreditChange
    summary: tuple[str, ...]
    """Short phrases, e.g. "licence CC-BY-4.0 → CC0-1.0", "+2 annotators", "−1 keyword"."""

    def listed(self, limit: int = 1000) -> tuple[tuple[Change, ...], int]:
        """The changes a page lists, and how many it leaves out.

        A reader cannot use a table of 100,000 rows (a `config` of 50,000 keys changed), and
        the page would weigh megabytes: every credit change is listed, then the others in
        order up to `limit` rows."""
        room = max(0, limit - sum(1 for change in self.changes if change.is_credit))
        shown, others = [], 0
        for change in self.changes:
            if change.is_credit or others < room:
                shown.append(change)
                others += not change.is_credit
        return tuple(shown), len(self.changes) - len(shown)


def diff_manifests(old: Manifest, new: Manifest) -> VersionDiff:
    """Compare two versions field by field; list items are matched by who or what they are."""
    differ = _Differ()
    differ.mapping("", (), old.model_dump(mode="json", exclude_none=True, exclude=_EXCLUDE),
                   new.model_dump(mode="json", exclude_none=True, exclude=_EXCLUDE), credit=False)
    changes = tuple(change for _, change in differ.changes)
    return VersionDiff(old.version.version, new.version.version, changes,
                       credit_change(old, new), _summary(differ, old, new))


def credit_change(old: Manifest, new: Manifest) -> CreditChange:
    """People matched by ORCID or folded name, the same rule as the catalogue's credit check."""
    def keys(mention: Mention) -> set[str]:
        return {mention.key, name_key(mention.first_name, mention.last_name)}

    old_all, new_all = credited_keys(old), credited_keys(new)
    new_active = {k for m in mentions(new) if m.kind != "preserved" for k in keys(m)}
    new_preserved = {k for m in mentions(new) if m.kind == "preserved" for k in keys(m)}
    added = {m.key: m.full_name for m in mentions(new) if not keys(m) & old_all}
    dropped = {m.key: m.full_name for m in mentions(old) if not keys(m) & new_all}
    moved = {m.key: m.full_name for m in mentions(old) if m.kind != "preserved"
             and not keys(m) & new_active and keys(m) & new_preserved}
    return CreditChange(tuple(added.values()), tuple(dropped.values()), tuple(moved.values()),
                        preserved=not dropped)


WORD_DIFF_BUDGET = 8_000_000
"""Token pairs that word diffs may compare for one pair of versions, all fields together.

difflib's matching is quadratic at worst (a 40,000-word text edited every other word took
minutes), so the changed middle of a text is charged len(old) × len(new) tokens before it is
matched: about half a second at worst on this budget, far more than real edits use. Beyond it,
lines are matched first and words only inside changed lines; beyond that too, the changed
middle is shown as one replacement."""


class DiffBudget:
    """What is left of WORD_DIFF_BUDGET for one pair of versions: its fields share it."""

    def __init__(self, pairs: int = WORD_DIFF_BUDGET) -> None:
        self.left = pairs

    def spend(self, pairs: int) -> bool:
        """Take `pairs` token comparisons if that many are left."""
        if pairs > self.left:
            return False
        self.left -= pairs
        return True


Opcode = tuple[str, int, int, int, int]


def word_diff(old: str, new: str, budget: DiffBudget | None = None) -> tuple[WordSpan, ...]:
    """Word-level spans; joining same+removed gives the old text, same+added the new one.

    Bounded by `budget` (a fresh WORD_DIFF_BUDGET if None): a text too large to match word by
    word is matched line by line, or shown as replaced."""
    a, b = _tokens(old), _tokens(new)
    ops = _opcodes(a, b, budget or DiffBudget())
    spans: list[WordSpan] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if removed:
            spans.append(WordSpan("removed", "".join(removed)))
        if added:
            spans.append(WordSpan("added", "".join(added)))
        removed.clear()
        added.clear()

    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        same = "".join(a[i1:i2])
        # A lone space between two edits is folded into them, so "quick brown" -> "slow red"
        # reads as one replacement rather than two.
        between = 0 < n < len(ops) - 1 and ops[n - 1][0] != "equal" and ops[n + 1][0] != "equal"
        if tag == "equal" and not (between and same.isspace()):
            flush()
            spans.append(WordSpan("same", same))
        else:
            removed.append(same)
            added.append("".join(b[j1:j2]))
    flush()
    return tuple(spans)


AUTOJUNK_FROM = 400
"""Tokens in the changed middle of a text from which difflib may skip the most common ones
(spaces, 'the'): exact matching there took 20 ms per rewritten description, 50 s for a
10,000-dataset catalogue. Shorter texts are matched exactly."""


def _opcodes(a: list[str], b: list[str], budget: DiffBudget) -> list[Opcode]:
    """difflib opcodes, with the common start and end set aside first (most edits are local)."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a_mid, b_mid = a[start:len(a) - end], b[start:len(b) - end]
    ops: list[Opcode] = [("equal", 0, start, 0, start)] if start else []
    ops += [(tag, i1 + start, i2 + start, j1 + start, j2 + start)
            for tag, i1, i2, j1, j2 in _middle(a_mid, b_mid, budget)]
    if end:
        ops.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    return ops


def _middle(a: list[str], b: list[str], budget: DiffBudget) -> list[Opcode]:
    """Opcodes for the changed middle: word by word if the budget allows, else line by line
    with words matched inside changed lines while it lasts, else one replacement."""
    replaced: list[Opcode] = [("replace", 0, len(a), 0, len(b))] if a or b else []
    if not a or not b or budget.spend(len(a) * len(b)):
        return _matched(a, b) if a and b else replaced
    a_lines, b_lines = _lines(a), _lines(b)
    if len(a_lines) * len(b_lines) == 1 or not budget.spend(len(a_lines) * len(b_lines)):
        return replaced
    ops: list[Opcode] = []
    line_ops = _matched(["".join(a[i:j]) for i, j in a_lines], ["".join(b[i:j]) for i, j in b_lines])
    for tag, i1, i2, j1, j2 in line_ops:
        a1, a2 = (a_lines[i1][0], a_lines[i2 - 1][1]) if i2 > i1 else (_at(a_lines, i1, len(a)),) * 2
        b1, b2 = (b_lines[j1][0], b_lines[j2 - 1][1]) if j2 > j1 else (_at(b_lines, j1, len(b)),) * 2
        if tag != "equal" and a2 > a1 and b2 > b1 and budget.spend((a2 - a1) * (b2 - b1)):
            ops += [(t, x1 + a1, x2 + a1, y1 + b1, y2 + b1)
                    for t, x1, x2, y1, y2 in _matched(a[a1:a2], b[b1:b2])]
        else:
            ops.append((tag, a1, a2, b1, b2))
    return ops


def _matched(a: list[str], b: list[str]) -> list[Opcode]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=len(b) >= AUTOJUNK_FROM)
    return [(tag, i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if i2 > i1 or j2 > j1]


def _lines(tokens: list[str]) -> list[tuple[int, int]]:
    """Token ranges of the lines of a text, each ending with the spaces that hold its line break."""
    lines, start = [], 0
    for index, token in enumerate(tokens):
        if "\n" in token and token.isspace():
            lines.append((start, index + 1))
            start = index + 1
    if start < len(tokens):
        lines.append((start, len(tokens)))
    return lines


def _at(lines: list[tuple[int, int]], index: int, length: int) -> int:
    """The token index where line `index` starts (the end of the text after the last line)."""
    return lines[index][0] if index < len(lines) else length


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


def _wants_words(old: Any, new: Any) -> bool:
    return isinstance(old, str) and isinstance(new, str) and (
        max(len(old), len(new)) > WORD_DIFF_LENGTH or (" " in old.strip() and " " in new.strip()))


def _field(name: str) -> Key:
    def key(item: dict[str, Any]) -> str | None:
        value = item.get(name)
        return str(value) if value not in (None, "") else None
    return key


def _orcid(item: dict[str, Any]) -> str | None:
    return f"orcid:{item['orcid_id']}" if item.get("orcid_id") else None


def _person_name(item: dict[str, Any]) -> str:
    return f"{item.get('author_first_name', '')} {item.get('author_last_name', '')}".strip()


def _folded_name(item: dict[str, Any]) -> str:
    return name_key(str(item.get("author_first_name", "")), str(item.get("author_last_name", "")))


def _title(item: dict[str, Any]) -> str | None:
    title = item.get("publication_title")
    return " ".join(str(title).casefold().split()) if title else None


# Identity of list items, strongest first: a weaker key only pairs items whose strong keys
# do not disagree (two people of the same name with different ORCIDs stay two people).
_IDENTITY: dict[str, tuple[Key, ...]] = {
    "authors": (_orcid, _folded_name),
    "preserved_credit": (_orcid, _folded_name),
    "file_metadata": (_field("annotation_id"),),
    "publications": (_field("publication_doi"), _title),
    "organisation": (_field("organisation_name"),),
    "classes": (_field("name"),),
    "grants": (_field("grant_id"),),
}
_LABEL: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "authors": _person_name,
    "preserved_credit": _person_name,
    "file_metadata": _field("annotation_id"),
    "publications": lambda item: _field("publication_doi")(item) or _field("publication_title")(item),
    "organisation": _field("organisation_name"),
    "classes": _field("name"),
    "grants": _field("grant_id"),
}


def _pair(field: str, old: list[Any], new: list[Any]) -> dict[int, int]:
    """Old index -> new index of the items that are the same thing in both lists."""
    keys = _IDENTITY.get(field)
    if keys is None:
        return {i: i for i in range(min(len(old), len(new)))}
    pairs: dict[int, int] = {}
    for rank, key in enumerate(keys):
        waiting: dict[str, deque[int]] = {}
        for i, item in enumerate(old):
            if i not in pairs and (k := key(item)) is not None:
                waiting.setdefault(k, deque()).append(i)
        taken = set(pairs.values())
        for j, item in enumerate(new):
            k = key(item)
            if j in taken or k is None or not waiting.get(k):
                continue
            strong_old, strong_new = keys[0](old[waiting[k][0]]), keys[0](item)
            if rank and strong_old and strong_new and strong_old != strong_new:
                continue
            pairs[waiting[k].popleft()] = j
    return pairs


def _merged_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Keys of both mappings in model field order (dumps of one model share that order): a key
    only in `old` follows the key before it there. Linear, as `config` may hold any number."""
    gone_after: dict[str | None, str] = {}
    previous: str | None = None
    for key in old:
        if key not in new:
            gone_after[previous] = key
        previous = key
    keys: list[str] = []

    def follow(key: str | None) -> None:
        while key in gone_after:
            key = gone_after[key]
            keys.append(key)

    follow(None)
    for key in new:
        keys.append(key)
        follow(key)
    return keys


def _freeze(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


class _Differ:
    """Walks two model dumps side by side, collecting changes with their field shape."""

    def __init__(self) -> None:
        self.changes: list[tuple[Shape, Change]] = []
        self.records: Counter[ChangeKind] = Counter()
        self.budget = DiffBudget()

    def emit(self, shape: Shape, path: str, kind: ChangeKind, old: Any, new: Any, credit: bool) -> None:
        credit = credit or (kind != "changed" and _holds_people(old if kind == "removed" else new))
        words = word_diff(old, new, self.budget) if kind == "changed" and _wants_words(old, new) else ()
        self.changes.append((shape, Change(path, kind, old, new, words, credit)))

    def value(self, shape: Shape, path: str, field: str, old: Any, new: Any, credit: bool) -> None:
        if old == new:
            return
        if isinstance(old, dict) and isinstance(new, dict):
            self.mapping(path, shape, old, new, credit)
        elif isinstance(old, list) and isinstance(new, list):
            self.sequence(shape, path, field, old, new, credit)
        else:
            self.emit(shape, path, "changed", old, new, credit)

    def mapping(self, path: str, shape: Shape, old: dict[str, Any], new: dict[str, Any],
                credit: bool) -> None:
        for key in _merged_keys(old, new):
            sub, sub_shape = f"{path}.{key}" if path else key, (*shape, key)
            sub_credit = credit or key in _PEOPLE_LISTS
            if key not in old:
                self.emit(sub_shape, sub, "added", None, new[key], sub_credit)
            elif key not in new:
                self.emit(sub_shape, sub, "removed", old[key], None, sub_credit)
            else:
                self.value(sub_shape, sub, key, old[key], new[key], sub_credit)

    def sequence(self, shape: Shape, path: str, field: str, old: list[Any], new: list[Any],
                 credit: bool) -> None:
        if not any(isinstance(item, dict) for item in (*old, *new)):
            self.scalars(shape, path, old, new, credit)
            return
        start = len(self.changes)
        pairs = _pair(field, old, new)
        item_shape = (*shape, "[]")
        seen: Counter[str] = Counter()

        def where(item: Any, index: int) -> str:
            label = _LABEL[field](item) if field in _LABEL and isinstance(item, dict) else None
            label = label or str(index)
            seen[label] += 1
            return f"{path}[{label}]" if seen[label] == 1 else f"{path}[{label} #{seen[label]}]"

        counts: Counter[ChangeKind] = Counter()
        for i, item in enumerate(old):
            if i in pairs:
                before = len(self.changes)
                self.value(item_shape, where(new[pairs[i]], pairs[i]), field, item, new[pairs[i]], credit)
                counts["changed"] += int(len(self.changes) > before)
            else:
                self.emit(item_shape, where(item, i), "removed", item, None, credit)
                counts["removed"] += 1
        matched = set(pairs.values())
        for j, item in enumerate(new):
            if j not in matched:
                self.emit(item_shape, where(item, j), "added", None, item, credit)
                counts["added"] += 1
        if field == "file_metadata":
            self.records.update(counts)
            if counts.total() > FILE_RECORD_LIMIT:
                del self.changes[start:]
                for kind in ("added", "removed", "changed"):
                    if counts[kind]:
                        self.emit(shape, path, kind, None if kind == "added" else counts[kind],
                                  None if kind == "removed" else counts[kind], credit)

    def scalars(self, shape: Shape, path: str, old: list[Any], new: list[Any], credit: bool) -> None:
        """Items added and removed, not position by position: a reordered list is unchanged."""
        remaining = Counter(_freeze(item) for item in new)
        for item in old:
            if remaining[_freeze(item)] > 0:
                remaining[_freeze(item)] -= 1
            else:
                self.emit(shape, path, "removed", item, None, credit)
        remaining = Counter(_freeze(item) for item in old)
        for item in new:
            if remaining[_freeze(item)] > 0:
                remaining[_freeze(item)] -= 1
            else:
                self.emit(shape, path, "added", None, item, credit)


def _holds_people(value: Any) -> bool:
    """A whole added or removed item that names people (e.g. an annotation set with authors)."""
    if isinstance(value, dict):
        return any((k in _PEOPLE_LISTS and bool(v)) or _holds_people(v) for k, v in value.items())
    return isinstance(value, list) and any(_holds_people(item) for item in value)


def _count(n: int, noun: str, sign: str = "") -> str:
    return f"{sign}{n} {noun if n == 1 else noun + ('es' if noun.endswith('s') else 's')}"


_COUNTED: dict[Shape, str] = {
    ("study", "authors", "[]"): "author",
    ("annotations", "[]", "authors", "[]"): "annotator",
    ("version", "preserved_credit", "[]"): "preserved credit",
    ("annotations", "[]"): "annotation set",
    ("annotations", "[]", "classes", "[]"): "class",
    ("study", "keywords"): "keyword",
    ("study", "publications", "[]"): "publication",
}
_LICENCES: dict[Shape, str] = {
    ("study", "license"): "licence",
    ("images", "license"): "image licence",
    ("annotations", "[]", "license"): "annotation licence",
}

_RECORD_PHRASES: tuple[tuple[ChangeKind, str, str], ...] = (
    ("added", "+", ""), ("removed", "−", ""), ("changed", "", " changed"))


def _summary(differ: _Differ, old: Manifest, new: Manifest) -> tuple[str, ...]:
    """The phrases a reader scans first; everything not named is counted as other fields."""
    licences: list[str] = []
    modules: list[str] = []
    counted: Counter[tuple[str, str]] = Counter()
    other = 0
    for shape, change in differ.changes:
        if shape in _LICENCES:
            # An image or annotation licence added or removed replaces or restores the study's.
            before = change.old if change.old is not None else old.study.license
            after = change.new if change.new is not None else new.study.license
            if before != after:
                licences.append(f"{_LICENCES[shape]} {before} → {after}")
                continue
        elif len(shape) == 1 and change.kind != "changed" and shape[0] in ("images", "annotations"):
            modules.append(f"{shape[0]} module {change.kind}")
            continue
        elif shape in _COUNTED and change.kind != "changed":
            counted[_COUNTED[shape], change.kind] += 1
            continue
        elif "file_metadata" in shape:
            continue
        other += 1
    phrases = [*licences, *modules]
    for noun in dict.fromkeys(_COUNTED.values()):
        phrases += [_count(counted[noun, kind], noun, sign)
                    for kind, sign in (("added", "+"), ("removed", "−")) if counted[noun, kind]]
        if noun == "annotation set":
            phrases += [_count(differ.records[kind], "file record", sign) + suffix
                        for kind, sign, suffix in _RECORD_PHRASES if differ.records[kind]]
    if other:
        phrases.append(_count(other, "other field") + " changed")
    return tuple(phrases) or ("no metadata changes",)

