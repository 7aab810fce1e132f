"""Write a site atomically and incrementally.

Files are staged in a sibling folder; a file whose bytes did not change is
hard-linked from the previous site (not rewritten, so its mtime and inode stay),
then the staged folder and the live one are exchanged in one atomic step
(renameat2 RENAME_EXCHANGE). A build that fails or is killed at any moment leaves
the previous site untouched. Where the exchange is not available it falls back to
two renames, and a build killed between them is repaired by the next one.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
BACKGROUND_REMOVAL_FROM = 5000
"""An old site with at least this many files is deleted in the background after the swap."""
RECORD = ".mifa-build.json"
"""Content hashes of the previous build, so unchanged files can be recognised."""


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class StagedSite:
    """A site being written next to the live one."""

    out: Path
    stage: Path
    previous: dict[str, list[str | None]]
    """path -> [content hash, input key] from the previous build."""
    record: dict[str, list[str | None]] = field(default_factory=dict)
    stats: WriteStats = field(default_factory=WriteStats)
    folders: set[Path] = field(default_factory=set)
    """Folders already made in the stage: creating one is a slow system call even when it exists."""

    def _folder_for(self, target: Path) -> None:
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)

    def reuse(self, path: str, key: str) -> bool:
        """Keep the previous file without rendering it, if it was made from the same inputs."""
        old_hash, old_key = (self.previous.get(path) or [None, None])[:2]
        old = self.out / path
        if old_key != key or old_hash is None or not old.is_file():
            return False
        self._folder_for(self.stage / path)
        self._link(old, self.stage / path)
        self.record[path] = [old_hash, key]
        self.stats.unchanged += 1
        return True

    @staticmethod
    def _link(old: Path, target: Path) -> None:
        try:
            os.link(old, target)
        except OSError:
            shutil.copy2(old, target)

    def write(self, path: str, data: bytes, key: str | None = None) -> None:
        """Stage one file; reuse the previous build's file when the bytes are the same."""
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"refusing to write outside the site: {path}")
        digest = hashlib.sha256(data).hexdigest()
        self.record[path] = [digest, key]
        target = self.stage / relative
        old = self.out / relative
        self._folder_for(target)
        if (self.previous.get(path) or [None])[0] == digest and old.is_file():
            self._link(old, target)
            self.stats.unchanged += 1
            return
        target.write_bytes(data)
        self.stats.written += 1


def recover(out: Path) -> None:
    """Put back a site left aside by a build killed between its two renames."""
    leftovers = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and leftovers:
        leftovers[-1].rename(out)
    for stale in out.parent.glob(f".{out.name}.*-*"):
        if stale.exists():
            shutil.rmtree(stale, ignore_errors=True)


def begin(out: Path) -> StagedSite:
    """Start staging a new site for `out`."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    previous: dict[str, list[str | None]] = {}
    record = out / RECORD
    if record.is_file():
        try:
            loaded = json.loads(record.read_text(encoding="utf-8"))
            previous = {str(k): list(v) for k, v in loaded.items() if isinstance(v, list)}
        except (ValueError, OSError, AttributeError):
            previous = {}
    stage = out.parent / f".{out.name}.new-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    return StagedSite(out, stage, previous)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return int(renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)) == 0


def _remove_later(folder: Path, out: Path, files: int) -> None:
    """Delete an old site; a large one by a detached process, so the build returns once it is live."""
    if files < BACKGROUND_REMOVAL_FROM:
        shutil.rmtree(folder, ignore_errors=True)
        return
    trash = out.parent / f".{out.name}.trash-{os.getpid()}"
    folder.rename(trash)
    remover = "import shutil, sys; shutil.rmtree(sys.argv[1], True)"
    subprocess.Popen([sys.executable, "-c", remover, str(trash)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


def commit(site: StagedSite) -> WriteStats:
    """Swap the staged site in, in one step where the system can; the old one is removed after."""
    site.stats.removed = len(set(site.previous) - set(site.record))
    (site.stage / RECORD).write_text(json.dumps(site.record, indent=0, sort_keys=True) + "\n",
                                     encoding="utf-8")
    if site.out.exists() and _exchange(site.stage, site.out):
        _remove_later(site.stage, site.out, len(site.previous))
        return site.stats
    old = site.out.parent / f".{site.out.name}.old-{os.getpid()}"
    if site.out.exists():  # two renames: a kill between them is repaired by the next build
        site.out.rename(old)
    site.stage.rename(site.out)
    if old.exists():
        _remove_later(old, site.out, len(site.previous))
    return site.stats


def abort(site: StagedSite) -> None:
    """Throw the staged files away; the live site was never touched."""
    shutil.rmtree(site.stage, ignore_errors=True)
