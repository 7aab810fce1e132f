"""The catalogue's own settings, read from `catalogue/catalogue.yaml`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from .errors import validation_problems
from .model.base import MifaModel
from .model.types import Url
from .problems import Problem
from .yaml_loader import load_yaml

DEFAULT_SETTINGS = Path(__file__).resolve().parent.parent / "catalogue" / "catalogue.yaml"


class Maintainer(MifaModel):
    """A person or team who looks after the catalogue."""

    name: str
    """Display name."""
    github: str | None = Field(default=None, pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
    """GitHub user or organisation name."""


class ModelZoo(MifaModel):
    """Where the BioImage Model Zoo collection is read from, and where its snapshot is kept."""

    source: str = "https://bioimage-io.github.io/collection"
    """Base URL of the collection's static index and reports (or a local mirror folder)."""
    snapshot: str = "bioimageio-snapshot.json"
    """Snapshot file, relative to the catalogue folder; builds read only this file."""


class Settings(MifaModel):
    """Site-wide settings: title, description, address, repository, maintainers."""

    title: str = "MIFA Catalogue"
    """Site title."""
    description: str = ""
    """One paragraph saying what the catalogue is."""
    base_url: Url = "https://example.org/"
    """Address the site is published at, with a trailing slash."""
    repository: Url | None = None
    """The catalogue's git repository (https://github.com/owner/name)."""
    maintainers: list[Maintainer] = Field(default_factory=list)
    """Who looks after the catalogue."""
    model_zoo: ModelZoo = Field(default_factory=ModelZoo)
    """The BioImage Model Zoo index: source and snapshot."""


def load_settings(path: Path = DEFAULT_SETTINGS) -> tuple[Settings | None, list[Problem]]:
    """Read the settings file; defaults when it does not exist, problems when it is wrong."""
    if not path.exists():
        return Settings(), []
    doc, problems = load_yaml(path)
    if doc is None:
        return None, problems
    try:
        return Settings.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_problems(doc, exc, Settings)
