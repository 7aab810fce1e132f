"""Controlled vocabularies: fixed values in code, labels and aliases as catalogue data.

The values are the MIFA contract (they appear in the JSON Schema); labels,
definitions and tolerated spellings live in `catalogue/vocabularies/*.yaml`
so a maintainer can edit them without touching Python.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

VOCABULARY_DIR = Path(__file__).resolve().parent.parent / "catalogue" / "vocabularies"


class AnnotationType(StrEnum):
    """The 11 MIFA annotation types."""

    CLASS_LABELS = "class_labels"
    BOUNDING_BOXES = "bounding_boxes"
    COUNTS = "counts"
    DERIVED_ANNOTATIONS = "derived_annotations"
    GEOMETRICAL_ANNOTATIONS = "geometrical_annotations"
    GRAPHS = "graphs"
    POINT_ANNOTATIONS = "point_annotations"
    SEGMENTATION_MASK = "segmentation_mask"
    TRACKS = "tracks"
    WEAK_ANNOTATIONS = "weak_annotations"
    OTHER = "other"


class SourceIndicator(StrEnum):
    """How annotation files are paired with their source images."""

    METADATA_FILE = "metadata_file"
    FILE_NAME_EXACT_MATCH = "file_name_exact_match"
    FILE_NAME_PATTERN = "file_name_pattern"
    FILE_PATH = "file_path"
    OTHER = "other"


@dataclass(frozen=True)
class AnnotationTypeTerm:
    """Display data for one annotation type."""

    value: AnnotationType
    label: str
    definition: str
    aliases: tuple[str, ...]


def _spelling_key(text: str) -> str:
    """Fold case, separators and plurals so 'Bounding-Boxes' meets 'bounding_box'."""
    words = re.split(r"[\s_\-./]+", text.strip().lower())
    folded = []
    for word in words:
        if word.endswith("xes"):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        folded.append(word)
    return "_".join(w for w in folded if w)


@cache
def annotation_type_terms(directory: Path = VOCABULARY_DIR) -> dict[AnnotationType, AnnotationTypeTerm]:
    """Labels, definitions and aliases, falling back to the bare values if the file is absent."""
    path = directory / "annotation-types.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    by_value = {str(entry["value"]): entry for entry in raw or []}
    terms = {}
    for value in AnnotationType:
        entry = by_value.get(value.value, {})
        terms[value] = AnnotationTypeTerm(
            value=value,
            label=str(entry.get("label") or value.value.replace("_", " ").capitalize()),
            definition=str(entry.get("definition") or ""),
            aliases=tuple(str(a) for a in entry.get("aliases") or ()),
        )
    return terms


@cache
def _spelling_index() -> dict[str, AnnotationType]:
    index: dict[str, AnnotationType] = {}
    for value, term in annotation_type_terms().items():
        for spelling in (value.value, term.label, *term.aliases):
            index.setdefault(_spelling_key(spelling), value)
    return index


@dataclass(frozen=True)
class TypeMatch:
    """Result of reading a user's annotation type: canonical value, or suggestions."""

    value: AnnotationType | None
    exact: bool
    suggestions: tuple[str, ...] = ()


def match_annotation_type(text: str) -> TypeMatch:
    """Accept canonical values, and tolerated spellings (not exact); else suggest close terms."""
    cleaned = text.strip()
    if cleaned in AnnotationType.__members__.values():
        return TypeMatch(AnnotationType(cleaned), exact=True)
    found = _spelling_index().get(_spelling_key(cleaned))
    if found is not None:
        return TypeMatch(found, exact=False)
    index = _spelling_index()
    close = difflib.get_close_matches(_spelling_key(cleaned), list(index), n=5, cutoff=0.6)
    suggestions = tuple(dict.fromkeys(index[key].value for key in close))
    return TypeMatch(None, exact=False, suggestions=suggestions[:3])


@cache
def source_indicator_descriptions(directory: Path = VOCABULARY_DIR) -> dict[str, str]:
    """Descriptions of the association indicators, keyed by value."""
    path = directory / "source-indicators.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    return {str(entry["value"]): str(entry.get("description", "")) for entry in raw or []}


@cache
def annotator_roles(directory: Path = VOCABULARY_DIR) -> frozenset[str]:
    """Roles (lower-case) that make a person an annotator."""
    path = directory / "roles.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return frozenset(str(r).strip().lower() for r in (raw or {}).get("annotator_roles", []))


def is_annotator_role(role: str) -> bool:
    """True if a free-text role says the person annotated data."""
    lowered = role.strip().lower()
    return lowered in annotator_roles() or "annotat" in lowered
