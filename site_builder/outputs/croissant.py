"""Croissant 1.0 metadata of a dataset version, so ML tooling can discover and describe it.

The catalogue does not hold the data files, so it cannot state their checksums: a
FileObject would need md5/sha256. The annotation files are therefore described as
FileSets (glob patterns from the annotation ids' folders, no checksum needed), and the
per-file records and annotation sets as RecordSets with inline `data`, which validate
and load without any network access.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from ..model import AnnotationSet, Manifest
from ..settings import Settings
from ..text_safety import clean_strings, one_line
from .citations import bibtex
from .common import (
    absolute,
    label,
    licence_urls,
    person_jsonld,
    previous_version_url,
    release_date,
    version_page,
)

if TYPE_CHECKING:  # pages imports this package: annotation-only import avoids a cycle
    from ..render.pages import DatasetEntry

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""The standard Croissant 1.0 @context (as in the specification and mlcroissant)."""

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
_MEDIA_TYPES = {
    "tif": "image/tiff", "tiff": "image/tiff", "ome.tif": "image/tiff", "ome.tiff": "image/tiff",
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "bmp": "image/bmp", "gif": "image/gif",
    "csv": "text/csv", "tsv": "text/tab-separated-values", "txt": "text/plain", "json": "application/json",
    "geojson": "application/geo+json", "xml": "application/xml", "h5": "application/x-hdf5",
    "hdf5": "application/x-hdf5", "zip": "application/zip", "npy": "application/octet-stream",
    "zarr": "application/x-zarr", "ome.zarr": "application/x-zarr", "mrc": "application/octet-stream",
    "star": "text/plain",
}
_UNKNOWN_MEDIA_TYPE = "application/octet-stream"


def croissant_name(entry: DatasetEntry, manifest: Manifest) -> str:
    """A Croissant name: letters, digits, '-', '_' and '.', safe even for the strict 0.8 rule."""
    return _UNSAFE_NAME.sub("-", f"{entry.id}-{label(manifest)}").strip("-")[:255]


def _suffix(path: str) -> str:
    """The file extension, lower-case, keeping compound ones (ome.tif, ome.zarr)."""
    suffixes = [s.lower().lstrip(".") for s in PurePosixPath(path).suffixes]
    if len(suffixes) >= 2 and suffixes[-2] == "ome":
        return "ome." + suffixes[-1]
    return suffixes[-1] if suffixes else ""


def _patterns(annotation_set: AnnotationSet) -> list[str]:
    """Glob patterns covering the set's annotation files: one per folder and extension."""
    patterns: dict[str, None] = {}
    for record in annotation_set.file_metadata:
        path = PurePosixPath(record.annotation_id)
        suffix = _suffix(record.annotation_id)
        name = f"*.{suffix}" if suffix else "*"
        folder = str(path.parent)
        patterns[name if folder in ("", ".") else f"{folder}/{name}"] = None
    return sorted(patterns)


def _media_type(annotation_set: AnnotationSet, patterns: list[str]) -> str:
    formats = [*annotation_set.annotation_format, *(_suffix(p) for p in patterns)]
    known = [_MEDIA_TYPES[f] for f in formats if f in _MEDIA_TYPES]
    return known[0] if known else _UNKNOWN_MEDIA_TYPE


def _file_sets(manifest: Manifest) -> list[dict[str, Any]]:
    sets: list[dict[str, Any]] = []
    for index, annotation_set in enumerate(manifest.annotations):
        patterns = _patterns(annotation_set)
        if not patterns:
            continue
        sets.append({
            "@type": "cr:FileSet",
            "@id": f"annotation-files-{index}",
            "name": f"annotation-files-{index}",
            "description": f"Annotation files of set {index}: {annotation_set.annotation_overview}",
            "encodingFormat": _media_type(annotation_set, patterns),
            "includes": patterns,
        })
    return sets


