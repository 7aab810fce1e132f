"""The completeness score: exact numbers and paths on small manifests, and the catalogue ranking."""

from __future__ import annotations

from site_builder import validate_text
from site_builder.completeness import Completeness, completeness, generic_path, most_often_missing
from site_builder.model import Manifest

from .conftest import FIXTURES, MINIMAL

COMPLETE = (FIXTURES / "valid" / "complete.yaml").read_text(encoding="utf-8")


def manifest(text: str) -> Manifest:
    loaded = validate_text(text)
    assert loaded.manifest is not None, loaded.problems
    return loaded.manifest


def with_two_authors_without_orcid() -> str:
    """MINIMAL with images filled and two study authors lacking an ORCID iD."""
    text = MINIMAL.replace(
        "      orcid_id: 0000-0002-1825-0097\n",
        "    - author_first_name: Grace\n      author_last_name: Hopper\n",
    ).replace(
        "annotations:\n",
        "images:\n  image_data:\n    - format: tiff\n"
        "  biosample:\n    - organism:\n        - scientific_name: Homo sapiens\n"
        "annotations:\n",
    )
    return text


def test_minimal_scores_below_complete() -> None:
    assert completeness(manifest(MINIMAL)).score < completeness(manifest(COMPLETE)).score


def test_complete_fixture_scores_100() -> None:
    # The fixture fills every recommended field of every block it gives; optional blocks it
    # leaves out (specimen, original_images) are not counted, so nothing is missing.
    result = completeness(manifest(COMPLETE))
    assert result == Completeness(100, {"study": 100, "images": 100, "annotations": 100, "version": 100}, ())


def test_minimal_numbers_and_missing_paths() -> None:
    result = completeness(manifest(MINIMAL))
    # study: the module field, 8 study fields + 3 author fields = 13 counted, 4 missing -> 69
    # images: absent, counted once as its own field -> 0
    # annotations: the module field + 7 fields of the one set = 8, 4 missing -> 50
    # version: the module field, version, timestamp -> 100
    assert result.modules == {"study": 69, "images": 0, "annotations": 50, "version": 100}
    assert result.score == 16 * 100 // 25
    assert result.missing == (
        "study.keywords",
        "study.publications",
        "study.release_date",
        "study.data_url",
        "images",
        "annotations[0].authors",
        "annotations[0].annotation_confidence_level",
        "annotations[0].annotation_criteria",
        "annotations[0].annotation_coverage",
    )


def test_list_items_are_counted_one_by_one() -> None:
    result = completeness(manifest(with_two_authors_without_orcid()))
    assert "study.authors[0].orcid_id" in result.missing
    assert "study.authors[1].orcid_id" in result.missing
    # images given: its missing recommended fields are reported inside it, not "images" itself
    assert "images" not in result.missing
    assert [p for p in result.missing if p.startswith("images")] == [
        "images.biosample[0].organism[0].ncbi_taxon",
        "images.biosample[0].biological_entity",
        "images.image_acquisition",
    ]
    assert 0 < result.modules["images"] < 100


def test_score_is_deterministic() -> None:
    assert completeness(manifest(MINIMAL)) == completeness(manifest(MINIMAL))


def test_generic_path() -> None:
    assert generic_path("annotations[0].authors[12].orcid_id") == "annotations[].authors[].orcid_id"


def test_most_often_missing_orders_by_count_then_path() -> None:
    rows = most_often_missing([
        ("b-minimal", manifest(MINIMAL)),
        ("a-complete", manifest(COMPLETE)),
        ("c-authors", manifest(with_two_authors_without_orcid())),
    ])
    assert rows[:8] == [
        ("annotations[].annotation_confidence_level", 2, ["b-minimal", "c-authors"]),
        ("annotations[].annotation_coverage", 2, ["b-minimal", "c-authors"]),
        ("annotations[].annotation_criteria", 2, ["b-minimal", "c-authors"]),
        ("annotations[].authors", 2, ["b-minimal", "c-authors"]),
        ("study.data_url", 2, ["b-minimal", "c-authors"]),
        ("study.keywords", 2, ["b-minimal", "c-authors"]),
        ("study.publications", 2, ["b-minimal", "c-authors"]),
        ("study.release_date", 2, ["b-minimal", "c-authors"]),
    ]
    # two authors without an iD still count the dataset once
    assert ("study.authors[].orcid_id", 1, ["c-authors"]) in rows
    assert ("images", 1, ["b-minimal"]) in rows
    assert [row[1] for row in rows] == sorted((row[1] for row in rows), reverse=True)
    assert all(row[1] == 1 for row in rows[8:])
    assert [row[0] for row in rows[8:]] == sorted(row[0] for row in rows[8:])


def test_no_manifests_no_rows() -> None:
    assert most_often_missing([]) == []
