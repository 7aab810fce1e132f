"""A dict kept on disk as 256 pickle shards, so a build that changed a few entries rewrites
a few small files instead of one holding the whole catalogue (tens of MB at 10,000 datasets).

Each shard carries a version (the code's hash): shards of another version are ignored.
The files are the builder's own state, never anything a submitter can write: loading a
pickle runs code.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from .workers import gc_paused


def _shard(key: str) -> str:
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:2]


class ShardedCache:
    """read() the remembered entries; write(entries) to remember exactly these next time."""

    def __init__(self, folder: Path | None, version: str) -> None:
        self.folder = folder
        self.version = version
        self._keys: dict[str, set[str]] = {}

    def read(self) -> dict[str, Any]:
        with gc_paused():
            return self._read()

    def _read(self) -> dict[str, Any]:
        entries: dict[str, Any] = {}
        self._keys = {}
        if self.folder is None or not self.folder.is_dir():
            return entries
        for path in sorted(self.folder.glob("*.pickle")):
            try:
                with path.open("rb") as handle:
                    version, shard = pickle.load(handle)
            except Exception:  # another version's format or a torn write: rebuilt when written
                continue
            if version == self.version and isinstance(shard, dict):
                entries.update(shard)
                self._keys[path.stem] = set(shard)
        return entries

    def write(self, entries: dict[str, Any]) -> None:
        if self.folder is None:
            return
        shards: dict[str, dict[str, Any]] = {}
        for key, value in entries.items():
            shards.setdefault(_shard(key), {})[key] = value
        for name in sorted(set(shards) | set(self._keys)):
            shard = shards.get(name, {})
            if set(shard) == self._keys.get(name, set()):
                continue
            target = self.folder / f"{name}.pickle"
            if not shard:
                target.unlink(missing_ok=True)
                continue
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            with partial.open("wb") as handle:
                pickle.dump((self.version, shard), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, target)
        self._keys = {name: set(shard) for name, shard in shards.items()}
