"""A lunr 2.3.9 search index split by term into small, independently loadable shards.

One lunr index over 10,000 datasets is tens of megabytes, far too much for a browser
to fetch before the first search. Here every index term goes to the shard named by
`shard_key(term)`; each shard is a complete serialized `lunr.Index` (the JSON lunr's
`Index.toJSON` writes) holding only its terms, and document field vectors cut down
to those terms. lunr scores a document field as `dot(query, field) / |query|`, so a
shard scores its own terms exactly as the whole index would, up to that norm: the
client adds up scores per document across shards, each scaled by |the query's terms
in that shard| / |all query terms| (sqrt(n_shard / n_total) for plain terms) to get
the single-index score exactly.

Tokenising, the pipeline (trimmer, stop word filter, stemmer), BM25 scoring, term
numbering and the JSON layout are python-lunr's Builder (which writes lunr.js's JSON),
so a shard equals the whole python-lunr index filtered to the shard's terms. One known
gap to lunr.js: python-lunr's trimmer leaves tokens with inner punctuation untouched
("(ome.zarr)", "e.g."), where lunr.js strips their ends. No positions are recorded
(lunr's default empty metadata whitelist), which keeps shards small.
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

from lunr.stemmer import stemmer as _lunr_stemmer  # type: ignore[import-untyped]
from lunr.stop_word_filter import stop_word_filter as _lunr_stop_word_filter  # type: ignore[import-untyped]
from lunr.token import Token as _LunrToken  # type: ignore[import-untyped]
from lunr.trimmer import trimmer as _lunr_trimmer  # type: ignore[import-untyped]

LUNR_VERSION = "2.3.9"
"""The lunr.js the site ships; `Index.load` warns when a serialized index names another."""

K1 = 1.2
B = 0.75

# Tokens are the runs between matches of lunr.tokenizer.separator, /[\s\-]+/ in JavaScript,
# where \s is exactly this set (Python's \s also matches \x1c-\x1f and \x85, which lunr.js
# keeps in a term). findall over the complement is faster than split and yields no empty strings.
_TOKEN = re.compile("[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff-]+")
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@dataclass(frozen=True)
class SearchField:
    """A document field to index; `boost` multiplies every score of a term in it."""

    name: str
    boost: float = 1.0


def shard_key(term: str) -> str:
    """The shard holding an index term: its first two characters, lower-cased, with
    anything outside [a-z0-9] written "_" and one-character terms padded with "_".

    Index terms come out of lunr's builder pipeline; a query term only ever matches an
    index term equal to it after lunr's search pipeline (the stemmer), so the browser
    computes the same key from the stemmed query term and both sides agree. Characters
    are code points, so the JavaScript side must not cut UTF-16 surrogate pairs:

        const key = (t) => (Array.from(t.toLowerCase()).slice(0, 2)
          .map((c) => (/^[a-z0-9]$/.test(c) ? c : "_")).join("") + "__").slice(0, 2)

    A trailing wildcard (`mito*`) uses the key of its prefix when that has two or more
    characters; a shorter prefix, a leading wildcard or an edit distance (`mitosis~1`)
    can match terms in other shards.
    """
    key = "".join(ch if (ch := c.lower()) in _KEY_CHARS else "_" for c in term[:2])
    return key.ljust(2, "_")


def long_shard_key(term: str) -> str:
    """Three-character key, used for all terms of a two-character group that is too big.

    The browser looks for the two-character key first; when the manifest lacks it, the
    group was split and the three-character key (padded with "_") names the shard.
    """
    key = "".join(ch if (ch := c.lower()) in _KEY_CHARS else "_" for c in term[:3])
    return key.ljust(3, "_")


def _keys(corpus: _Corpus, max_postings: int | None) -> dict[str, str]:
    """Shard key per term: two characters, or three where a two-character group is too big."""
    keys = {term: shard_key(term) for term in corpus.postings}
    if max_postings is None:
        return keys
    load: Counter[str] = Counter()
    for term, lists in corpus.postings.items():
        load[keys[term]] += sum(map(len, lists))
    return {term: long_shard_key(term) if load[key] > max_postings else key for term, key in keys.items()}


def _pipeline_term(token: str) -> str | None:
    """The index term lunr's builder pipeline makes of one token, or None for a stop word.

    python-lunr's own functions, so the terms match its Builder's; callers memoise this
    because the Porter stemmer dominates the cost otherwise.
    """
    wrapped = _lunr_trimmer(_LunrToken(token))
    if _lunr_stop_word_filter(wrapped) is None:
        return None
    return str(_lunr_stemmer(wrapped))


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


def _field_vectors(corpus: _Corpus, boosts: list[float], keys: dict[str, str]) -> dict[str, list[list[Any]]]:
    """Shard key -> [field ref, [term number, BM25 score, ...]] for the shard's terms, as lunr scores them."""
    totals = [0] * len(corpus.names)
    for _, position, length, _ in corpus.rows:
        totals[position] += length
    # lunr averages over every document, including those where the field is empty.
    averages = [total / corpus.document_count for total in totals]
    info = {
        term: (corpus.term_numbers[term], keys[term], _idf(sum(map(len, lists)), corpus.document_count))
        for term, lists in corpus.postings.items()
    }
    vectors: dict[str, list[list[Any]]] = {}
    k1_plus_1, floor = K1 + 1, math.floor  # locals: this loop runs once per term per document field
    for doc_ref, position, length, counts in corpus.rows:
        if not counts:  # lunr keeps an empty vector; no shard needs one
            continue
        norm = K1 * (1 - B + B * (length / averages[position]))
        boost = boosts[position]
        pieces: dict[str, list[float]] = {}
        for number, key, idf, tf in sorted([(*info[term], tf) for term, tf in counts.items()]):
            # The same operations in the same order as lunr, so the floats agree bit for bit.
            score = idf * (k1_plus_1 * tf) / (norm + tf)
            score *= boost
            # Math.round(score * 1000) / 1000, inlined; Python's round() breaks ties differently.
            scaled = score * 1000
            whole = floor(scaled)
            rounded = (whole + 1 if scaled - whole >= 0.5 else whole) / 1000
            if key in pieces:
                pieces[key] += (number, rounded)
            else:
                pieces[key] = [number, rounded]
        field_ref = f"{corpus.names[position]}/{doc_ref}"
        for key, elements in pieces.items():
            vectors.setdefault(key, []).append([field_ref, elements])
    return vectors


