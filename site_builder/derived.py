"""Values derived from a dataset's files, remembered between builds: diffs, scores, search entries.

Each value is keyed by the dataset's fingerprint (the hash of its version files) and what
it is; the whole cache is dropped when the code or vocabularies change. A value not asked
for in a build is forgotten at the end of it, so the cache never outgrows the catalogue.
Like the manifest cache it is a pickle of the builder's own making, never a submitter's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .manifest_store import code_key
from .shard_cache import ShardedCache

T = TypeVar("T")
CACHE_FOLDER = "derived"


class DerivedCache:
    """get(key, make): the remembered value, or make() remembered for the next build."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache = ShardedCache(cache_dir / CACHE_FOLDER, code_key()) if cache_dir is not None else None
        self.loaded: dict[str, Any] = self.cache.read() if self.cache is not None else {}
        self.used: dict[str, Any] = {}
        self.made = 0

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
        """Remember what this build used (only shards whose keys changed are written)."""
        if self.cache is not None:
            self.cache.write(self.used)
