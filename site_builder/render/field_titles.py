"""Manifest paths as a reader names them: `annotations[0].object_count` -> "Annotation set 1 ›
Annotated objects". Pages that show what changed speak the reader's words, not the YAML keys."""

from __future__ import annotations

import re

_TITLES = {
    "study": "Study", "images": "Images", "annotations": "Annotation set", "version": "Version",
    "authors": "Person", "organisation": "Organisation", "biosample": "Biosample",
    "image_acquisition": "Acquisition", "image_data": "Image data", "examples": "Example",
    "file_metadata": "File record", "classes": "Class", "publications": "Publication",
    "preserved_credit": "Kept credit", "organism": "Organism", "imaging_method": "Imaging method",
    "license": "Licence", "orcid_id": "ORCID iD", "ror_id": "ROR id", "ncbi_taxon": "NCBI taxon",
    "fbbi_id": "FBbi id", "object_count": "Annotated objects", "image_count": "Images",
    "publication_doi": "DOI", "pubmed_id": "PubMed id", "data_url": "Download location",
    "link_url": "Links", "bioimageio_id": "BioImage Model Zoo id", "ai_models_trained": "Models trained",
    "total_size_bytes": "Total size (bytes)", "annotation_type": "Annotation type",
    "annotation_format": "Annotation format", "author_first_name": "Given name",
    "author_last_name": "Family name", "scientific_name": "Scientific name", "common_name": "Common name",
    "previous_version": "Previous version", "timestamp": "Made", "changes": "What changed",
}
"""Titles where turning the key into words is not enough (abbreviations, lists, MIFA's terms)."""
_PART = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


def field_title(path: str) -> str:
    """The reader's name of a dotted manifest path; list items by number (1-based) or by name."""
    titles: list[str] = []
    for index, key in _PART.findall(path):
        if key:
            titles.append(_TITLES.get(key) or key.replace("_", " ").capitalize())
        elif titles:
            titles[-1] += f" {int(index) + 1}" if index.isdigit() else f" ({index})"
    return " › ".join(titles)
