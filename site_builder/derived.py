"""Values derived from a dataset's files, remembered between builds: diffs, scores, search entries.

Each value is keyed by what it is and the dataset's fingerprint (the hash of its version
files), e.g. `facts:<fingerprint>`; the whole cache is dropped when the code or vocabularies
change. A value not asked for in a build is forgotten at the end of it, so the cache never
outgrows the catalogue. Values are stored as JSON of the type their kind names (CODECS),
checked as they are read: a value that does not read back is made again, never trusted.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from .cache_codec import Codec
from .manifest_store import code_key
from .shard_cache import ShardedCache

T = TypeVar("T")
CACHE_FOLDER = "derived"


@cache
def _codecs() -> dict[str, Codec[Any]]:
    """Kind (the key's first part) -> how its values are stored. Imported here, not at the top:
    the modules that make these values plan the site, and planning imports this module."""
    from .completeness import Completeness
    from .diff import VersionDiff
    from .render.badges import Badge
    from .render.facts import QuickFacts
    from .search.documents import SearchDocument

    return {"facts": Codec.of(QuickFacts), "badges": Codec.of(list[Badge]), "diff": Codec.of(VersionDiff),
            "score": Codec.of(Completeness), "search": Codec.of(SearchDocument)}


def codec_for(key: str) -> Codec[Any] | None:
    """How the value of `key` is stored; None for a kind without a codec (made in every build)."""
    return _codecs().get(key.partition(":")[0])


class DerivedCache:
    """get(key, make): the remembered value, or make() remembered for the next build."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache = None
        if cache_dir is not None:
            self.cache = ShardedCache(cache_dir / CACHE_FOLDER, code_key(), codec_for)
            self.cache.read()
        self.used: dict[str, Any] = {}
        self.made = 0

    def get(self, key: str, make: Callable[[], T]) -> T:
        if key in self.used:
            value: T = self.used[key]
            return value
        remembered = self.cache.get(key) if self.cache is not None else None
        if remembered is not None:
            value = self.used[key] = remembered
        else:
            value = self.used[key] = make()
            self.made += 1
        return value

    def save(self) -> None:
        """Remember what this build used (only shards whose keys changed are written)."""
        if self.cache is not None:
            self.cache.write(self.used)
