"""The MIFA completeness score: how much of the metadata MIFA asks for a manifest gives.

It rewards good metadata: the validator only warns about a missing recommended
field, so the score is what makes the difference between a bare and a rich
manifest visible, per module and across the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .model import Manifest
from .model.base import RECOMMENDED, field_level

MODULES = ("study", "images", "annotations", "version")
"""The four MIFA modules, in the order they are reported."""

_COUNTED = ("required", RECOMMENDED)
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Completeness:
    """Share of required and recommended fields that are filled, overall and per module."""

    score: int
    """0-100 over every counted field of the manifest; 100 only when nothing is missing."""
    modules: dict[str, int]
    """Module name ("study", "images", "annotations", "version") -> 0-100."""
    missing: tuple[str, ...]
    """Dotted paths of the empty required/recommended fields, in manifest order."""


def _filled(value: Any) -> bool:
    """Null, blank text and empty lists say nothing; anything else does."""
    if value is None:
        return False
    if isinstance(value, str | list | tuple | dict):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def _fields(model: BaseModel, path: str) -> Iterator[tuple[str, bool]]:
    """(path, filled) for every counted field, descending into every nested block given.

    A block that is present is judged on its own recommended fields even when the block
    itself is optional (e.g. version.original_images), as the validator warns about them too;
    a missing block counts once, as its own field.
    """
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = f"{path}.{name}" if path else name
        if field_level(info) in _COUNTED:
            yield here, _filled(value)
        if isinstance(value, BaseModel):
            yield from _fields(value, here)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _fields(item, f"{here}[{index}]")


def _percent(filled: int, total: int) -> int:
    """Rounded down, so that 100 is never shown while something is missing."""
    return 100 if total == 0 else filled * 100 // total


def _module(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def completeness(manifest: Manifest) -> Completeness:
    """Score one manifest: every counted field weighs the same, list items counted one by one."""
    fields = list(_fields(manifest, ""))
    per_module: dict[str, list[int]] = {m: [0, 0] for m in MODULES}
    for path, filled in fields:
        tally = per_module.setdefault(_module(path), [0, 0])
        tally[0] += filled
        tally[1] += 1
    return Completeness(
        score=_percent(sum(filled for _, filled in fields), len(fields)),
        modules={m: _percent(*per_module[m]) for m in MODULES},
        missing=tuple(path for path, filled in fields if not filled),
    )


def generic_path(path: str) -> str:
    """`annotations[0].authors[2].orcid_id` -> `annotations[].authors[].orcid_id`."""
    return _INDEX.sub("[]", path)


def most_often_missing(manifests: Sequence[tuple[str, Manifest]], *,
                       score_of: Callable[[Manifest], Completeness] | None = None
                       ) -> list[tuple[str, int, list[str]]]:
    """(generic field path, number of datasets missing it, their ids), most often missing first.

    A dataset counts once per field however many of its items miss it, so the list tells
    curators which field to chase across the catalogue. Ties are broken by path.
    """
    missing_in: dict[str, set[str]] = {}
    for dataset_id, manifest in manifests:
        for path in (score_of or completeness)(manifest).missing:
            missing_in.setdefault(generic_path(path), set()).add(dataset_id)
    rows = [(path, len(ids), sorted(ids)) for path, ids in missing_in.items()]
    return sorted(rows, key=lambda row: (-row[1], row[0]))
