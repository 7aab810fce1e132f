"""Machine-readable outputs of the site: JSON API, JSON-LD, Croissant, citations, feeds.

Pure functions: they return bytes, text or dicts and never touch files or the clock.
"""

from .api import api_files, dataset_api_files, dataset_api_paths, public_manifest
from .citations import bibtex, citation_cff, ris
from .croissant import croissant
from .feeds import atom_feed, robots, sitemap
from .jsonld import dataset_jsonld

__all__ = [
    "api_files", "atom_feed", "bibtex", "citation_cff", "croissant", "dataset_api_files", "dataset_api_paths",
    "dataset_jsonld",
    "public_manifest",
    "ris", "robots", "sitemap",
]
