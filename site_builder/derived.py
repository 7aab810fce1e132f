"""Values derived from a dataset's files, remembered between builds: diffs, scores, search entries.

Each value is keyed by the dataset's fingerprint (the hash of its version files) and what
it is; the whole cache is dropped when the code or vocabularies change. A value not asked
for in a build is forgotten at the end of it, so the cache never outgrows the catalogue.
Like the manifest cache it is a pickle of the builder's own making, never a submitter's.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .manifest_store import code_key

T = TypeVar("T")
CACHE_FILE = "derived.pickle"


class DerivedCache:
    """get(key, make): the remembered value, or make() remembered for the next build."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.file = cache_dir / CACHE_FILE if cache_dir is not None else None
        self.code = code_key() if self.file is not None else ""
        self.loaded: dict[str, Any] = self._read()
        self.used: dict[str, Any] = {}
        self.made = 0

    def _read(self) -> dict[str, Any]:
        if self.file is None or not self.file.is_file():
            return {}
        try:
            with self.file.open("rb") as handle:
                code, values = pickle.load(handle)
        except Exception:  # another version's cache or a torn write: start again
            return {}
        return values if code == self.code and isinstance(values, dict) else {}

    def get(self, key: str, make: Callable[[], T]) -> T:
        if key in self.used:
            value: T = self.used[key]
        elif key in self.loaded:
            value = self.used[key] = self.loaded[key]
        else:
            value = self.used[key] = make()
            self.made += 1
        return value

    def save(self) -> None:
        """Write what this build used, if anything changed."""
        if self.file is None or (self.made == 0 and set(self.used) == set(self.loaded)):
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump((self.code, self.used), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, self.file)
