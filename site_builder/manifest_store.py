"""Load many manifest files fast: remembered by content between builds, parsed on every core.

A file whose bytes, name and validating code are unchanged since the last build is
not parsed again; the others are parsed by forked workers in chunks. Either way the
result is what a serial `load_manifest` gives, in the order asked for. Documents
travel and are cached without their positions (most of their size); a problem that
needs one later parses that file again.

The cache is JSON checked by the manifest model as it is read (see cache_codec): an entry
that does not read back as a manifest is parsed again from its file, and nothing in the
cache can run code.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pydantic

from .cache_codec import Codec
from .loader import LoadedManifest, load_manifest
from .model import Manifest, Version
from .model.base import CANONICAL
from .problems import Path_, Problem
from .regular_files import NotRegularFile, TooLarge, read_regular
from .shard_cache import ShardedCache
from .vocabularies import VOCABULARY_DIR
from .workers import cpu_count, gc_paused, worker_pool
from .yaml_loader import MAX_BYTES, YamlDocument

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


@dataclass(frozen=True)
class _StoredDocument:
    digest: str
    source_text: list[tuple[list[str | int], str]]


@dataclass(frozen=True)
class _Stored:
    """A LoadedManifest as the cache holds it: its document without data or positions (they are
    found again in the file when a problem needs one), the manifest as it validated, its problems."""

    file: str
    path: str
    document: _StoredDocument | None
    manifest: Manifest | None
    version: Version | None
    """Only when the manifest did not validate (otherwise it is the manifest's own)."""
    problems: list[Problem]


def _stored(loaded: LoadedManifest) -> dict[str, Any]:
    def dump(model: Manifest | Version) -> dict[str, Any]:
        return model.model_dump(mode="json", exclude_unset=True)

    doc = loaded.document
    return {
        "file": loaded.file, "path": str(loaded.path),
        "document": None if doc is None else {
            "digest": doc.digest,
            "source_text": [[list(where), text] for where, text in doc.source_text.items()]},
        "manifest": None if loaded.manifest is None else dump(loaded.manifest),
        "version": None if loaded.version is None or loaded.manifest is not None else dump(loaded.version),
        "problems": [problem.as_dict() for problem in loaded.problems],
    }


def _loaded(stored: _Stored) -> LoadedManifest:
    path = Path(stored.path)
    doc = None
    if stored.document is not None:
        source_text: dict[Path_, str] = {tuple(where): text for where, text in stored.document.source_text}
        doc = YamlDocument(stored.file, None, {}, {}, source_text, stored.document.digest, path)
    version = stored.manifest.version if stored.manifest is not None else stored.version
    return LoadedManifest(stored.file, path, doc, stored.manifest, version, list(stored.problems))


RECORD: Codec[LoadedManifest] = Codec.parts(_Stored, _stored, _loaded, context={CANONICAL: True})
"""How the cache stores a loaded manifest. It is checked by the manifest model, without absorbing
the quirks of hand-written YAML again (half the time; an entry where that would change a value
does not read back equal, so it is never written)."""


def _belongs(loaded: LoadedManifest, owner: tuple[str, str, str]) -> bool:
    """Whether a cached entry says it was made from this file: path, name and bytes' digest."""
    document = loaded.document
    return document is not None and (str(loaded.path), loaded.file, document.digest) == owner


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
        self.cache = (ShardedCache(cache_dir / CACHE_FOLDER, code_key(), lambda key: RECORD)
                      if cache_dir is not None else None)
        self.workers = cpu_count() if workers is None else workers
        self.reused = 0
        self.parsed = 0

    def load(self, files: Sequence[tuple[Path, str]]) -> list[LoadedManifest]:
        """Load each (path, display name), in order."""
        keys: list[str | None] = []
        owners: dict[str, tuple[str, str, str]] = {}
        """What a cached entry must say of itself: the file's path, its name and its bytes' digest."""
        for path, name in files:
            try:
                raw = read_regular(path, MAX_BYTES)  # never a FIFO, never all of a huge file
            except (OSError, NotRegularFile, TooLarge):
                keys.append(None)  # load_manifest reports why it cannot be read
                continue
            file_key = hashlib.sha256(f"{path}\0{name}\0".encode() + raw).hexdigest()
            keys.append(file_key)
            owners[file_key] = (str(path), name, hashlib.sha256(raw).hexdigest())
        cached: dict[str, LoadedManifest] = {}
        if self.cache is not None:
            self.cache.read()
            with gc_paused():  # each decoded manifest is a tree of long-lived objects
                for key in keys:
                    remembered = self.cache.get(key) if key is not None else None
                    # An entry well formed but made for another file (moved between keys, by
                    # damage or on purpose) is not this file's: it is parsed again.
                    if key is not None and remembered is not None and _belongs(remembered, owners[key]):
                        cached[key] = remembered
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
