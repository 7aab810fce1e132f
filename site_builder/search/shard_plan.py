"""Which search shard holds each index term: contiguous term ranges cut to a size budget.

Terms are sorted as JavaScript compares strings (UTF-16 code units) and cut into runs whose
serialized lunr index stays under `max_bytes`, whatever the script, the length of a shared
prefix or the number of terms. Each shard is known by its bound, the shortest prefix of its
first term that sorts after the previous shard's last term; the browser finds a term's shard
by binary search over the bounds, and a prefix query's shards as the bounds that start with
the prefix. A term too big for one file on its own (a word in thousands of datasets) gets a
shard to itself, split into files by document: a query for it fetches them all, as it would
one big file, and no other query ever does.

Sizes are upper bounds of orjson's output, computed while packing, so no file is built twice.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import orjson

MAX_TERM_CHARS = 64
"""Index terms are cut to this many code points (the browser cuts query terms alike), so one
pathological token (a 1 MB run of letters) cannot make a shard of its own size."""


def term_order(term: str) -> bytes:
    """Sort key equal to JavaScript's `<` on strings (UTF-16 code units), which lunr.js requires
    of a serialized index's terms and which the browser uses to look up bounds."""
    return term.encode("utf-16-be")


@dataclass
class Placement:
    """Where every term and posting goes."""

    bounds: list[str] = field(default_factory=list)
    """Per shard, the lowest term it can hold ('' for the first), in `term_order`."""
    shard: dict[str, int] = field(default_factory=dict)
    """Term -> shard number."""
    parts: list[int] = field(default_factory=list)
    """Per shard, how many files it is split into (1 unless it holds one oversized term)."""
    part: dict[str, dict[tuple[int, str], int]] = field(default_factory=dict)
    """For the terms of split shards: (field position, document ref) -> file number."""


def shard_of(term: str, bounds: Sequence[str]) -> int:
    """The shard that holds `term`: the last whose bound is not above it (as search.js does)."""
    orders = [term_order(b) for b in bounds]
    return max(bisect.bisect_right(orders, term_order(term)) - 1, 0)


def shards_of_prefix(prefix: str, bounds: Sequence[str]) -> list[int]:
    """The shards that can hold terms starting with `prefix`: its own and those whose bound
    starts with it (contiguous, since bounds are sorted)."""
    first = shard_of(prefix, bounds)
    found = [first]
    for number in range(first + 1, len(bounds)):
        if not bounds[number].startswith(prefix):
            break
        found.append(number)
    return found


def _json_len(text: str) -> int:
    return len(orjson.dumps(text))


def _separator(previous: str, first: str) -> str:
    """The shortest prefix of `first` that sorts after `previous` (first > previous)."""
    after = term_order(previous)
    for length in range(1, len(first) + 1):
        if term_order(first[:length]) > after:
            return first[:length]
    return first  # pragma: no cover - first > previous guarantees a shorter answer


class _Sizes:
    """Upper bounds of the JSON bytes a term or posting adds to a shard (see lunr_shards' layout)."""

    def __init__(self, names: Sequence[str], refs: Sequence[str], score_chars: int) -> None:
        self.score_chars = score_chars
        self.ref_len = {doc_ref: _json_len(doc_ref) - 2 for doc_ref in refs}
        # `,"name":{` ... `}` per field, in every inverted index entry
        self.fields_fixed = sum(_json_len(name) + 4 for name in names)
        # `["name/ref",[` ... `]],` around a document field's elements, less the ref
        self.vector_fixed = [_json_len(name) - 2 + 9 for name in names]

    def entry(self, term: str, number: int) -> int:
        """`["term",{"_index":N,<fields>}],` without the postings."""
        return 1 + _json_len(term) + 11 + len(str(number)) + self.fields_fixed + 3

    def postings(self, count: int, ref_chars: int, number: int) -> int:
        """`"ref":{},` in the inverted index and `N,score,` in the document's field vector, per posting."""
        return ref_chars + count * (6 + len(str(number)) + self.score_chars + 2)

    def vector(self, position: int, doc_ref: str) -> int:
        """A document field's vector wrapper: paid once per shard."""
        return self.vector_fixed[position] + self.ref_len[doc_ref]


def plan_shards(postings: Mapping[str, Sequence[Sequence[str]]], numbers: Mapping[str, int],
                names: Sequence[str], refs: Sequence[str], *, max_bytes: int, base_bytes: int,
                score_chars: int) -> Placement:
    """Pack terms, in `term_order`, into shards of at most `max_bytes` of JSON.

    `postings[term][position]` lists the documents (of `refs`) whose field `names[position]`
    holds the term; `numbers` are lunr's term numbers; `base_bytes` is the size of an empty
    shard; `score_chars` bounds a score's characters.
    """
    sizes = _Sizes(names, refs, score_chars)
    placement = Placement()
    room = max_bytes - base_bytes
    used = 0
    seen: list[set[str]] = [set() for _ in names]
    current: list[str] = []
    previous_last = ""

    def close() -> None:
        nonlocal used, previous_last
        if current:
            placement.bounds.append(_separator(previous_last, current[0]) if placement.bounds else "")
            placement.parts.append(1)
            number = len(placement.bounds) - 1
            for term in current:
                placement.shard[term] = number
            previous_last = current[-1]
        current.clear()
        for fields in seen:
            fields.clear()
        used = 0

    ref_len, vector_fixed = sizes.ref_len, sizes.vector_fixed
    for term in sorted(postings, key=term_order):
        lists, number = postings[term], numbers[term]
        count = ref_chars = wrappers = new_wrappers = 0
        for position, docs in enumerate(lists):
            if not docs:
                continue
            chars = sum(map(ref_len.__getitem__, docs))
            count, ref_chars = count + len(docs), ref_chars + chars
            # A document field's vector wrapper is paid once per shard, so only for fields not seen yet.
            wrappers += len(docs) * vector_fixed[position] + chars
            known = seen[position]
            new_wrappers += sum(vector_fixed[position] + ref_len[d] for d in docs if d not in known)
        fixed = sizes.entry(term, number) + sizes.postings(count, ref_chars, number)
        alone = fixed + wrappers
        if alone > room:
            close()
            _split(term, lists, number, sizes, room, placement, previous_last)
            previous_last = term
            continue
        cost = fixed + new_wrappers
        if current and used + cost > room:
            close()
            cost = alone
        current.append(term)
        for fields, docs in zip(seen, lists, strict=True):
            if docs:
                fields.update(docs)
        used += cost
    close()
    return placement


def _split(term: str, lists: Sequence[Sequence[str]], number: int, sizes: _Sizes, room: int,
           placement: Placement, previous_last: str) -> None:
    """A shard of one term whose postings fill several files: pack them in field, then document order."""
    placement.bounds.append(_separator(previous_last, term) if placement.bounds else "")
    placement.shard[term] = len(placement.bounds) - 1
    entry = sizes.entry(term, number)
    each = sizes.postings(1, 0, number)
    files: dict[tuple[int, str], int] = {}
    file, used = 0, entry
    for position, docs in enumerate(lists):
        for doc_ref in docs:
            # the ref in the inverted index, and the document field's vector with its one element
            cost = each + sizes.ref_len[doc_ref] + sizes.vector(position, doc_ref)
            if used + cost > room and used > entry:
                file, used = file + 1, entry
            files[(position, doc_ref)] = file
            used += cost
    placement.parts.append(file + 1)
    placement.part[term] = files
