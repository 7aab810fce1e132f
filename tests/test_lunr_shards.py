"""Term shards must answer every query exactly as one python-lunr index over the same corpus.

The browser only ever sees shards, so any drift from lunr's own builder (tokens, stems,
BM25, term numbering, JSON shape) would silently change rankings on the site.
"""

from __future__ import annotations

import copy
import itertools
import json
import random
from typing import Any

import orjson
import pytest
from lunr import lunr  # type: ignore[import-untyped]
from lunr.index import Index  # type: ignore[import-untyped]

from site_builder.search.lunr_shards import SearchField, Shard, build_sharded_index
from site_builder.search.shard_plan import shard_of, shards_of_prefix

from . import search_client

FIELDS = [SearchField("title", 10), SearchField("keywords", 5), SearchField("organism", 5),
          SearchField("description", 1)]
ORGANISMS = ["Danio rerio (zebrafish)", "Mus musculus (mouse)", "Homo sapiens", "Drosophila melanogaster",
             "Caenorhabditis elegans", "Saccharomyces cerevisiae (yeast)", "Arabidopsis thaliana"]
SUBJECTS = ["nuclei", "nucleus", "mitochondria", "mitotic spindles", "cell membranes", "neurons",
            "organoids", "tumour tissue", "embryos", "synapses", "vesicles", "chromatin"]
METHODS = ["light-sheet microscopy", "confocal microscopy", "electron tomography", "bright-field imaging",
           "fluorescence microscopy", "super-resolution (STED) microscopy"]
TASKS = ["segmentation masks", "bounding boxes", "point annotations", "tracks", "class labels", "counts"]
SENTENCES = [
    "Images were acquired over {n} hours and stored as OME-Zarr (ome.zarr) files.",
    "Each image shows {subject} in {organism}, imaged by {method}.",
    "Annotators drew {task} for every visible object; a second expert checked them.",
    "The dataset supports training and benchmarking of deep-learning models, e.g. U-Net.",
    "Mitosis and apoptosis events were labelled where they could be seen.",
    "Samples were fixed, stained with DAPI and mounted before imaging at 63x.",
    "It is one of the largest 3D datasets of its kind — about {n} GB in total.",
]


def corpus() -> list[dict[str, str]]:
    """About 60 small dataset records, with the punctuation, hyphens and stop words real ones have."""
    rng = random.Random(7)
    documents = []
    for i in range(60):
        subject, organism = rng.choice(SUBJECTS), rng.choice(ORGANISMS)
        method, task = rng.choice(METHODS), rng.choice(TASKS)
        sentences = rng.sample(SENTENCES, rng.randint(2, 5))
        description = " ".join(s.format(n=rng.randint(2, 90), subject=subject, organism=organism,
                                        method=method, task=task) for s in sentences)
        documents.append({
            "ref": f"S-BIAD{1000 + i}",
            "title": f"{task.capitalize()} of {subject} in {organism.split(' (')[0]} by {method}",
            "keywords": ", ".join(rng.sample([*SUBJECTS, *TASKS, "AI-ready", "3D", "time-lapse"], 3)),
            "organism": organism,
            "description": "" if i % 17 == 5 else description,
        })
    return documents


DOCUMENTS = corpus()
REFS = [d["ref"] for d in DOCUMENTS]


@pytest.fixture(scope="module")
def full() -> Any:
    fields = [{"field_name": f.name, "boost": f.boost} for f in FIELDS]
    return lunr(ref="ref", fields=fields, documents=DOCUMENTS)


BUDGET = 3_000
"""Small enough that the corpus fills dozens of shards, so queries cross shard boundaries."""


@pytest.fixture(scope="module")
def shards() -> list[Shard]:
    return build_sharded_index(DOCUMENTS, FIELDS, max_bytes=BUDGET)


def client(shards: list[Shard]) -> search_client.Shards:
    return search_client.from_shards(shards, [f.name for f in FIELDS])


QUERIES = [
    # single terms, including stems and words that only appear in one field
    "zebrafish", "nuclei", "nucleus", "mitochondria", "microscopy", "segmentation", "dapi", "3d",
    "zarr", "u", "sapiens", "tomography", "light", "sheet", "imaging", "images", "63x",
    # several terms, in one shard or several
    "nuclei nucleus", "mitochondria mitotic", "microscopy mitosis", "segmentation sec", "cell cells",
    "tumour tumours", "zebrafish mitochondria", "yeast tracks nuclei", "xyzzy zebrafish",
    "mouse^5 mounted", "title:nuclei^3 tissue",
    # required and prohibited words, including ones in other shards than the rest
    "+synapses synaptic", "+nuclei +tracks", "microscopy -mitochondria", "nuclei -zebrafish",
    "+cells -electron", "-zebrafish",
    # field scoped, wildcards over one shard or many, edit distance
    "organism:zebrafish", "title:nuclei", "keywords:ai", "organism:mus", "mito*", "micro*",
    "seg*", "nucle*", "m*", "*", "mitochondira~2",
]


