"""`mifa version new`: start the next version of a dataset from its latest one.

A new version is a copy of the latest manifest with a new `version:` block: the next
label, `previous_version` naming the latest, a timestamp with its UTC offset, and an
empty `changes:` that validation refuses until the contributor says what changed. The
rest of the file, comments included, is copied as written, so the diff between the two
files is exactly the version block plus what the contributor then edits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from .catalogue import load_catalogue
from .discovery import MANIFEST_SUFFIXES, meant_as_manifest
from .git_changes import next_label
from .names import folded, version_label_problem
from .problems import Problem
from .regular_files import NotRegularFile, TooLarge, read_regular
from .yaml_loader import MAX_BYTES, load_yaml

_OWN_KEYS = ("version", "timestamp", "changes", "previous_version")
"""The keys of the version block that the new version writes itself."""


@dataclass
class NextVersion:
    """The new file's path and text, or the problems that stop it being written."""

    path: Path | None = None
    text: str = ""
    previous: str = ""
    problems: tuple[Problem, ...] = ()
    refusal: str = ""


def _block_end(lines: list[str], start: int) -> int:
    """The line after the top-level block starting at `start`, before comments that lead the next."""
    end = next((i for i in range(start + 1, len(lines))
                if lines[i][:1] not in ("", " ", "\t", "\n", "\r", "#")), len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return end


def _version_block(label: str, previous: str, now: datetime, kept: dict[str, Any]) -> str:
    block = (
        "version:\n"
        f'  version: "{label}"\n'
        f"  timestamp: {now.isoformat()}\n"
        f"  # Required: what changed since version {previous} (files added or removed, corrected\n"
        "  # annotations, new metadata), in a sentence or two.\n"
        "  changes:\n"
        f'  previous_version: "{previous}"\n'
    )
    if kept:  # preserved credit and provenance carry over as they were
        dumped = yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, width=100)
        block += "".join(f"  {line}\n" for line in dumped.splitlines())
    return block


def refuse_new_manifest(folder: Path, label: str) -> str:
    """Why no new manifest for `label` may be written in the dataset folder `folder`, or ''.

    The label must be one every file system and the site can hold (it cannot climb out of the
    folder), and the folder must be a folder of its own, not a link that leads elsewhere."""
    problem = version_label_problem(label)
    if problem is not None:
        return f"{problem[0]}: {problem[1]}"
    if folder.is_symlink() or (os.path.lexists(folder) and not folder.is_dir()):
        return f"{folder} is not a dataset folder (it is a link or a file); nothing is written"
    return ""


def existing_version(folder: Path, label: str) -> Path | None:
    """A file in `folder` that is, or is meant as, the manifest of `label` in any letter case."""
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return None
    for name in names:
        meant = name if name.endswith(MANIFEST_SUFFIXES) else meant_as_manifest(name)
        if meant is not None and folded(meant.rsplit(".", 1)[0]) == folded(label):
            return folder / name
    return None


def write_new_file(path: Path, text: str) -> bool:
    """Write a file that must not exist yet; False when something (even a dangling link) is there."""
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True


def start_next_version(folder: Path, *, label: str | None = None, now: datetime | None = None) -> NextVersion:
    """The next version of the dataset in `folder`, from its latest version (nothing is written)."""
    catalogue = load_catalogue(folder.parent, only=[folder])
    dataset = next((d for d in catalogue.datasets if d.folder.resolve() == folder.resolve()), None)
    versions = dataset.versions if dataset is not None else []
    latest = versions[-1] if versions else None
    # The latest version's errors, and those of the folder itself (a link out of the catalogue,
    # a FIFO, a misspelt file name), not those of older versions.
    older = {v.file for v in versions if v is not latest}
    errors = tuple(p for p in catalogue.report.errors if p.file not in older)
    if errors and (latest is None or any(p.file != latest.file for p in errors)):
        return NextVersion(problems=errors, refusal=f"the dataset folder {folder} has errors: fix them "
                                                    "first, so the new version starts from a valid one")
    if dataset is None or latest is None:
        return NextVersion(problems=errors, refusal=f"{folder} holds no manifest that can be read; "
                                                    "start a dataset with `mifa new`")
    if errors or latest.manifest is None or latest.version is None or latest.document is None:
        return NextVersion(problems=errors,
                           refusal=f"the latest version, {latest.file}, has errors: fix them first, "
                                   "so the new version starts from a valid one")
    previous = latest.version.version
    new_label = label or next_label(previous)
    refused = refuse_new_manifest(folder, new_label)
    if refused:
        return NextVersion(refusal=refused)
    known = {folded(v.version.version) for v in versions if v.version is not None}
    if folded(new_label) in known or existing_version(folder, new_label) is not None:
        return NextVersion(refusal=f"version {new_label} of '{dataset.id}' already exists; "
                                   "choose another label with --label")
    try:
        text = read_regular(latest.path, MAX_BYTES).decode("utf-8")
    except (OSError, NotRegularFile, TooLarge, UnicodeDecodeError):
        return NextVersion(refusal=f"{latest.file} changed while it was read; try again")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    parsed, _ = load_yaml(latest.path)  # validation dropped the raw data; the text is read again
    if parsed is None or not isinstance(parsed.data, dict):
        return NextVersion(refusal=f"{latest.file} changed while it was read; try again")
    start = parsed.locate(("version",), key=True).line - 1
    end = _block_end(lines, start)
    old = parsed.data.get("version") or {}
    kept = {k: v for k, v in old.items() if k not in _OWN_KEYS} if isinstance(old, dict) else {}
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    block = _version_block(new_label, previous, stamp, kept)
    return NextVersion(path=folder / f"{new_label}.yaml",
                       text="".join(lines[:start]) + block + "".join(lines[end:]), previous=previous)
