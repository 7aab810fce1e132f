"""Which files of a catalogue are manifests, and what is there that is not read, and why.

A manifest is a regular file named `<label>.yaml` (or .yml) in a dataset folder. Links out of
the catalogue, FIFOs, devices, sockets and folders with a manifest's name are never opened;
files meant as manifests under another spelling (1.1.YAML, 1.2.Yml, 1.0.yaml., 1.0.yaml.txt)
or outside any dataset folder are named, with the name they should have: a build would
otherwise leave them out without a word.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .names import suggested_id
from .problems import Problem, Severity
from .regular_files import NotRegularFile, special_kind

MANIFEST_SUFFIXES = (".yaml", ".yml")


def display_name(path: Path) -> str:
    """Paths in reports are relative to the working directory when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def _listing(folder: Path) -> list[os.DirEntry[str]]:
    """A folder's entries by name; their types come with the listing, without a stat each."""
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _is_manifest_name(name: str) -> bool:
    return name.endswith(MANIFEST_SUFFIXES) and not name.startswith(".")


def meant_as_manifest(name: str) -> str | None:
    """The name a file that looks meant as a manifest should have, when its own is not read as
    one ('1.1.YAML', '1.2.Yml', '1.0.yaml ', '1.0.yaml.txt' -> '1.1.yaml', ...); else None."""
    if name.startswith(".") or _is_manifest_name(name):
        return None
    trimmed = name.rstrip(". ")  # Windows drops trailing dots and spaces
    if _saved_as_text(trimmed):
        trimmed = trimmed[:-4]
    for suffix in MANIFEST_SUFFIXES:
        if trimmed.lower().endswith(suffix) and len(trimmed) > len(suffix):
            return trimmed[:-len(suffix)] + ".yaml"
    return None


def _saved_as_text(name: str) -> bool:
    """'1.0.yaml.txt': an editor's "save as text", or notes kept beside the manifests on purpose."""
    return name.lower().endswith((".yaml.txt", ".yml.txt"))


def _not_regular(path: Path, entry: os.DirEntry[str] | None = None) -> NotRegularFile | None:
    """Why an entry is not read (a FIFO, a device, a folder...), or None. Never opens it; the
    listing's own file type answers for all but links, without a stat."""
    if entry is not None and not entry.is_symlink() and entry.is_file(follow_symlinks=False):
        return None
    try:
        return special_kind(path)
    except OSError:  # dangling, a loop, or unreadable: reported when it is read
        return None


def manifest_files(folder: Path) -> list[Path]:
    """The manifests in a folder: regular files (after following links inside the folder) with
    a manifest's name. Links out of the folder and special files are never read."""
    if _leaves(folder, folder.parent):
        return []
    try:
        entries = _listing(folder)
    except OSError:  # reported by folder_problems
        return []
    found = []
    for entry in entries:
        if not _is_manifest_name(entry.name):
            continue
        path = folder / entry.name
        if entry.is_symlink() and _leaves(path, folder):
            continue
        if _not_regular(path, entry) is None:
            found.append(path)
    return found


def _leaves(path: Path, folder: Path) -> bool:
    """True when `path` is a symbolic link that resolves outside `folder` (or loops)."""
    if not path.is_symlink():
        return False
    try:
        return not path.resolve(strict=True).is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # dangling, or a loop
        return True


_LINK_HINT = "commit the file itself: links out of the catalogue are not followed"


