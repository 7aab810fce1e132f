"""Content hashes of every file under a folder, re-reading only files whose stat changed.

A file's (size, modification time, inode) is remembered with its hash, as git's index
does; one whose stat is unchanged keeps its hash. A file changed less than two seconds
before it was hashed is not trusted (a second edit in the same clock tick would keep the
same stat) and is read again next time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path

CACHE_FILE = "file-digests.pickle"
RACY_SECONDS = 2.0

Signature = tuple[int, int, int]


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
    memo: dict[str, tuple[Signature, str]] = {}
    memo_file = cache_dir / CACHE_FILE if cache_dir is not None else None
    if memo_file is not None and memo_file.is_file():
        try:
            with memo_file.open("rb") as handle:
                loaded = pickle.load(handle)
            memo = loaded if isinstance(loaded, dict) else {}
        except Exception:  # a torn or foreign cache file: hash everything again
            memo = {}
    now = time.time()
    digests: dict[str, str] = {}
    kept: dict[str, tuple[Signature, str]] = {}
    for name, stat, path, link in _walk(folder) if folder.is_dir() else []:
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        known = memo.get(name)
        digest = known[1] if known is not None and known[0] == signature else _digest(path, link)
        digests[name] = digest
        if now - stat.st_mtime > RACY_SECONDS:
            kept[name] = (signature, digest)
    if memo_file is not None and kept != memo:
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        partial = memo_file.with_name(f"{memo_file.name}.{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, memo_file)
    return digests
