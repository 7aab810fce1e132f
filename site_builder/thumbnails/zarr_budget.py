"""What reading one plane of a Zarr array costs, known from its metadata before any chunk is read.

The plane as read holds every channel as well as y and x, at the size of the data type; every chunk
it touches is decompressed whole (a 64 x 64 array whose one chunk declares 50,000 x 50,000 costs
gigabytes to read one pixel) and is one request to the store. All of it follows from the array's
shape, chunk (and shard) shape and data type, so a store that would cost too much is refused with
the figures, instead of being found out by running out of memory or time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .local_sources import size_text

MAX_READ_BYTES = 256 * 2**20
"""The plane as read: channels x y x x at the data type's size."""
MAX_DECODED_BYTES = 512 * 2**20
"""Every chunk the read touches, decompressed (and the shard indexes it reads)."""
MAX_CHUNK_READS = 10_000
"""Chunks the read touches: each is a file to open or a request to a server."""
_SHARD_INDEX_ENTRY = 16  # bytes per inner chunk in a shard's index (offset and length)


def _extents(shape: Sequence[int], index: Sequence[int | slice]) -> list[int]:
    return [extent if isinstance(i, slice) else 1 for extent, i in zip(shape, index, strict=True)]


def _touched(shape: Sequence[int], index: Sequence[int | slice], grid: Sequence[int]) -> int:
    """Grid cells (chunks or shards) that hold part of the selection."""
    return math.prod(math.ceil(extent / cell) if isinstance(i, slice) else 1
                     for extent, i, cell in zip(shape, index, grid, strict=True))


def _shape_text(shape: Sequence[int]) -> str:
    return " × ".join(str(n) for n in shape)


def plane_read_problem(array: Any, index: tuple[int | slice, ...], axes: Sequence[str]) -> str | None:
    """Why reading `array[index]` is refused, or None when it fits every budget."""
    dtype = np.dtype(array.dtype)
    if dtype.kind not in "biuf":
        return f"data type {dtype} is not a number type an image can be drawn from"
    shape, chunks = tuple(array.shape), tuple(array.chunks)
    if len(chunks) != len(shape) or any(int(n) < 1 for n in chunks):
        return f"chunk shape {chunks} does not fit array shape {shape}"
    extents = _extents(shape, index)
    read = math.prod(extents) * dtype.itemsize
    if read > MAX_READ_BYTES:
        kept = [(a, e) for a, e, i in zip(axes, extents, index, strict=True) if isinstance(i, slice)]
        return (f"one plane of {_shape_text([e for _, e in kept])} ({' × '.join(a for a, _ in kept)}) "
                f"of {dtype} takes {size_text(read)}, more than the limit of {size_text(MAX_READ_BYTES)}; "
                "add a smaller resolution level")
    chunk = math.prod(chunks) * dtype.itemsize
    if chunk > MAX_DECODED_BYTES:
        return (f"one chunk of {_shape_text(chunks)} {dtype} decompresses to {size_text(chunk)}, more than "
                f"the limit of {size_text(MAX_DECODED_BYTES)}; use smaller chunks")
    touched = _touched(shape, index, chunks)
    if touched > MAX_CHUNK_READS:
        return (f"one plane touches {touched:,} chunks of {_shape_text(chunks)}, more than the limit of "
                f"{MAX_CHUNK_READS:,}; use larger chunks or add a smaller resolution level")
    decoded = touched * chunk
    shards = getattr(array, "shards", None)
    if shards is not None:
        per_shard = math.prod(max(1, s // c) for s, c in zip(shards, chunks, strict=True))
        decoded += _touched(shape, index, shards) * per_shard * _SHARD_INDEX_ENTRY
    if decoded > MAX_DECODED_BYTES:
        indexes = " and their shard indexes" if shards is not None else ""
        return (f"one plane decompresses {touched:,} chunks of {_shape_text(chunks)} {dtype}{indexes}, "
                f"{size_text(decoded)}, more than the limit of {size_text(MAX_DECODED_BYTES)}; "
                "use smaller chunks or add a smaller resolution level")
    return None