def build_sharded_index(
    documents: Sequence[Mapping[str, str]], fields: Sequence[SearchField], *, ref: str = "ref",
    max_postings: int | None = None,
) -> dict[str, dict[str, Any]]:
    """Shard key -> serialized lunr index of that shard's terms (lunr's `Index.toJSON` shape).

    Equivalent to indexing `documents` with `lunr.Builder` (fields in the given order,
    `ref` as the document reference) and splitting the result. Missing or empty field
    values index nothing but still count towards the field's average length, as in lunr.
    Deterministic: terms are sorted, `_index` numbers terms in first-seen order as lunr
    does, and vectors and postings follow document then field order.
    """
    names = [f.name for f in fields]
    if not names or len(set(names)) != len(names) or any("/" in name for name in names):
        raise ValueError(f"fields must be distinct non-empty names without '/': {names}")
    # lunr.js reads `boost || 1`, so a zero boost counts as 1 there.
    boosts = [f.boost or 1.0 for f in fields]
    if not documents:
        return {}
    with _gc_paused():
        corpus = _collect(documents, names, ref)
        keys = _keys(corpus, max_postings)
        vectors = _field_vectors(corpus, boosts, keys)
        inverted: dict[str, list[list[Any]]] = {}
        for term in sorted(corpus.postings):
            posting: dict[str, Any] = {"_index": corpus.term_numbers[term]}
            for name, doc_refs in zip(names, corpus.postings[term], strict=True):
                posting[name] = {doc_ref: {} for doc_ref in doc_refs}
            inverted.setdefault(keys[term], []).append([term, posting])
    return {
        key: {
            "version": LUNR_VERSION,
            "fields": list(names),
            "fieldVectors": vectors[key],
            "invertedIndex": inverted[key],
            "pipeline": ["stemmer"],
        }
        for key in sorted(inverted)
    }
