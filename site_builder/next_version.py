"""`mifa version new`: start the next version of a dataset from its latest one.

A new version is a copy of the latest manifest with a new `version:` block: the next
label, `previous_version` naming the latest, a timestamp with its UTC offset, and an
empty `changes:` that validation refuses until the contributor says what changed. The
rest of the file, comments included, is copied as written, so the diff between the two
files is exactly the version block plus what the contributor then edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from .catalogue import load_catalogue
from .git_changes import next_label
from .problems import Problem
from .yaml_loader import load_yaml

_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,39}")
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


def start_next_version(folder: Path, *, label: str | None = None, now: datetime | None = None) -> NextVersion:
    """The next version of the dataset in `folder`, from its latest version (nothing is written)."""
    catalogue = load_catalogue(folder.parent, only=[folder])
    dataset = next((d for d in catalogue.datasets if d.folder.resolve() == folder.resolve()), None)
    if dataset is None or not dataset.versions:
        return NextVersion(refusal=f"{folder} holds no manifest; start a dataset with `mifa new`")
    latest = dataset.versions[-1]
    errors = tuple(p for p in catalogue.report.errors if p.file == latest.file)
    if errors or latest.manifest is None or latest.version is None or latest.document is None:
        return NextVersion(problems=errors,
                           refusal=f"the latest version, {latest.file}, has errors: fix them first, "
                                   "so the new version starts from a valid one")
    previous = latest.version.version
    new_label = label or next_label(previous)
    if not _LABEL.fullmatch(new_label):
        return NextVersion(refusal=f"'{new_label}' is not a usable version label: use letters, digits, dots "
                                   'and hyphens, e.g. "1.1" or "v2.0" (it is also the file name)')
    known = {v.version.version.lower() for v in dataset.versions if v.version is not None}
    target = folder / f"{new_label}.yaml"
    if new_label.lower() in known or target.exists():
        return NextVersion(refusal=f"version {new_label} of '{dataset.id}' already exists; "
                                   "choose another label with --label")
    text = latest.path.read_text(encoding="utf-8")
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
    return NextVersion(path=target, text="".join(lines[:start]) + block + "".join(lines[end:]),
                       previous=previous)