@pytest.mark.parametrize("query", QUERIES)
def test_sharded_search_answers_like_the_full_index(query: str, full: Any, shards: list[Shard]) -> None:
    expected = [(r["ref"], r["score"]) for r in full.search(query)]
    got = search_client.search(query, [client(shards)], REFS)
    assert expected, f"{query!r} should match something in the corpus"
    assert sorted(ref for ref, _ in got) == sorted(ref for ref, _ in expected)
    want = dict(expected)
    for ref, have in got:
        assert have == pytest.approx(want[ref], abs=0.001), ref
    # The same ranking; lunr orders equal scores as it found them, the client by ref.
    ranked = [want[ref] for ref, _ in got]
    assert all(a >= b - 0.001 for a, b in itertools.pairwise(ranked))


def test_queries_fetch_only_their_terms_shards(shards: list[Shard]) -> None:
    assert len(shards) > 20
    index = client(shards)
    search_client.search("zebrafish", [index], REFS)
    assert index.fetched == [shard_of("zebrafish", index.bounds)]
    index.fetched.clear()
    search_client.search("mito*", [index], REFS)
    assert index.fetched == shards_of_prefix("mito", index.bounds)
    assert 1 <= len(index.fetched) <= 3


def merged(shard: Shard) -> dict[str, Any]:
    """A shard's files as one index: a term split over several files has its postings joined."""
    inverted: dict[str, dict[str, Any]] = {}
    vectors: dict[str, list[Any]] = {}
    for part in shard.parts:
        for term, posting in part["invertedIndex"]:
            into = inverted.setdefault(term, {"_index": posting["_index"]})
            for name, refs in posting.items():
                if name != "_index":
                    into.setdefault(name, {}).update(refs)
        for field_ref, elements in part["fieldVectors"]:
            vectors.setdefault(field_ref, []).extend(elements)
    return {**shard.parts[0], "invertedIndex": list(inverted.items()), "fieldVectors": vectors}


def test_shards_are_the_full_index_split_by_term(full: Any, shards: list[Shard]) -> None:
    whole = full.serialize()
    bounds = [s.bound for s in shards]
    term_shard = {term: shard_of(term, bounds) for term, _ in whole["invertedIndex"]}
    assert set(range(len(shards))) == set(term_shard.values())
    assert any(len(s.parts) > 1 for s in shards), "the budget should split a common term"
    shard_of_index = {posting["_index"]: term_shard[term] for term, posting in whole["invertedIndex"]}
    for number, shard in enumerate(shards):
        index = merged(shard)
        assert index["version"] == whole["version"] == "2.3.9"
        assert index["fields"] == whole["fields"] and index["pipeline"] == whole["pipeline"] == ["stemmer"]
        assert [[t, p] for t, p in index["invertedIndex"]] == [
            [t, p] for t, p in whole["invertedIndex"] if term_shard[t] == number]
        expected = {}
        for field_ref, elements in whole["fieldVectors"]:
            kept = [x for i in range(0, len(elements), 2) if shard_of_index[elements[i]] == number
                    for x in elements[i:i + 2]]
            if kept:
                expected[field_ref] = kept
        assert index["fieldVectors"].keys() == expected.keys()
        for field_ref, want in expected.items():
            have = index["fieldVectors"][field_ref]
            assert have[0::2] == want[0::2]
            # python-lunr rounds with round(); lunr.js (and the shards) with Math.round.
            assert have[1::2] == pytest.approx(want[1::2], abs=0.0011)


def test_every_file_is_within_budget_loads_and_holds_its_shards_terms(shards: list[Shard]) -> None:
    bounds = [s.bound for s in shards]
    assert bounds[0] == "" and bounds == sorted(bounds)
    for number, shard in enumerate(shards):
        for part in shard.parts:
            assert len(orjson.dumps(part)) <= BUDGET
            index = Index.load(json.loads(json.dumps(part)))
            assert all(shard_of(term, bounds) == number for term in index.inverted_index)
            assert index.field_vectors
        if len(shard.parts) > 1:  # only a single term is ever split over several files
            assert len({term for part in shard.parts for term, _ in part["invertedIndex"]}) == 1


def test_deterministic() -> None:
    first = build_sharded_index(DOCUMENTS, FIELDS, max_bytes=BUDGET)
    again = build_sharded_index(copy.deepcopy(DOCUMENTS), list(FIELDS), max_bytes=BUDGET)
    assert first == again


@pytest.mark.parametrize(("term", "bounds", "shard"), [
    ("nucleus", ["", "m", "nucleu", "o"], 2), ("nucleu", ["", "m", "nucleu", "o"], 2),
    ("nucle", ["", "m", "nucleu", "o"], 1), ("", ["", "m"], 0), ("zz", ["", "m"], 1),
    # JavaScript's order: U+FF41 (fullwidth a) sorts after a surrogate pair (U+1F600)
    ("\uff41", ["", "\U0001f600"], 1), ("\U0001f600", ["", "\uff41"], 0),
])
def test_shard_of_follows_javascript_string_order(term: str, bounds: list[str], shard: int) -> None:
    assert shard_of(term, bounds) == shard


def test_empty_and_blank_documents() -> None:
    assert build_sharded_index([], FIELDS) == []
    assert build_sharded_index([{"ref": "a", "title": " - the "}], FIELDS) == []


def test_field_validation() -> None:
    with pytest.raises(ValueError, match="distinct"):
        build_sharded_index(DOCUMENTS, [SearchField("title"), SearchField("title")])
    with pytest.raises(ValueError, match="duplicate"):
        build_sharded_index([DOCUMENTS[0], DOCUMENTS[0]], FIELDS)
