"""Import the BioImage Archive's three-file MIFA form (Study, Annotations, Version).

Upstream keys are the catalogue's keys (mifa-model.md), so the import is a
merge plus normalisation: identifiers, licences and annotation types come out
canonical. E-mail addresses are dropped unless asked for: manifests live in a
public repository, and the guidelines treat addresses as contact data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..checks import check_document
from ..errors import validation_problems
from ..model import AnnotationSet, Manifest, Study, Version
from ..problems import Problem, Severity
from ..yaml_loader import YamlDocument, load_yaml

_ACCESSION = re.compile(r"(S-B[A-Z]+\d+|EMPIAR-\d+)")
BIA_STUDY_URL = "https://www.ebi.ac.uk/biostudies/bioimages/studies/{accession}"


@dataclass
class ImportResult:
    """The merged manifest (None if a part could not be read) and every problem found."""

    manifest: Manifest | None
    data: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _validate_part(doc: YamlDocument, model: type[BaseModel]) -> list[Problem]:
    problems = check_document(doc, model)
    try:
        model.model_validate(doc.data)
    except ValidationError as exc:
        problems = validation_problems(doc, exc, model) + problems
    return problems


def _drop_emails(people: Any) -> int:
    dropped = 0
    for person in people if isinstance(people, list) else []:
        if isinstance(person, dict) and person.pop("email", None) is not None:
            dropped += 1
    return dropped


def import_bia(study: Path, annotations: Path, version: Path | None = None, *,
               keep_emails: bool = False, version_label: str = "1.0",
               now: datetime | None = None) -> ImportResult:
    """Merge the upstream files into one manifest, reporting problems against each file."""
    parts: dict[str, YamlDocument] = {}
    problems: list[Problem] = []
    for key, path in (("study", study), ("annotations", annotations), ("version", version)):
        if path is None:
            continue
        doc, load_problems = load_yaml(path)
        problems.extend(load_problems)
        if doc is not None:
            parts[key] = doc
    if problems or "study" not in parts or "annotations" not in parts:
        return ImportResult(None, None, problems)
    result = ImportResult(None, None)
    study_data = dict(parts["study"].data)
    match = _ACCESSION.search(study.name)
    if match and "accession" not in study_data:
        study_data["accession"] = match.group(1)
        study_data.setdefault("data_url", BIA_STUDY_URL.format(accession=match.group(1)))
        parts["study"].data = study_data
    for key, model in (("study", Study), ("annotations", AnnotationSet), ("version", Version)):
        if key in parts:
            result.problems.extend(_validate_part(parts[key], model))
    annotation_data = dict(parts["annotations"].data)
    if "version" in parts:
        version_data = dict(parts["version"].data)
    else:
        stamp = (now or datetime.now(UTC)).replace(microsecond=0)
        version_data = {"version": version_label, "timestamp": stamp.isoformat()}
        result.notes.append(f"no Version file: wrote version {version_label} dated {stamp.isoformat()}")
    if not keep_emails:
        dropped = _drop_emails(study_data.get("authors")) + _drop_emails(annotation_data.get("authors"))
        if dropped:
            result.notes.append(f"dropped {dropped} e-mail addresses (use --keep-emails to keep them)")
    result.data = {"study": study_data, "annotations": [annotation_data], "version": version_data}
    try:
        result.manifest = Manifest.model_validate(result.data)
    except ValidationError as exc:
        if not any(p.severity is Severity.ERROR for p in result.problems):
            result.problems.extend(validation_problems(YamlDocument("<merged manifest>", result.data),
                                                       exc))
    return result