def entry_problems(folder: Path) -> list[Problem]:
    """What in a folder of manifests is not read, and why: links out of it, special files and
    folders with a manifest's name, and files meant as manifests under another name."""
    try:
        entries = _listing(folder)
    except OSError as exc:
        return [Problem(display_name(folder), 1, 1, "", Severity.ERROR,
                        f"the folder '{folder.name}' cannot be read: {exc.strerror or exc}",
                        "make it readable, or remove it")]
    names = {entry.name for entry in entries}
    problems = []
    for entry in entries:
        path = folder / entry.name
        if _is_manifest_name(entry.name):
            if entry.is_symlink() and _leaves(path, folder):
                problems.append(Problem(display_name(path), 1, 1, "", Severity.ERROR,
                                        f"'{entry.name}' is a symbolic link to a file outside the dataset "
                                        "folder", _LINK_HINT))
            elif (refused := _not_regular(path, entry)) is not None:
                problems.append(Problem(display_name(path), 1, 1, "", Severity.ERROR,
                                        f"{refused.describe(entry.name)}, not a regular file; it is not read",
                                        "a manifest is a plain text file: put the file itself here"))
        elif (right := meant_as_manifest(entry.name)) is not None and not entry.is_dir():
            taken = f" ({right} is there too: keep one of them)" if right in names else ""
            text = _saved_as_text(entry.name.rstrip(". "))  # perhaps on purpose: a warning
            severity = Severity.WARNING if text else Severity.ERROR
            problems.append(Problem(display_name(path), 1, 1, "", severity,
                                    f"'{entry.name}' is not read as a manifest: only file names ending "
                                    "in .yaml or .yml (lower case) are",
                                    f"rename it to {right}{taken}" + (" if it is one" if text else "")))
    return problems


def folder_problems(folder: Path, manifests: int) -> list[Problem]:
    """Links that lead out of the catalogue (refused, so that a pull request cannot publish
    /etc/passwd or a file outside the repository), entries that are not read, and a dataset
    folder with no manifest."""
    name = display_name(folder)
    if _leaves(folder, folder.parent):
        return [Problem(name, 1, 1, "", Severity.ERROR,
                        f"the dataset folder '{folder.name}' is a symbolic link to a folder outside "
                        "the catalogue", _LINK_HINT)]
    problems = entry_problems(folder)
    if not manifests and not any(p.severity == Severity.ERROR for p in problems):
        problems.append(Problem(name, 1, 1, "", Severity.WARNING,
                                f"the dataset folder '{folder.name}' holds no manifest",
                                f"add one with `mifa new {folder.name}`, or remove the folder"))
    return problems


def root_problems(root: Path) -> list[Problem]:
    """Files directly in the catalogue folder: a manifest there belongs to no dataset and is
    not read; a FIFO, device or socket there is ignored (and never opened)."""
    try:
        entries = _listing(root)
    except OSError as exc:
        return [Problem(display_name(root), 1, 1, "", Severity.ERROR,
                        f"the catalogue folder cannot be read: {exc.strerror or exc}", "make it readable")]
    problems = []
    for entry in entries:
        if entry.name.startswith((".", "_")) or entry.is_dir():
            continue
        path = root / entry.name
        right = entry.name if _is_manifest_name(entry.name) else meant_as_manifest(entry.name)
        if right is not None:
            stem = right.rsplit(".", 1)[0]
            problems.append(Problem(
                display_name(path), 1, 1, "",
                Severity.WARNING if _saved_as_text(entry.name.rstrip(". ")) else Severity.ERROR,
                f"'{entry.name}' is not in a dataset folder, so it is not read",
                f"move it to {display_name(root / suggested_id(stem) / '1.0.yaml')}: one folder per "
                "dataset (named by its id), one file per version (named by its label)"))
        elif (refused := _not_regular(path, entry)) is not None:
            problems.append(Problem(display_name(path), 1, 1, "", Severity.WARNING,
                                    f"{refused.describe(entry.name)}, not a dataset folder; it is ignored",
                                    "remove it: the catalogue folder holds one folder per dataset"))
    return problems


def unread_problems(root: Path, paths: Iterable[Path]) -> list[Problem]:
    """The problems of these entries of the catalogue at `root` (files in it or in its dataset
    folders) that are not read as manifests: misspelt, misplaced or special. For checks that
    look at some files only (a pull request's), so that they agree with a build of them all."""
    wanted = {os.path.abspath(path) for path in paths}
    problems: list[Problem] = []
    for folder in sorted({os.path.abspath(Path(path).parent) for path in wanted}):
        if folder == os.path.abspath(root):
            problems += root_problems(root)
        elif os.path.dirname(folder) == os.path.abspath(root):
            problems += entry_problems(Path(folder))
    return [p for p in problems if os.path.abspath(p.file) in wanted]


def dataset_folders(root: Path) -> list[Path]:
    """Dataset folders directly under a catalogue root, in name order."""
    try:
        entries = _listing(root)
    except OSError:  # reported by root_problems
        return []
    return [root / e.name for e in entries if not e.name.startswith((".", "_")) and e.is_dir()]
