"""The manifest: one YAML file per dataset version holding the four MIFA modules."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .annotations import AnnotationSet
from .base import MifaModel, recommended
from .images import ImageLevel
from .study import Study
from .version import Version


class Manifest(MifaModel):
    """A MIFA manifest for one version of one dataset."""

    study: Study
    """Study-level metadata (MIFA): application, people, publications, licence."""
    images: ImageLevel | None = recommended()
    """Image-level metadata (REMBI): organism, preparation, imaging method, files."""
    annotations: list[AnnotationSet] = Field(min_length=1)
    """One or more annotation sets (MIFA Table 1)."""
    version: Version
    """Versioning metadata: label, timestamp, previous version, changes, preserved credit."""
    config: dict[str, Any] = Field(default_factory=dict)
    """Free-form extension data under tool-named keys, e.g. config.bia; never validated."""

    @property
    def image_licence(self) -> str:
        """SPDX id covering the images."""
        return (self.images.license if self.images and self.images.license else None) \
            or self.study.license

    @property
    def annotation_licences(self) -> list[str]:
        """SPDX ids covering the annotation sets, one per distinct licence."""
        return list(dict.fromkeys(a.license or self.study.license for a in self.annotations))
