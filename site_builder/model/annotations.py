"""Annotations module: every attribute of Table 1 of the MIFA paper."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field, field_validator, model_validator

from ..vocabularies import SourceIndicator
from .base import MifaModel, is_missing, recommended
from .study import Author
from .types import AnnotationTypeValue, DatasetPath, LicenceId, Timestamp


class FileRecord(MifaModel):
    """One annotation file (or object) and the source image(s) it belongs to."""

    annotation_id: DatasetPath
    """Identifier of the annotation file or object; often a path such as groundtruth/img_0.tif."""
    annotation_type: list[AnnotationTypeValue] = Field(min_length=1)
    """Annotation type(s) of this file, usually one."""
    source_image_id: list[DatasetPath] = Field(min_length=1)
    """The source image(s): paths in this dataset, or another dataset's identifier."""
    transformations: str | None = None
    """Coordinate transforms (rotation, translation) from annotation space to image space."""
    spatial_information: str | None = None
    """Region and units for counts, points, boxes, graphs, tracks and polygons, e.g. coordinates in µm."""
    annotation_creation_time: Timestamp | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "annotation_creation_time", "last_modification_time", "completion_time"
        ),
    )
    """Last modification time of the annotation (aliases: last_modification_time, completion_time)."""
    confidence: str | None = None
    """Confidence in this file's annotation, e.g. "confirmed" (the set-level statement says how)."""


class ClassLabel(MifaModel):
    """A class used by class-label annotations, with how often it occurs."""

    name: str
    """Class name as written in the annotation files."""
    count: int | None = Field(default=None, ge=0)
    """Number of annotations with this class."""
    description: str | None = None
    """What the class means."""


class AnnotationSet(MifaModel):
    """One set of annotations made the same way by the same people."""

    annotation_overview: str
    """One or two sentences: what was annotated and how."""
    annotation_type: list[AnnotationTypeValue] = Field(min_length=1)
    """Annotation types in this set; derived from the file records when missing."""
    annotation_method: str
    """Crowdsourced or expert, human or software, which tools, consensus and quality control."""
    authors: list[Author] = recommended(default=[])
    """The people who created or curated the annotations: the source of annotator credit."""
    annotation_confidence_level: str | None = recommended()
    """Self-reported confidence, agreement between annotators, annotator experience, or a note
    that the annotations are weak."""
    annotation_criteria: str | None = recommended()
    """Rules followed, e.g. when one dividing cell counts as two."""
    annotation_coverage: str | None = recommended()
    """Which images or regions were annotated, what fraction, and why the others were not."""
    annotation_source_indicator: SourceIndicator | None = None
    """How annotation files pair up with source images: metadata_file, file_name_exact_match,
    file_name_pattern, file_path or other."""
    file_metadata: list[FileRecord] = Field(default_factory=list)
    """Per-file records mapping each annotation to its source image(s); recommended unless
    annotation_source_indicator says how files pair up."""
    license: LicenceId | None = None
    """SPDX licence of these annotations, when it differs from `study.license`."""
    annotation_format: list[str] = Field(default_factory=list)
    """File formats of the annotations, lower-case without a dot: tiff, ome.zarr, geojson, csv, star."""
    object_count: int | None = Field(default=None, ge=0)
    """Number of annotated objects, e.g. 7813 nuclei."""
    classes: list[ClassLabel] = Field(default_factory=list)
    """Classes used by class labels or boxes, with their counts."""

    @model_validator(mode="before")
    @classmethod
    def _derive_types_from_files(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not is_missing(data.get("annotation_type")):
            return data
        records = data.get("file_metadata")
        derived: list[Any] = []
        if isinstance(records, list):
            for record in records:
                if isinstance(record, dict):
                    types = record.get("annotation_type")
                    for item in types if isinstance(types, list) else [types]:
                        if isinstance(item, str) and item.strip() and item not in derived:
                            derived.append(item)
        if derived:
            data = dict(data) | {"annotation_type": derived}
        return data

    @field_validator("annotation_type")
    @classmethod
    def _unique_types(cls, value: list[Any]) -> list[Any]:
        return list(dict.fromkeys(value))

    @field_validator("annotation_format", mode="before")
    @classmethod
    def _format_spelling(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [v.strip().lstrip(".").lower() if isinstance(v, str) else v for v in value]
        return value

