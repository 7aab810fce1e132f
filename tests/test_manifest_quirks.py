"""Real-data quirks (mifa-model.md §9) are accepted, with the warnings a submitter should see."""

from __future__ import annotations

from datetime import UTC, datetime

from site_builder import validate_text
from site_builder.loader import LoadedManifest

from .conftest import MINIMAL


def problems(loaded: LoadedManifest, severity: str) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in loaded.problems if p.severity == severity]


def with_lines(old: str, new: str, base: str = MINIMAL) -> str:
    assert old in base
    return base.replace(old, new)


def test_minimal_manifest_is_valid() -> None:
    loaded = validate_text(MINIMAL)
    assert loaded.manifest is not None
    assert problems(loaded, "error") == []


def test_scalars_where_lists_are_expected_are_wrapped() -> None:
    text = with_lines("      orcid_id: 0000-0002-1825-0097\n",
                      "      orcid_id: 0000-0002-1825-0097\n      role: data annotation\n")
    text = with_lines("  funding_statement: No specific funding.\n",
                      "  funding_statement: No specific funding.\n"
                      "  link_url: https://example.org/original\n"
                      "  link_description: Original submission (not curated) \n", text)
    loaded = validate_text(text)
    assert loaded.manifest is not None
    assert loaded.manifest.study.authors[0].role == ["data annotation"]
    assert loaded.manifest.study.link_url == ["https://example.org/original"]
    assert loaded.manifest.study.link_description == ["Original submission (not curated)"]
    assert loaded.manifest.annotations[0].annotation_type == ["segmentation_mask"]


def test_space_before_colon_trailing_spaces_and_no_final_newline() -> None:
    text = with_lines("    - author_first_name: Ada\n", "    - author_first_name : Ada   \n")
    loaded = validate_text(text.rstrip("\n"))
    assert loaded.manifest is not None
    assert loaded.manifest.study.authors[0].author_first_name == "Ada"


def test_unquoted_version_keeps_its_text_and_warns() -> None:
    loaded = validate_text(with_lines('  version: "1.0"', "  version: 1.10"))
    assert loaded.manifest is not None
    assert loaded.manifest.version.version == "1.10"
    assert ("version.version", "the version 1.1 is a number, not text") in problems(loaded, "warning")


def test_naive_timestamp_is_read_as_utc_with_a_warning() -> None:
    loaded = validate_text(with_lines("  timestamp: 2024-05-01T10:00:00+00:00",
                                      '  timestamp: "2024-05-01T10:00:00"'))
    assert loaded.manifest is not None
    assert loaded.manifest.version.timestamp == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert ("version.timestamp",
            "the time '2024-05-01T10:00:00' has no UTC offset; it is read as UTC") \
        in problems(loaded, "warning")


def test_minus_zero_offset_and_quoted_timestamps_are_utc() -> None:
    loaded = validate_text(with_lines("  timestamp: 2024-05-01T10:00:00+00:00",
                                      '  timestamp:  "2023-03-07T14:37:00-00:00"'))
    assert loaded.manifest is not None
    assert loaded.manifest.version.timestamp == datetime(2023, 3, 7, 14, 37, tzinfo=UTC)
    assert not [p for p in loaded.problems if p.path == "version.timestamp"]


def test_orcid_forms_normalise_to_the_bare_id() -> None:
    for form in ("ORCID:0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097",
                 "0000000218250097"):
        loaded = validate_text(with_lines("orcid_id: 0000-0002-1825-0097", f"orcid_id: {form}"))
        assert loaded.manifest is not None, form
        assert loaded.manifest.study.authors[0].orcid_id == "0000-0002-1825-0097"


def test_doi_url_and_pmcid_in_pubmed_id() -> None:
    text = with_lines("  funding_statement: No specific funding.\n",
                      "  funding_statement: No specific funding.\n"
                      "  publications:\n"
                      "    publication_title: A paper\n"
                      "    publication_authors: A. Lovelace\n"
                      "    publication_doi: https://doi.org/10.1038/s41597-020-00608-w\n"
                      "    pubmed_id: PMC1234567\n")
    loaded = validate_text(text)
    assert loaded.manifest is not None
    publication = loaded.manifest.study.publications[0]
    assert publication.publication_doi == "10.1038/s41597-020-00608-w"
    assert publication.pubmed_id is None
    assert publication.pmcid == "PMC1234567"
    assert ("study.publications[0].pubmed_id",
            "'PMC1234567' is a PMCID, not a PubMed id; it is kept as pmcid") \
        in problems(loaded, "warning")


