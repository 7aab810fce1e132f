"""Versioning module: when, what changed, what came before, and whose credit is kept."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import MifaModel, recommended
from .types import LicenceId, Orcid, UriOrCurie, VersionLabel, VersionTimestamp, mifa_error


class Credit(MifaModel):
    """A person credited for an earlier version, kept when a new version is made."""

    author_first_name: str
    """Given name(s)."""
    author_last_name: str
    """Family name."""
    orcid_id: Orcid | None = recommended()
    """ORCID iD of the person."""
    role: list[str] = Field(default_factory=list)
    """What they did, e.g. data annotation."""
    version: VersionLabel | None = None
    """The version label they contributed to."""
    contribution: str | None = None
    """Their contribution in prose."""

    @property
    def full_name(self) -> str:
        return f"{self.author_first_name} {self.author_last_name}"


class OriginalImages(MifaModel):
    """Where the images came from: MIFA asks that creators, licence and link are always kept."""

    url: UriOrCurie
    """Link to the original images."""
    creators: list[str] = recommended(default=[])
    """Names of the people who created the original images."""
    license: LicenceId | None = recommended()
    """SPDX licence of the original images."""


class Version(MifaModel):
    """One version of the dataset."""

    version: VersionLabel
    """Version label, e.g. "1.1"; the manifest's file name is this label plus .yaml."""
    timestamp: VersionTimestamp
    """When this version was made, ISO 8601 with a UTC offset, e.g. 2023-03-07T14:37:00+00:00."""
    changes: str | None = None
    """What changed since the previous version (required when previous_version is set)."""
    previous_version: str | None = None
    """Label of the previous version in this folder, or a URL for history before the catalogue."""
    preserved_credit: list[Credit] = Field(default_factory=list)
    """People credited for earlier versions who are not authors of this one."""
    original_images: OriginalImages | None = None
    """Provenance of the images when they come from another source."""

    @model_validator(mode="after")
    def _changes_follow_previous(self) -> Version:
        if self.previous_version and not self.changes:
            raise mifa_error(
                "a version with a previous_version must describe its changes",
                "add `changes:` saying what changed since " + self.previous_version,
                field="changes",
            )
        return self

    @property
    def previous_is_external(self) -> bool:
        """True when the previous version lives outside the catalogue (a URL or CURIE)."""
        prev = self.previous_version or ""
        return "://" in prev or ":" in prev
