"""Load many manifest files fast: remembered by content between builds, parsed on every core.

A file whose bytes, name and validating code are unchanged since the last build is
not parsed again; the others are parsed by forked workers in chunks. Either way the
result is what a serial `load_manifest` gives, in the order asked for. Documents
travel and are cached without their positions (most of their size); a problem that
needs one later parses that file again.

The cache is the builder's own state beside its output, never anything a submitter
can write: it is a pickle, and loading a pickle runs code.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pydantic

from .loader import LoadedManifest, load_manifest
from .shard_cache import ShardedCache
from .vocabularies import VOCABULARY_DIR
from .workers import cpu_count, gc_paused, worker_pool

CACHE_FOLDER = "manifests"
PARALLEL_FROM = 200
"""Below this many files to parse, starting workers costs more than it saves."""
CHUNK = 100
"""Files per task sent to a worker: large enough that queueing is a small overhead."""


@lru_cache(maxsize=1)  # the code running in this process does not change under it
def code_key() -> str:
    """Everything besides a file that decides its validation: the code and the vocabularies."""
    digest = hashlib.sha256(f"{sys.version}\0{pydantic.VERSION}\0".encode())
    package = Path(__file__).resolve().parent
    for path in [*sorted(package.rglob("*.py")), *sorted(VOCABULARY_DIR.rglob("*"))]:
        if path.is_file():
            digest.update(str(path.relative_to(package.parent)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _portable(loaded: LoadedManifest) -> LoadedManifest:
    if loaded.document is not None:
        loaded.document = loaded.document.without_marks(loaded.path)
    return loaded


def _load_chunk(items: Sequence[tuple[str, str]]) -> list[LoadedManifest]:
    return [_portable(load_manifest(Path(path), display_name=name)) for path, name in items]


def _load_many(items: list[tuple[str, str]], workers: int) -> list[LoadedManifest]:
    if workers < 2 or len(items) < PARALLEL_FROM:
        return _load_chunk(items)
    chunks = [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]
    with worker_pool(workers) as pool:
        return [loaded for part in pool.map(_load_chunk, chunks) for loaded in part]


class ManifestStore:
    """Loads manifests, reusing the previous build's results when a cache folder is given."""

    def __init__(self, cache_dir: Path | None = None, *, workers: int | None = None) -> None:
        self.cache = ShardedCache(cache_dir / CACHE_FOLDER, code_key()) if cache_dir is not None else None
        self.workers = cpu_count() if workers is None else workers
        self.reused = 0
        self.parsed = 0

    def load(self, files: Sequence[tuple[Path, str]]) -> list[LoadedManifest]:
        """Load each (path, display name), in order."""
        cached: dict[str, LoadedManifest] = self.cache.read() if self.cache is not None else {}
        keys: list[str | None] = []
        for path, name in files:
            try:
                raw = path.read_bytes()
            except OSError:
                keys.append(None)  # load_manifest reports why it cannot be read
                continue
            keys.append(hashlib.sha256(f"{path}\0{name}\0".encode() + raw).hexdigest())
        missing = [(str(path), name) for (path, name), key in zip(files, keys, strict=True)
                   if key is None or key not in cached]
        with gc_paused():  # the workers' results arrive as a stream of new objects
            fresh = iter(_load_many(missing, self.workers))
        results: list[LoadedManifest] = []
        kept: dict[str, LoadedManifest] = {}
        for key in keys:
            loaded = cached[key] if key is not None and key in cached else next(fresh)
            results.append(loaded)
            if key is not None:
                kept[key] = loaded
        self.parsed, self.reused = len(missing), len(files) - len(missing)
        if self.cache is not None:
            self.cache.write(kept)
        return results
