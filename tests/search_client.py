"""The browser's search (templates/static/search.js) over the shards, in Python with python-lunr.

Tests query the built search files with it as a visitor's browser does: look each query term
up in the manifest's bounds, load only those shards, add up the rescaled scores, and apply
required (+) and prohibited (-) words across all shards. python-lunr and lunr.js score alike,
so this checks the shard layout; tests/browser/ checks search.js itself.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lunr.index import Index  # type: ignore[import-untyped]
from lunr.query import Query, QueryPresence  # type: ignore[import-untyped]
from lunr.query_parser import QueryParser  # type: ignore[import-untyped]
from lunr.stemmer import stemmer  # type: ignore[import-untyped]
from lunr.token import Token  # type: ignore[import-untyped]
from lunr.token_set import TokenSet  # type: ignore[import-untyped]

from site_builder.search.lunr_shards import Shard
from site_builder.search.shard_plan import MAX_TERM_CHARS, shard_of, shards_of_prefix


@dataclass
class Shards:
    """One kind of shard (short fields or descriptions) as the browser sees it."""

    bounds: list[str]
    files: Callable[[int], list[dict[str, Any]]]
    fields: list[str]
    fetched: list[int] = field(default_factory=list)
    """Shard numbers loaded so far, in order: what a browser would have downloaded."""

    def load(self, number: int) -> list[Index]:
        self.fetched.append(number)
        return [Index.load(json.loads(json.dumps(part))) for part in self.files(number)]


def from_shards(shards: Sequence[Shard], fields: list[str]) -> Shards:
    return Shards([s.bound for s in shards], lambda n: list(shards[n].parts), fields)


def from_site(site: Path, kind: str) -> Shards:
    """`kind` is "short" or "text", as in search/manifest.json."""
    manifest = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest[kind]

    def files(number: int) -> list[dict[str, Any]]:
        return [json.loads((site / "search" / path).read_text(encoding="utf-8"))
                for path in entries[number][1]]

    return Shards([bound for bound, _ in entries], files,
                  manifest["fields"] if kind == "short" else ["description"])


def _prepared(clause: Any, fields: list[str]) -> Any:
    prepared = copy.copy(clause)
    prepared.fields = fields
    if clause.use_pipeline:
        prepared.term = str(stemmer(Token(clause.term)))[:MAX_TERM_CHARS]
        prepared.use_pipeline = False
    elif len(clause.term.split("*")[0]) >= MAX_TERM_CHARS:
        prepared.term = clause.term.split("*")[0][:MAX_TERM_CHARS]
    return prepared


def _shards_for(clause: Any, bounds: list[str]) -> list[int]:
    if not bounds:
        return []
    if "*" not in clause.term:
        return [shard_of(clause.term, bounds)]
    return shards_of_prefix(clause.term.split("*")[0], bounds)


def _expansions(indexes: list[Index], clause: Any) -> set[str]:
    """The index terms the clause expands to in one shard."""
    wanted = TokenSet.from_clause(clause)
    return {term for index in indexes for term in index.token_set.intersect(wanted).to_list()}


def _optional(clause: Any, fields: list[str]) -> Any:
    optional = copy.copy(clause)
    optional.presence = QueryPresence.OPTIONAL
    optional.fields = fields
    return optional


@dataclass
class _Planned:
    """search.js's plan(): the clauses one kind answers, their shards, and those shards loaded."""

    kind: Shards
    wanted: list[tuple[int, Any, list[int]]]
    indexes: dict[int, list[Index]]


def _plan(kind: Shards, clauses: list[Any]) -> _Planned:
    wanted = []
    for number, clause in enumerate(clauses):
        fields = [f for f in clause.fields if f in kind.fields]
        if fields:
            prepared = _prepared(clause, fields)
            wanted.append((number, prepared, _shards_for(prepared, kind.bounds)))
    return _Planned(kind, wanted, {n: kind.load(n) for n in sorted({n for _, _, ns in wanted for n in ns})})


def _score(kinds: list[_Planned], scores: dict[str, float], hits: dict[int, set[str]]) -> None:
    """search.js's score(): each group of fields that the same clauses search is queried on its
    own, each shard's scores rescaled by its share of the group's query vector length."""
    groups: dict[tuple[int, ...], list[str]] = {}
    for planned in kinds:
        for name in planned.kind.fields:
            members = tuple(n for n, c, _ in planned.wanted
                            if c.presence != QueryPresence.PROHIBITED and name in c.fields)
            if members:
                groups.setdefault(members, []).append(name)
    for members, fields in groups.items():
        # A term is one entry of the query vector however many shards and kinds hold it.
        seen: dict[int, set[str]] = {}
        weights: dict[int, float] = {}
        slots: dict[tuple[int, int], tuple[list[Index], float, list[Any]]] = {}
        for position, planned in enumerate(kinds):
            for number, clause, shards in planned.wanted:
                if number not in members:
                    continue
                weights[number] = weight = (clause.boost or 1) ** 2
                searched = [f for f in fields if f in clause.fields]
                for shard in shards:
                    found = _expansions(planned.indexes[shard], clause)
                    seen.setdefault(number, set()).update(found)
                    if searched:
                        slot = (position, shard)
                        indexes, so_far, chosen = slots.get(slot, (planned.indexes[shard], 0.0, []))
                        chosen = [*chosen, _optional(clause, searched)]
                        slots[slot] = (indexes, so_far + weight * len(found), chosen)
        total = sum(weights[number] * len(terms) for number, terms in seen.items())
        for indexes, weight, chosen in slots.values():
            if not weight:
                continue
            scale = math.sqrt(weight / total)
            for index in indexes:
                question = index.create_query()
                question.clauses = chosen
                for result in index.query(question):
                    scores[result["ref"]] = scores.get(result["ref"], 0.0) + result["score"] * scale
    for planned in kinds:
        for number, clause, shards in planned.wanted:
            if clause.presence == QueryPresence.OPTIONAL:
                continue
            for shard in shards:
                for index in planned.indexes[shard]:
                    question = index.create_query()
                    question.clauses = [_optional(clause, clause.fields)]
                    hits.setdefault(number, set()).update(r["ref"] for r in index.query(question))


def search(query: str, kinds: Sequence[Shards], refs: Sequence[str]) -> list[tuple[str, float]]:
    """(ref, score) of every match, best first, as search.js's `search` ranks them; `refs` are
    every document's, for a query of prohibited words only."""
    parsed = Query([f for kind in kinds for f in kind.fields])
    QueryParser(query, parsed).parse()
    clauses = parsed.clauses
    scores: dict[str, float] = {}
    hits: dict[int, set[str]] = {}
    _score([_plan(kind, clauses) for kind in kinds], scores, hits)
    negated = bool(clauses) and all(c.presence == QueryPresence.PROHIBITED for c in clauses)

    def kept(ref: str) -> bool:
        for number, clause in enumerate(clauses):
            hit = ref in hits.get(number, set())
            if (clause.presence == QueryPresence.REQUIRED and not hit) or (
                    clause.presence == QueryPresence.PROHIBITED and hit):
                return False
        return True

    # Ties in ref order; the site's refs are positions, compared as numbers.
    return sorted(((ref, scores.get(ref, 0.0)) for ref in (refs if negated else scores) if kept(ref)),
                  key=lambda r: (-r[1], len(r[0]) if r[0].isdigit() else 0, r[0]))
