"""The catalogue: every dataset folder, its version chain, and rules across files.

Layout: `datasets/<dataset-id>/<version>.yaml`. The dataset id is the folder
name. Within a folder the versions form one chain through
`version.previous_version`; timestamps increase along it, and nobody credited
in a version disappears from the next (MIFA: preserve the original credit).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from .discovery import (  # display_name and manifest_files are also this module's, as before
    dataset_folders,
    folder_problems,
    root_problems,
)
from .discovery import display_name as display_name
from .discovery import manifest_files as manifest_files
from .loader import LoadedManifest, load_manifest
from .manifest_store import ManifestStore
from .model import Manifest
from .names import dataset_id_problem, folded
from .people import credited_keys, mentions, name_key
from .problems import Problem, Report, Severity


@dataclass
class Dataset:
    """One dataset folder: its id and its versions, oldest first along the chain."""

    id: str
    folder: Path
    versions: list[LoadedManifest] = field(default_factory=list)

    @property
    def manifests(self) -> list[Manifest]:
        """Valid manifests, oldest first."""
        return [v.manifest for v in self.versions if v.manifest is not None]

    @property
    def latest(self) -> Manifest | None:
        valid = self.manifests
        return valid[-1] if valid else None

    @property
    def fingerprint(self) -> str:
        """Changes whenever any version file of the dataset changes."""
        digests = sorted(f"{v.path.name}:{v.document.digest if v.document else ''}" for v in self.versions)
        return hashlib.sha256("\n".join(digests).encode()).hexdigest()


@dataclass
class Catalogue:
    """Every dataset found under a root, and the report of validating them."""

    root: Path
    datasets: list[Dataset]
    report: Report


def load_dataset(folder: Path) -> tuple[Dataset, list[Problem]]:
    """Load every version in a dataset folder and check the rules that link them."""
    return assemble_dataset(folder, [load_manifest(p, display_name=display_name(p))
                                     for p in manifest_files(folder)])


def assemble_dataset(folder: Path, loaded: list[LoadedManifest]) -> tuple[Dataset, list[Problem]]:
    """A dataset from its loaded version files, with the rules that link them checked."""
    dataset = Dataset(folder.name, folder)
    problems: list[Problem] = []
    for item in loaded:
        problems.extend(item.problems)
    problems.extend(folder_problems(folder, len(loaded)))
    first_file = loaded[0].file if loaded else display_name(folder)
    refused = dataset_id_problem(folder.name)
    if refused is not None:
        reason, hint = refused
        problems.append(Problem(first_file, 1, 1, "", Severity.ERROR,
                                f"the dataset folder '{folder.name}' {reason}", f"rename the folder: {hint}"))
    problems.extend(_file_name_rules(loaded))
    dataset.versions, chain_problems = _order_chain(loaded)
    problems.extend(chain_problems)
    problems.extend(_comparison_page_rules(dataset.versions))
    problems.extend(_credit_rules(dataset.versions))
    return dataset, problems


def _file_name_rules(loaded: list[LoadedManifest]) -> Iterable[Problem]:
    labels: dict[str, LoadedManifest] = {}
    for item in loaded:
        if item.version is None or item.document is None:
            continue
        label = item.version.version
        if item.path.stem != label:
            yield item.document.problem(
                ("version", "version"),
                f"the version label '{label}' does not match the file name '{item.path.name}'",
                f"rename the file to {label}.yaml, or set `version: \"{item.path.stem}\"`")
        first = labels.get(folded(label))
        first_label = first.version.version if first is not None and first.version is not None else label
        if first is not None and first_label == label:
            yield item.document.problem(("version", "version"),
                                        f"version '{label}' is also defined in {first.file}",
                                        "give each version its own label")
        elif first is not None:
            yield item.document.problem(
                ("version", "version"),
                f"the version label '{label}' differs from '{first_label}' ({first.file}) only in letter "
                "case: on macOS and Windows their files and pages are the same",
                "give each version a label that differs in more than letter case")
        labels.setdefault(folded(label), item)


def _comparison_page_rules(versions: list[LoadedManifest]) -> Iterable[Problem]:
    """The pages comparing consecutive versions live at changes/<older>-to-<newer>/: labels
    that contain '-to-' can give two comparisons one address."""
    labels = [v for v in versions if v.version is not None and v.document is not None]
    seen: dict[str, tuple[str, str]] = {}
    for older, newer in pairwise(labels):
        assert older.version is not None and newer.version is not None and newer.document is not None
        pair = (older.version.version, newer.version.version)
        address = folded(f"{pair[0]}-to-{pair[1]}")
        if address in seen:
            other = seen[address]
            yield newer.document.problem(
                ("version", "version"),
                f"the page comparing versions '{pair[0]}' and '{pair[1]}' would have the same address "
                f"as the one comparing '{other[0]}' and '{other[1]}' (changes/{pair[0]}-to-{pair[1]}/)",
                "choose labels without '-to-' in them, e.g. \"1.1\" or \"v2.0\"")
        seen.setdefault(address, pair)


def _order_chain(loaded: list[LoadedManifest]) -> tuple[list[LoadedManifest], list[Problem]]:
    """Order versions along previous_version links; report breaks, forks and time travel."""
    problems: list[Problem] = []
    with_version = [v for v in loaded if v.version is not None and v.document is not None]
    by_label = {v.version.version: v for v in with_version if v.version}
    followers: dict[str, list[LoadedManifest]] = defaultdict(list)
    roots: list[LoadedManifest] = []
    for item in with_version:
        assert item.version is not None and item.document is not None
        prev = item.version.previous_version
        if prev and not item.version.previous_is_external:
            if prev not in by_label:
                known = ", ".join(sorted(by_label)) or "none"
                problems.append(item.document.problem(
                    ("version", "previous_version"),
                    f"previous_version '{prev}' is not a version of this dataset",
                    f"name one of the versions in this folder ({known}), or give a URL for "
                    "history from before the catalogue"))
                continue
            earlier = by_label[prev]
            assert earlier.version is not None
            if earlier is item:
                problems.append(item.document.problem(("version", "previous_version"),
                                                      "a version cannot be its own previous version",
                                                      "name the version this one replaces"))
                roots.append(item)
                continue
            if item.version.timestamp <= earlier.version.timestamp:
                problems.append(item.document.problem(
                    ("version", "timestamp"),
                    f"the timestamp {item.version.timestamp.isoformat()} is not later than that of "
                    f"version '{prev}' ({earlier.version.timestamp.isoformat()})",
                    "a new version must be made after the one it follows"))
            followers[prev].append(item)
        else:
            roots.append(item)
    roots.sort(key=lambda v: (v.version.timestamp if v.version else None, v.file))
    for extra in roots[1:]:
        assert extra.version is not None and extra.document is not None
        if roots[0].version is not None and extra.version.version == roots[0].version.version:
            continue  # the same label twice: reported once, by _file_name_rules
        problems.append(extra.document.problem(
            ("version", "previous_version"),
            f"version '{extra.version.version}' does not follow any version, but this dataset "
            f"already starts with '{roots[0].version.version if roots[0].version else '?'}'",
            "set previous_version to the label of the latest version"))
    for label, items in followers.items():
        items.sort(key=lambda v: (v.version.timestamp if v.version else None, v.file))
        for extra in items[1:]:
            assert extra.document is not None
            problems.append(extra.document.problem(
                ("version", "previous_version"),
                f"version '{label}' already has a next version ({items[0].file})",
                "a new version must follow the latest one: set previous_version to it"))
    ordered: list[LoadedManifest] = []
    queue = list(roots)
    while queue:
        current = queue.pop(0)
        if current in ordered:
            continue
        ordered.append(current)
        if current.version is not None:
            queue.extend(followers.get(current.version.version, []))
    problems.extend(_cycles([v for v in with_version if v not in ordered], by_label))
    ordered += [v for v in loaded if v not in ordered]
    return ordered, problems


def _cycles(unreached: list[LoadedManifest], by_label: dict[str, LoadedManifest]) -> Iterable[Problem]:
    """One error per loop of previous_version links (versions no chain start leads to)."""
    reported: set[frozenset[str]] = set()
    for item in unreached:
        path: list[LoadedManifest] = []
        current: LoadedManifest | None = item
        while current is not None and current not in path and current.version is not None:
            path.append(current)
            current = by_label.get(current.version.previous_version or "")
        if current is None or current not in path:
            continue
        loop = path[path.index(current):]
        labels = [v.version.version for v in reversed(loop) if v.version is not None]
        if frozenset(labels) in reported:
            continue
        reported.add(frozenset(labels))
        first = min(loop, key=lambda v: (v.version.timestamp if v.version else None, v.file))
        assert first.document is not None and first.version is not None
        start = labels.index(first.version.version)
        shown = labels[start:] + labels[:start] + [first.version.version]
        yield first.document.problem(
            ("version", "previous_version"),
            f"previous_version links go round in a circle: {' -> '.join(shown)}",
            "the first version has no previous_version; each later one names the version before it")


def _credit_rules(versions: list[LoadedManifest]) -> Iterable[Problem]:
    """Nobody credited in a version may vanish from the version that follows it."""
    by_label = {v.version.version: v for v in versions if v.version is not None}
    for item in versions:
        if item.manifest is None or item.document is None or item.version is None:
            continue
        prev = by_label.get(item.version.previous_version or "")
        if prev is None or prev.manifest is None:
            continue
        credited = credited_keys(item.manifest)
        dropped: dict[str, str] = {}
        for mention in mentions(prev.manifest):
            # By ORCID or by name, so adding, removing or correcting an iD keeps the credit;
            # names keep the letters of every script (people.name_key): 李四 does not stand for 王小明.
            if mention.key in credited or mention.name_key in credited:
                continue
            dropped.setdefault(mention.key, mention.full_name)
        if dropped:
            names = ", ".join(sorted(dropped.values()))
            yield item.document.problem(
                ("version", "preserved_credit"),
                f"credit from version '{prev.version.version if prev.version else '?'}' is dropped: "
                f"{names}",
                "keep them as authors or annotators, or list them under "
                "version.preserved_credit with the version they contributed to")


def _orcid_name_rules(datasets: list[Dataset]) -> Iterable[Problem]:
    """The same ORCID under different names is probably a typo in one of them."""
    first_seen: dict[str, tuple[str, str]] = {}
    for dataset in datasets:
        for item in dataset.versions:
            if item.manifest is None or item.document is None:
                continue
            for mention in mentions(item.manifest):
                if not mention.orcid:
                    continue
                key = name_key(mention.first_name, mention.last_name)
                if mention.orcid not in first_seen:
                    first_seen[mention.orcid] = (key, f"{mention.full_name} in {item.file}")
                elif first_seen[mention.orcid][0] != key:
                    yield item.document.problem(
                        (*mention.path, "orcid_id"),
                        f"ORCID {mention.orcid} is given for {mention.full_name}, but also for "
                        f"{first_seen[mention.orcid][1]}",
                        "check the ORCID iD and use the same spelling of the name everywhere",
                        severity=Severity.WARNING)


def load_catalogue(root: Path, *, only: Iterable[Path] | None = None,
                   store: ManifestStore | None = None) -> Catalogue:
    """Load and check a whole catalogue (or only some of its dataset folders).

    Files load through `store` (in parallel, and from its cache when it has one)."""
    report = Report()
    if only is None:
        report.extend(root_problems(root))
    folders = sorted(set(only)) if only is not None else dataset_folders(root)
    files = {folder: manifest_files(folder) for folder in folders}
    loaded = iter((store or ManifestStore()).load([(p, display_name(p)) for folder in folders
                                                   for p in files[folder]]))
    datasets = []
    for folder in folders:
        dataset, problems = assemble_dataset(folder, [next(loaded) for _ in files[folder]])
        report.files_checked += len(dataset.versions)
        report.extend(problems)
        datasets.append(dataset)
    report.extend(_orcid_name_rules(datasets))
    return Catalogue(root, datasets, report)
