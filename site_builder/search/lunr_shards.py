"""A lunr 2.3.9 search index split by term into small, independently loadable shards.

One lunr index over 10,000 datasets is tens of megabytes, far too much for a browser
to fetch before the first search. Here terms are sorted and cut into contiguous ranges
that each fit a byte budget (`shard_plan.py`: whatever the script, prefix or term count);
each shard is a complete serialized `lunr.Index` (the JSON lunr's `Index.toJSON` writes)
holding only its terms, and document field vectors cut down to those terms. lunr scores
a document field as `dot(query, field) / |query|`, so a shard scores its own terms exactly
as the whole index would, up to that norm: the client adds up scores per document across
shards, each scaled by |the query vector's entries in that shard| / |the whole query vector|
(an entry per index term a clause expands to; sqrt(n_shard / n_total) for n plain terms),
which gives the single-index score exactly (templates/static/search.js, `score`).

Tokenising, the pipeline (trimmer, stop word filter, stemmer), BM25 scoring, term
numbering and the JSON layout are python-lunr's Builder (which writes lunr.js's JSON),
so a shard equals the whole python-lunr index filtered to the shard's terms. Known gaps
to lunr.js: python-lunr's trimmer leaves tokens with inner punctuation untouched
("(ome.zarr)", "e.g."), where lunr.js strips their ends; and terms are cut to
MAX_TERM_CHARS code points (the client cuts query terms the same way). Terms are sorted
as JavaScript compares strings, which python-lunr's `Index.load` rejects only for a shard
mixing characters above U+FFFF with U+E000-U+FFFF after a common prefix. No positions
are recorded (lunr's default empty metadata whitelist), which keeps shards small.

The site's bundle hands this module each field already rewritten by `terms.SearchTerms.expand`
(irregular plurals to one canonical word, compounds whole and split, citation words dropped),
so the rewritten text is what lunr tokenises here and what the equivalence above is about.
"""

from __future__ import annotations

import gc
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from lunr.stemmer import stemmer as _lunr_stemmer  # type: ignore[import-untyped]
from lunr.stop_word_filter import stop_word_filter as _lunr_stop_word_filter  # type: ignore[import-untyped]
from lunr.token import Token as _LunrToken  # type: ignore[import-untyped]
from lunr.trimmer import trimmer as _lunr_trimmer  # type: ignore[import-untyped]

from .shard_plan import MAX_TERM_CHARS, Placement, plan_shards, term_order

LUNR_VERSION = "2.3.9"
"""The lunr.js the site ships; `Index.load` warns when a serialized index names another."""

K1 = 1.2
B = 0.75

# Tokens are the runs between matches of lunr.tokenizer.separator, /[\s\-]+/ in JavaScript,
# where \s is exactly this set (Python's \s also matches \x1c-\x1f and \x85, which lunr.js
# keeps in a term). findall over the complement is faster than split and yields no empty strings.
_TOKEN = re.compile("[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff-]+")
SHARD_BYTES = 48_000
"""Default budget of one shard file's JSON; the site's own are bundle.SHARD_BYTES."""


@dataclass(frozen=True)
class SearchField:
    """A document field to index; `boost` multiplies every score of a term in it."""

    name: str
    boost: float = 1.0


@dataclass(frozen=True)
class Shard:
    """One range of index terms: its lowest possible term and its serialized lunr indexes."""

    bound: str
    """The client's lookup key: a term belongs to the last shard whose bound is not above it."""
    parts: tuple[dict[str, Any], ...]
    """One index, or several when the shard is a single term whose postings fill several files."""


_STEM_REACH = 32
"""The Porter stemmer rewrites at most this many characters at a word's end."""


