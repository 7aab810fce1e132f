"""Quick facts of a manifest: what an AI developer scans first, and what facets filter on.

Pure functions of a Manifest, shared by pages, search and feeds.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Manifest
from ..vocabularies import AnnotationType, annotation_type_terms


@dataclass(frozen=True)
class Named:
    """A term with an optional identifier and its link."""

    name: str
    id: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class QuickFacts:
    annotation_types: tuple[AnnotationType, ...]
    object_count: int | None
    image_count: int | None
    image_formats: tuple[str, ...]
    annotation_formats: tuple[str, ...]
    organisms: tuple[Named, ...]
    imaging_methods: tuple[Named, ...]
    image_licence: str
    annotation_licences: tuple[str, ...]
    total_size_bytes: int | None
    file_records: int


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def quick_facts(manifest: Manifest) -> QuickFacts:
    """Summarise a manifest for the quick-facts panel, cards and facets."""
    from ..identifiers import fbbi_url, taxon_url

    types = _unique([t.value for s in manifest.annotations for t in s.annotation_type])
    counts = [s.object_count for s in manifest.annotations if s.object_count is not None]
    images = manifest.images
    organisms: dict[str, Named] = {}
    methods: dict[str, Named] = {}
    image_formats: list[str] = []
    if images is not None:
        for sample in images.biosample:
            for organism in sample.organism:
                organisms.setdefault(organism.scientific_name, Named(
                    organism.scientific_name, organism.ncbi_taxon,
                    taxon_url(organism.ncbi_taxon) if organism.ncbi_taxon else None))
        for acquisition in images.image_acquisition:
            method = acquisition.imaging_method
            if method is not None:
                methods.setdefault(method.name, Named(
                    method.name, method.fbbi_id, fbbi_url(method.fbbi_id) if method.fbbi_id else None))
        image_formats = [d.format for d in images.image_data if d.format]
    return QuickFacts(
        annotation_types=tuple(AnnotationType(t) for t in types),
        object_count=sum(counts) if counts else None,
        image_count=images.image_count if images else None,
        image_formats=_unique(image_formats),
        annotation_formats=_unique([f for s in manifest.annotations for f in s.annotation_format]),
        organisms=tuple(organisms.values()),
        imaging_methods=tuple(methods.values()),
        image_licence=manifest.image_licence,
        annotation_licences=tuple(manifest.annotation_licences),
        total_size_bytes=images.total_size_bytes if images else None,
        file_records=sum(len(s.file_metadata) for s in manifest.annotations),
    )


def type_label(value: AnnotationType | str) -> str:
    """Display label of an annotation type, from the catalogue's vocabulary file."""
    return annotation_type_terms()[AnnotationType(value)].label
