"""What a pull request changes in the catalogue, read from git, and the rules for such changes.

A published version is a citable record, so a pull request may add versions and
datasets but never edit, delete or move what the base branch already publishes: its
manifests, nor any other file in its dataset's folder (published_files).
Only the datasets a change touches are validated: a problem that is already on
the base branch is not the contributor's to fix.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .catalogue import load_catalogue
from .discovery import MANIFEST_SUFFIXES, display_name, unread_problems
from .loader import LoadedManifest, validate_text
from .model import Version
from .problems import Problem, Report, Severity
from .published_files import FileChange, PublishedVersion, published_file_problems
from .regular_files import NotRegularFile, TooLarge, read_regular
from .yaml_loader import MAX_BYTES

DATASETS = "datasets"


class GitError(Exception):
    """git could not answer (no repository, unknown ref, missing history); the message says what to do."""


@dataclass(frozen=True)
class Change:
    """One file changed since the merge base: A(dded), M(odified), D(eleted) or R(enamed)."""

    status: str
    path: str
    old_path: str | None = None
    state: str = "committed"
    """Where the change is: "committed" on the branch, "uncommitted" in the working tree (staged
    or not), or "untracked" (a new file git does not know yet)."""

    def describe(self) -> str:
        """One line for the list of checked files, e.g. `A datasets/x/1.0.yaml (untracked)`."""
        moved = f" (from {self.old_path})" if self.old_path else ""
        return f"{self.status} {self.path}{moved}" + ("" if self.state == "committed" else f" ({self.state})")


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run git quietly in `repo`; raise GitError only when git itself is missing."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", "-C", str(repo), "-c", "core.quotePath=false", *args],
                              capture_output=True, env=env, check=False)
    except OSError as exc:
        raise GitError(f"git cannot be run ({exc.strerror or exc}): install git to compare "
                       "with a branch") from exc


def _git_text(repo: Path, *args: str) -> str:
    """Output of a git call that must succeed once the repository and refs are known to be fine."""
    result = _git(repo, *args)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {detail[-1] if detail else 'no message'}")
    return result.stdout.decode("utf-8", "replace")


def _check_repo(repo: Path) -> None:
    if _git(repo, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise GitError(f"{display_name(repo)} is not a git repository: run this inside a clone of the "
                       "catalogue")


def merge_base(ref: str, repo: Path = Path(".")) -> str:
    """The commit where HEAD's branch left REF: what `git diff REF...HEAD` compares against."""
    _check_repo(repo)
    if ref.startswith("-") or _git(repo, "rev-parse", "--verify", "--quiet",
                                   f"{ref}^{{commit}}").returncode != 0:
        raise GitError(f'unknown ref "{ref}": fetch it or pass another ref')
    result = _git(repo, "merge-base", ref, "HEAD")
    if result.returncode != 0:
        raise GitError(f'"{ref}" and HEAD share no history here: fetch more of it '
                       "(e.g. `git fetch --unshallow`, or fetch-depth: 0 in CI) or pass another ref")
    return result.stdout.decode().strip()


def changed_files(ref: str, repo: Path = Path(".")) -> list[Change]:
    """Files changed since HEAD's branch left REF: committed, uncommitted and untracked.

    A contributor checks before committing; in CI the working tree is clean, so only the
    commits count there.
    """
    return _diff(repo, merge_base(ref, repo))


