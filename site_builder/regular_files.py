"""Reading a file a submitter or a user named: regular files only, and never more than a bound.

A path can name a FIFO (opening it waits for a writer forever), a device (/dev/zero never
ends and reports a size of 0), a socket or a folder, directly or through a symbolic link.
Its type is checked after following links, before it is opened; it is then opened without
blocking, checked again on the open handle (it may have been swapped in between), and read
up to one byte past the limit, whatever size it claims.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_BINARY", 0))
_CHUNK = 1 << 20


class NotRegularFile(Exception):
    """The path leads to something other than a regular file: `kind` says what."""

    def __init__(self, kind: str, *, linked: bool) -> None:
        super().__init__(kind)
        self.kind, self.linked = kind, linked

    def describe(self, name: str) -> str:
        """"'1.0.yaml' is a named pipe (FIFO)", or "... is a symbolic link to a character device"."""
        return f"'{name}' is {'a symbolic link to ' if self.linked else ''}{self.kind}"


class TooLarge(Exception):
    """The file holds more than the limit; `size` is what it claims, or None when that was less."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


def kind_of(mode: int) -> str:
    """What a file's mode says it is, as a report names it."""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def special_kind(path: Path) -> NotRegularFile | None:
    """Why `path` (after following links) is not a regular file, or None when it is one.

    Never opens it; raises OSError when it cannot be looked at (missing, a dangling link,
    a loop of links, no permission)."""
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return None
    return NotRegularFile(kind_of(mode), linked=path.is_symlink())


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file at `path`, at most `max_bytes` of them.

    Raises NotRegularFile, TooLarge, or OSError for a file that cannot be read."""
    refused = special_kind(path)
    if refused is not None:
        raise refused
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # swapped since it was looked at
            raise NotRegularFile(kind_of(info.st_mode), linked=path.is_symlink())
        if info.st_size > max_bytes:
            raise TooLarge(info.st_size)
        data = _read_at_most(fd, max_bytes + 1, info.st_size)
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # it grew, or its size was not what it said
        raise TooLarge(None)
    return data


def _read_at_most(fd: int, limit: int, expected: int) -> bytes:
    """Up to `limit` bytes; one read for a file of its stated size, then bounded chunks."""
    chunks: list[bytes] = []
    total = 0
    want = min(limit, expected + 1)
    while total < limit:
        chunk = os.read(fd, max(1, min(limit - total, want)))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = _CHUNK
    return b"".join(chunks)
