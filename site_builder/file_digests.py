"""Content hashes of every file under a folder, re-reading only files whose stat changed.

A file's (size, modification time, inode) is remembered with its hash, as git's index
does; one whose stat is unchanged keeps its hash. A file changed less than two seconds
before it was hashed is not trusted (a second edit in the same clock tick would keep the
same stat) and is read again next time. The memo is JSON of a checked shape: one that does
not read back means every file is hashed again (it never runs code, as the pickle before it could).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import orjson
import pydantic

CACHE_FILE = "file-digests.json"
RACY_SECONDS = 2.0

Known = tuple[int, int, int, str]
"""(size, modification time in ns, inode, SHA-256) of one file."""


@dataclass(frozen=True)
class _Memo:
    format: Literal[1]
    files: dict[str, Known]


_MEMO: pydantic.TypeAdapter[_Memo] = pydantic.TypeAdapter(_Memo)


def _read_memo(memo_file: Path | None) -> dict[str, Known]:
    if memo_file is None:
        return {}
    try:
        return _MEMO.validate_json(memo_file.read_bytes()).files
    except (OSError, ValueError):  # none yet, torn or foreign: hash everything again
        return {}


def _walk(folder: Path, prefix: str = "") -> list[tuple[str, os.stat_result, str, bool]]:
    """(relative name, stat, path, is a symlink) of every file and link, never following links."""
    found = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            name = f"{prefix}{entry.name}"
            if entry.is_symlink():
                found.append((name, entry.stat(follow_symlinks=False), entry.path, True))
            elif entry.is_dir(follow_symlinks=False):
                found += _walk(Path(entry.path), name + "/")
            elif entry.is_file(follow_symlinks=False):
                found.append((name, entry.stat(follow_symlinks=False), entry.path, False))
    return found


def _digest(path: str, link: bool) -> str:
    """A link is hashed by where it points, never opened: it may lead out of the catalogue
    (the catalogue's own rules refuse such links; this only has to notice a change)."""
    if link:
        return hashlib.sha256(b"symlink\0" + os.fsencode(os.readlink(path))).hexdigest()
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_digests(folder: Path, cache_dir: Path | None = None) -> dict[str, str]:
    """Relative posix path -> SHA-256 of every file (or link) under `folder`, in path order."""
    memo_file = cache_dir / CACHE_FILE if cache_dir is not None else None
    memo = _read_memo(memo_file)
    now = time.time()
    digests: dict[str, str] = {}
    kept: dict[str, Known] = {}
    for name, stat, path, link in _walk(folder) if folder.is_dir() else []:
        known = memo.get(name)
        if known is not None and known[:3] == (stat.st_size, stat.st_mtime_ns, stat.st_ino):
            digest = known[3]
        else:
            digest = _digest(path, link)
        digests[name] = digest
        if now - stat.st_mtime > RACY_SECONDS:
            kept[name] = (stat.st_size, stat.st_mtime_ns, stat.st_ino, digest)
    if memo_file is not None and kept != memo:
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        partial = memo_file.with_name(f"{memo_file.name}.{os.getpid()}.tmp")
        partial.write_bytes(orjson.dumps({"format": 1, "files": kept}))
        os.replace(partial, memo_file)
    return digests
