"""Validate whatever paths a user names: files, dataset folders or a whole catalogue."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .catalogue import Catalogue, load_catalogue
from .diff import VersionDiff
from .discovery import (
    MANIFEST_SUFFIXES,
    dataset_folders,
    display_name,
    entry_problems,
    manifest_files,
    meant_as_manifest,
    root_problems,
)
from .git_tracked import tracked_cache
from .loader import load_manifest
from .manifest_store import ManifestStore
from .problems import Problem, Report, Severity
from .regular_files import NotRegularFile, kind_of

_PATH_HINT = "give a manifest file, a dataset folder or the datasets/ folder"


def _is_loose_folder(path: Path) -> bool:
    """A folder of manifests (or of files meant as manifests) that is not a catalogue."""
    if path.resolve().name == "datasets":
        return False
    try:
        return any(p.is_file() and (p.suffix in MANIFEST_SUFFIXES or meant_as_manifest(p.name))
                   for p in path.iterdir())
    except OSError:  # unreadable: entry_problems says so
        return True


def _in_catalogue(path: Path) -> bool:
    """A manifest inside `datasets/<id>/` is checked together with its sibling versions."""
    return path.resolve().parent.parent.name == "datasets"


def _is_dataset_folder(path: Path) -> bool:
    return path.resolve().parent.name == "datasets"


def unusable(path: Path) -> Problem | None:
    """Why a path named on the command line cannot be validated, or None for a file or folder.

    Looked at, never opened: a FIFO would block, a device would never end."""
    def problem(message: str) -> Problem:
        return Problem(str(path), 1, 1, "", Severity.ERROR, message, _PATH_HINT)

    if not os.path.lexists(path):
        return problem("no such file or folder")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return problem(f"'{path.name}' is a symbolic link to a file that does not exist")
    except OSError as exc:
        return problem(f"'{path.name}' cannot be read: {exc.strerror or exc}")
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = NotRegularFile(kind_of(mode), linked=path.is_symlink())
    return problem(f"{kind.describe(path.name)}, not a manifest file or a folder; it is not read")


def validate_paths(paths: Iterable[Path], *, cache: Path | None = None) -> Report:
    """Validate manifests and the rules between them; never raises for bad input.

    A folder of dataset folders is a catalogue; a folder under `datasets/`, or a
    manifest in one, is checked with its sibling versions; anything else alone.
    A path that is neither a file nor a folder (a FIFO, a device) is an error, never opened.
    With `cache`, files in dataset folders whose bytes are unchanged are not parsed again.
    """
    report = Report()
    folders: set[Path] = set()
    standalone: list[Path] = []
    for path in paths:
        refused = unusable(path)
        if refused is not None:
            report.add(refused)
        elif path.is_dir() and _is_dataset_folder(path):
            folders.add(path)
        elif path.is_dir() and _is_loose_folder(path):  # manifests, but no version chains
            standalone.extend(manifest_files(path))
            report.extend(entry_problems(path))
        elif path.is_dir():
            found = dataset_folders(path)
            folders.update(found)
            problems = root_problems(path)
            report.extend(problems)
            if not found and not problems:
                report.add(Problem(str(path), 1, 1, "", Severity.WARNING,
                                   f"'{path}' holds no dataset folder and no manifest; nothing was checked",
                                   _PATH_HINT))
        elif _in_catalogue(path):
            folders.add(path.parent)
        else:
            standalone.append(path)
    for path in standalone:
        loaded = load_manifest(path, display_name=display_name(path))
        report.files_checked += 1
        report.extend(loaded.problems)
    if folders:
        planted = tracked_cache(cache) if cache is not None else []  # came with the checkout: not read
        report.extend(planted)
        store = ManifestStore(None if planted else cache)
        catalogue = load_catalogue(Path("."), only=folders, store=store)
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
        if unusable(path) is not None:
            continue
        if path.is_dir() and _is_dataset_folder(path):
            folders.add(path)
        elif path.is_dir() and not _is_loose_folder(path):
            folders.update(dataset_folders(path))
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
