"""Where the validator used to mislead: a day given as a version's timestamp, warnings listed
before the error that blocks, a typo reported twice, an empty annotation type with no choices.

Each case runs `mifa validate` on a throwaway catalogue and pins the exact words a submitter sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import MINIMAL, Result

Mifa = Callable[..., Result]
Writer = Callable[[dict[str, str]], Path]

FILE = "datasets/nuclei/1.0.yaml"
STAMP = "  timestamp: 2024-05-01T10:00:00+00:00"
TYPES = ("class_labels, bounding_boxes, counts, derived_annotations, geometrical_annotations, "
         "graphs, point_annotations, segmentation_mask, tracks, weak_annotations, other")


def manifest(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


def problems(mifa: Mifa, catalogue: Writer, text: str) -> list[tuple[str, int, str, str, str]]:
    """(severity, line, path, message, hint) of every problem, in the order the report gives."""
    catalogue({"nuclei/1.0.yaml": text})
    result = mifa("validate", "--format", "json", "datasets")
    return [(p["severity"], p["line"], p["path"], p["message"], p["hint"])
            for p in json.loads(result.out)["problems"]]


# ---- timestamps ---------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["2024-05-01", '"2024-05-01"', " 2024-05-01 # the day"])
def test_a_day_alone_is_not_a_version_timestamp(mifa: Mifa, catalogue: Writer, written: str) -> None:
    found = problems(mifa, catalogue, manifest(STAMP, f"  timestamp: {written}"))
    assert [p for p in found if p[2] == "version.timestamp"] == [
        ("error", 16, "version.timestamp",
         "the timestamp '2024-05-01' has a date but no time or UTC offset",
         "write the date, the time and the UTC offset, e.g. 2024-05-01T10:00:00+00:00")]
    assert mifa("validate", "datasets").code == 1


def test_a_timestamp_with_time_and_offset_passes(mifa: Mifa, catalogue: Writer) -> None:
    found = problems(mifa, catalogue, manifest(STAMP, "  timestamp: 2024-05-01T10:00:00-03:30"))
    assert not [p for p in found if p[2] == "version.timestamp"]


def test_a_time_without_offset_is_still_read_as_utc_with_a_warning(mifa: Mifa, catalogue: Writer) -> None:
    found = problems(mifa, catalogue, manifest(STAMP, "  timestamp: 2024-05-01T10:00:00"))
    assert [p for p in found if p[2] == "version.timestamp"] == [
        ("warning", 16, "version.timestamp",
         "the time '2024-05-01 10:00:00' has no UTC offset; it is read as UTC",
         "add the offset, e.g. 2023-03-07T14:37:00+00:00")]


# ---- errors first, in every format ---------------------------------------------------------

# Warnings on lines 1 and 11 (missing recommended fields), the one error on line 16.
ERROR_LAST_IN_FILE = manifest(STAMP, "  timestamp: 2024-05-01")


def test_errors_come_before_warnings_in_json(mifa: Mifa, catalogue: Writer) -> None:
    found = problems(mifa, catalogue, ERROR_LAST_IN_FILE)
    severities = [p[0] for p in found]
    assert severities[0] == "error" and severities.count("error") == 1
    assert found[0][2] == "version.timestamp"
    assert set(severities[1:]) == {"warning"}
    # Within each severity, file order.
    assert [p[1] for p in found[1:]] == sorted(p[1] for p in found[1:])


def test_errors_come_before_warnings_in_human_github_and_markdown(mifa: Mifa, catalogue: Writer) -> None:
    catalogue({"nuclei/1.0.yaml": ERROR_LAST_IN_FILE})
    human = mifa("validate", "datasets").out.splitlines()
    assert human[0] == FILE
    assert human[1].split()[:3] == ["error", "16:14", "version.timestamp"]
    assert all(not line.lstrip().startswith("error") for line in human[2:])

    github = mifa("validate", "--format", "github", "datasets").out.splitlines()
    assert github[0].startswith(f"::error file={FILE},line=16,col=14,title=version.timestamp::"
                                "the timestamp '2024-05-01' has a date but no time or UTC offset. Fix: ")
    assert all(line.startswith("::warning ") for line in github[1:-1])

    markdown = mifa("validate", "--format", "markdown", "datasets").out
    rows = [line for line in markdown.splitlines() if line.startswith(("| ❌", "| ⚠️"))]
    assert rows[0].startswith("| ❌ | 16 | `version.timestamp` | the timestamp '2024-05-01' has a date")
    assert all(row.startswith("| ⚠️") for row in rows[1:])


# ---- a misspelled key is one problem --------------------------------------------------------

def test_a_misspelled_required_key_is_not_also_missing(mifa: Mifa, catalogue: Writer) -> None:
    found = problems(mifa, catalogue, manifest("    annotation_type: segmentation_mask",
                                               "    anotation_type: segmentation_mask"))
    assert [p for p in found if p[2].endswith(("annotation_type", "anotation_type"))] == [
        ("error", 12, "annotations[0].anotation_type",
         "unknown key 'anotation_type'; did you mean 'annotation_type'?",
         "valid keys here: annotation_confidence_level, annotation_coverage, annotation_criteria, "
         "annotation_format, annotation_method, annotation_overview, annotation_source_indicator, "
         "annotation_type, authors, classes, file_metadata, license, object_count")]


def test_a_misspelled_recommended_key_is_not_also_missing(mifa: Mifa, catalogue: Writer) -> None:
    found = problems(mifa, catalogue, manifest(
        "    annotation_method: Drawn by one expert in napari.\n",
        "    annotation_method: Drawn by one expert in napari.\n"
        "    annotation_critera: Every visible nucleus.\n"))
    assert [(p[0], p[2], p[3]) for p in found if "criteria" in p[2] or "critera" in p[2]] == [
        ("error", "annotations[0].annotation_critera",
         "unknown key 'annotation_critera'; did you mean 'annotation_criteria'?")]


def test_a_misspelled_list_of_records_is_not_also_missing(mifa: Mifa, catalogue: Writer) -> None:
    found = problems(mifa, catalogue, manifest(
        "    annotation_method: Drawn by one expert in napari.\n",
        "    annotation_method: Drawn by one expert in napari.\n"
        "    file_metdata:\n"
        "      - annotation_id: masks/a.tif\n"))
    assert not [p for p in found if p[2] == "annotations[0].file_metadata"]
    assert ("error", 14, "annotations[0].file_metdata",
            "unknown key 'file_metdata'; did you mean 'file_metadata'?") in [p[:4] for p in found]


def test_an_unrelated_missing_field_is_still_reported(mifa: Mifa, catalogue: Writer) -> None:
    found = problems(mifa, catalogue, manifest("    annotation_type: segmentation_mask",
                                               "    colour: blue"))
    assert ("error", 11, "annotations[0].annotation_type", "required field is missing") \
        in [p[:4] for p in found]


# ---- the annotation types to choose from ---------------------------------------------------

def test_an_empty_annotation_type_lists_the_eleven_types(mifa: Mifa, catalogue: Writer) -> None:
    found = problems(mifa, catalogue, manifest("    annotation_type: segmentation_mask",
                                               "    annotation_type:"))
    assert [p for p in found if p[2] == "annotations[0].annotation_type"] == [
        ("error", 12, "annotations[0].annotation_type", "required field is empty",
         f"fill in `annotation_type:` with one or more of: {TYPES} "
         "(Annotation types in this set; derived from the file records when missing.)")]
    assert len(TYPES.split(", ")) == 11


def test_a_missing_annotation_type_lists_the_eleven_types(mifa: Mifa, catalogue: Writer) -> None:
    found = problems(mifa, catalogue, manifest("    annotation_type: segmentation_mask\n", ""))
    assert [p for p in found if p[2] == "annotations[0].annotation_type"] == [
        ("error", 11, "annotations[0].annotation_type", "required field is missing",
         f"add `annotation_type:` with one or more of: {TYPES} "
         "(Annotation types in this set; derived from the file records when missing.)")]
