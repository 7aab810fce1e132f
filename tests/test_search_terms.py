"""Biology-aware search terms (issue 18): plurals, compounds, citation words, licences and identifiers.

The index side rewrites every field with catalogue/vocabularies/search-terms.yaml and writes the
tables into the search manifest, from which the browser reads queries the same way; these tests
query the built search files with the Python port of the browser's query path
(tests/search_client.py) after the same query rewriting (`SearchTerms.query`).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from site_builder import validate_text
from site_builder.search.bundle import search_files
from site_builder.search.documents import SearchDocument, search_document
from site_builder.search.terms import TERMS_FILE, SearchTerms, SearchTermsError, search_terms

from . import search_client


def manifest_text(title: str, description: str, licence: str, extra: str = "",
                  orcid: str = "0000-0002-1825-0097") -> str:
    return textwrap.dedent(f"""\
        study:
          title: {title}
          description: {description}
          license: {licence}
          authors:
            - author_first_name: Ada
              author_last_name: Lovelace
              orcid_id: {orcid}
          funding_statement: No specific funding.
        """) + textwrap.indent(textwrap.dedent(extra), "  ") + textwrap.dedent("""\
        annotations:
          - annotation_overview: Objects outlined by hand.
            annotation_type: segmentation_mask
            annotation_method: Drawn by one expert in napari.
        version:
          version: "1.0"
          timestamp: 2024-05-01T10:00:00+00:00
        """)


CATALOGUE = {
    "tomo": manifest_text(
        "Cryo-ET of yeast lamellae", "Tomograms of milled cells showing mitochondria and nuclei.", "CC0-1.0",
        """\
        accession: EMPIAR-11658
        publications:
          - publication_title: A paper
            publication_authors: A. Lovelace
            publication_doi: 10.1038/s41592-020-01018-x
        """),
    "sheet": manifest_text(
        "Light sheet imaging of a nucleus", "Lightsheet volumes of a bacterium in time-lapse z-stacks.",
        "CC-BY-4.0", orcid="0000-0001-6562-7187"),
    "cited": manifest_text(
        "Electron tomography of tissue",
        "Tomograms as in Smith et al. and Jones et al., with a mitochondrion.",
        "CC-BY-NC-4.0", "accession: S-BIAD634\n"),
}


def documents() -> list[SearchDocument]:
    found = []
    for name, text in CATALOGUE.items():
        manifest = validate_text(text).manifest
        assert manifest is not None, name
        found.append(search_document(name, manifest))
    return found


@pytest.fixture(scope="module")
def bundle() -> dict[str, bytes]:
    return search_files(documents())


def manifest_of(files: dict[str, bytes]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files["search/manifest.json"])
    return data


def find(files: dict[str, bytes], query: str) -> list[str]:
    """Dataset names a visitor's query finds (short fields and descriptions), in name order."""
    return sorted(ranked(files, query))


def ranked(files: dict[str, bytes], query: str) -> list[str]:
    """Dataset names a visitor's query finds (short fields and descriptions), best first."""
    manifest = manifest_of(files)
    terms = manifest["terms"]
    rewritten = SearchTerms(terms["variants"], {k: tuple(v) for k, v in terms["compounds"].items()},
                            frozenset(terms["stop"])).query(query)

    def kind(name: str) -> search_client.Shards:
        entries = manifest[name]
        return search_client.Shards(
            [bound for bound, _ in entries],
            lambda n: [json.loads(files["search/" + path]) for path in entries[n][1]],
            manifest["fields"] if name == "short" else ["description"])

    names = list(CATALOGUE)
    refs = [str(i) for i in range(len(names))]
    found = search_client.search(rewritten, [kind("short"), kind("text")], refs)
    return [names[int(ref)] for ref, _ in found]


def index_terms(files: dict[str, bytes]) -> set[str]:
    return {term for path, data in files.items() if path.startswith(("search/t/", "search/x/"))
            for term, _ in json.loads(data)["invertedIndex"]}


# (1) the vocabulary file ---------------------------------------------------------------------

def test_the_catalogue_file_lists_plurals_compounds_and_citation_words() -> None:
    terms = search_terms(TERMS_FILE)
    assert terms.variants["nuclei"] == "nucleus"
    assert terms.variants["mitochondria"] == "mitochondrion"
    assert terms.variants["bacteria"] == "bacterium"
    assert terms.variants["hyphae"] == "hypha" and terms.variants["larvae"] == "larva"
    assert "embryos" not in terms.variants  # regular: the stemmer joins it
    assert terms.compounds["cryoet"] == ("cryo", "et") and terms.compounds["lightsheet"] == ("light", "sheet")
    assert {"et", "al"} <= terms.stop


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "search-terms.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "line", "words"), [
    ("variants:\n  nuclei: nucleus\n  Mice: mouse\n", 3, ["'Mice'", "lower-case"]),
    ("variants:\n  nuclei: nucleus two\n", 2, ["'nucleus two'"]),
    ("variants:\n  nuclei: nucleus\n  nucleus: core\n", 2, ["'nucleus' is itself a variant", "'core'"]),
    ("compounds:\n  - cryo-et\n  - lightsheet\n", 3, ["'lightsheet'", "hyphens"]),
    ("variants:\n  nuclei: nucleus\nstop:\n  - et\n  - nucleus\n", 5, ["'nucleus'", "stop word"]),
    ("variants:\n  nuclei: nucleus\nsynonyms: {}\n", 3, ["unknown section 'synonyms'"]),
    ("variants:\n  nuclei: [nucleus\n", 3, []),
])
def test_a_wrong_file_names_the_line_and_the_fault(tmp_path: Path, text: str, line: int,
                                                   words: list[str]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SearchTermsError) as caught:
        search_terms(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}:"), message
    for word in words:
        assert word in message


