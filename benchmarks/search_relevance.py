"""Search relevance on the bundled catalogue: MRR@10 and recall@10 over curator-judged queries.

Run: .venv/bin/python benchmarks/search_relevance.py [--datasets datasets] [--limit N]

The index is the one the build ships: the search files `site_builder.search.bundle` writes for
the catalogue's documents, in the site's order. Queries run through the Python port of the
browser's query path (tests/search_client.py: python-lunr over the shards a query's terms fall
in, scores summed across shards exactly as search.js sums them), after the query rewriting the
browser applies: ontology ids to their numbers, then the manifest's `terms` (hyphenated words
joined and split, variants to their canonical word, stop words dropped; `SearchTerms.query`),
and search.js's fallback of reading a query that lunr cannot parse as plain words. Both field
groups are searched (short fields and descriptions), as the search page's final results are.
Judgements are data: benchmarks/relevance_queries.yaml. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from lunr.exceptions import QueryParseError  # type: ignore[import-untyped]

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from site_builder.catalogue import load_catalogue  # noqa: E402
from site_builder.render.pages import dataset_entries  # noqa: E402
from site_builder.search.bundle import search_files  # noqa: E402
from site_builder.search.documents import search_document  # noqa: E402
from site_builder.search.terms import SearchTerms, search_terms  # noqa: E402
from tests import search_client  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "relevance_queries.yaml"
K = 10


@dataclass(frozen=True)
class Outcome:
    """One query: what a curator judged relevant and what search ranked first."""

    query: str
    relevant: frozenset[str]
    ranked: tuple[str, ...]
    """Dataset ids, best first, the first K."""

    @property
    def reciprocal_rank(self) -> float:
        ranks = (rank for rank, found in enumerate(self.ranked[:K], 1) if found in self.relevant)
        return 1 / next(ranks, float("inf"))

    @property
    def recall(self) -> float:
        """Share of the relevant datasets in the first K (out of at most K: a list longer than K
        can still be fully recalled)."""
        return len(self.relevant & set(self.ranked[:K])) / min(len(self.relevant), K)


def load_queries(path: Path = QUERIES) -> dict[str, frozenset[str]]:
    """Query -> the dataset ids judged relevant."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(query): frozenset(str(d) for d in ids) for query, ids in data["queries"].items()}


def built_index(datasets: Path) -> tuple[dict[str, bytes], list[str]]:
    """The search files the build ships for `datasets`, and each ref's dataset id."""
    entries = dataset_entries(load_catalogue(datasets))
    documents = [search_document(e.id, e.latest) for e in entries]
    return search_files(documents), [d.dataset_id for d in documents]


def _kinds(files: dict[str, bytes]) -> tuple[list[search_client.Shards], dict[str, Any]]:
    manifest: dict[str, Any] = json.loads(files["search/manifest.json"])

    def loader(kind: str) -> search_client.Shards:
        entries = manifest[kind]

        def load(number: int) -> list[dict[str, Any]]:
            return [json.loads(files["search/" + path]) for path in entries[number][1]]

        return search_client.Shards([bound for bound, _ in entries], load,
                                    manifest["fields"] if kind == "short" else ["description"])

    return [loader("short"), loader("text")], manifest


def _preprocess(query: str) -> str:
    """search.js's `preprocess`: ontology ids are indexed by their number."""
    return re.sub(r"(?i)\bFBbi[:_](\d+)", r"\1", re.sub(r"(?i)\bNCBITaxon[:_](\d+)", r"\1", query))


def ranked(query: str, files: dict[str, bytes], ids: Sequence[str], terms: SearchTerms) -> list[str]:
    """Dataset ids matching `query`, best first, as the search page ranks them."""
    kinds, manifest = _kinds(files)
    refs = [str(i) for i in range(manifest["count"])]
    rewritten = terms.query(_preprocess(query))
    try:
        found = search_client.search(rewritten, kinds, refs)
    except QueryParseError:  # search.js then reads the query as plain words
        kinds, _ = _kinds(files)
        found = search_client.search(re.sub(r"[:~^+\-*]", " ", rewritten), kinds, refs)
    return [ids[int(ref)] for ref, _ in found]


def run(datasets: Path = REPO / "datasets", queries: dict[str, frozenset[str]] | None = None,
        limit: int | None = None) -> list[Outcome]:
    """Every (or the first `limit`) judged query against the catalogue's built index; prints the figures."""
    judged = load_queries() if queries is None else queries
    chosen = list(judged.items())[:limit]
    started = time.perf_counter()
    files, ids = built_index(datasets)
    manifest = json.loads(files["search/manifest.json"])
    terms = SearchTerms(manifest["terms"]["variants"],
                        {k: tuple(v) for k, v in manifest["terms"]["compounds"].items()},
                        frozenset(manifest["terms"]["stop"])) if "terms" in manifest else search_terms()
    print(f"index: {len(ids)} datasets, {len(files)} search files, built in "
          f"{time.perf_counter() - started:.1f} s; manifest {len(files['search/manifest.json'])} bytes")
    outcomes = [Outcome(query, relevant, tuple(ranked(query, files, ids, terms)[:K]))
                for query, relevant in chosen]
    count = len(outcomes) or 1
    print(f"{len(outcomes)} queries: MRR@{K} {sum(o.reciprocal_rank for o in outcomes) / count:.3f}, "
          f"recall@{K} {sum(o.recall for o in outcomes) / count:.3f}")
    misses = [o for o in outcomes if o.reciprocal_rank < 1 or o.recall < 1]
    print(f"queries that miss ({len(misses)}):" if misses else "queries that miss: none")
    for o in misses:
        missing = sorted(o.relevant - set(o.ranked))
        first = next((rank for rank, found in enumerate(o.ranked, 1) if found in o.relevant), None)
        print(f"  {o.query!r}: first relevant at {first or f'none in the first {K}'}; "
              f"recall {o.recall:.2f}" + (f"; not in the first {K}: {', '.join(missing)}" if missing else "")
              + (f"; ranked above it: {', '.join(o.ranked[:first - 1] if first else o.ranked[:3])}"
                 if first != 1 else ""))
    return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--datasets", type=Path, default=REPO / "datasets")
    parser.add_argument("--limit", type=int, default=None, help="only the first N queries")
    args = parser.parse_args(argv)
    run(args.datasets, limit=args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
