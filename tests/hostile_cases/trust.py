"""Trusting what sits in the checkout (issue 15, class 6): build caches that are not the builder's.

Each input is a small valid catalogue whose build cache (`._site.cache`, beside the `_site`
the corpus test builds) was planted before the build: pickles at every name the caches ever
had, which would create a file beside the catalogue if anything unpickled them, and files at
the caches' present names in the wrong shape. The build reads no pickle, ignores what does
not have its shape, and publishes; the corpus test's check that nothing appears outside the
site and its cache is what catches a pickle that ran; the same holds for an example store
whose chunks are pickles (zarr refuses the codec). Planted caches tracked by git, and
pull requests that replace a published version's files, are in tests/test_hostile_trust.py.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path

from ..conftest import MINIMAL
from ..hostile_corpus import Case, E, Ports
from ..test_hostile_trust import RunsCode, plant_pickles
from ..test_thumbnail_build import catalogue_with, write_store

CATEGORY = "trust"


def catalogue(root: Path) -> None:
    (root / "datasets" / "nuclei").mkdir(parents=True)
    (root / "datasets" / "nuclei" / "1.0.yaml").write_text(MINIMAL, encoding="utf-8")


def _planted_pickles(root: Path, ports: Ports) -> None:
    catalogue(root)
    plant_pickles(root / "._site.cache", root / "a-planted-pickle-ran")


WRONG_SHAPES: dict[str, bytes] = {
    "last-build.json": b'{"format": 1, "inputs": ["not", "text"], "problems": 7}',
    "file-digests.json": b'{"format": 1, "files": {"nuclei/1.0.yaml": "not a stat and a hash"}}',
    "manifests/00.json": b'{"format": 1, "version": "x", "entries": [1, 2, 3]}',
    "manifests/01.json": b"\xff\xfe not JSON at all",
    "derived/00.json": b'{"format": 1, "version": "x", "entries": {"facts:x": {"not": "text"}}}',
    "derived/01.json": b"[]",
}
"""Files at the caches' present names, each in a shape that is not theirs. (A search bundle of
the wrong shape is in tests/test_hostile_trust.py: the build removes stale ones.)"""


def _wrong_shapes(root: Path, ports: Ports) -> None:
    catalogue(root)
    for name, data in WRONG_SHAPES.items():
        (root / "._site.cache" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "._site.cache" / name).write_bytes(data)


def _store_of_pickles(root: Path, ports: Ports) -> None:
    """An example OME-Zarr store whose arrays declare the pickle codec (Zarr v2 metadata) and
    whose chunks are pickles: zarr refuses the codec, so the build shows a placeholder."""
    catalogue_with(root)
    store = root / "datasets" / "cells" / "samples" / "cells.ome.zarr"
    write_store(store)
    for meta in store.rglob("zarr.json"):
        array = json.loads(meta.read_text(encoding="utf-8"))
        if array.get("node_type") != "array":
            continue
        meta.unlink()
        (meta.parent / ".zarray").write_text(json.dumps({
            "zarr_format": 2, "shape": array["shape"],
            "chunks": array["chunk_grid"]["configuration"]["chunk_shape"],
            "dtype": "<u2", "compressor": {"id": "pickle"}, "filters": None, "fill_value": 0, "order": "C",
            "dimension_separator": "/"}), encoding="utf-8")
        for chunk in (meta.parent / "c").rglob("*"):
            if chunk.is_file():
                chunk.write_bytes(pickle.dumps(RunsCode(root / "a-planted-pickle-ran")))


GENERATED: dict[str, Callable[[Path, Ports], None]] = {
    "trust/planted-pickles-in-the-build-cache": _planted_pickles,
    "trust/build-cache-files-of-the-wrong-shape": _wrong_shapes,
    "trust/example-store-chunks-are-pickles": _store_of_pickles,
}

EXPECTED: dict[str, Case] = {
    "trust/planted-pickles-in-the-build-cache": Case((), builds=True),
    "trust/build-cache-files-of-the-wrong-shape": Case((), builds=True),
    "trust/example-store-chunks-are-pickles": Case((
        E("warning", 15, "images.examples[0]",
          "no thumbnail for example 1 of 'cells': samples/cells.ome.zarr: cannot read array 's0'",
          "datasets/cells/1.0.yaml"),
    ), builds=True),
}

ISSUE: dict[str, list[str]] = {
    "planted pickle files under ._site.cache/ run code during mifa build": [
        "trust/planted-pickles-in-the-build-cache", "trust/build-cache-files-of-the-wrong-shape",
        "trust/example-store-chunks-are-pickles"],
}
