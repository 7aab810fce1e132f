"""Load one manifest file: parse, validate against the model, collect warnings.

Returns a `LoadedManifest` whatever happens; the problems list says what went
wrong. The version block is validated on its own as well, so catalogue rules
about version chains still run when some other part of the file is invalid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .checks import check_document
from .errors import validation_problems
from .model import Manifest, Version
from .problems import Path_, Problem
from .yaml_loader import YamlDocument, load_yaml, parse_yaml


@dataclass
class LoadedManifest:
    """One manifest file and everything learned from it."""

    file: str
    """The file's name as shown in reports (relative to where validation started)."""
    path: Path
    document: YamlDocument | None
    manifest: Manifest | None
    version: Version | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.manifest is not None and not any(p.severity == "error" for p in self.problems)


def _labels_as_written(doc: YamlDocument) -> Any:
    """Version labels as typed: YAML reads `version: 1.10` as the number 1.1.

    The checks stage still warns that the label should be quoted.
    """
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("version"), dict):
        return data

    def as_written(container: dict[str, Any], key: str, path: Path_) -> None:
        value = container.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and path in doc.source_text:
            container[key] = doc.source_text[path]

    version = dict(data["version"])
    as_written(version, "version", ("version", "version"))
    as_written(version, "previous_version", ("version", "previous_version"))
    credits = version.get("preserved_credit")
    if isinstance(credits, list):
        credits = [dict(c) if isinstance(c, dict) else c for c in credits]
        for index, credit in enumerate(credits):
            if isinstance(credit, dict):
                as_written(credit, "version", ("version", "preserved_credit", index, "version"))
        version["preserved_credit"] = credits
    return data | {"version": version}


def validate_document(doc: YamlDocument, path: Path) -> LoadedManifest:
    """Validate parsed YAML as a manifest, collecting errors and warnings together."""
    data = _labels_as_written(doc)
    problems: list[Problem] = []
    manifest: Manifest | None = None
    version: Version | None = None
    try:
        manifest = Manifest.model_validate(data)
        version = manifest.version
    except ValidationError as exc:
        problems.extend(validation_problems(doc, exc))
        try:
            version = Version.model_validate(data.get("version"))
        except ValidationError:
            version = None
    problems.extend(check_document(doc))
    # Later stages only locate version and people problems; raw data, source text and the
    # positions inside file records (most of a large manifest) would only take memory.
    doc.data, doc.source_text = None, {}
    doc.marks = {k: v for k, v in doc.marks.items() if "file_metadata" not in k}
    doc.key_marks = {k: v for k, v in doc.key_marks.items() if "file_metadata" not in k}
    return LoadedManifest(doc.file, path, doc, manifest, version, problems)


def load_manifest(path: Path, *, display_name: str | None = None) -> LoadedManifest:
    """Read, parse and validate one manifest file."""
    doc, problems = load_yaml(path, display_name=display_name)
    if doc is None:
        return LoadedManifest(display_name or str(path), path, None, None, None, problems)
    return validate_document(doc, path)


def validate_text(text: str | bytes, name: str = "<manifest>") -> LoadedManifest:
    """Validate manifest text held in memory (used by importers and tests)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    doc, problems = parse_yaml(raw, name)
    if doc is None:
        return LoadedManifest(name, Path(name), None, None, None, problems)
    return validate_document(doc, Path(name))
