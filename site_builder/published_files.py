"""Files of published versions cannot change: the pull-request rule for everything beside the manifests.

A published version is a citable record, and its example images, stores, annotation files
and samples are part of it: replacing one changes what the version shows without a new
version saying so. The rule is simple on purpose: every file that the base branch has in
a published dataset's folder is published. Which files a manifest refers to decides only
where the error is shown: on the line of the newest published version that names the file
(or a folder holding it), else on the file itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .problems import Path_, Problem, Severity, format_path
from .yaml_loader import parse_yaml

MAX_PROBLEMS_PER_DATASET = 20
"""Problems shown for one dataset's files before the rest are counted in one more: replacing a
store or 40,000 annotation files must not make 40,000 problems."""


@dataclass(frozen=True)
class FileChange:
    """A published file changed by the pull request."""

    dataset: str
    inner: str
    """Its path inside the dataset folder."""
    verb: str
    """What happened to it: "modified", "deleted" or "moved"."""


@dataclass(frozen=True)
class PublishedVersion:
    """One version manifest as the base branch has it."""

    name: str
    """Its file name in the dataset folder."""
    label: str
    timestamp: float
    raw: bytes


@dataclass(frozen=True)
class _Reference:
    version: PublishedVersion
    target: str
    """The path it names, normalised: relative to the dataset folder, '/'-separated."""
    where: Path_
    line: int
    column: int


def as_dataset_path(value: str) -> str | None:
    """A manifest value as a path inside the dataset folder, or None when it cannot be one."""
    text = value.strip().replace("\\", "/")
    if not text or len(text) > 4096 or "://" in text or text.startswith("/"):
        return None
    parts = [part for part in text.split("/") if part not in ("", ".")]
    return "/".join(parts) if parts and ".." not in parts else None


def _strings(data: Any, where: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, str):
        yield where, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*where, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*where, index))


def _references(versions: list[PublishedVersion]) -> dict[str, list[_Reference]]:
    """Path named in a manifest -> where each published version names it."""
    found: dict[str, list[_Reference]] = defaultdict(list)
    for version in versions:
        doc, _problems = parse_yaml(version.raw, version.name)
        if doc is None:
            continue
        for where, value in _strings(doc.data):
            target = as_dataset_path(value)
            if target is not None:
                mark = doc.locate(where)
                found[target].append(_Reference(version, target, where, mark.line, mark.column))
    return found


def _named_by(inner: str, references: dict[str, list[_Reference]]) -> _Reference | None:
    """The reference to `inner` or its nearest folder, from the newest version that has one."""
    parts = inner.split("/")
    for end in range(len(parts), 0, -1):
        candidates = references.get("/".join(parts[:end]))
        if candidates:
            return max(candidates, key=lambda r: (r.version.timestamp, r.version.name))
    return None


def _in_order(key: tuple[str, Path_]) -> tuple[str, list[tuple[int, int, str]]]:
    """Manifest, then place in it (list positions by number, keys by name)."""
    return key[0], [(0, part, "") if isinstance(part, int) else (1, 0, part) for part in key[1]]


def _renamed(path: str, suffix: str) -> str:
    """`samples/cells.ome.zarr` -> `samples/cells-<suffix>.ome.zarr`: a name for the new file."""
    pure = PurePosixPath(path)
    stem, dot, rest = pure.name.partition(".")
    name = f"{stem}-{suffix}{dot}{rest}"
    return name if pure.parent == PurePosixPath(".") else f"{pure.parent}/{name}"


def published_file_problems(changes: list[FileChange], versions: Callable[[str], list[PublishedVersion]],
                            latest: Callable[[str], str | None], ref: str, folder: Callable[[str], str],
                            next_label: Callable[[str], str]) -> list[Problem]:
    """One error per published file (or per referenced folder, e.g. a store) the changes touch.

    `versions(dataset)` are its published manifests, `latest(dataset)` its newest label,
    `folder(dataset)` its folder as reports name it."""
    by_dataset: dict[str, list[FileChange]] = defaultdict(list)
    for change in changes:
        by_dataset[change.dataset].append(change)
    problems: list[Problem] = []
    for dataset, touched in sorted(by_dataset.items()):
        references = _references(versions(dataset))
        groups: dict[tuple[str, Path_], list[FileChange]] = defaultdict(list)
        named: dict[tuple[str, Path_], _Reference | None] = {}
        for change in sorted(touched, key=lambda c: c.inner):
            reference = _named_by(change.inner, references)
            key = ((reference.version.name, reference.where) if reference is not None
                   else ("", (change.inner.split("/")[0],)))
            groups[key].append(change)
            named[key] = reference
        last = latest(dataset) or "1.0"
        shown = folder(dataset)
        ordered = sorted(groups, key=_in_order)
        for key in ordered[:MAX_PROBLEMS_PER_DATASET]:
            problems.append(_problem(dataset, shown, groups[key], named[key], ref, last, next_label(last)))
        rest = [change for key in ordered[MAX_PROBLEMS_PER_DATASET:] for change in groups[key]]
        if rest:
            problems.append(Problem(
                f"{shown}/{rest[0].inner}", 1, 1, "", Severity.ERROR,
                f"{len(rest)} more published files of '{dataset}' were changed, e.g. {rest[0].inner} "
                f"was {rest[0].verb}",
                f"restore them (git checkout {ref} -- {shown}); files of published versions stay as "
                "they are"))
    return problems


def _problem(dataset: str, shown: str, changes: list[FileChange], reference: _Reference | None, ref: str,
             latest: str, following: str) -> Problem:
    first = changes[0]
    one = len(changes) == 1
    ending = (f"and cannot be {first.verb}" if one
              else f"and cannot be changed (e.g. {first.inner} was {first.verb})")
    new_version = f"{shown}/{following}.yaml with `previous_version: \"{latest}\"`"
    if reference is None:
        top = first.inner.split("/")[0]
        restore = f"{shown}/{first.inner if one else top}"
        subject = (f"{first.inner} is a published file of '{dataset}'" if one
                   else f"{len(changes)} files under {top} are published files of '{dataset}'")
        return Problem(f"{shown}/{first.inner}", 1, 1, "", Severity.ERROR, f"{subject} {ending}",
                       f"restore {'it' if one else 'them'} (git checkout {ref} -- {restore}); files of "
                       "published versions stay as they are: add a changed file under a new name, with a new "
                       f"version ({new_version})")
    used = f"used by published version {reference.version.label} of '{dataset}'"
    if one and first.inner == reference.target:
        subject = f"{first.inner} is {used}"
    elif one:
        subject = f"{first.inner} (in {reference.target}) is {used}"
    else:
        subject = f"{len(changes)} files of {reference.target} are {used}"
    restore = f"{shown}/{reference.target}"
    return Problem(f"{shown}/{reference.version.name}", reference.line, reference.column,
                   format_path(reference.where), Severity.ERROR, f"{subject} {ending}",
                   f"restore {restore} (git checkout {ref} -- {restore}); to show a different file, add it "
                   f"under a new name (e.g. {_renamed(reference.target, following)}) and a new version that "
                   f"refers to it: {new_version}")