def _pipeline_term(token: str) -> str | None:
    """The index term lunr's builder pipeline makes of one token, or None for a stop word.

    python-lunr's own functions, so the terms match its Builder's; callers memoise this
    because the Porter stemmer dominates the cost otherwise. The term is cut to
    MAX_TERM_CHARS; a token so long that the stemmer cannot reach the kept part is not
    stemmed at all, which gives the same term without the stemmer's work on megabytes.
    """
    wrapped = _lunr_trimmer(_LunrToken(token))
    text = str(wrapped)
    if len(text) > MAX_TERM_CHARS + _STEM_REACH:
        return text[:MAX_TERM_CHARS]
    if _lunr_stop_word_filter(wrapped) is None:
        return None
    return str(_lunr_stemmer(wrapped))[:MAX_TERM_CHARS]


def _idf(documents_with_term: int, document_count: int) -> float:
    """lunr.idf: the posting counts a document once per field that holds the term."""
    x = (document_count - documents_with_term + 0.5) / (documents_with_term + 0.5)
    return math.log(1 + abs(x))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small acyclic containers.

    Otherwise each young-generation collection rescans everything built so far, which
    doubled the build time for 10,000 documents; the previous state is restored after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class _Corpus:
    """What lunr.Builder.add accumulates: term numbers, postings and per-field term counts."""

    names: list[str]
    term_numbers: dict[str, int] = field(default_factory=dict)
    # term -> one list of document refs per field, in document order
    postings: dict[str, list[list[str]]] = field(default_factory=dict)
    # one row per document field, in lunr's field ref order: (ref, field, length, term counts)
    rows: list[tuple[str, int, int, dict[str, int]]] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    """Every document's ref, in document order."""
    document_count: int = 0


def _collect(documents: Sequence[Mapping[str, str]], names: list[str], ref: str) -> _Corpus:
    """Tokenise, run the pipeline and count, as lunr.Builder.add does, memoising terms per token."""
    corpus = _Corpus(names)
    memo: dict[str, str | None] = {}
    seen: set[str] = set()
    for document in documents:
        doc_ref = str(document[ref])
        if doc_ref in seen:
            raise ValueError(f"duplicate document ref {doc_ref!r}")
        seen.add(doc_ref)
        corpus.refs.append(doc_ref)
        for position, name in enumerate(names):
            value = document.get(name)
            counts: dict[str, int] = {}
            length = 0
            # Counter keeps first occurrences in order, so terms get lunr's first-seen numbers.
            for token, count in Counter(_TOKEN.findall(str(value).lower()) if value else ()).items():
                term = memo[token] if token in memo else memo.setdefault(token, _pipeline_term(token))
                if term is None:  # a stop word
                    continue
                length += count
                if term in counts:
                    counts[term] += count
                    continue
                counts[term] = count
                doc_lists = corpus.postings.get(term)
                if doc_lists is None:
                    corpus.term_numbers[term] = len(corpus.term_numbers)
                    doc_lists = corpus.postings[term] = [[] for _ in names]
                doc_lists[position].append(doc_ref)
            corpus.rows.append((doc_ref, position, length, counts))
    corpus.document_count = len(seen)
    return corpus


Key = tuple[int, int]
"""(shard number, file number within the shard)."""


def _field_vectors(corpus: _Corpus, boosts: list[float], placement: Placement) -> dict[Key, list[list[Any]]]:
    """File -> [field ref, [term number, BM25 score, ...]] for the file's terms, as lunr scores them."""
    totals = [0] * len(corpus.names)
    for _, position, length, _ in corpus.rows:
        totals[position] += length
    # lunr averages over every document, including those where the field is empty.
    averages = [total / corpus.document_count for total in totals]
    count = corpus.document_count
    info = {term: (corpus.term_numbers[term], placement.shard[term], _idf(sum(map(len, lists)), count))
            for term, lists in corpus.postings.items()}
    split = placement.part
    vectors: dict[Key, list[list[Any]]] = {}
    k1_plus_1, floor = K1 + 1, math.floor  # locals: this loop runs once per term per document field
    for doc_ref, position, length, counts in corpus.rows:
        if not counts:  # lunr keeps an empty vector; no shard needs one
            continue
        norm = K1 * (1 - B + B * (length / averages[position]))
        boost = boosts[position]
        pieces: dict[Key, list[float]] = {}
        for number, shard, idf, tf, term in sorted([(*info[term], tf, term) for term, tf in counts.items()]):
            # The same operations in the same order as lunr, so the floats agree bit for bit.
            score = idf * (k1_plus_1 * tf) / (norm + tf)
            score *= boost
            # Math.round(score * 1000) / 1000, inlined; Python's round() breaks ties differently.
            scaled = score * 1000
            whole = floor(scaled)
            rounded = (whole + 1 if scaled - whole >= 0.5 else whole) / 1000
            key = (shard, split[term][(position, doc_ref)] if term in split else 0)
            if key in pieces:
                pieces[key] += (number, rounded)
            else:
                pieces[key] = [number, rounded]
        field_ref = f"{corpus.names[position]}/{doc_ref}"
        for key, elements in pieces.items():
            vectors.setdefault(key, []).append([field_ref, elements])
    return vectors


