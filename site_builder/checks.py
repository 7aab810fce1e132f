"""Warnings and cross-field rules, read from the raw document.

The model says what is valid; this stage says what is *missing or odd* but
accepted: recommended fields left out, tolerated spellings, reuse-limiting
licences, naive times. It works on the raw data so it runs even when the
model rejected the file, and so the original spelling is still visible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from .character_checks import character_problems
from .errors import field_doc, misspelled_keys
from .model import AnnotationSet, Manifest, PixelSize, Study, Version
from .model.base import (
    RECOMMENDED,
    field_keys,
    field_level,
    is_list_annotation,
    is_missing,
    item_annotation,
    nested_model,
)
from .model.types import Warns
from .names import dataset_id_problem
from .problems import Path_, Problem, Severity, format_path
from .text_limits import text_problems
from .vocabularies import AnnotationType, match_annotation_type
from .yaml_loader import YamlDocument

Rule = Callable[[YamlDocument, dict[str, Any], Path_], Iterator[Problem]]
_RULES: dict[type[BaseModel], list[Rule]] = {}

_SPATIAL_TYPES = {
    AnnotationType.BOUNDING_BOXES, AnnotationType.POINT_ANNOTATIONS,
    AnnotationType.GEOMETRICAL_ANNOTATIONS, AnnotationType.GRAPHS, AnnotationType.TRACKS,
}
_DPI_DEFAULTS_UM = {"72 dpi": 25400 / 72, "96 dpi": 25400 / 96}


def rule(model: type[BaseModel]) -> Callable[[Rule], Rule]:
    """Register a rule that runs on every raw mapping validated by `model`."""

    def register(fn: Rule) -> Rule:
        _RULES.setdefault(model, []).append(fn)
        return fn

    return register


def warning(doc: YamlDocument, path: Path_, message: str, hint: str = "",
            *, at: Path_ | None = None) -> Problem:
    """A warning shown at `path` (or at the position of `at`)."""
    problem = doc.problem(path if at is None else at, message, hint, severity=Severity.WARNING,
                          key=at is not None)
    if at is not None:
        problem = Problem(problem.file, problem.line, problem.column, format_path(path),
                          problem.severity, problem.message, problem.hint)
    return problem


def check_document(doc: YamlDocument, root: type[BaseModel] = Manifest) -> list[Problem]:
    """Every warning (and cross-field error) for one parsed document validated by `root`."""
    if not isinstance(doc.data, dict):
        return []
    return list(_walk(doc, root, doc.data, ()))


@dataclass(frozen=True)
class _FieldPlan:
    """What the walker needs to know about one field, computed once per model."""

    name: str
    keys: tuple[str, ...]
    recommended: bool
    is_list: bool
    checks: tuple[Warns, ...]
    inner: type[BaseModel] | None


@cache
def _plan(model: type[BaseModel]) -> tuple[_FieldPlan, ...]:
    plans = []
    for name, info in model.model_fields.items():
        checks, inner = _field_parts(info.annotation, info.metadata)
        plans.append(_FieldPlan(name, field_keys(name, info), field_level(info) == RECOMMENDED,
                                is_list_annotation(info.annotation), tuple(checks), inner))
    return tuple(plans)


@cache
def _known_keys(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(k for plan in _plan(model) for k in plan.keys)


def _meant(raw: dict[str, Any], model: type[BaseModel]) -> set[str]:
    """Keys misspelled in `raw` (an error says so, with the did-you-mean): not also "missing"."""
    known = _known_keys(model)
    return misspelled_keys(raw, known) if not known.issuperset(raw) else set()


def _walk(doc: YamlDocument, model: type[BaseModel], raw: dict[str, Any],
          path: Path_) -> Iterator[Problem]:
    meant = _meant(raw, model)
    for plan in _plan(model):
        key = next((k for k in plan.keys if k in raw and not is_missing(raw[k])), None)
        if key is None:
            if plan.recommended and meant.isdisjoint(plan.keys):
                yield warning(doc, (*path, plan.name), f"missing recommended field '{plan.name}'",
                              field_doc((plan.name,), model), at=path)
            continue
        value = raw[key]
        # A scalar given for a list field is item 0, as the model sees it.
        if plan.is_list:
            items: list[tuple[int | None, Any]] = list(enumerate(value if isinstance(value, list)
                                                                 else [value]))
        else:
            items = [(None, value)]
        if not plan.checks and plan.inner is None:
            continue
        for index, item in items:
            if is_missing(item):
                continue
            item_path = (*path, key) if index is None else (*path, key, index)
            for check in plan.checks:
                for message, hint in check.check(item):
                    yield warning(doc, item_path, message, hint)
            if plan.inner is not None and isinstance(item, dict):
                yield from _walk(doc, plan.inner, item, item_path)
    for model_rule in _RULES.get(model, []):
        yield from model_rule(doc, raw, path)


def _field_parts(annotation: Any, metadata: list[Any]) -> tuple[list[Warns], type[BaseModel] | None]:
    """The Warns markers and nested model of a field, looking through Optional and list."""
    item = item_annotation(annotation)
    found = [m for m in [*metadata, *getattr(item, "__metadata__", ())] if isinstance(m, Warns)]
    return found, nested_model(annotation)


def _as_list(value: Any) -> list[Any]:
    if is_missing(value):
        return []
    return value if isinstance(value, list) else [value]


@rule(Study)
def _link_descriptions_match(doc: YamlDocument, raw: dict[str, Any], path: Path_) -> Iterator[Problem]:
    urls, labels = _as_list(raw.get("link_url")), _as_list(raw.get("link_description"))
    if labels and len(urls) != len(labels):
        yield warning(doc, (*path, "link_description"),
                      f"{len(labels)} link descriptions for {len(urls)} link URLs",
                      "give one description per link_url entry, in the same order")


@rule(AnnotationSet)
def _annotation_set_rules(doc: YamlDocument, raw: dict[str, Any], path: Path_) -> Iterator[Problem]:
    records = [r for r in _as_list(raw.get("file_metadata")) if isinstance(r, dict)]
    meant = _meant(raw, AnnotationSet)
    if is_missing(raw.get("annotation_type")) and "annotation_type" not in meant:
        derived = []
        for record in records:
            for item in _as_list(record.get("annotation_type")):
                match = match_annotation_type(str(item))
                if match.value is not None and match.value.value not in derived:
                    derived.append(match.value.value)
        if derived:
            yield warning(doc, (*path, "annotation_type"),
                          "missing; derived from file records: " + ", ".join(derived),
                          "state the set's annotation types: annotation_type: [" +
                          ", ".join(derived) + "]", at=path)
    if not records and is_missing(raw.get("annotation_source_indicator")) \
            and not meant & {"file_metadata", "annotation_source_indicator"}:
        yield warning(doc, (*path, "file_metadata"),
                      "nothing says which source image each annotation belongs to",
                      "add file_metadata records (annotation_id, annotation_type, source_image_id), "
                      "or set annotation_source_indicator to metadata_file, file_name_exact_match, "
                      "file_name_pattern, file_path or other", at=path)
    seen: dict[str, int] = {}
    for index, record in enumerate(_as_list(raw.get("file_metadata"))):
        if not isinstance(record, dict) or is_missing(record.get("annotation_id")):
            continue
        annotation_id = str(record["annotation_id"]).strip()
        if annotation_id in seen:
            yield doc.problem((*path, "file_metadata", index, "annotation_id"),
                              f"annotation_id '{annotation_id}' is already used by "
                              f"file_metadata[{seen[annotation_id]}]",
                              "give every file record its own annotation_id")
        else:
            seen[annotation_id] = index
    types = {match_annotation_type(str(t)).value for t in _as_list(raw.get("annotation_type"))}
    if types & _SPATIAL_TYPES and records and not any(
            not is_missing(r.get("spatial_information")) for r in records):
        yield warning(doc, (*path, "file_metadata"),
                      "no file record gives spatial_information for these coordinate annotations",
                      "say which region and units the coordinates use, e.g. 'pixels of the "
                      "source image, origin top left'")
    for index, author in enumerate(_as_list(raw.get("authors"))):
        if isinstance(author, dict) and is_missing(author.get("role")):
            yield warning(doc, (*path, "authors", index, "role"),
                          "annotator has no role", "add e.g. `role: data annotation`",
                          at=(*path, "authors", index))


@rule(Manifest)
def _unsafe_characters(doc: YamlDocument, raw: dict[str, Any], path: Path_) -> Iterator[Problem]:
    """Control characters (errors) and bidirectional controls (warnings) in any key or string."""
    yield from character_problems(doc, raw, path)


@rule(Manifest)
def _text_lengths(doc: YamlDocument, raw: dict[str, Any], path: Path_) -> Iterator[Problem]:
    """Free text over its length limit (errors), Markdown shown as plain text (warnings)."""
    yield from text_problems(doc, raw, path)


@rule(PixelSize)
def _dpi_default_sizes(doc: YamlDocument, raw: dict[str, Any], path: Path_) -> Iterator[Problem]:
    unit = str(raw.get("unit") or "").strip().lower()
    factor = {"µm": 1.0, "μm": 1.0, "um": 1.0, "nm": 1000.0, "mm": 0.001, "m": 1e-6}.get(unit)
    if factor is None:
        return
    for axis in ("x", "y"):
        size = raw.get(axis)
        if not isinstance(size, int | float) or isinstance(size, bool):
            continue
        for name, default_um in _DPI_DEFAULTS_UM.items():
            if abs(size - default_um * factor) <= default_um * factor * 1e-3:
                yield warning(doc, (*path, axis),
                              f"pixel size {size} {raw.get('unit')} is 1/{name.split()[0]} inch, "
                              f"a {name} file default rather than a measurement",
                              "give the size measured for the microscope, or leave it out")


@rule(Version)
def _version_rules(doc: YamlDocument, raw: dict[str, Any], path: Path_) -> Iterator[Problem]:
    # Credit kept from a version inside the catalogue is checked exactly (catalogue.py);
    # for history outside it, only a reminder is possible.
    previous = raw.get("previous_version")
    if isinstance(previous, str) and ":" in previous and is_missing(raw.get("preserved_credit")):
        yield warning(doc, (*path, "preserved_credit"),
                      "the previous version is outside the catalogue, so its credit cannot be "
                      "checked", "list its contributors under preserved_credit unless they are "
                      "all still authors or annotators of this version", at=path)


def is_dataset_id(text: str) -> bool:
    """Dataset ids are lower-case slugs (letters, digits and single hyphens) that every file
    system can hold: see names.dataset_id_problem."""
    return dataset_id_problem(text) is None
