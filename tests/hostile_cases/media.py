"""Media bombs and special files given as media (issue 15, classes 2 and 3).

Every input is a committed catalogue whose example image, store, mask or annotation file is
made here (EXTRAS), in the test's temporary copy: OME-Zarr stores whose metadata declares
chunks, planes, channels or levels far beyond what a thumbnail needs, chunks that inflate
past their declared size, masks with a label per pixel, annotation files of millions of rows,
and FIFOs, sockets, directories and links to devices where a file is expected. Each builds
without its one thumbnail and says why, at the example's line, in bounded time and memory.
"""

from __future__ import annotations

import json
import os
import stat
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import zarr
from ome_zarr.writer import write_image, write_labels  # type: ignore[import-untyped]
from PIL import Image

from ..hostile_corpus import Case, E, Ports, _samples, _store

CATEGORY = "media"
MANIFEST = "datasets/cells/1.0.yaml"
LINE = 13
"""The line of `images.examples[0]` in every input's manifest."""

Make = Callable[[Path, Ports], None]


# Parts -----------------------------------------------------------------------------------

def _one_level_store(root: Path, labels: np.ndarray[Any, Any] | None = None) -> Path:
    """A 1024 x 1024 image with no pyramid, so the thumbnail is drawn at 960 px from level 0."""
    path = _samples(root) / "cells.ome.zarr"
    group = zarr.open_group(str(path), mode="w")
    image = np.zeros((1024, 1024), dtype=np.uint8)
    image[256:768, 256:768] = 200
    write_image(image, group, axes="yx", scale_factors=[])
    if labels is not None:
        write_labels(labels, group, name="cells", axes="yx", scale_factors=[])
    return path


def _picture(root: Path, size: int = 64) -> None:
    Image.fromarray(np.full((size, size, 3), 200, dtype=np.uint8)).save(_samples(root) / "cells.png")