def test_tolerated_annotation_type_spelling_warns_with_the_canonical_value() -> None:
    loaded = validate_text(with_lines("annotation_type: segmentation_mask",
                                      "annotation_type: Segmentation masks"))
    assert loaded.manifest is not None
    assert loaded.manifest.annotations[0].annotation_type == ["segmentation_mask"]
    assert ("annotations[0].annotation_type[0]",
            "'Segmentation masks' is read as the annotation type 'segmentation_mask'") \
        in problems(loaded, "warning")


def test_set_level_annotation_type_is_derived_from_file_records() -> None:
    text = with_lines("    annotation_type: segmentation_mask\n", "")
    text = with_lines("    annotation_method: Drawn by one expert in napari.\n",
                      "    annotation_method: Drawn by one expert in napari.\n"
                      "    file_metadata:\n"
                      "      - annotation_id : masks/a.tif\n"
                      "        annotation_type : segmentation_mask\n"
                      "        source_image_id : images/a.tif\n"
                      "      - annotation_id: boxes/a.json\n"
                      "        annotation_type: [bounding-boxes]\n"
                      "        source_image_id: images/a.tif\n", text)
    loaded = validate_text(text)
    assert loaded.manifest is not None
    assert loaded.manifest.annotations[0].annotation_type == ["segmentation_mask", "bounding_boxes"]
    assert ("annotations[0].annotation_type",
            "missing; derived from file records: segmentation_mask, bounding_boxes") \
        in problems(loaded, "warning")


def test_creation_time_aliases_are_accepted() -> None:
    text = with_lines("    annotation_method: Drawn by one expert in napari.\n",
                      "    annotation_method: Drawn by one expert in napari.\n"
                      "    file_metadata:\n"
                      "      - annotation_id: masks/a.tif\n"
                      "        annotation_type: segmentation_mask\n"
                      "        source_image_id: images/a.tif\n"
                      "        completion_time: 2024-04-01T09:00:00+02:00\n")
    loaded = validate_text(text)
    assert loaded.manifest is not None
    record = loaded.manifest.annotations[0].file_metadata[0]
    assert record.annotation_creation_time == datetime(2024, 4, 1, 7, 0, tzinfo=UTC)


def test_licence_mappings_and_reuse_warnings() -> None:
    loaded = validate_text(with_lines("license: CC0-1.0", "license: CC_BY"))
    assert loaded.manifest is not None and loaded.manifest.study.license == "CC-BY-4.0"
    loaded = validate_text(with_lines("license: CC0-1.0",
                                      "license: https://creativecommons.org/licenses/by-nc/4.0/"))
    assert loaded.manifest is not None and loaded.manifest.study.license == "CC-BY-NC-4.0"
    assert ("study.license",
            "'CC-BY-NC-4.0' forbids commercial reuse, which limits who can train models on the data") \
        in problems(loaded, "warning")


def test_images_and_annotations_may_carry_different_licences() -> None:
    text = MINIMAL + "images:\n  license: CC-BY-4.0\n"
    text = with_lines("    annotation_method: Drawn by one expert in napari.\n",
                      "    annotation_method: Drawn by one expert in napari.\n"
                      "    license: CC0\n", text)
    loaded = validate_text(text)
    assert loaded.manifest is not None
    assert loaded.manifest.image_licence == "CC-BY-4.0"
    assert loaded.manifest.annotation_licences == ["CC0-1.0"]


def test_pixel_size_of_72_dpi_is_flagged() -> None:
    text = MINIMAL + ("images:\n  image_data:\n    - format: tiff\n"
                      "      pixel_size: {x: 352.7777777777778, y: 352.7777777777778, unit: µm}\n")
    loaded = validate_text(text)
    assert ("images.image_data[0].pixel_size.x",
            "pixel size 352.7777777777778 µm is 1/72 inch, a 72 dpi file default rather than a "
            "measurement") in problems(loaded, "warning")


def test_null_items_in_lists_are_dropped() -> None:
    text = with_lines("  funding_statement: No specific funding.\n",
                      "  funding_statement: No specific funding.\n  keywords: [null, nuclei, null, '']\n")
    loaded = validate_text(text)
    assert loaded.manifest is not None
    assert loaded.manifest.study.keywords == ["nuclei"]


def test_all_errors_of_a_file_are_reported_at_once() -> None:
    text = with_lines("license: CC0-1.0", "license: CC BY")
    text = with_lines("orcid_id: 0000-0002-1825-0097", "orcid_id: 0000-0002-1825-0098", text)
    text = with_lines('  version: "1.0"', "  versoin: '1.0'", text)
    loaded = validate_text(text)
    # The misspelled key is one error (with its did-you-mean), not also "version is missing".
    assert [(p.line, p.path) for p in loaded.problems if p.severity == "error"] == [
        (4, "study.license"), (8, "study.authors[0].orcid_id"), (15, "version.versoin")]
