"""Where a site may be built, and one build at a time per site.

A build replaces its output folder wholesale (the old one becomes the spare and is later
deleted) and writes folders beside it: the build cache `.<name>.cache`, the staged site
`.<name>.new-<pid>` and, for a moment, the old site `.<name>.old-<pid>`. So an output that
is the catalogue, the working folder, the settings or a folder of someone's files would be
moved away and lost. `check_output` refuses such an output before anything is touched, and
`build_lock` lets one build at a time write a given output (an OS lock, released by the
system if the build dies), so a build never removes another's staging folder.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .render.output import RECORD, cache_folder

LOCK_FILE = "build.lock"
"""In the build cache: the file whose OS lock the build writing the site holds."""
LOCK_WAIT = 600.0
"""Seconds a build waits for another build of the same output before it gives up."""
NAME_MAX = 255
"""Bytes in one file name on the common file systems."""
SIBLING_EXTRA = len(".") + len(".new-") + 7
"""What the staging folder's name adds to the output's (a pid has at most 7 digits on Linux)."""
_OWN_FOLDER = re.compile(r"\..+\.(?:cache|new-[0-9]+|old-[0-9]+)")
_HINT = "give the site a new or empty folder of its own (the default is _site)"


class OutputRefused(Exception):
    """The output folder cannot be built into without destroying data; one line for the user."""


class OutputBusy(OutputRefused):
    """Another build kept the output locked for longer than this one would wait."""


def _resolve(path: Path) -> Path:
    """`path` with every symbolic link resolved; a link loop is refused."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:
        raise OutputRefused(f"cannot build into {path}: it cannot be resolved ({_reason(exc)}); "
                            f"{_HINT}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return "a symbolic link loop" if isinstance(exc, RuntimeError) else str(exc)


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, OSError, KeyError):
        return None


def _protected(datasets: Path, settings_path: Path, overrides: Path | None
               ) -> list[tuple[str, Path, bool]]:
    """(what it is, resolved folder, whether an output inside it is refused too)."""
    from .render.templating import TEMPLATES  # Jinja, only when a build is about to start
    folders = [("the catalogue folder", datasets, True),
               ("the settings folder", settings_path.parent, True),
               ("the templates folder", overrides if overrides is not None
                else settings_path.parent / "templates", True),
               ("the built-in templates folder", TEMPLATES, True)]
    with suppress(OSError):  # a working folder that was removed has nothing left to protect
        folders.append(("the working folder", Path.cwd(), False))
    home = _home()
    if home is not None:
        folders.insert(0, ("the home folder", home, False))
    resolved = []
    for label, path, inside in folders:
        with suppress(RuntimeError, OSError):  # a link loop: no folder there to protect
            resolved.append((label, path.resolve(), inside))
    return resolved


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


def _same(a: Path, b: Path) -> bool:
    """One folder: by name, or (on a case-insensitive file system, through a bind mount) by identity."""
    if a == b:
        return True
    identity = _identity(a)
    return identity is not None and identity == _identity(b)


def _overlap(site: Path, label: str, folder: Path, inside_too: bool) -> str:
    """How `site` would destroy `folder`, or ''."""
    if _same(site, folder):
        return f"it is {label}"
    if any(_same(site, parent) for parent in folder.parents):
        return f"it contains {label} ({folder})"
    if inside_too and any(_same(parent, folder) for parent in site.parents):
        return f"it is inside {label} ({folder})"
    return ""


def _problem(site: Path, datasets: Path, settings_path: Path, overrides: Path | None) -> str:
    """Why building into `site` (resolved) would destroy data, or ''."""
    if site.parent == site or _same(site, Path(site.anchor)):
        return "it is the file-system root"
    for folder in (site, *site.parents):
        if _OWN_FOLDER.fullmatch(folder.name):
            where = "it" if folder == site else f"it is inside {folder}, which"
            return f"{where} is a folder a build keeps beside its site (its cache or staged site)"
    protected = _protected(datasets, settings_path, overrides)
    for label, folder, inside_too in protected:
        found = _overlap(site, label, folder, inside_too)
        if found:
            return found
    for ancestor in reversed(site.parents):
        if ancestor.exists() and not ancestor.is_dir():
            return f"{ancestor} is a file, not a folder"
    if site.exists() and not site.is_dir():
        return "it is a file, not a folder" if site.is_file() else "it is not a folder"
    if len(os.fsencode(site.name)) + SIBLING_EXTRA > NAME_MAX:
        return (f"its name is too long for the folders the build makes beside it "
                f"({len(os.fsencode(site.name))} bytes; at most {NAME_MAX - SIBLING_EXTRA})")
    if site.is_dir() and not _is_site(site) and any(os.scandir(site)):
        return f"it is a folder of other files, not a site built by mifa (it has no {RECORD})"
    return _sibling_problem(site, protected)


