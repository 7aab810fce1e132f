"""The search files a build ships: shards by term range, display chunks, facets, related datasets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from site_builder.build import build_site
from site_builder.licence_verdicts import licence_verdict
from site_builder.search.bundle import cached_search_files, search_files
from site_builder.search.documents import search_document
from site_builder.search.related import related_datasets

from . import search_client
from .conftest import MINIMAL
from .site_helpers import soup, text
from .test_site import KROMP, KROMP_11, MOSQUITO, write_catalogue


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    datasets = write_catalogue(root, {"kromp/1.0.yaml": KROMP, "kromp/1.1.yaml": KROMP_11,
                                      "mosquito/1.0.yaml": MOSQUITO})
    assert build_site(datasets, root / "_site").published
    return root / "_site"


def read(site: Path, path: str) -> object:
    return json.loads((site / "search" / path).read_text())


def search(site: Path, term: str, kind: str = "short") -> list[str]:
    """Refs found for one term, the way the browser does it: load the term's shard only."""
    manifest = read(site, "manifest.json")
    assert isinstance(manifest, dict)
    shards = search_client.from_site(site, kind)
    found = search_client.search(term, [shards], [str(i) for i in range(manifest["count"])])
    assert len(shards.fetched) <= 1
    return [ref for ref, _ in found]


def test_manifest_lists_shards_chunks_and_facets(site: Path) -> None:
    manifest = read(site, "manifest.json")
    assert isinstance(manifest, dict)
    assert manifest["count"] == 2 and manifest["chunk"] == 16
    assert manifest["fields"] == ["title", "keywords", "organism", "method", "types", "people",
                                  "formats", "id", "licence"]
    assert manifest["maxTerm"] == 64
    for kind in ("short", "text"):
        bounds = [bound for bound, _ in manifest[kind]]
        assert bounds[0] == "" and bounds == sorted(bounds)
        assert all((site / "search" / p).is_file() for _, paths in manifest[kind] for p in paths)


def test_ontology_aware_terms_find_datasets(site: Path) -> None:
    # Refs follow title order: 0 = Mosquito photos, 1 = Nuclei of neuroblastoma.
    assert search(site, "human") == ["1"]
    assert search(site, "9606") == ["1"]
    assert search(site, "00000246") == ["1"]
    assert search(site, "fluorescent") == ["1"]  # FBbi synonym from the vocabulary
    assert search(site, "segmentation") == ["1"]
    assert search(site, "hopper") == ["0", "1"] or search(site, "hopper") == ["1", "0"]
    assert search(site, "reviewed", kind="text") == ["1"]
    assert search(site, "reviewed") == []  # descriptions are only in the lazily loaded shards


def test_display_chunks_and_facets(site: Path) -> None:
    manifest = read(site, "manifest.json")
    assert isinstance(manifest, dict)
    rows = read(site, manifest["chunks"][0])
    assert isinstance(rows, list)
    title, url, badges, types, snippet, thumbnail, score, _ = rows[1]
    assert 0 < score <= 100
    assert thumbnail is None
    assert (title, url, types) == ("Nuclei of neuroblastoma tumour touch imprints", "datasets/kromp/",
                                   ["Segmentation masks"])
    assert badges == [["images-CC0-1.0.svg", "Images licence: CC0-1.0 (public-domain)"],
                      ["annotations-CC-BY-4.0.svg", "Annotations licence: CC-BY-4.0 (attribution)"]]
    assert snippet.startswith("Fluorescence images of cell nuclei, with expert masks")
    facets = {f["name"]: f for f in read(site, manifest["facets"])}  # type: ignore[union-attr]
    assert list(facets) == ["completeness", "type", "method", "organism", "licence", "format", "year"]
    licence = facets["licence"]
    assert licence["values"] == ["CC0-1.0", "CC-BY-4.0", "CC-BY-NC-4.0"]  # most reusable first
    assert [sorted(licence["values"][i] for i in doc) for doc in licence["docs"]] == [
        ["CC-BY-NC-4.0"], ["CC-BY-4.0", "CC0-1.0"]]
    assert facets["type"]["labels"] == ["Class labels", "Segmentation masks"]
    assert facets["year"]["values"] == []  # no release date stated (tests/test_data_citations.py has one)


