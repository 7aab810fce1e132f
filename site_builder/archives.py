"""Accessions resolved to their archives: the page a reader lands on and the folder of files.

The table is catalogue data (`catalogue/archives.yaml`), so adding an archive or fixing an
address is an edit a maintainer makes without Python. A table that is wrong stops the build
with the file, the entry and what is wrong, never with a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .yaml_loader import load_yaml

ARCHIVES_FILE = Path(__file__).resolve().parent.parent / "catalogue" / "archives.yaml"
_PLACEHOLDER = re.compile(r"\{([a-z]*)\}")
_KNOWN = frozenset({"accession", "number", "bucket"})


class ArchiveRule(BaseModel):
    """One row of the table: an accession pattern and the addresses it resolves to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    accession: str
    case: Literal["upper", "lower", "keep"] = "keep"
    landing: str = Field(pattern=r"^https://")
    files: str | None = Field(default=None, pattern=r"^https://")
    listing: bool = False

    @field_validator("accession")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"is not a regular expression: {exc}") from None
        return value

    @field_validator("landing", "files")
    @classmethod
    def _known_placeholders(cls, value: str | None) -> str | None:
        unknown = sorted(set(_PLACEHOLDER.findall(value or "")) - _KNOWN)
        if unknown:
            raise ValueError("uses the placeholder " + ", ".join("{" + u + "}" for u in unknown)
                             + "; the known ones are {accession}, {number} and {bucket}")
        return value


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    archives: list[ArchiveRule]


class ArchiveTableError(Exception):
    """The archives table cannot be used; the message says where and why."""


@dataclass(frozen=True)
class ArchiveLink:
    """Where an accession leads."""

    archive: str
    accession: str
    landing: str
    files: str | None
    """The folder of data files (ends with /), when the archive has one at a known address."""
    listing: bool
    """True when `files` serves a browsable index that a recursive download can follow."""


def _bucket(prefix: str, number: str) -> str:
    """BioStudies spreads studies over folders by the last three digits of their number."""
    return f"{prefix}0-99" if int(number) < 100 else number[-3:]


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


@cache
def archive_rules(path: Path = ARCHIVES_FILE) -> tuple[ArchiveRule, ...]:
    """The table, checked; none when the file does not exist."""
    if not path.exists():
        return ()
    doc, problems = load_yaml(path)
    if doc is None:
        raise ArchiveTableError("; ".join(f"{p.file}:{p.line}:{p.column}: {p.message}" for p in problems))
    try:
        return tuple(_Table.model_validate(doc.data).archives)
    except ValidationError as exc:
        where = "; ".join(".".join(str(part) for part in e["loc"]) + ": " + e["msg"] for e in exc.errors())
        raise ArchiveTableError(f"{path}: {where}") from None


def resolve_accession(accession: str | None,
                      rules: tuple[ArchiveRule, ...] | None = None) -> ArchiveLink | None:
    """The archive of `accession`, its landing page and files folder; None for an unknown archive."""
    if not accession:
        return None
    for rule in archive_rules() if rules is None else rules:
        match = re.match(rule.accession, accession, re.IGNORECASE)
        if match is None:
            continue
        shown = {"upper": accession.upper(), "lower": accession.lower(), "keep": accession}[rule.case]
        number = match.groupdict().get("number") or ""
        prefix = shown[: len(shown) - len(number)] if number and shown.endswith(number) else shown
        values = {"accession": shown, "number": number,
                  "bucket": _bucket(prefix, number) if number else ""}
        return ArchiveLink(rule.name, shown, _fill(rule.landing, values),
                           _fill(rule.files, values) if rule.files else None, rule.listing)
    return None