def _field(record_set: str, name: str, description: str, data_type: str,
           repeated: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"@type": "cr:Field", "@id": f"{record_set}/{name}", "name": name,
                             "description": description, "dataType": data_type}
    if repeated:
        field["repeated"] = True
    return field


def _annotation_sets_record_set(manifest: Manifest) -> dict[str, Any]:
    rid = "annotation_sets"
    rows = [{f"{rid}/index": str(index), f"{rid}/annotation_overview": s.annotation_overview,
             f"{rid}/annotation_type": [t.value for t in s.annotation_type],
             f"{rid}/annotation_method": s.annotation_method}
            for index, s in enumerate(manifest.annotations)]
    return {
        "@type": "cr:RecordSet", "@id": rid, "name": rid,
        "description": "The annotation sets of this version, as the MIFA manifest describes them.",
        "key": {"@id": f"{rid}/index"},
        "field": [
            _field(rid, "index", "Position of the set in the manifest, from 0.", "sc:Text"),
            _field(rid, "annotation_overview", "What was annotated and how.", "sc:Text"),
            _field(rid, "annotation_type", "MIFA annotation types of the set.", "sc:Text", repeated=True),
            _field(rid, "annotation_method", "How the annotations were made.", "sc:Text"),
        ],
        "data": rows,
    }


def _file_records_record_set(manifest: Manifest) -> dict[str, Any] | None:
    rid = "annotation_files"
    rows = [{f"{rid}/annotation_set": str(index), f"{rid}/annotation_id": record.annotation_id,
             f"{rid}/annotation_type": [t.value for t in record.annotation_type],
             f"{rid}/source_image_id": list(record.source_image_id)}
            for index, s in enumerate(manifest.annotations) for record in s.file_metadata]
    if not rows:
        return None
    return {
        "@type": "cr:RecordSet", "@id": rid, "name": rid,
        "description": "One record per annotation file: its type(s) and the source image(s) it annotates.",
        "key": [{"@id": f"{rid}/annotation_set"}, {"@id": f"{rid}/annotation_id"}],
        "field": [
            _field(rid, "annotation_set", "Index of the annotation set (see annotation_sets).", "sc:Text"),
            _field(rid, "annotation_id", "Path of the annotation file in the dataset.", "sc:Text"),
            _field(rid, "annotation_type", "MIFA annotation type(s) of the file.", "sc:Text", repeated=True),
            _field(rid, "source_image_id", "The source image(s) the file annotates.", "sc:Text",
                   repeated=True),
        ],
        "data": rows,
    }


def croissant(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> dict[str, Any]:
    """Croissant 1.0 JSON-LD of one version; valid for mlcroissant without network access."""
    study = manifest.study
    page = version_page(entry, manifest, settings)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": croissant_name(entry, manifest),
        "alternateName": one_line(study.title),
        "description": study.description.strip(),
        "url": page,
        "version": label(manifest),
        "datePublished": release_date(manifest),
        "creator": [person_jsonld(a) for a in study.authors],
        "citeAs": bibtex(entry, manifest, settings),
        "includedInDataCatalog": {"@type": "DataCatalog", "name": settings.title, "url": absolute(settings)},
    }
    licences = licence_urls(manifest)
    if licences:
        data["license"] = licences[0] if len(licences) == 1 else licences
    if study.keywords:
        data["keywords"] = list(study.keywords)
    if study.data_url:
        data["sameAs"] = study.data_url
    previous = previous_version_url(entry, manifest, settings)
    if previous:
        data["isBasedOn"] = previous
    file_sets = _file_sets(manifest)
    if file_sets:
        data["distribution"] = file_sets
    record_sets = [_annotation_sets_record_set(manifest)]
    files = _file_records_record_set(manifest)
    if files is not None:
        record_sets.append(files)
    data["recordSet"] = record_sets
    cleaned: dict[str, Any] = clean_strings(data)  # control characters out, bidi closed (text_safety)
    return cleaned
