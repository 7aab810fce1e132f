"""Term shards must answer every query exactly as one python-lunr index over the same corpus.

The browser only ever sees shards, so any drift from lunr's own builder (tokens, stems,
BM25, term numbering, JSON shape) would silently change rankings on the site.
"""

from __future__ import annotations

import copy
import json
import math
import random
from typing import Any

import pytest
from lunr import lunr  # type: ignore[import-untyped]
from lunr.index import Index  # type: ignore[import-untyped]
from lunr.pipeline import Pipeline  # type: ignore[import-untyped]

from site_builder.search.lunr_shards import SearchField, build_sharded_index, shard_key

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


@pytest.fixture(scope="module")
def full() -> Any:
    fields = [{"field_name": f.name, "boost": f.boost} for f in FIELDS]
    return lunr(ref="ref", fields=fields, documents=DOCUMENTS)


@pytest.fixture(scope="module")
def shards() -> dict[str, dict[str, Any]]:
    return build_sharded_index(DOCUMENTS, FIELDS)


@pytest.fixture(scope="module")
def loaded(shards: dict[str, dict[str, Any]]) -> dict[str, Any]:
    # Through JSON, as the browser gets them.
    return {key: Index.load(json.loads(json.dumps(shard))) for key, shard in shards.items()}


def stem(term: str) -> str:
    """The query term after lunr's search pipeline, which is what the client keys on."""
    [stemmed] = Pipeline.load(["stemmer"]).run_string(term)
    return str(stemmed)


QUERIES = [
    # single terms, including stems and words that only appear in one field
    "zebrafish", "nuclei", "nucleus", "mitochondria", "microscopy", "segmentation", "dapi", "3d",
    "zarr", "u", "sapiens", "tomography", "light", "sheet", "imaging", "images", "63x",
    # two terms with the same shard key
    "nuclei nucleus", "mitochondria mitotic", "microscopy mitosis", "segmentation sec", "cell cells",
    "tumour tumours", "+synapses synaptic", "microscopy -mitochondria", "mouse^5 mounted",
    # field scoped, wildcards, edit distance
    "organism:zebrafish", "title:nuclei", "keywords:ai", "organism:mus", "mito*", "micro*",
    "seg*", "nucle*", "mitochondira~2",
]


def query_key(query: str) -> str:
    """The shard key of a query's first term, as the client derives it."""
    term = query.split()[0].lstrip("+-").split(":")[-1].split("^")[0].split("~")[0]
    return shard_key(term.rstrip("*") if term.endswith("*") else stem(term))


@pytest.mark.parametrize("query", QUERIES)
def test_shard_answers_like_the_full_index(query: str, full: Any, loaded: dict[str, Any]) -> None:
    key = query_key(query)
    assert {query_key(part) for part in query.split()} == {key}
    expected = [(r["ref"], r["score"]) for r in full.search(query)]
    got = [(r["ref"], r["score"]) for r in loaded[key].search(query)] if key in loaded else []
    assert expected, f"{query!r} should match something in the corpus"
    assert [ref for ref, _ in got] == [ref for ref, _ in expected]
    for (_, want), (_, have) in zip(expected, got, strict=True):
        assert have == pytest.approx(want, abs=0.001)


def test_scores_add_up_across_shards_after_rescaling(full: Any, loaded: dict[str, Any]) -> None:
    """Terms from different shards: each shard divides by its own query norm (1 for one plain
    term), the full index by the norm of the whole query, so the client rescales the sum."""
    query = "zebrafish mitochondria"
    parts = query.split()
    assert len({query_key(p) for p in parts}) == len(parts)
    summed: dict[str, float] = {}
    for part in parts:
        for result in loaded[query_key(part)].search(part):
            summed[result["ref"]] = summed.get(result["ref"], 0.0) + result["score"]
    expected = {r["ref"]: r["score"] for r in full.search(query)}
    assert summed.keys() == expected.keys()
    for ref, score in expected.items():
        assert summed[ref] / math.sqrt(len(parts)) == pytest.approx(score, abs=0.001)


def test_shards_are_the_full_index_split_by_term(full: Any, shards: dict[str, dict[str, Any]]) -> None:
    whole = full.serialize()
    term_key = {term: shard_key(term) for term, _ in whole["invertedIndex"]}
    assert set(shards) == set(term_key.values())
    shard_terms = [term for shard in shards.values() for term, _ in shard["invertedIndex"]]
    assert sorted(shard_terms) == sorted(term_key) and len(shard_terms) == len(set(shard_terms))
    key_of_index = {posting["_index"]: term_key[term] for term, posting in whole["invertedIndex"]}
    for key, shard in shards.items():
        assert shard["version"] == whole["version"] == "2.3.9"
        assert shard["fields"] == whole["fields"] and shard["pipeline"] == whole["pipeline"] == ["stemmer"]
        assert shard["invertedIndex"] == [[t, p] for t, p in whole["invertedIndex"] if term_key[t] == key]
        expected = []
        for field_ref, elements in whole["fieldVectors"]:
            kept = [x for i in range(0, len(elements), 2) if key_of_index[elements[i]] == key
                    for x in elements[i:i + 2]]
            if kept:
                expected.append((field_ref, kept))
        assert [ref for ref, _ in shard["fieldVectors"]] == [ref for ref, _ in expected]
        for (_, have), (_, want) in zip(shard["fieldVectors"], expected, strict=True):
            assert have[0::2] == want[0::2]
            # python-lunr rounds with round(); lunr.js (and the shards) with Math.round.
            assert have[1::2] == pytest.approx(want[1::2], abs=0.0011)


def test_every_shard_loads_and_keys_its_own_terms(shards: dict[str, dict[str, Any]]) -> None:
    for key, shard in shards.items():
        index = Index.load(json.loads(json.dumps(shard)))
        assert all(shard_key(term) == key for term in index.inverted_index)
        assert index.field_vectors


def test_deterministic() -> None:
    first = build_sharded_index(DOCUMENTS, FIELDS)
    again = build_sharded_index(copy.deepcopy(DOCUMENTS), list(FIELDS))
    assert json.dumps(first) == json.dumps(again)


@pytest.mark.parametrize(("term", "key"), [
    ("nucleu", "nu"), ("zebrafish", "ze"), ("3d", "3d"), ("63x", "63"), ("u", "u_"), ("", "__"),
    ("ome.zarr", "om"), ("(ome.zarr)", "_o"), ("a-", "a_"), ("über", "_b"), ("Ze", "ze"), ("é", "__"),
    ("😀a", "_a"),
])
def test_shard_key(term: str, key: str) -> None:
    assert shard_key(term) == key


def test_empty_and_blank_documents() -> None:
    assert build_sharded_index([], FIELDS) == {}
    assert build_sharded_index([{"ref": "a", "title": " - the "}], FIELDS) == {}


def test_field_validation() -> None:
    with pytest.raises(ValueError, match="distinct"):
        build_sharded_index(DOCUMENTS, [SearchField("title"), SearchField("title")])
    with pytest.raises(ValueError, match="duplicate"):
        build_sharded_index([DOCUMENTS[0], DOCUMENTS[0]], FIELDS)