def test_search_page_and_related_section(site: Path) -> None:
    page = soup(site, "search/index.html")
    assert page.select_one("input#search-q") is not None
    assert "Browse all datasets" in text(page.select_one("noscript"))
    assert "not legal advice" in text(page.select_one("section.search-results"))  # beside the verdicts
    header = soup(site, "index.html").select_one("form.site-search")
    assert header is not None and header["action"] == "search/index.html"
    dataset = soup(site, "datasets/kromp/index.html")
    assert dataset.select_one("section.related") is None  # the two datasets share nothing
    assert (site / "assets" / "lunr.js").read_text().count("2.3.9") >= 1


def test_related_prefers_rarer_shared_values() -> None:
    from site_builder import validate_text

    def doc(name: str, organism: str, types: str, keywords: str) -> object:
        text = (KROMP.replace("Homo sapiens", organism).replace("annotation_type: segmentation_mask",
                                                                 f"annotation_type: [{types}]")
                .replace("keywords: [nucleus, segmentation]", f"keywords: [{keywords}]"))
        manifest = validate_text(text).manifest
        assert manifest is not None
        return search_document(name, manifest)

    documents = [doc("a", "Danio rerio", "tracks", "embryo"), doc("b", "Danio rerio", "tracks", "heart"),
                 doc("c", "Homo sapiens", "tracks", "embryo"), doc("d", "Mus musculus", "counts", "liver")]
    related = related_datasets(documents)  # type: ignore[arg-type]
    assert related["a"][:2] == ["b", "c"]
    assert "a" not in related["a"]


def test_search_files_are_deterministic_and_cached(site: Path, tmp_path: Path) -> None:
    from site_builder import validate_text

    manifest = validate_text(MOSQUITO).manifest
    assert manifest is not None
    documents = [search_document("mosquito", manifest)]
    first = search_files(documents)
    assert first == search_files(documents)
    cached = cached_search_files(documents, tmp_path)
    assert cached == first
    assert len(list(tmp_path.glob("search-*.json"))) == 1
    assert cached_search_files(documents, tmp_path) == first


def test_a_crowded_prefix_is_split_by_size_and_still_found() -> None:
    from site_builder.search.documents import SHORT_FIELDS
    from site_builder.search.lunr_shards import build_sharded_index

    words = ["brain", "branch", "bright", "brown", "bridge", "broad"]
    documents = [{"ref": str(i), "title": f"{words[i % 6]} {words[(i * 5) % 6]} tissue", "keywords": "",
                  "organism": "", "method": "", "types": "", "people": "", "formats": "", "id": ""}
                 for i in range(30)]
    refs = [d["ref"] for d in documents]
    names = [f.name for f in SHORT_FIELDS]
    whole = search_client.from_shards(build_sharded_index(documents, SHORT_FIELDS), names)
    split = search_client.from_shards(build_sharded_index(documents, SHORT_FIELDS, max_bytes=1_200), names)
    assert len(whole.bounds) == 1 and len(split.bounds) > 3
    for query in [*words, "br*", "bri*", "+tissue -brain"]:
        expected = search_client.search(query, [whole], refs)
        assert expected
        got = search_client.search(query, [split], refs)
        assert [ref for ref, _ in got] == [ref for ref, _ in expected]
        assert [score for _, score in got] == pytest.approx([score for _, score in expected], abs=0.001)


# Licence verdicts (issue 16): the facet and each result say what the licences allow, in the words
# of the dataset and licence pages (site_builder/licence_verdicts.py). --------------------------

UNSTATED = MINIMAL.replace("title: Nuclei in fluorescence images", "title: Unstated terms nuclei").replace(
    "license: CC0-1.0", "license: NOASSERTION")