def _edit_json(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _declare(array: Path, *, shape: list[int] | None = None, chunks: list[int] | None = None,
             dtype: str | None = None, keep_chunks: bool = True) -> None:
    """Rewrite an array's zarr.json; without its chunk files every chunk reads as the fill value."""
    def edit(meta: dict[str, Any]) -> None:
        if shape is not None:
            meta["shape"] = shape
        if chunks is not None:
            meta["chunk_grid"]["configuration"]["chunk_shape"] = chunks
        if dtype is not None:
            meta["data_type"] = dtype
    _edit_json(array / "zarr.json", edit)
    if not keep_chunks:
        for chunk in sorted((array / "c").rglob("*"), reverse=True):
            chunk.rmdir() if chunk.is_dir() else chunk.unlink()


def zstd_zeros(size: int) -> bytes:
    """A valid zstd frame of `size` zero bytes, 4 bytes per 128 KiB (RLE blocks): a chunk bomb."""
    frame = [struct.pack("<I", 0xFD2FB528), bytes([0b11100000]), struct.pack("<Q", size)]
    block, left = 128 * 1024, size
    while left:
        length = min(block, left)
        left -= length
        header = (1 if left == 0 else 0) | (1 << 1) | (length << 3)  # last?, RLE block, size
        frame.append(header.to_bytes(3, "little") + b"\0")
    return b"".join(frame)


def _sparse(path: Path, size: int) -> None:
    """A file of `size` bytes that takes no disk space."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)


def _fifo(path: Path) -> None:
    if path.is_dir():
        path.rmdir()
    elif path.exists():
        path.unlink()
    os.mkfifo(path)


def _socket(path: Path) -> None:
    """A socket file nothing listens on (made directly: binding one limits its path to 108 bytes)."""
    os.mknod(path, stat.S_IFSOCK | 0o600)


# OME-Zarr stores -------------------------------------------------------------------------

def _chunk_declares_50000(root: Path, ports: Ports) -> None:
    s0 = _store(root) / "s0"
    _declare(s0, chunks=[2, 50_000, 50_000])
    (s0 / "c" / "0" / "0" / "0").write_bytes(zstd_zeros(2 * 50_000 * 50_000 * 2))


def _chunk_inflates(root: Path, ports: Ports) -> None:
    (_store(root) / "s0" / "c" / "0" / "0" / "0").write_bytes(zstd_zeros(3_000_000_000))


def _many_channels(root: Path, ports: Ports) -> None:
    _declare(_store(root) / "s0", shape=[48, 8000, 8000], chunks=[1, 1000, 1000], keep_chunks=False)


def _float64_plane(root: Path, ports: Ports) -> None:
    _declare(_store(root) / "s0", shape=[1, 8000, 8000], chunks=[1, 1000, 1000], dtype="float64",
             keep_chunks=False)


def _one_pixel_chunks(root: Path, ports: Ports) -> None:
    _declare(_store(root) / "s0", shape=[2, 4000, 4000], chunks=[1, 1, 1], keep_chunks=False)


def _many_levels(root: Path, ports: Ports) -> None:
    def levels(meta: dict[str, Any]) -> None:
        multiscale = meta["attributes"]["ome"]["multiscales"][0]
        multiscale["datasets"] = [multiscale["datasets"][0]] * 1000
    _edit_json(_store(root) / "zarr.json", levels)


def _million_channels(root: Path, ports: Ports) -> None:
    _declare(_store(root) / "s0", shape=[1_000_000, 8, 8], chunks=[1_000_000, 8, 8], keep_chunks=False)


def _big_metadata(root: Path, ports: Ports) -> None:
    path = _store(root) / "zarr.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + " " * (17 * 2**20 - len(text)), encoding="utf-8")


def _chunk_file_of_600_mib(root: Path, ports: Ports) -> None:
    _sparse(_store(root) / "s0" / "c" / "0" / "0" / "0", 600 * 2**20)


def _store_of_1200_mib(root: Path, ports: Ports) -> None:
    store = _store(root)
    for index in range(3):
        _sparse(store / "extra" / str(index), 400 * 2**20)


def _store_of_many_files(root: Path, ports: Ports) -> None:
    extra = _store(root) / "extra"
    extra.mkdir()
    for index in range(20_001):
        (extra / str(index)).touch()


def _labels_per_pixel(root: Path, ports: Ports) -> None:
    store = _one_level_store(root, np.zeros((1024, 1024), dtype=np.uint32))
    labels = zarr.open_array(str(store / "labels" / "cells" / "s0"), mode="r+")  # the writer is slow at this
    labels[:] = np.arange(1, 1024 * 1024 + 1, dtype=np.uint32).reshape(1024, 1024)


def _label_chunk_declares_50000(root: Path, ports: Ports) -> None:
    s0 = _store(root) / "labels" / "cells" / "s0"
    _declare(s0, chunks=[50_000, 50_000])
    (s0 / "c" / "0").mkdir(parents=True, exist_ok=True)
    (s0 / "c" / "0" / "0").write_bytes(zstd_zeros(50_000 * 50_000))


def _mask_file_per_pixel(root: Path, ports: Ports) -> None:
    _one_level_store(root)
    mask = (np.arange(1024 * 1024, dtype=np.uint32) % 65_535 + 1).astype(np.uint16).reshape(1024, 1024)
    Image.fromarray(mask).save(_samples(root) / "mask.png")


def _in_store(*parts: str) -> Make:
    return lambda root, ports: _fifo(_store(root).joinpath(*parts))


# Plain images and annotation files -------------------------------------------------------

def _picture_and(name: str, make: Callable[[Path], None]) -> Make:
    def build(root: Path, ports: Ports) -> None:
        _picture(root)
        make(_samples(root) / name)
    return build


def _text(text: Callable[[], str]) -> Callable[[Path], None]:
    return lambda path: path.write_text(text(), encoding="utf-8")


def _png_with_mask_per_pixel(root: Path, ports: Ports) -> None:
    _picture(root, 1024)
    mask = (np.arange(1024 * 1024, dtype=np.uint32) % 65_535 + 1).astype(np.uint16).reshape(1024, 1024)
    Image.fromarray(mask).save(_samples(root) / "mask.png")


def _geojson_points() -> str:
    points = "[1,2]," * 3_000_000
    return '{"type": "MultiPoint", "coordinates": [' + points[:-1] + "]}"


def _coco_bad_annotations() -> str:
    return '{"images": [], "annotations": [' + "1," * 999_999 + "1]}"


def _star_bad_rows() -> str:
    return "data_\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n" + "1\n" * 2_000_000


EXTRAS: dict[str, Make] = {
    "media/ome-zarr-chunk-declares-50000x50000": _chunk_declares_50000,
    "media/ome-zarr-chunk-inflates-to-3-gb": _chunk_inflates,
    "media/ome-zarr-48-channels-8000x8000-no-chunks": _many_channels,
    "media/ome-zarr-float64-plane-8000x8000": _float64_plane,
    "media/ome-zarr-chunks-of-one-pixel": _one_pixel_chunks,
    "media/ome-zarr-1000-resolution-levels": _many_levels,
    "media/ome-zarr-one-million-channels": _million_channels,
    "media/ome-zarr-metadata-file-of-17-mib": _big_metadata,
    "media/ome-zarr-chunk-file-of-600-mib": _chunk_file_of_600_mib,
    "media/ome-zarr-store-of-1200-mib": _store_of_1200_mib,
    "media/ome-zarr-store-of-20001-files": _store_of_many_files,
    "media/ome-zarr-store-is-a-fifo": lambda root, ports: _fifo(_samples(root) / "cells.ome.zarr"),
    "media/ome-zarr-metadata-is-a-fifo": _in_store("zarr.json"),
    "media/ome-zarr-chunk-is-a-fifo": _in_store("s0", "c", "0", "0", "0"),
    "media/ome-zarr-labels-distinct-label-per-pixel": _labels_per_pixel,
    "media/ome-zarr-label-chunk-declares-50000x50000": _label_chunk_declares_50000,
    "media/ome-zarr-label-image-file-distinct-label-per-pixel": _mask_file_per_pixel,
    "media/ome-zarr-label-image-file-is-a-fifo": lambda root, ports: (_store(root),
                                                                      _fifo(_samples(root) / "mask.png"))[0],
    "media/example-image-is-a-fifo": lambda root, ports: _fifo(_samples(root) / "cells.png"),
    "media/example-image-is-a-socket": lambda root, ports: _socket(_samples(root) / "cells.png"),
    "media/example-image-is-a-directory": lambda root, ports: (_samples(root) / "cells.png").mkdir(),
    "media/example-image-symlink-to-dev-zero": lambda root, ports: (
        _samples(root) / "cells.png").symlink_to("/dev/zero"),
    "media/png-label-image-distinct-label-per-pixel": _png_with_mask_per_pixel,
    "media/csv-9-million-bad-rows": _picture_and("cells.csv", _text(lambda: "x,y\n" + "a\n" * 9_000_000)),
    "media/csv-1-million-points": _picture_and(
        "cells.csv", _text(lambda: "x,y\n" + "".join(f"{i % 60},{i % 50}\n" for i in range(1_000_000)))),
    "media/csv-100-cells-of-100000-characters": _picture_and(
        "cells.csv", _text(lambda: "x,y\n" + ("9" * 99_999 + "x,1\n") * 100)),
    "media/annotation-file-is-a-fifo": _picture_and("cells.csv", _fifo),
    "media/annotation-file-symlink-to-dev-zero": _picture_and(
        "cells.geojson", lambda path: path.symlink_to("/dev/zero")),
    "media/geojson-3-million-points": _picture_and("cells.geojson", _text(_geojson_points)),
    "media/coco-1-million-bad-annotations": _picture_and("cells.json", _text(_coco_bad_annotations)),
    "media/star-2-million-bad-rows": _picture_and("cells.star", _text(_star_bad_rows)),
}


# What each must give ---------------------------------------------------------------------

NONE = "no thumbnail for example 1 of 'cells': "
STORE = "samples/cells.ome.zarr"


def _without_thumbnail(message: str) -> Case:
    """A build that goes on without the example's thumbnail and says why at its line."""
    return Case((E("warning", LINE, "images.examples[0]", NONE + message, MANIFEST),), builds=True)


def _noted(*messages: str) -> Case:
    """A build that makes the thumbnail and warns, at the example's line, about what it left out."""
    return Case(tuple(E("warning", LINE, "images.examples[0]", m, MANIFEST) for m in messages), builds=True)


def _first_ten(first: str, eleventh: str, more: str) -> tuple[str, ...]:
    """A problem on every row: the first ten are listed, and the rest counted at the eleventh."""
    return (first, f"{eleventh}: and {more} more problems like these (only the first 10 are listed)")


EXPECTED: dict[str, Case] = {
    # Budgets from the metadata: every axis read, the declared chunk, the dtype, chunk and level counts
    "media/ome-zarr-chunk-declares-50000x50000": _without_thumbnail(
        f"{STORE}/s0: one chunk of 2 × 50000 × 50000 uint16 decompresses to 9.31 GiB, more than the limit"
        " of 512 MiB; use smaller chunks"),
    "media/ome-zarr-48-channels-8000x8000-no-chunks": _without_thumbnail(
        f"{STORE}/s0: one plane of 48 × 8000 × 8000 (c × y × x) of uint16 takes 5.72 GiB, more than the"
        " limit of 256 MiB; add a smaller resolution level"),
    "media/ome-zarr-float64-plane-8000x8000": _without_thumbnail(
        f"{STORE}/s0: one plane of 1 × 8000 × 8000 (c × y × x) of float64 takes 488 MiB, more than the"
        " limit of 256 MiB"),
    "media/ome-zarr-chunks-of-one-pixel": _without_thumbnail(
        f"{STORE}/s0: one plane touches 32,000,000 chunks of 1 × 1 × 1, more than the limit of 10,000"),
    "media/ome-zarr-1000-resolution-levels": _without_thumbnail(
        f"{STORE}: 1,000 resolution levels, more than the limit of 64"),
    "media/ome-zarr-one-million-channels": _without_thumbnail(
        f"{STORE}: 1,000,000 channels, more than the limit of 1,024 channels"),
    "media/ome-zarr-label-chunk-declares-50000x50000": _without_thumbnail(
        f"{STORE}/labels/cells/s0: one chunk of 50000 × 50000 uint8 decompresses to 2.33 GiB, more than"
        " the limit of 512 MiB"),
    # What no metadata declares: the child's memory ceiling
    "media/ome-zarr-chunk-inflates-to-3-gb": _without_thumbnail(
        f"{STORE}: making its thumbnail needs more than the 2 GiB of memory it may use"),
    # The store's files, from os.stat before anything reads them
    "media/ome-zarr-metadata-file-of-17-mib": _without_thumbnail(
        f"{STORE}/zarr.json: the file holds 17 MiB, more than the limit of 1 MiB"),
    "media/ome-zarr-chunk-file-of-600-mib": _without_thumbnail(
        f"{STORE}/s0/c/0/0/0: the file holds 600 MiB, more than the limit of 512 MiB"),
    "media/ome-zarr-store-of-1200-mib": _without_thumbnail(
        f"{STORE}: the store's files hold 1.17 GiB, more than the limit of 1 GiB for an example"),
    "media/ome-zarr-store-of-20001-files": _without_thumbnail(
        f"{STORE}: the store holds more than 20,000 files and folders"),
    "media/ome-zarr-store-is-a-fifo": _without_thumbnail(
        f"{STORE}: is a named pipe (FIFO), not an OME-Zarr store (a folder); it is not read"),
    "media/ome-zarr-metadata-is-a-fifo": _without_thumbnail(
        f"{STORE}/zarr.json: is a named pipe (FIFO), not a regular file; it is not read"),
    "media/ome-zarr-chunk-is-a-fifo": _without_thumbnail(
        f"{STORE}/s0/c/0/0/0: is a named pipe (FIFO), not a regular file; it is not read"),
    # Masks: a label per pixel is drawn in bounded time, or left out with a warning
    "media/ome-zarr-labels-distinct-label-per-pixel": _noted(
        "label image 'cells': 921,600 distinct labels at thumbnail size, more than the 50,000 a thumbnail"
        " can show; they are not drawn"),
    "media/ome-zarr-label-image-file-distinct-label-per-pixel": _noted(
        "samples/mask.png: 61,499 distinct labels at thumbnail size, more than the 50,000 a thumbnail can"
        " show; they are not drawn"),
    "media/png-label-image-distinct-label-per-pixel": _noted(
        "samples/mask.png: 61,499 distinct labels at thumbnail size, more than the 50,000"),
    "media/ome-zarr-label-image-file-is-a-fifo": _without_thumbnail(
        "samples/mask.png: is a named pipe (FIFO), not a regular file; it is not read"),
    # Plain images that are not regular files
    "media/example-image-is-a-fifo": _without_thumbnail(
        "samples/cells.png: is a named pipe (FIFO), not a regular file; it is not read"),
    "media/example-image-is-a-socket": _without_thumbnail(
        "samples/cells.png: is a socket, not a regular file; it is not read"),
    "media/example-image-is-a-directory": _without_thumbnail(
        "samples/cells.png: is a folder, not a regular file; it is not read"),
    "media/example-image-symlink-to-dev-zero": _without_thumbnail(
        "samples/cells.png: a symbolic link leads outside the dataset folder; it is not read"),
    # Annotation files: type, rows, shapes, problems per file, length of what a problem quotes
    "media/annotation-file-is-a-fifo": _noted(
        "samples/cells.csv:1:1: is a named pipe (FIFO), not a regular file; it is not read"),
    "media/annotation-file-symlink-to-dev-zero": _without_thumbnail(
        "samples/cells.geojson: a symbolic link leads outside the dataset folder; it is not read"),
    "media/csv-9-million-bad-rows": _noted(
        "samples/cells.csv:200001:1: the file has 9,000,001 lines, more than the limit of 200,000; only the"
        " first 200,000 are read",
        *_first_ten("samples/cells.csv:2:2: line 2: row has no y value", "samples/cells.csv:12:2",
                    "199,989")),
    "media/csv-1-million-points": _noted(
        "samples/cells.csv:200001:1: the file has 1,000,001 lines, more than the limit of 200,000"),
    "media/csv-100-cells-of-100000-characters": _noted(
        "samples/cells.csv:2:1: line 2: x '999999999999999999999999999...999999999999999999999999999x' is not"
        " a number", "samples/cells.csv:12:1: and 90 more problems like these"),
    "media/geojson-3-million-points": _noted(
        "samples/cells.geojson:1:1: 3,000,000 shapes, more than the limit of 200,000; only the first are"
        " kept"),
    "media/coco-1-million-bad-annotations": _noted(
        "samples/cells.json:1:1: the file has 1,000,000 annotations, more than the limit of 200,000",
        *_first_ten("samples/cells.json:1:1: annotation 0: not an object", "samples/cells.json:1:1",
                    "199,990")),
    "media/star-2-million-bad-rows": _noted(
        "samples/cells.star:200001:1: the file has 2,000,004 lines, more than the limit of 200,000",
        *_first_ten("samples/cells.star:5:1: line 5: 1 values, the loop declares 2",
                    "samples/cells.star:15:1", "199,986")),
}

ISSUE: dict[str, list[str]] = {
    "an OME-Zarr chunk that declares 50,000 x 50,000 (and its siblings: a chunk that inflates past its"
    " declared size, one-pixel chunks, a label array's chunk)": [
        "media/ome-zarr-chunk-declares-50000x50000", "media/ome-zarr-chunk-inflates-to-3-gb",
        "media/ome-zarr-chunks-of-one-pixel", "media/ome-zarr-label-chunk-declares-50000x50000"],
    "a pixel limit that ignored channels (and the dtype, channel and level counts)": [
        "media/ome-zarr-48-channels-8000x8000-no-chunks", "media/ome-zarr-float64-plane-8000x8000",
        "media/ome-zarr-one-million-channels", "media/ome-zarr-1000-resolution-levels"],
    "a mask with a distinct label per pixel": [
        "media/ome-zarr-labels-distinct-label-per-pixel",
        "media/ome-zarr-label-image-file-distinct-label-per-pixel",
        "media/png-label-image-distinct-label-per-pixel"],
    "a CSV point file of 9 million bad rows (and COCO, STAR, GeoJSON, long cells)": [
        "media/csv-9-million-bad-rows", "media/csv-1-million-points", "media/coco-1-million-bad-annotations",
        "media/star-2-million-bad-rows", "media/geojson-3-million-points",
        "media/csv-100-cells-of-100000-characters"],
    "a FIFO as an example image or annotation file (and sockets, folders, devices, FIFOs in stores)": [
        "media/example-image-is-a-fifo", "media/annotation-file-is-a-fifo", "media/example-image-is-a-socket",
        "media/example-image-is-a-directory", "media/example-image-symlink-to-dev-zero",
        "media/annotation-file-symlink-to-dev-zero", "media/ome-zarr-store-is-a-fifo",
        "media/ome-zarr-metadata-is-a-fifo", "media/ome-zarr-chunk-is-a-fifo",
        "media/ome-zarr-label-image-file-is-a-fifo"],
    "local stores bounded before they are hashed or read": [
        "media/ome-zarr-metadata-file-of-17-mib", "media/ome-zarr-chunk-file-of-600-mib",
        "media/ome-zarr-store-of-1200-mib", "media/ome-zarr-store-of-20001-files"],
}
"""Issue 15's class 2 (media bombs) and the FIFO of class 3, with the inputs covering them."""
