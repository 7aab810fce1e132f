"""What the last build reported, kept in the build cache so a build with nothing to do shows
it again. JSON of a checked shape (never a pickle, which runs code when read): a record
that does not read back as one means the build is done again."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pydantic

from .problems import Problem, Report

LAST_BUILD = "last-build.json"
"""In the build cache."""


@dataclass(frozen=True)
class LastBuild:
    """A published build: the inputs it was made from, where it ran, its report and counts."""

    inputs: str
    cwd: str
    """Reports name files relative to the working directory: elsewhere they would read wrong."""
    problems: list[Problem]
    files_checked: int
    pages: int
    files: int
    format: Literal[1] = 1

    @property
    def report(self) -> Report:
        return Report(list(self.problems), self.files_checked)


_RECORD: pydantic.TypeAdapter[LastBuild] = pydantic.TypeAdapter(LastBuild)


def recall(cache: Path, inputs: str) -> LastBuild | None:
    """The last build's record, if it was made from `inputs` in this working directory."""
    try:
        last = _RECORD.validate_json((cache / LAST_BUILD).read_bytes())
    except (OSError, ValueError):
        return None
    return last if (last.inputs, last.cwd) == (inputs, os.getcwd()) else None


def remember(cache: Path, inputs: str, report: Report, pages: int, files: int) -> None:
    """Keep this build's record; one that cannot be written as JSON (a lone surrogate quoted in
    a message) is not kept, so the next build is done again rather than shown wrong."""
    cache.mkdir(parents=True, exist_ok=True)
    record = LastBuild(inputs, os.getcwd(), report.problems, report.files_checked, pages, files)
    try:
        data = _RECORD.dump_json(record)
    except ValueError:
        (cache / LAST_BUILD).unlink(missing_ok=True)
        return
    partial = cache / f"{LAST_BUILD}.{os.getpid()}.tmp"
    partial.write_bytes(data)
    os.replace(partial, cache / LAST_BUILD)