VERDICT_LICENCES = ["CC0-1.0", "CC-BY-4.0", "CC-BY-NC-4.0", "NOASSERTION"]
"""Most reusable first: the order of the facet's groups."""


def headline(spdx_id: str) -> str:
    return licence_verdict(spdx_id).headline


@pytest.fixture(scope="module")
def verdict_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kromp: CC0 images, CC-BY annotations; mosquito: CC-BY-NC; unstated: NOASSERTION."""
    root = tmp_path_factory.mktemp("verdicts")
    datasets = write_catalogue(root, {"kromp/1.0.yaml": KROMP, "mosquito/1.0.yaml": MOSQUITO,
                                      "unstated/1.0.yaml": UNSTATED})
    assert build_site(datasets, root / "_site").published
    return root / "_site"


def bundle(site: Path) -> tuple[dict[str, Any], dict[str, Any], list[list[Any]]]:
    """The manifest, the facets by name, and every display row, as the page fetches them."""
    manifest = read(site, "manifest.json")
    assert isinstance(manifest, dict)
    facets = read(site, manifest["facets"])
    assert isinstance(facets, list)
    rows = [row for path in manifest["chunks"] for row in read(site, path)]  # type: ignore[attr-defined]
    return manifest, {f["name"]: f for f in facets}, rows


def test_the_licence_facet_groups_licences_under_their_verdict(verdict_site: Path) -> None:
    manifest, facets, _ = bundle(verdict_site)
    assert manifest["verdicts"] == [[licence_verdict(spdx).kind, headline(spdx)] for spdx in VERDICT_LICENCES]
    licence = facets["licence"]
    groups = [(manifest["verdicts"][v][1], label) for v, label in zip(licence["verdicts"], licence["labels"],
                                                                     strict=True)]
    assert groups == [(headline("CC0-1.0"), "CC0-1.0"), (headline("CC-BY-4.0"), "CC-BY-4.0"),
                      (headline("CC-BY-NC-4.0"), "CC-BY-NC-4.0"), (headline("NOASSERTION"), "Not stated")]
    assert licence["values"] == VERDICT_LICENCES


def test_each_result_carries_the_verdict_of_its_images_then_its_annotations(verdict_site: Path) -> None:
    manifest, _, rows = bundle(verdict_site)
    shown = {row[1]: [manifest["verdicts"][i][1] for i in row[7]] for row in rows}
    assert shown == {"datasets/kromp/": [headline("CC0-1.0"), headline("CC-BY-4.0")],
                     "datasets/mosquito/": [headline("CC-BY-NC-4.0")],
                     "datasets/unstated/": [headline("NOASSERTION")]}


def test_each_verdict_is_written_once_in_the_bundle(verdict_site: Path) -> None:
    """Results and facet values refer to the manifest's table: a query's bytes do not grow with
    the sentence, a result row by a few bytes only."""
    files = [path.read_text() for path in (verdict_site / "search").rglob("*.json")]
    for spdx in VERDICT_LICENCES:
        assert sum(text.count(json.dumps(headline(spdx))[1:-1]) for text in files) == 1, spdx
    _, _, rows = bundle(verdict_site)
    assert max(len(json.dumps(row[7], separators=(",", ":"))) for row in rows) <= len("[0,1]")


def test_reworded_verdicts_are_not_served_from_the_cache(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder import validate_text
    from site_builder.licence_verdicts import Verdict
    from site_builder.search import documents

    manifest = validate_text(MOSQUITO).manifest
    assert manifest is not None
    docs = [search_document("mosquito", manifest)]
    first = cached_search_files(docs, tmp_path)
    monkeypatch.setattr(documents, "licence_verdict", lambda spdx: Verdict("conditions", "Reworded", ()))
    again = cached_search_files(docs, tmp_path)
    assert json.loads(again["search/manifest.json"])["verdicts"] == [["conditions", "Reworded"]]
    assert again != first
