"""Build-owned folders that git tracks came with the checkout, so nothing in them is read.

A build keeps its state beside its output (`._site.cache`: caches and the spare site), and
`mifa validate --cache` in a folder of the user's choosing. Those are the builder's own
files, but a pull request can add them to the repository, and once it is merged the
publishing job would read what it planted (pages kept as "unchanged", cached results).
So a folder git tracks is never read: the work is done from scratch and a warning says why.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from .catalogue import display_name
from .problems import Problem, Severity
from .render.output import cache_folder

GIT_TIMEOUT_S = 60
"""`git ls-files` for a few paths answers in milliseconds; this only keeps a broken git from hanging."""


def tracked_names(parent: Path, names: Sequence[str]) -> list[str]:
    """Which of the entries `names` of folder `parent` hold a file git tracks (none outside a
    repository, or without git)."""
    if not names or not parent.is_dir():
        return []
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        listed = subprocess.run(["git", "-C", str(parent), "ls-files", "-z", "--",
                                 *(f":(literal){name}" for name in names)],
                                capture_output=True, env=env, check=False, timeout=GIT_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if listed.returncode != 0:
        return []
    tops = {PurePosixPath(path).parts[0] for path in os.fsdecode(listed.stdout).split("\0") if path}
    return [name for name in names if name in tops]


def _warning(folder: Path, consequence: str) -> Problem:
    shown = display_name(folder)
    return Problem(shown, 1, 1, "", Severity.WARNING,
                   f"{shown} is tracked by git, so it came with the checkout (a pull request can add it): "
                   f"{consequence}",
                   f"remove it from the repository and ignore it: git rm -r --cached {shown}, "
                   f"and add {shown} to .gitignore")


def tracked_build_state(out: Path) -> list[Problem]:
    """A warning for each of the site, its cache and a build's leftovers beside it that git tracks."""
    cache = cache_folder(out)
    parent = cache.parent
    site = out.resolve().name
    leftovers = []
    if parent.is_dir():
        with os.scandir(parent) as entries:
            leftovers = sorted(e.name for e in entries if e.name.startswith(f".{site}."))
    return [_warning(parent / name, "the build reads nothing from it and makes every file again")
            for name in tracked_names(parent, [site, *dict.fromkeys([cache.name, *leftovers])])]


def tracked_cache(folder: Path) -> list[Problem]:
    """A warning when git tracks the cache folder `folder` of `mifa validate --cache`."""
    folder = folder.resolve()
    return [_warning(folder, "validation reads nothing from it and parses every manifest")
            for _ in tracked_names(folder.parent, [folder.name])]
