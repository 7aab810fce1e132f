"""Vocabularies are data in catalogue/vocabularies/, kept in step with the model's values."""

from __future__ import annotations

import yaml

from site_builder.vocabularies import (
    AnnotationType,
    SourceIndicator,
    annotation_type_terms,
    is_annotator_role,
    match_annotation_type,
    source_indicator_descriptions,
)

from .conftest import REPO

VOCABULARIES = REPO / "catalogue" / "vocabularies"


def test_annotation_type_file_lists_exactly_the_eleven_types() -> None:
    entries = yaml.safe_load((VOCABULARIES / "annotation-types.yaml").read_text())
    assert [e["value"] for e in entries] == [t.value for t in AnnotationType]
    assert len(entries) == 11
    assert all(e["label"] and e["definition"] for e in entries)


def test_labels_and_definitions_come_from_the_file() -> None:
    term = annotation_type_terms()[AnnotationType.SEGMENTATION_MASK]
    assert term.label == "Segmentation masks"
    assert term.definition.startswith("An image the size of its source")


def test_source_indicators_match_the_model() -> None:
    assert sorted(source_indicator_descriptions()) == sorted(s.value for s in SourceIndicator)


def test_spelling_variants_are_tolerated_but_flagged() -> None:
    for text, value in [("Bounding-Boxes", "bounding_boxes"), ("bounding box", "bounding_boxes"),
                        ("segmentation masks", "segmentation_mask"), ("Points", "point_annotations"),
                        ("class label", "class_labels"), ("TRACKS", "tracks")]:
        match = match_annotation_type(text)
        assert (match.value, match.exact) == (AnnotationType(value), False), text
    assert match_annotation_type("graphs").exact is True


def test_unknown_types_get_suggestions() -> None:
    match = match_annotation_type("boundng boxs")
    assert match.value is None and match.suggestions[0] == "bounding_boxes"
    assert match_annotation_type("xyzzy").suggestions == ()


def test_annotator_roles() -> None:
    assert is_annotator_role("Data annotation")
    assert is_annotator_role("annotator")
    assert not is_annotator_role("conceptualization")