def _serialized(names: list[str], vectors: list[list[Any]], inverted: list[list[Any]]) -> dict[str, Any]:
    return {"version": LUNR_VERSION, "fields": list(names), "fieldVectors": vectors,
            "invertedIndex": inverted, "pipeline": ["stemmer"]}


def _score_chars(boosts: list[float], document_count: int) -> int:
    """Characters of the largest score JSON can hold: BM25's tf part stays below k1 + 1."""
    ceiling = max(boosts) * _idf(1, document_count) * (K1 + 1)
    return len(f"{ceiling:.3f}")


def build_sharded_index(
    documents: Sequence[Mapping[str, str]], fields: Sequence[SearchField], *, ref: str = "ref",
    max_bytes: int = SHARD_BYTES,
) -> list[Shard]:
    """The index of `documents`, as shards of at most `max_bytes` of JSON, in bound order.

    Each part is a serialized lunr index (lunr's `Index.toJSON` shape) of its shard's
    terms, equivalent to indexing `documents` with `lunr.Builder` (fields in the given
    order, `ref` as the document reference) and keeping those terms. Missing or empty
    field values index nothing but still count towards the field's average length, as in
    lunr. Deterministic: terms are sorted, `_index` numbers terms in first-seen order as
    lunr does, and vectors and postings follow document then field order.
    """
    names = [f.name for f in fields]
    if not names or len(set(names)) != len(names) or any("/" in name for name in names):
        raise ValueError(f"fields must be distinct non-empty names without '/': {names}")
    # lunr.js reads `boost || 1`, so a zero boost counts as 1 there.
    boosts = [f.boost or 1.0 for f in fields]
    if not documents:
        return []
    with _gc_paused():
        corpus = _collect(documents, names, ref)
        base = len(orjson.dumps(_serialized(names, [], [])))
        placement = plan_shards(corpus.postings, corpus.term_numbers, names, corpus.refs, max_bytes=max_bytes,
                                base_bytes=base, score_chars=_score_chars(boosts, corpus.document_count))
        vectors = _field_vectors(corpus, boosts, placement)
        inverted: dict[Key, list[list[Any]]] = {}
        for term in sorted(corpus.postings, key=term_order):
            shard, number = placement.shard[term], corpus.term_numbers[term]
            files = placement.part.get(term)
            if files is None:
                posting: dict[str, Any] = {"_index": number}
                for name, doc_refs in zip(names, corpus.postings[term], strict=True):
                    posting[name] = {doc_ref: {} for doc_ref in doc_refs}
                inverted.setdefault((shard, 0), []).append([term, posting])
                continue
            # A term split over files: each file lists the postings placed in it.
            postings: list[dict[str, Any]] = [{"_index": number, **{name: {} for name in names}}
                                              for _ in range(placement.parts[shard])]
            for position, (name, doc_refs) in enumerate(zip(names, corpus.postings[term], strict=True)):
                for doc_ref in doc_refs:
                    postings[files[(position, doc_ref)]][name][doc_ref] = {}
            for part, posting in enumerate(postings):
                inverted.setdefault((shard, part), []).append([term, posting])
    return [Shard(bound, tuple(_serialized(names, vectors.get((number, part), []), inverted[(number, part)])
                               for part in range(placement.parts[number])))
            for number, bound in enumerate(placement.bounds)]