def test_without_the_file_hyphenated_words_are_still_joined_and_nothing_else_changes(tmp_path: Path) -> None:
    terms = search_terms(tmp_path / "absent.yaml")
    assert terms == SearchTerms()
    assert terms.expand("Cryo-ET of nuclei, et al.") == "cryoet cryo et of nuclei et al"


# (2) the index side ----------------------------------------------------------------------------

def test_fields_are_indexed_with_canonical_terms_compounds_whole_and_split_and_no_citation_words() -> None:
    terms = search_terms(TERMS_FILE)
    assert terms.expand("Lucchi et al. imaged nuclei and mitochondria") == (
        "lucchi imaged nucleus and mitochondrion")
    assert terms.expand("Cryo-ET") == "cryoet cryo"
    assert terms.expand("cryoET") == "cryoet cryo"
    assert terms.expand("cryo ET") == "cryo cryoet"
    assert terms.expand("light sheet, lightsheet (Light-Sheet)") == (
        "light sheet lightsheet lightsheet light sheet lightsheet light sheet")


def test_plural_and_singular_find_the_same_datasets(bundle: dict[str, bytes]) -> None:
    assert find(bundle, "nuclei") == find(bundle, "nucleus") == ["sheet", "tomo"]
    assert find(bundle, "mitochondria") == find(bundle, "mitochondrion") == ["cited", "tomo"]
    assert find(bundle, "bacteria") == find(bundle, "bacterium") == ["sheet"]


def test_cryo_et_is_found_however_written_and_et_al_never_matches(bundle: dict[str, bytes]) -> None:
    for query in ("cryo-ET", "cryoET", "cryo ET", "Cryo-et"):
        assert find(bundle, query) == ["tomo"], query
    assert find(bundle, "et") == [] and find(bundle, "al") == []
    for query in ("light-sheet", "lightsheet", "light sheet"):
        assert find(bundle, query) == ["sheet"], query
    assert find(bundle, "z-stack") == find(bundle, "zstack") == ["sheet"]
    assert {"et", "al", "nuclei", "mitochondria"}.isdisjoint(index_terms(bundle))


# (3) the manifest ------------------------------------------------------------------------------

def test_the_manifest_carries_the_terms_for_the_query_side(bundle: dict[str, bytes]) -> None:
    manifest = manifest_of(bundle)
    terms = manifest["terms"]
    assert set(terms) == {"variants", "stop", "compounds"}
    assert terms["variants"]["nuclei"] == "nucleus"
    assert terms["compounds"]["cryoet"] == ["cryo", "et"]
    assert {"et", "al"} <= set(terms["stop"])
    # Every query fetches the manifest: the table stays a small part of it.
    assert len(json.dumps(terms, separators=(",", ":"))) < 4_000


def test_an_edited_terms_file_changes_the_index() -> None:
    docs = documents()
    plain = search_files(docs, SearchTerms())
    assert manifest_of(plain)["terms"] == {"variants": {}, "stop": [], "compounds": {}}
    assert "nuclei" in index_terms(plain) and "nuclei" not in index_terms(search_files(docs))


# (4) licences and identifiers ------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("CC0", ["tomo"]), ("cc0-1.0", ["tomo"]), ("licence:cc0", ["tomo"]),
    ("CC-BY", ["cited", "sheet"]), ("ccby", ["cited", "sheet"]),
    ("+cc +by-nc", ["cited"]), ("ccbync", ["cited"]), ("creative commons", ["cited", "sheet", "tomo"]),
    ("EMPIAR-11658", ["tomo"]), ("empiar11658", ["tomo"]), ("11658", ["tomo"]), ("S-BIAD634", ["cited"]),
    ("10.1038/s41592-020-01018-x", ["tomo"]),
    ("0000-0001-6562-7187", ["sheet"]), ("people:0000-0002-1825-0097", ["cited", "tomo"]),
])
def test_licences_and_identifiers_are_searchable(bundle: dict[str, bytes], query: str,
                                                 expected: list[str]) -> None:
    assert find(bundle, query) == expected


def test_a_full_licence_id_ranks_its_own_licence_first(bundle: dict[str, bytes]) -> None:
    assert ranked(bundle, "CC-BY-4.0")[0] == "sheet"
    assert ranked(bundle, "CC-BY-NC-4.0")[0] == "cited"
    assert ranked(bundle, "cc by-nc")[0] == "cited"
