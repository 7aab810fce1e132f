"""Write a site atomically and incrementally.

Files are staged in a sibling folder, then the staged folder and the live one are
exchanged in one atomic step (renameat2 RENAME_EXCHANGE). A build that fails or is
killed at any moment leaves the previous site untouched. Where the exchange is not
available it falls back to two renames, and a build killed between them is repaired
by the next one. One build at a time writes an output (output_guard.build_lock), and the
repair removes only what builds that are gone left behind.

Double-buffered: the site a swap replaces is kept as the spare (in the build cache),
and the next build stages into it, so a rebuild only touches the files that changed
in the last two builds. A file whose bytes did not change is hard-linked from the
live site (not rewritten, so its mtime and inode stay).
"""

from __future__ import annotations

import ctypes
import glob
import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import orjson

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
RECORD = ".mifa-build.json"
"""Content hashes of the previous build, so unchanged files can be recognised."""


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class StagedSite:
    """A site being written next to the live one.

    The stage starts as the spare: the site from the build before the live one, kept after
    the last swap. Most of its files are already right, so a rebuild touches only what
    changed since then. A staged file is never written in place, because it may be a hard
    link to a live file: it is unlinked and made again.
    """

    out: Path
    stage: Path
    previous: dict[str, list[str | None]]
    """path -> [content hash, input key] from the previous build."""
    staged: dict[str, list[str | None]] = field(default_factory=dict)
    """path -> [content hash, input key] of the files the stage already holds (from the spare)."""
    record: dict[str, list[str | None]] = field(default_factory=dict)
    stats: WriteStats = field(default_factory=WriteStats)
    folders: set[Path] = field(default_factory=set)
    """Folders already made in the stage: creating one is a slow system call even when it exists."""

    def _folder_for(self, target: Path) -> None:
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)

    def _keep(self, path: str, digest: str, key: str | None) -> bool:
        """The stage already holds these bytes at `path`: nothing to do."""
        if (self.staged.get(path) or [None])[0] != digest:
            return False
        self.record[path] = [digest, key]
        self.stats.unchanged += 1
        return True

    def _clear(self, path: str) -> Path:
        """The staged path, emptied if the spare had a file there, with its folder made."""
        target = self.stage / path
        self._folder_for(target)
        if path in self.staged:
            target.unlink(missing_ok=True)
        return target

    def reuse(self, path: str, key: str) -> bool:
        """Keep the previous file without rendering it, if it was made from the same inputs
        (the live site's, or the spare's when the live site does not have it)."""
        staged_hash, staged_key = (self.staged.get(path) or [None, None])[:2]
        if staged_key == key and staged_hash is not None and self._keep(path, staged_hash, key):
            return True
        old_hash, old_key = (self.previous.get(path) or [None, None])[:2]
        if old_key != key or old_hash is None:
            return False
        old = self.out / path
        if not old.is_file():
            return False
        self._link(old, self._clear(path))
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
        if self._keep(path, digest, key):
            return
        self.record[path] = [digest, key]
        target = self._clear(relative.as_posix())
        old = self.out / relative
        if (self.previous.get(path) or [None])[0] == digest and old.is_file():
            self._link(old, target)
            self.stats.unchanged += 1
            return
        target.write_bytes(data)
        self.stats.written += 1


def cache_folder(out: Path) -> Path:
    """The build's own state beside its output: caches and the spare site."""
    out = out.resolve()
    return out.parent / f".{out.name}.cache"


def _spare(out: Path) -> Path:
    return cache_folder(out) / "spare-site"


def _read_record(site: Path) -> dict[str, list[str | None]]:
    try:
        loaded = orjson.loads((site / RECORD).read_bytes())
        return {str(k): list(v) for k, v in loaded.items() if isinstance(v, list)}
    except (orjson.JSONDecodeError, OSError, AttributeError):
        return {}


def _owner_gone(pid: int) -> bool:
    """No other live process has this pid. This process counts as gone: it holds the output's
    lock (output_guard.build_lock), so it is not in the middle of another build of it."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, as another user
        return False
    return False


def _left_behind(out: Path, kind: str) -> list[Path]:
    """The `kind` ('new': staged, 'old': set aside) folders of `out` whose build is gone.

    Only names this module makes (`.<name>.new-<pid>`): a folder of the user's that merely
    looks alike (`.<name>.new-draft`) and a live build's folder are never touched."""
    prefix = f".{out.name}.{kind}-"
    return sorted(path for path in out.parent.glob(glob.escape(prefix) + "*")
                  if re.fullmatch("[0-9]{1,9}", path.name[len(prefix):]) and _real_folder(path)
                  and _owner_gone(int(path.name[len(prefix):])))


def _real_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _discard(path: Path) -> None:
    """Remove a folder the build made; a link or file found in its place (planted in a
    checkout, say) is removed itself, never followed."""
    if _real_folder(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink()


def _record_time(site: Path) -> int:
    try:
        return (site / RECORD).stat().st_mtime_ns
    except OSError:
        return 0


def recover(out: Path) -> None:
    """Put back a site left aside by a build killed between its two renames, and remove what
    dead builds left. Called with the output's lock held (output_guard.build_lock)."""
    out = out.resolve()
    aside = _left_behind(out, "old")
    if aside and not os.path.lexists(out):
        newest = max(aside, key=_record_time)
        newest.rename(out)
        aside.remove(newest)
    for stale in [*aside, *_left_behind(out, "new")]:
        _discard(stale)


def begin(out: Path, *, fresh: bool = False) -> StagedSite:
    """Start staging a new site for `out`: from the spare site, or from nothing when `fresh`."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    previous = {} if fresh else _read_record(out)
    stage = out.parent / f".{out.name}.new-{os.getpid()}"
    _discard(stage)
    spare = _spare(out)
    if not _real_folder(spare):
        _discard(spare)  # a link is never followed: the build would write where it points
    staged = {} if fresh else _read_record(spare)
    if staged:
        spare.rename(stage)
    else:  # no record, or `fresh`: it is not trusted (files beside its record would be published)
        _discard(spare)
        stage.mkdir()
    return StagedSite(out, stage, previous, staged)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return int(renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)) == 0


def commit(site: StagedSite) -> WriteStats:
    """Swap the staged site in, in one step where the system can; the old one becomes the spare."""
    site.stats.removed = len(set(site.previous) - set(site.record))
    for path in sorted(set(site.staged) - set(site.record)):  # what the spare had and this site has not
        stale = site.stage / path
        stale.unlink(missing_ok=True)
        _prune_empty(stale.parent, site.stage)
    record = site.stage / RECORD
    record.unlink(missing_ok=True)
    record.write_bytes(orjson.dumps(site.record, option=orjson.OPT_SORT_KEYS) + b"\n")
    if site.out.exists() and _exchange(site.stage, site.out):
        _keep_as_spare(site.stage, site.out)
        return site.stats
    old = site.out.parent / f".{site.out.name}.old-{os.getpid()}"
    if site.out.exists():  # two renames: a kill between them is repaired by the next build
        site.out.rename(old)
    site.stage.rename(site.out)
    if old.exists():
        _keep_as_spare(old, site.out)
    return site.stats


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _keep_as_spare(old: Path, out: Path) -> None:
    """The site just replaced becomes the next build's starting point."""
    spare = _spare(out)
    _discard(spare)
    spare.parent.mkdir(parents=True, exist_ok=True)
    old.rename(spare)


def abort(site: StagedSite) -> None:
    """Throw the staged files away; the live site was never touched."""
    shutil.rmtree(site.stage, ignore_errors=True)
