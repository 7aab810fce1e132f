"""MIFA Catalogue: manifests -> validated models -> catalogue -> static site.

The public API is what this module re-exports; the core (loading, model,
catalogue) knows nothing of HTML or the command line.
"""

from .catalogue import Catalogue, Dataset, load_catalogue
from .loader import LoadedManifest, load_manifest, validate_text
from .model import Manifest
from .problems import Problem, Report, Severity
from .validate import validate_paths

__all__ = [
    "Catalogue", "Dataset", "LoadedManifest", "Manifest", "Problem", "Report", "Severity",
    "load_catalogue", "load_manifest", "validate_paths", "validate_text",
]
