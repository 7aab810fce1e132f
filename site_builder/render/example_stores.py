"""Publish each dataset's local example stores, so users (and the snippets) can open them.

A store is published under `examples/<dataset>/<its path>/` exactly as it is in the dataset
folder, only when it passes the same checks as for its thumbnail (folders and regular files
inside the dataset folder, within the entry and byte limits): a refused store is already
reported by the thumbnail step and is simply not published.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..catalogue import Catalogue, Dataset
from ..regular_files import read_regular
from ..thumbnails.local_sources import MAX_FILE_BYTES, SourceRefused, store_folder
from .use_panel import example_store_path, is_local_store


@dataclass(frozen=True)
class StoreFile:
    """One file of a published store."""

    site_path: str
    source: Path
    key: str | None
    """The file's content hash (from the build's digests of the catalogue): a file whose hash
    is unchanged is kept from the last build unread. Never a time, so builds stay byte-identical."""

    def read(self) -> bytes:
        return read_regular(self.source, MAX_FILE_BYTES)


@dataclass(frozen=True)
class ExampleStores:
    published: dict[str, frozenset[str]]
    """Dataset id -> the example image paths whose stores the site serves."""
    files: tuple[StoreFile, ...]


def _names(dataset: Dataset) -> Iterator[str]:
    seen: set[str] = set()
    for version in dataset.versions:
        manifest = version.manifest
        for example in (manifest.images.examples if manifest and manifest.images else []):
            if is_local_store(example.image) and example.image not in seen:
                seen.add(example.image)
                yield example.image


def example_stores(catalogue: Catalogue, datasets: Path, digests: dict[str, str]) -> ExampleStores:
    """The stores named as examples by any valid version, and their files, in a stable order.
    `digests` maps paths relative to `datasets` to content hashes (`file_digests`)."""
    root = datasets.resolve()
    published: dict[str, frozenset[str]] = {}
    files: list[StoreFile] = []
    for dataset in catalogue.datasets:
        names = []
        for name in _names(dataset):
            try:
                store = store_folder(dataset.folder, name)
            except SourceRefused:
                continue
            names.append(name)
            base = example_store_path(dataset.id, name)
            for relative, path in store.files:
                try:
                    digest = digests.get(path.resolve().relative_to(root).as_posix())
                except ValueError:
                    digest = None
                files.append(StoreFile(base + relative, path, f"example:{digest}" if digest else None))
        if names:
            published[dataset.id] = frozenset(names)
    return ExampleStores(published, tuple(sorted(files, key=lambda f: f.site_path)))
