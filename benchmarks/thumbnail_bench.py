"""Thumbnail cost: time and bytes read for one 320 px thumbnail of a 3-level 4096 x 4096 store.

Run: .venv/bin/python benchmarks/thumbnail_bench.py
Compares the level the renderer picks (the smallest level still >= 320 px) with forcing
full resolution. Bytes are counted at the store. Prints figures; asserts nothing.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import zarr
from ome_zarr.writer import write_image  # type: ignore[import-untyped]
from zarr.storage import LocalStore

import site_builder.thumbnails.ome_zarr_image as renderer

STATS = {"bytes": 0, "keys": 0}


def counting_store() -> None:
    """Count every key LocalStore returns (bytes and number of reads)."""
    original = LocalStore.get

    async def get(self: LocalStore, key: str, *args: Any, **kwargs: Any) -> Any:
        result = await original(self, key, *args, **kwargs)
        if result is not None:
            STATS["bytes"] += len(result.to_bytes())
            STATS["keys"] += 1
        return result

    LocalStore.get = get  # type: ignore[method-assign]


def run(path: Path, label: str, force_full: bool) -> None:
    saved = renderer._choose_level
    if force_full:
        renderer._choose_level = lambda *args: 0
    times = []
    for _ in range(3):
        STATS.update(bytes=0, keys=0)
        start = time.perf_counter()
        rendered = renderer.render_thumbnail(path, size=320)
        times.append(time.perf_counter() - start)
    renderer._choose_level = saved
    print(f"{label}: level {rendered.level}, best of 3 {min(times) * 1000:.0f} ms, "
          f"{STATS['bytes'] / 1e6:.2f} MB read in {STATS['keys']} reads")


def main() -> None:
    warnings.filterwarnings("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.ome.zarr"
        rng = np.random.default_rng(0)
        yy, xx = np.mgrid[0:4096, 0:4096]
        data = ((np.sin(yy / 50) * np.cos(xx / 70) + 1) * 20000 + rng.integers(0, 2000, (4096, 4096)))
        write_image(data.astype(np.uint16), zarr.open_group(str(path), mode="w", zarr_format=3),
                    axes="yx", scale_factors=[2, 4])
        print("levels:", renderer.inspect_store(path).level_shapes)
        counting_store()
        run(path, "lowest sufficient level", False)
        run(path, "forced full resolution", True)


if __name__ == "__main__":
    main()