def _diff(repo: Path, base: str) -> list[Change]:
    """Changes from `base` to the working tree, each marked with where it is."""
    dirty = {p for p in _git_text(repo, "diff", "--name-only", "-z", "--relative", "HEAD").split("\0") if p}
    untracked = [p for p in _git_text(repo, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
                 if p]

    def state(*paths: str | None) -> str:
        return "uncommitted" if any(p in dirty for p in paths if p) else "committed"

    changes = [Change(c.status, c.path, c.old_path, state(c.path, c.old_path))
               for c in _name_status(repo, base)]
    return changes + [Change("A", path, state="untracked") for path in sorted(untracked)]


def _name_status(repo: Path, base: str) -> list[Change]:
    fields = _git_text(repo, "diff", "--name-status", "-M", "-z", "--relative", base).split("\0")
    changes: list[Change] = []
    index = 0
    while index < len(fields) and fields[index]:
        code = fields[index][0]
        if code in "RC":
            old, new = fields[index + 1], fields[index + 2]
            changes.append(Change("R", new, old) if code == "R" else Change("A", new))
            index += 3
            continue
        changes.append(Change({"T": "M"}.get(code, code), fields[index + 1]))
        index += 2
    return changes


def _manifest_parts(path: str) -> tuple[str, str] | None:
    """(dataset id, file name) when `path` is a version manifest `datasets/<id>/<file>.yaml`."""
    parts = PurePosixPath(path).parts
    if len(parts) == 3 and parts[0] == DATASETS and PurePosixPath(path).suffix in MANIFEST_SUFFIXES \
            and not parts[2].startswith("."):
        return parts[1], parts[2]
    return None


def next_label(label: str) -> str:
    """A suggested label after `label`: bump its last number ("1.0" -> "1.1", "v2" -> "v3")."""
    match = re.search(r"(\d+)(\D*)$", label)
    if match is None:
        return f"{label}.1"
    digits = match.group(1)
    return f"{label[:match.start()]}{str(int(digits) + 1).zfill(len(digits))}{match.group(2)}"


@dataclass
class _Base:
    """The published side: version manifests at the merge base, parsed on demand."""

    repo: Path
    commit: str
    files: dict[str, set[str]]
    _read: dict[str, tuple[bytes, Version | None] | None] = field(default_factory=dict)

    def _manifest(self, dataset: str, name: str) -> tuple[bytes, Version | None] | None:
        """The manifest's bytes and version block, read once."""
        path = f"{DATASETS}/{dataset}/{name}"
        if path not in self._read:
            result = _git(self.repo, "cat-file", "blob", f"{self.commit}:./{path}")
            self._read[path] = ((result.stdout, validate_text(result.stdout, path).version)
                                if result.returncode == 0 else None)
        return self._read[path]

    def version(self, dataset: str, name: str) -> Version | None:
        read = self._manifest(dataset, name)
        return read[1] if read is not None else None

    def published(self, dataset: str) -> list[PublishedVersion]:
        """The dataset's version manifests as the base branch has them."""
        found = []
        for name in sorted(self.files.get(dataset, ())):
            read = self._manifest(dataset, name)
            if read is not None:
                raw, version = read
                label = version.version if version is not None else PurePosixPath(name).stem
                stamp = version.timestamp.timestamp() if version is not None else 0.0
                found.append(PublishedVersion(name, label, stamp, raw))
        return found

    def label(self, dataset: str, name: str) -> str:
        version = self.version(dataset, name)
        return version.version if version is not None else PurePosixPath(name).stem

    def latest(self, dataset: str) -> str | None:
        """The version no other version follows (the newest if the chain is broken)."""
        versions = [v for v in (self.version(dataset, n) for n in sorted(self.files.get(dataset, ())))
                    if v is not None]
        followed = {v.previous_version for v in versions}
        heads = [v for v in versions if v.version not in followed] or versions
        if not heads:
            return None
        return max(heads, key=lambda v: v.timestamp.timestamp()).version


def _base_files(repo: Path, commit: str) -> dict[str, set[str]]:
    files: dict[str, set[str]] = defaultdict(set)
    for line in _git_text(repo, "ls-tree", "-r", "--name-only", "-z", commit, "--", DATASETS).split("\0"):
        parts = _manifest_parts(line)
        if parts:
            files[parts[0]].add(parts[1])
    return dict(files)


def _published_file(path: str, published: dict[str, set[str]], verb: str) -> FileChange | None:
    """The change, when `path` is a file other than a version manifest in a published dataset's folder."""
    parts = PurePosixPath(path).parts
    if len(parts) < 3 or parts[0] != DATASETS or parts[1] not in published or _manifest_parts(path):
        return None
    return FileChange(parts[1], "/".join(parts[2:]), verb)


def _first_changed_line(repo: Path, base: str, path: str) -> int:
    """Where an edit of a published file starts, so annotations land on it."""
    old = _git(repo, "cat-file", "blob", f"{base}:./{path}").stdout.splitlines()
    try:
        new = read_regular(repo / path, MAX_BYTES).splitlines()  # the working tree: what was checked
    except (OSError, NotRegularFile, TooLarge):  # e.g. now a link to /dev/zero: never read
        new = []
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return number
    return max(1, min(len(old), len(new)) + (1 if len(new) > len(old) else 0))


def _edit_hint(dataset: str, name: str, latest: str | None, fallback: str) -> str:
    last = latest or fallback
    return (f"leave {name} as it was and add a new version, e.g. "
            f'{DATASETS}/{dataset}/{next_label(last)}.yaml with `previous_version: "{last}"` '
            "and `changes:` describing the edit")


def _renames(removed: dict[str, set[str]], added: dict[str, set[str]], base: _Base,
             moves: list[tuple[str, str]]) -> dict[str, str]:
    """Old folder -> new folder, when a published folder vanished and reappeared under another name."""
    pairs: dict[str, str] = {}
    gone = [d for d, names in removed.items() if names >= base.files.get(d, set())]
    fresh = {d for d in added if d not in base.files}
    for old, new in moves:
        if old in gone and new in fresh and old not in pairs and new not in pairs.values():
            pairs[old] = new
    for old in gone:
        match = next((new for new in sorted(fresh - set(pairs.values()))
                      if removed[old] & added[new]), None)
        if old not in pairs and match is not None:
            pairs[old] = match
    return pairs


def validate_changes(ref: str, repo: Path = Path(".")) -> Report:
    """The pull-request check: touched datasets pass every rule, and nothing published is altered."""
    base_commit = merge_base(ref, repo)
    changes = _diff(repo, base_commit)
    base = _Base(repo, base_commit, _base_files(repo, base_commit))
    report = Report()

    def where(path: str) -> str:
        return display_name(repo / path)

    def error(path: str, message: str, hint: str, line: int = 1) -> Problem:
        return Problem(where(path), line, 1, "", Severity.ERROR, message, hint)

    removed: dict[str, set[str]] = defaultdict(set)
    added: dict[str, set[str]] = defaultdict(set)
    modified: list[tuple[str, str]] = []
    moves: list[tuple[str, str]] = []
    files: list[FileChange | None] = []
    for change in changes:
        if change.status == "M":
            files.append(_published_file(change.path, base.files, "modified"))
        elif change.status in "DR":
            files.append(_published_file(change.old_path or change.path, base.files,
                                         "deleted" if change.status == "D" else "moved"))
        old = _manifest_parts(change.old_path or change.path) if change.status in "DR" else None
        new = _manifest_parts(change.path) if change.status in "AMR" else None
        if old:
            removed[old[0]].add(old[1])
        if new and change.status == "M":
            modified.append(new)
        elif new:
            added[new[0]].add(new[1])
        if old and new and change.status == "R":
            moves.append((old[0], new[0]))

    renamed = _renames(removed, added, base, moves)
    for old_id, new_id in sorted(renamed.items()):
        first = sorted(added[new_id])[0]
        report.add(error(f"{DATASETS}/{new_id}/{first}",
                         f"the dataset folder '{old_id}' was renamed to '{new_id}'; "
                         "dataset ids are permanent",
                         f"move it back: git mv {DATASETS}/{new_id} {DATASETS}/{old_id} (links and citations "
                         "use the id; a new id needs a new dataset)"))
    for dataset, name in modified:
        label = base.label(dataset, name)
        path = f"{DATASETS}/{dataset}/{name}"
        report.add(error(path, f"version {label} of '{dataset}' is already published and cannot be edited",
                         _edit_hint(dataset, name, base.latest(dataset), label),
                         _first_changed_line(repo, base_commit, path)))
    for dataset, names in sorted(removed.items()):
        if dataset in renamed:
            continue
        for name in sorted(names & base.files.get(dataset, set())):
            label = base.label(dataset, name)
            last = base.latest(dataset) or label
            report.add(error(
                f"{DATASETS}/{dataset}/{name}",
                f"version {label} of '{dataset}' is published and cannot be deleted",
                f"restore {DATASETS}/{dataset}/{name}: published versions stay citable. To withdraw the "
                f"dataset or a version, add a new version (e.g. {next_label(last)}.yaml with "
                f'`previous_version: "{last}"`) whose `changes:` says what is withdrawn and why'))
    report.extend(published_file_problems(
        [c for c in files if c is not None and c.dataset not in renamed], base.published, base.latest, ref,
        lambda dataset: where(f"{DATASETS}/{dataset}"), next_label))

    touched = {d for d, _ in modified} | set(added)
    folders = {repo / DATASETS / d for d in touched if (repo / DATASETS / d).is_dir()}
    changed = {(repo / DATASETS / d / n).resolve() for d, n in modified}
    changed |= {(repo / DATASETS / d / n).resolve() for d, names in added.items() for n in names}
    if folders:
        catalogue = load_catalogue(repo / DATASETS, only=folders)
        report.files_checked += catalogue.report.files_checked
        from .validate import _zoo_problems

        for problem in [*catalogue.report.problems, *_zoo_problems(catalogue)]:
            if Path(problem.file).resolve() in changed:
                report.add(problem)
        for loaded in catalogue.datasets:
            if loaded.id in base.files and loaded.id not in renamed:
                _follow_latest(loaded.versions, added.get(loaded.id, set()), base.latest(loaded.id), report)
    # Files meant as manifests but not read as ones (1.1.YAML, datasets/x.yaml): the build refuses them.
    report.extend(unread_problems(repo / DATASETS, [repo / c.path for c in changes if c.status != "D"
                                                    and c.path.startswith(f"{DATASETS}/")
                                                    and _manifest_parts(c.path) is None]))
    return report


def _follow_latest(versions: list[LoadedManifest], new_names: set[str], latest: str | None,
                   report: Report) -> None:
    """A version added to a published dataset continues its chain from the latest published version."""
    new_labels = {v.version.version for v in versions if v.version and v.path.name in new_names}
    for item in versions:
        if latest is None or item.path.name not in new_names or item.version is None or item.document is None:
            continue
        previous = item.version.previous_version
        if previous == latest or previous in new_labels - {item.version.version}:
            continue
        report.add(item.document.problem(("version", "previous_version"),
                                         f"a new version must follow the latest version, {latest}",
                                         f'set previous_version: "{latest}"'))


def dataset_dates(repo: Path, datasets: Path) -> dict[str, tuple[str, str]]:
    """Dataset id -> (first added, last changed), committer dates in ISO 8601, from one `git log`.

    `datasets` is absolute or relative to `repo`. Empty when there is no usable history
    (not a repository, git missing, or a shallow clone whose dates would be wrong).
    """
    folder = datasets if datasets.is_absolute() else repo / datasets
    try:
        shallow = _git(folder, "rev-parse", "--is-shallow-repository")
        if shallow.returncode != 0 or shallow.stdout.strip() != b"false":
            return {}
        log = _git(folder, "log", "--relative", "--no-renames", "--format=%x00%cI", "--name-only", "--", ".")
    except GitError:
        return {}
    if log.returncode != 0:
        return {}
    dates: dict[str, tuple[str, str]] = {}
    for entry in log.stdout.decode("utf-8", "replace").split("\0")[1:]:  # newest commit first
        stamp, *names = entry.strip("\n").split("\n")
        for dataset in {PurePosixPath(n).parts[0] for n in names if n and "/" in n}:
            dates[dataset] = (stamp, dates[dataset][1] if dataset in dates else stamp)
    return dates