def _is_site(folder: Path) -> bool:
    from .build import INPUTS  # the build module uses this one: imported when it is needed

    return (folder / RECORD).is_file() or (folder / INPUTS).is_file()


def _sibling_problem(site: Path, protected: list[tuple[str, Path, bool]]) -> str:
    """The folders the build writes beside `site` follow the same rules."""
    cache = cache_folder(site)
    if cache.is_symlink():  # a build makes it a folder; a link would take its writes elsewhere
        return f"its build cache {cache} is a link to {os.readlink(cache)}, not a folder a build made"
    if os.path.lexists(cache) and not cache.is_dir():
        return f"its build cache {cache} is {'a file' if cache.is_file() else 'not a folder'}"
    lock = cache / LOCK_FILE
    if os.path.lexists(lock) and (lock.is_symlink() or not lock.is_file()):
        return f"its lock file {lock} is not a file a build made"
    staged = re.compile(re.escape(f".{site.name}.") + r"(?:new|old)-[0-9]+")
    for label, folder, _inside in protected:
        if site.parent in folder.parents:
            first = folder.relative_to(site.parent).parts[0]
            if first == cache.name or staged.fullmatch(first):
                return f"{label} ({folder}) is inside {site.parent / first}, which the build replaces"
    return ""


def check_output(out: Path, *, datasets: Path, settings_path: Path, overrides: Path | None = None) -> Path:
    """The resolved output folder, or OutputRefused when building there could destroy data.

    Refused: the file-system root; the home folder, the working folder and their parents; the
    catalogue, settings and templates folders, anything inside them and their parents; a file;
    a folder that holds other files and is not a site a build made; a build's own working folders;
    and the same for the folders the build keeps beside the output. Nothing is written."""
    site = _resolve(out)
    problem = _problem(site, _resolve(datasets), settings_path, overrides)
    if problem:
        shown = f"{out}" if Path(os.path.abspath(out)) == site else f"{out} ({site})"
        raise OutputRefused(f"cannot build into {shown}: {problem}; {_HINT}")
    return site


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_held: set[int] = set()
"""Lock descriptors this process holds: a forked worker closes its copies, so the lock
is never kept alive by a child after the build that took it is gone."""


def _close(fd: int) -> None:
    _held.discard(fd)
    with suppress(OSError):
        os.close(fd)


def _close_all_held() -> None:
    for fd in list(_held):
        _close(fd)


os.register_at_fork(after_in_child=_close_all_held)


def _holder(fd: int) -> str:
    """'another build', with its pid when the lock file names a live process (the holder writes
    its pid just after taking the lock, so for a moment the file names the one before)."""
    try:
        pid = int(os.pread(fd, 32, 0).decode("ascii").strip())
        os.kill(pid, 0)
    except PermissionError:  # a live process of another user
        pass
    except (OSError, ValueError, OverflowError, UnicodeDecodeError):
        return "another build"
    return f"another build (pid {pid})"


@contextmanager
def build_lock(site: Path, *, wait: float = LOCK_WAIT, shown: str | None = None,
               notice: Callable[[str], None] = _to_stderr) -> Iterator[None]:
    """Hold the lock of the output `site` (resolved) while the body runs.

    When another build holds it, say so once through `notice` and wait up to `wait` seconds,
    then raise OutputBusy. The lock is an OS lock (flock) on a file in the build cache: it goes
    with the process that holds it, however that process ends."""
    if not 0 <= wait < float("inf"):
        raise ValueError(f"wait must be a number of seconds, 0 or more, not {wait}")
    shown = shown or str(site)
    lock = cache_folder(site) / LOCK_FILE
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO, say: refused, never written
                os.close(fd)
                raise OSError(errno.EINVAL, "not a regular file")
        except OSError as exc:
            raise OutputRefused(f"cannot build into {shown}: cannot create {lock} ({_reason(exc)}); "
                                f"{_HINT}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _holder(fd)
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputRefused(f"cannot build into {shown}: cannot lock {lock} "
                                    f"({_reason(exc)})") from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise OutputBusy(f"cannot build into {shown}: {holder} is still writing it "
                                 f"(waited {wait:g} s); try again when it has finished") from None
            if not told:
                notice(f"waiting for {holder} of {shown} to finish (up to {wait:g} s)")
                told = True
            time.sleep(min(0.1, left))
            continue
        if _same_file(fd, lock):
            break
        os.close(fd)  # the lock file was removed and made again meanwhile: lock the new one
        if time.monotonic() > deadline:
            raise OutputBusy(f"cannot build into {shown}: its lock file {lock} keeps being replaced; "
                             "try again when nothing else is writing beside it") from None
    _held.add(fd)
    try:
        os.pwrite(fd, f"{os.getpid():>10}\n".encode(), 0)  # one fixed-size write: never read half-done
        yield
    finally:
        _close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        mine, now = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)
