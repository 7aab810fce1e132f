"""Datasets <-> BioImage Model Zoo models, in both directions, checked against the snapshot.

A manifest lists models in `study.ai_models_trained` and may give its own
`study.bioimageio_id`; a zoo model names its training data. References in our
manifests are warnings or errors (they are ours to fix); references inside zoo
files are reported, never fatal. Without a snapshot nothing can be checked, which
is a warning, not a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import Dataset
from ..licences import licence_info
from ..problems import Problem, Severity
from .resolver import Resolution, Resolver, is_zoo_reference
from .snapshot import Snapshot, ZooItem, load_snapshot


@dataclass(frozen=True)
class ModelLink:
    """One model shown on a dataset page."""

    reference: str
    item: ZooItem | None
    """The zoo model, or None for an external link (e.g. a code repository)."""
    listed: bool
    """Listed in the manifest; False for a backlink found in the model's training_data."""
    note: str = ""


@dataclass
class ZooLinks:
    """Everything pages need: models per dataset, and datasets per model."""

    snapshot: Snapshot | None
    models: dict[str, list[ModelLink]] = field(default_factory=dict)
    datasets_of_model: dict[str, list[str]] = field(default_factory=dict)


def open_snapshot(path: Path) -> tuple[Snapshot | None, list[str]]:
    """The snapshot, or None with the reason (missing or unreadable)."""
    try:
        snapshot = load_snapshot(path)
    except ValueError as exc:
        return None, [f"the model-zoo snapshot {path.name} cannot be read: {exc}"]
    if snapshot is None:
        return None, [f"no model-zoo snapshot at {path}: model references were not checked "
                      "(run `mifa zoo sync`)"]
    return snapshot, []


def _problem(dataset: Dataset, path: tuple[str | int, ...], severity: Severity, message: str,
             hint: str) -> Problem | None:
    latest = next((v for v in reversed(dataset.versions) if v.document is not None), None)
    if latest is None or latest.document is None:
        return None
    return latest.document.problem(path, message, hint, severity=severity)


def _reference_problem(dataset: Dataset, path: tuple[str | int, ...], resolution: Resolution,
                       expected: str) -> Problem | None:
    ref = resolution.reference
    if resolution.kind in ("nickname", "alias", "external") and not resolution.wrong_type:
        return None
    if resolution.wrong_type and resolution.item is not None:
        return _problem(dataset, path, Severity.WARNING,
                        f"'{ref}' is a {resolution.item.type} in the BioImage Model Zoo, not a {expected}",
                        f"list a {expected} here")
    if resolution.kind == "case" and resolution.item is not None:
        return _problem(dataset, path, Severity.WARNING, f"'{ref}': {resolution.note}",
                        f"write '{resolution.item.id}'")
    if resolution.kind == "placeholder":
        return _problem(dataset, path, Severity.WARNING, f"'{ref}' is a placeholder, not a {expected}",
                        "remove it, or give the bioimage.io id")
    suggestion = (f"; did you mean '{resolution.suggestions[0]}'?" if resolution.suggestions else "")
    what = "matches several" if resolution.kind == "ambiguous" else "matches no"
    return _problem(dataset, path, Severity.ERROR,
                    f"'{ref}' {what} {expected} in the BioImage Model Zoo snapshot{suggestion}",
                    "give a bioimage.io id (e.g. affable-shark), its DOI or its bioimage.io URL; "
                    "run `mifa zoo sync` if the model is new")


def link_datasets(datasets: list[Dataset], snapshot: Snapshot | None) -> tuple[ZooLinks, list[Problem]]:
    """Model links of every dataset's latest version, and the problems with them."""
    links = ZooLinks(snapshot)
    problems: list[Problem] = []
    resolver = Resolver(snapshot) if snapshot is not None else None
    backlinks = resolver.backlinks() if resolver is not None else {}
    for dataset in datasets:
        manifest = dataset.latest
        if manifest is None:
            continue
        study, shown = manifest.study, []
        for index, reference in enumerate(study.ai_models_trained):
            if not is_zoo_reference(reference):
                shown.append(ModelLink(reference, None, True))
                continue
            if resolver is None:
                shown.append(ModelLink(reference, None, True, "not checked: no model-zoo snapshot"))
                problem = _problem(dataset, ("study", "ai_models_trained", index), Severity.WARNING,
                                   f"'{reference}' was not checked: there is no BioImage Model Zoo snapshot",
                                   "run `mifa zoo sync` (or ask a maintainer) to check model references")
                if problem is not None:
                    problems.append(problem)
                continue
            resolution = resolver.resolve(reference, expected_type="model")
            problem = _reference_problem(dataset, ("study", "ai_models_trained", index), resolution, "model")
            if problem is not None:
                problems.append(problem)
            shown.append(ModelLink(reference, resolution.item, True, resolution.note))
        own: ZooItem | None = None
        if study.bioimageio_id and resolver is not None:
            resolution = resolver.resolve(study.bioimageio_id, expected_type="dataset")
            problem = _reference_problem(dataset, ("study", "bioimageio_id"), resolution, "dataset")
            if problem is not None:
                problems.append(problem)
            own = resolution.item
        if own is not None:
            listed = {link.item.id for link in shown if link.item is not None}
            for model, resolution in backlinks.get(own.id, []):
                if model.id not in listed:
                    shown.append(ModelLink(model.id, model, False,
                                           f"its training data is {resolution.reference}"))
        links.models[dataset.id] = shown
        for link in shown:
            if link.item is not None:
                links.datasets_of_model.setdefault(link.item.id, []).append(dataset.id)
        problems += _licence_sense(dataset, shown)
    return links, problems


def _licence_sense(dataset: Dataset, shown: list[ModelLink]) -> list[Problem]:
    """A model trained on NC/ND data inherits a restriction readers should see."""
    manifest = dataset.latest
    if manifest is None or not any(link.item is not None for link in shown):
        return []
    restricted = [spdx for spdx in dict.fromkeys([manifest.image_licence, *manifest.annotation_licences])
                  if licence_info(spdx).category in ("non-commercial", "no-derivatives")]
    found = [_problem(dataset, ("study", "ai_models_trained"), Severity.WARNING,
                      f"models are linked to data under {spdx}, whose terms may restrict using them",
                      "the dataset page shows this next to the models") for spdx in restricted]
    return [p for p in found if p is not None]
