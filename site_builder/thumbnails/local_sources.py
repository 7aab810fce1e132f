"""Example images, masks and OME-Zarr stores in a dataset folder, checked before anything opens them.

Opening a FIFO waits for a writer forever, a device never ends, a link may lead anywhere on the
machine, and a store of a million files or of a gigabyte chunk costs its whole size to hash and to
read. Each is refused here from `os.stat` alone, with a message naming the file, so that the build
goes on without that one thumbnail.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..regular_files import kind_of

MAX_FILE_BYTES = 512 * 2**20
"""Largest single file read: an image, a mask, or one chunk or shard of a store."""
MAX_METADATA_BYTES = 2**20
"""Largest Zarr metadata document: real ones take kilobytes, and zarr takes seconds per ten megabytes."""
MAX_STORE_ENTRIES = 20_000
"""Files and folders in one local store: an example store is a small crop, not the dataset."""
MAX_STORE_BYTES = 2**30
"""All the files of one local store, which are hashed for the thumbnail cache."""
METADATA_NAMES = ("zarr.json", ".zarray", ".zattrs", ".zgroup", ".zmetadata")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
"""Example images read as one picture; anything else local is an OME-Zarr store (a folder)."""


def is_remote(source: str) -> bool:
    """An example given by URL rather than as a path in the dataset folder."""
    return source.startswith(("http://", "https://", "s3://"))


def is_raster(source: str) -> bool:
    """A plain picture (PNG, JPEG, TIFF) rather than an OME-Zarr store."""
    return source.lower().endswith(RASTER_SUFFIXES)


class SourceRefused(Exception):
    """A local source that is not read; `message` names it and says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def size_text(size: int) -> str:
    """Bytes as a reader takes them in: "512 MiB", "9.3 GiB", "17 KiB"."""
    value, unit = float(size), "bytes"
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if value < 1024 or unit == "PiB":
            break
        value /= 1024
    return f"{size:,} bytes" if unit == "bytes" else f"{value:.3g} {unit}"


def _outside(folder: Path, path: Path) -> bool:
    return not path.resolve().is_relative_to(folder.resolve())


def inside_dataset(folder: Path, name: str) -> Path:
    """`name` in the dataset folder, refused when a symbolic link leads out of it."""
    path = folder / name
    if _outside(folder, path):
        raise SourceRefused(f"{name}: a symbolic link leads outside the dataset folder; it is not read")
    return path


def _stat(folder: Path, name: str) -> tuple[Path, os.stat_result]:
    """The path of `name` in the dataset folder and what it is, after following links."""
    path = inside_dataset(folder, name)
    try:
        return path, os.stat(path)
    except FileNotFoundError:
        raise SourceRefused(f"{name}: no such file in the dataset folder") from None
    except OSError as exc:
        raise SourceRefused(f"{name}: cannot be read: {exc.strerror or exc}") from None


def _check_file(name: str, info: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise SourceRefused(f"{name}: is {kind_of(info.st_mode)}, not a regular file; it is not read")
    if info.st_size > max_bytes:
        raise SourceRefused(f"{name}: the file holds {size_text(info.st_size)}, more than the limit of "
                            f"{size_text(max_bytes)}")


def regular_file(folder: Path, name: str, *, max_bytes: int = MAX_FILE_BYTES) -> Path:
    """`name` in the dataset folder when it is a regular file of at most `max_bytes`."""
    path, info = _stat(folder, name)
    _check_file(name, info, max_bytes)
    return path


def open_regular(path: Path, name: str, *, max_bytes: int = MAX_FILE_BYTES) -> BinaryIO:
    """The file opened for reading, without blocking should a FIFO have been swapped in since it was
    checked, and checked again on the open handle."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise SourceRefused(f"{name}: no such file in the dataset folder") from None
    except OSError as exc:
        raise SourceRefused(f"{name}: cannot be read: {exc.strerror or exc}") from None
    try:
        _check_file(name, os.fstat(fd), max_bytes)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


@dataclass(frozen=True)
class StoreFiles:
    """A local store that passed every check, and its files (relative name, path) in name order."""

    path: Path
    files: tuple[tuple[str, Path], ...]


def store_folder(folder: Path, name: str) -> StoreFiles:
    """`name` in the dataset folder when it is a folder whose every entry is a folder or a regular
    file inside the dataset folder, within the counts and sizes above."""
    root, info = _stat(folder, name)
    if stat.S_ISREG(info.st_mode):
        raise SourceRefused(f"{name}: not an OME-Zarr store (a folder) nor a PNG, JPEG or TIFF file")
    if not stat.S_ISDIR(info.st_mode):
        raise SourceRefused(f"{name}: is {kind_of(info.st_mode)}, not an OME-Zarr store (a folder); "
                            "it is not read")
    files: list[tuple[str, Path]] = []
    pending, seen, entries, total = [(root, "")], {root.resolve()}, 0, 0
    while pending:
        directory, prefix = pending.pop()
        try:
            listing = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            raise SourceRefused(f"{name}/{prefix}: cannot be read: {exc.strerror or exc}") from None
        for entry in listing:
            entries += 1
            if entries > MAX_STORE_ENTRIES:
                raise SourceRefused(f"{name}: the store holds more than {MAX_STORE_ENTRIES:,} files and "
                                    "folders; an example store should be a small crop of the data")
            relative, path = prefix + entry.name, Path(entry.path)
            shown = f"{name}/{relative}"
            if entry.is_symlink() and _outside(folder, path):
                raise SourceRefused(f"{shown}: a symbolic link leads outside the dataset folder; "
                                    "it is not read")
            try:
                entry_info = os.stat(path)
            except OSError as exc:
                raise SourceRefused(f"{shown}: cannot be read: {exc.strerror or exc}") from None
            if stat.S_ISDIR(entry_info.st_mode):
                if path.resolve() not in seen:  # a link back up the tree is walked once
                    seen.add(path.resolve())
                    pending.append((path, relative + "/"))
                continue
            _check_file(shown, entry_info,
                        MAX_METADATA_BYTES if entry.name in METADATA_NAMES else MAX_FILE_BYTES)
            total += entry_info.st_size
            files.append((relative, path))
    if total > MAX_STORE_BYTES:
        raise SourceRefused(f"{name}: the store's files hold {size_text(total)}, more than the limit of "
                            f"{size_text(MAX_STORE_BYTES)} for an example")
    return StoreFiles(root, tuple(sorted(files)))


def _file_digest(path: Path, name: str) -> bytes:
    digest = hashlib.sha256()
    with open_regular(path, name) as handle:
        while piece := handle.read(1 << 20):
            digest.update(piece)
    return digest.digest()


def digest_source(digest: Any, folder: Path, name: str) -> None:
    """Add a local source's content to `digest`, reading each file in bounded pieces; a source
    that would be refused adds why (it is refused again, and reported, when rendered)."""
    try:
        path, info = _stat(folder, name)
        if stat.S_ISDIR(info.st_mode):
            for relative, file in store_folder(folder, name).files:
                digest.update(relative.encode() + b"\0" + _file_digest(file, f"{name}/{relative}"))
        else:
            digest.update(_file_digest(path, name))
    except SourceRefused as refused:
        digest.update(b"refused\0" + refused.message.encode())
