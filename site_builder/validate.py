"""Validate whatever paths a user names: files, dataset folders or a whole catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .catalogue import (
    MANIFEST_SUFFIXES,
    Catalogue,
    dataset_folders,
    display_name,
    load_catalogue,
    manifest_files,
)
from .diff import VersionDiff
from .loader import load_manifest
from .manifest_store import ManifestStore
from .problems import Problem, Report, Severity


def _is_dataset_folder(path: Path) -> bool:
    return any(p.suffix in MANIFEST_SUFFIXES for p in path.iterdir() if p.is_file())


def _in_catalogue(path: Path) -> bool:
    """A manifest inside `datasets/<id>/` is checked together with its sibling versions."""
    return path.resolve().parent.parent.name == "datasets"


def validate_paths(paths: Iterable[Path], *, cache: Path | None = None) -> Report:
    """Validate manifests and the rules between them; never raises for bad input.

    A folder of dataset folders is a catalogue; a folder under `datasets/`, or a
    manifest in one, is checked with its sibling versions; anything else alone.
    With `cache`, files in dataset folders whose bytes are unchanged are not parsed again.
    """
    report = Report()
    folders: set[Path] = set()
    standalone: list[Path] = []
    for path in paths:
        if not path.exists():
            report.add(Problem(str(path), 1, 1, "", Severity.ERROR, "no such file or folder",
                               "give a manifest file, a dataset folder or the datasets/ folder"))
        elif path.is_dir() and not _is_dataset_folder(path):
            folders.update(dataset_folders(path))
        elif path.is_dir() and path.resolve().parent.name == "datasets":
            folders.add(path)
        elif path.is_dir():  # loose manifests, not a catalogue: no rules between them
            standalone.extend(p for p in manifest_files(path))
        elif _in_catalogue(path):
            folders.add(path.parent)
        else:
            standalone.append(path)
    for path in standalone:
        loaded = load_manifest(path, display_name=display_name(path))
        report.files_checked += 1
        report.extend(loaded.problems)
    if folders:
        catalogue = load_catalogue(Path("."), only=folders, store=ManifestStore(cache))
        report.files_checked += catalogue.report.files_checked
        report.extend(catalogue.report.problems)
        report.extend(_zoo_problems(catalogue))
    return report


def _zoo_problems(catalogue: Catalogue) -> list[Problem]:
    """Model-zoo references checked against the catalogue's snapshot (a warning if there is none)."""
    from .settings import DEFAULT_SETTINGS, load_settings
    from .zoo.links import link_datasets, open_snapshot

    settings, _ = load_settings(DEFAULT_SETTINGS)
    if settings is None:
        return []
    snapshot, _notes = open_snapshot(DEFAULT_SETTINGS.parent / settings.model_zoo.snapshot)
    return link_datasets(catalogue.datasets, snapshot)[1]


def dataset_folders_in(paths: Iterable[Path]) -> list[Path]:
    """The dataset folders that validating `paths` checks with their version chains."""
    folders: set[Path] = set()
    for path in paths:
        if path.is_dir() and not _is_dataset_folder(path):
            folders.update(dataset_folders(path))
        elif path.is_dir() and path.resolve().parent.name == "datasets":
            folders.add(path)
        elif path.is_file() and _in_catalogue(path):
            folders.add(path.parent)
    return sorted(folders)


def new_version_diffs(folders: Iterable[Path]) -> list[tuple[str, VersionDiff]]:
    """For each dataset folder, what its newest version changes from the one it follows."""
    from .catalogue import load_dataset
    from .diff import diff_manifests

    diffs = []
    for folder in folders:
        dataset, _ = load_dataset(folder)
        versions = dataset.manifests
        if len(versions) >= 2 and versions[-1].version.previous_version == versions[-2].version.version:
            diffs.append((dataset.id, diff_manifests(versions[-2], versions[-1])))
    return diffs
