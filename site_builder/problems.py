"""Problems found in the catalogue, and the report that carries them.

User mistakes travel as `Problem`s inside a `Report`, never as exceptions, so a
submitter sees every problem of every file in one run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

Path_ = tuple[str | int, ...]
"""A location inside a document: mapping keys and list indices."""


class Severity(StrEnum):
    """How bad a problem is; errors stop a dataset from being published."""

    ERROR = "error"
    WARNING = "warning"


def format_path(path: Path_) -> str:
    """Render a location as `study.authors[2].orcid_id`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file, and what to write instead."""

    file: str
    line: int
    column: int
    path: str
    severity: Severity
    message: str
    hint: str = ""

    def as_dict(self) -> dict[str, str | int]:
        """The stable JSON shape documented in `mifa validate --help`."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "severity": str(self.severity),
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Report:
    """All problems of a validation run, in a stable order."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    _seen: set[Problem] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._seen.update(self.problems)

    def add(self, problem: Problem) -> None:
        """Record a problem once, however many rules find it."""
        if problem not in self._seen:
            self._seen.add(problem)
            self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.sorted())

    def sorted(self) -> list[Problem]:
        """Per file, errors first (what blocks publication), then warnings; each in file order.

        Every output format (human, JSON, GitHub, Markdown) prints this order."""
        return sorted(self.problems, key=lambda p: (p.file, p.severity is not Severity.ERROR,
                                                    p.line, p.column, p.path, p.message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity is Severity.WARNING]

    def ok(self, *, strict: bool = False) -> bool:
        """True when nothing blocks publication (with `strict`, warnings block too)."""
        return not self.errors and not (strict and self.warnings)


class InputError(ValueError):
    """A user-facing problem with one value: `message` says what is wrong, `hint` what to write.

    Normalisers raise it; the model turns it into a located Problem.
    """

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message
