"""Special files and names on the command line (issue 15, class 3), and the paths a build writes.

`mifa validate` on a FIFO, a device, a socket or a broken link; `mifa new` and `mifa version
new` with ids and labels that would climb out of the catalogue, collide with the site's own
files or with another version on macOS and Windows, or that Windows cannot hold; and a
catalogue of the longest names allowed, whose site must fit every file system. The manifest
inputs of the class are in the hostile corpus (tests/hostile_cases/names.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.build import build_site
from site_builder.names import MAX_COMPONENT_BYTES, SITE_PATH_BUDGET

from .conftest import MINIMAL, REPO, Result
from .hostile_corpus import snapshot

Mifa = Callable[..., Result]
GUARD_S = 60
"""Not a speed requirement: a command that takes this long has blocked."""
MEMORY_CAP = 1 << 30
"""The address space `mifa validate` runs in: reading /dev/zero would pass it within seconds."""


def version(label: str, stamp: str = "2024-05-01T10:00:00+00:00", previous: str = "") -> str:
    text = MINIMAL.replace('version: "1.0"', f'version: "{label}"').replace(
        "2024-05-01T10:00:00+00:00", stamp)
    return text + (f'  previous_version: "{previous}"\n  changes: Masks redrawn.\n' if previous else "")


# `mifa validate` on what is not a file or a folder ----------------------------------------

@dataclass(frozen=True)
class Named:
    """A path given to `mifa validate`, what the test makes there, and the one problem it must give."""

    path: str
    make: Callable[[Path], None]
    severity: str
    message: str


def _fifo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _link(target: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
    return make


def _catalogue(files: dict[str, str | Callable[[Path], None]]) -> Callable[[Path], None]:
    """Files of a catalogue beside the named path: text, or a function that makes the entry."""
    def make(path: Path) -> None:
        for name, content in files.items():
            where = path.parent / name
            where.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                where.write_text(content, encoding="utf-8")
            else:
                content(where)
    return make


NAMED = [
    Named("pipe.yaml", _fifo, "error",
          "'pipe.yaml' is a named pipe (FIFO), not a manifest file or a folder; it is not read"),
    Named("path/1.0.yaml", _link("/dev/zero"), "error",
          "'1.0.yaml' is a symbolic link to a character device, not a manifest file or a folder; "
          "it is not read"),
    Named("null.yaml", _link("/dev/null"), "error",
          "'null.yaml' is a symbolic link to a character device, not a manifest file or a folder; "
          "it is not read"),
    Named("gone.yaml", _link("nowhere/1.0.yaml"), "error",
          "'gone.yaml' is a symbolic link to a file that does not exist"),
    Named("loop.yaml", _link("loop.yaml"), "error", "'loop.yaml' cannot be read: "),
    Named("empty", lambda path: path.mkdir(), "warning",
          "'empty' holds no dataset folder and no manifest; nothing was checked"),
    Named("datasets/nuclei", _catalogue({"nuclei/1.0.yaml": _fifo}), "error",
          "'1.0.yaml' is a named pipe (FIFO), not a regular file; it is not read"),
    Named("datasets/nuclei", _catalogue({"nuclei/1.0.yaml ": version("1.0")}), "error",
          "'1.0.yaml ' is not read as a manifest: only file names ending in .yaml or .yml (lower case) are"),
    Named("datasets/nuclei/1.1.YAML", _catalogue({"1.0.yaml": version("1.0"),
                                                  "1.1.YAML": version("1.1", "2024-06-01T10:00:00+00:00",
                                                                      "1.0")}),
          "error", "'1.1.YAML' is not read as a manifest"),
    Named("datasets", _catalogue({"datasets/nuclei.yaml": _fifo, "datasets/cells/1.0.yaml": version("1.0")}),
          "error", "'nuclei.yaml' is not in a dataset folder, so it is not read"),
]


def _validate(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mifa validate` in a process of its own, with a memory cap and a hang guard: a command that
    reads /dev/zero or waits on a FIFO fails this test instead of taking the test session down."""
    cap = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP})); "
           "from site_builder.cli import main; sys.exit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", cap, "validate", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=GUARD_S, env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("case", NAMED, ids=lambda case: f"{case.path}:{case.message[:30]}")
def test_a_named_path_gives_its_one_located_problem_without_being_opened(case: Named, tmp_path: Path) -> None:
    case.make(tmp_path / case.path)
    process = _validate(tmp_path, case.path)
    assert "Traceback" not in process.stdout + process.stderr, process.stderr[-2000:]
    assert process.returncode == (1 if case.severity == "error" else 0), process.stdout[-2000:]
    problems = [line for line in process.stdout.splitlines() if line.startswith(f"  {case.severity} ")]
    located = [line for line in problems if line.split()[1] == "1:1" and case.message in line]
    assert located, process.stdout
    assert [line for line in process.stdout.splitlines() if line.startswith("  error ")] == \
        (located if case.severity == "error" else []), "no other error"


def test_a_socket_named_on_the_command_line_is_refused() -> None:
    """In a short folder of its own: a socket's path must fit in 108 bytes."""
    with tempfile.TemporaryDirectory(dir="/tmp") as folder, socket.socket(socket.AF_UNIX) as server:
        server.bind(os.path.join(folder, "s.yaml"))
        process = _validate(Path(folder), "s.yaml", "--format", "json")
    assert process.returncode == 1
    assert '"message": "\'s.yaml\' is a socket, not a manifest file or a folder; it is not read"' \
        in process.stdout


def test_every_named_path_is_reported_in_one_run(tmp_path: Path) -> None:
    """A FIFO among ordinary files neither blocks the run nor hides the others' problems."""
    _fifo(tmp_path / "pipe.yaml")
    (tmp_path / "good.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(MINIMAL.replace("CC0-1.0", "CC-BY-5.0"), encoding="utf-8")
    process = _validate(tmp_path, "pipe.yaml", "good.yaml", "bad.yaml")
    assert process.returncode == 1
    errors = [line.split()[1:3] for line in process.stdout.splitlines() if line.startswith("  error ")]
    assert errors == [["4:12", "study.license"], ["1:1", "'pipe.yaml'"]]


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A git repository whose datasets/nuclei/1.0.yaml is committed (published)."""
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path),
           "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b",
           "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b"}
    (tmp_path / "datasets" / "nuclei").mkdir(parents=True)
    (tmp_path / "datasets" / "nuclei" / "1.0.yaml").write_text(MINIMAL, encoding="utf-8")
    for args in (("init", "-q"), ("add", "."), ("commit", "-q", "-m", "published")):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True, env=env)
    return tmp_path


def _errors(process: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in process.stdout + process.stderr, process.stderr[-2000:]
    return [" ".join(line.split()[1:]) for line in process.stdout.splitlines() if line.startswith("  error ")]


def test_a_published_manifest_replaced_by_a_link_to_dev_zero_is_never_read(published: Path) -> None:
    """The pull-request check (`--changed-since`) on a manifest swapped for a link: git reports a
    type change, the catalogue refuses the link, and the published file's edit is located
    without reading what the link leads to."""
    (published / "datasets" / "nuclei" / "1.0.yaml").unlink()
    (published / "datasets" / "nuclei" / "1.0.yaml").symlink_to("/dev/zero")
    process = _validate(published, "--changed-since", "HEAD")
    assert process.returncode == 1
    assert "1:1 '1.0.yaml' is a symbolic link to a file outside the dataset folder" in _errors(process)


def test_the_pull_request_check_names_files_the_build_would_not_read(published: Path) -> None:
    """What a pull request adds under another spelling, or beside the dataset folders, fails
    its check as it would fail the build after the merge."""
    later = version("1.1", "2024-06-01T10:00:00+00:00", "1.0")
    (published / "datasets" / "nuclei" / "1.1.YAML").write_text(later, encoding="utf-8")
    (published / "datasets" / "cells.yaml").write_text(MINIMAL, encoding="utf-8")
    process = _validate(published, "--changed-since", "HEAD")
    assert process.returncode == 1
    assert _errors(process) == [
        "1:1 'cells.yaml' is not in a dataset folder, so it is not read",
        "1:1 '1.1.YAML' is not read as a manifest: only file names ending in .yaml or .yml (lower case) are"]


# `mifa new` and `mifa version new`: nothing is written where it should not be -------------

@dataclass(frozen=True)
class New:
    """A `mifa new` or `mifa version new` command, what is there before, and its refusal."""

    args: tuple[str, ...]
    code: int
    refusal: str
    before: dict[str, str | Callable[[Path], None]] | None = None


def _dangling_link_outside(path: Path) -> None:
    """datasets/x/<name> as a link to tmp/outside.yaml, which does not exist (yet)."""
    path.symlink_to(path.parents[3] / "outside.yaml")


def _link_to_folder_outside(path: Path, manifest: str) -> None:
    """datasets/x as a link to a dataset folder beside the working folder, outside the catalogue."""
    target = path.parents[2] / path.name
    target.mkdir()
    (target / "1.0.yaml").write_text(manifest, encoding="utf-8")
    path.symlink_to(target)


FOLDER_HAS_ERRORS = "mifa version new: the dataset folder datasets/x has errors: fix them first"
NEW = [
    New(("new", "x", "--version", "../../outside"), 2,
        "mifa: error: '../../outside' is not a usable version label: use letters, digits, dots and hyphens"),
    New(("new", "x", "--version", "/tmp/outside"), 2, "mifa: error: '/tmp/outside' is not a usable version"),
    New(("new", "../outside"), 2, "mifa: error: '../outside' is not a valid dataset id: use a lower-case slug"
        " such as 'outside'"),
    New(("new", "con"), 2, "mifa: error: 'con' is a name Windows reserves for a device (CON): the folder "
        "cannot exist there: choose another id, e.g. 'con-data'"),
    New(("new", "lpt9"), 2, "mifa: error: 'lpt9' is a name Windows reserves for a device (LPT9)"),
    New(("new", "a" * 65), 2, "mifa: error: '" + "a" * 65 + "' is 65 characters long, over the limit of 64"),
    New(("new", "x", "--version", "index.html"), 2, "mifa: error: the version label 'index.html' is the name "
        "of the dataset's own page in the site"),
    New(("new", "x", "--version", "Changes"), 2, "mifa: error: the version label 'Changes' is the name of "
        "the dataset's own folder in the site"),
    New(("new", "x", "--version", "AUX.1"), 2, "mifa: error: the version label 'AUX.1' is a name Windows "
        "reserves for a device (AUX)"),
    New(("new", "x", "--version", "1.0."), 2, "mifa: error: the version label '1.0.' ends with a dot, which "
        "Windows drops from folder names: remove the dot: \"1.0\""),
    New(("new", "x", "--version", "1" * 41), 2, "mifa: error: the version label '" + "1" * 41 + "' is 41 "
        "characters long, over the limit of 40"),
    New(("new", "x", "--version", "V1"), 2, "mifa: error: datasets/x/v1.yaml already exists",
        {"x/v1.yaml": version("v1")}),
    New(("new", "x"), 2, "mifa: error: datasets/x/1.0.yaml already exists",
        {"x/1.0.yaml": _dangling_link_outside}),
    New(("new", "x"), 2, "mifa: error: datasets/x is not a dataset folder (it is a link or a file)",
        {"elsewhere/.keep": "", "x": lambda path: path.symlink_to(path.parent / "elsewhere")}),
    New(("version", "new", "x", "--label", "../../outside"), 1,
        "mifa version new: '../../outside' is not a usable version label", {"x/1.0.yaml": version("1.0")}),
    New(("version", "new", "x", "--label", "V1.0"), 1, "mifa version new: version V1.0 of 'x' already exists",
        {"x/1.0.yaml": version("1.0"), "x/v1.0.yaml": version("v1.0", "2024-06-01T10:00:00+00:00", "1.0")}),
    New(("version", "new", "x", "--label", "index.html"), 1,
        "mifa version new: the version label 'index.html' is the name of the dataset's own page",
        {"x/1.0.yaml": version("1.0")}),
    New(("version", "new", "x"), 1, FOLDER_HAS_ERRORS,
        {"x/1.0.yaml": version("1.0"), "x/1.1.YAML": version("1.1", "2024-06-01T10:00:00+00:00", "1.0")}),
    New(("version", "new", "x"), 1, FOLDER_HAS_ERRORS,
        {"x/1.0.yaml": version("1.0"),
         "x/1.1.yaml": _dangling_link_outside}),
    New(("version", "new", "x"), 1, "mifa version new: datasets/x is not a dataset folder (it is a link",
        {"elsewhere/1.0.yaml": version("1.0"), "x": lambda path: path.symlink_to(path.parent / "elsewhere")}),
    New(("version", "new", "x"), 1, FOLDER_HAS_ERRORS,
        {"x": lambda path: _link_to_folder_outside(path, version("1.0"))}),
]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Path]:
    """tmp/work is the working folder (its datasets/ the catalogue); tmp itself is 'outside'."""
    work = tmp_path / "work"
    (work / "datasets").mkdir(parents=True)
    yield work


@pytest.mark.parametrize("case", NEW, ids=lambda case: " ".join(case.args)[:60])
def test_new_files_are_written_only_inside_their_dataset_folder(case: New, sandbox: Path, mifa: Mifa) -> None:
    for name, content in (case.before or {}).items():
        path = sandbox / "datasets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            content(path)
    outside = sandbox.parent
    before = snapshot(outside)
    result = mifa(*case.args, cwd=sandbox)
    assert (result.code, result.err.splitlines()[-1][:len(case.refusal)]) == (case.code, case.refusal), \
        result.err
    assert snapshot(outside) == before, "nothing is written, inside or outside the catalogue"


def test_a_valid_label_in_other_words_is_written(sandbox: Path, mifa: Mifa) -> None:
    """The rule refuses names, not ordinary ones: `v2.0-rc1` and `2024.05` are fine."""
    assert mifa("new", "x", "--version", "v2.0-rc1", cwd=sandbox).code == 0
    assert (sandbox / "datasets" / "x" / "v2.0-rc1.yaml").is_file()
    (sandbox / "datasets" / "y").mkdir()
    (sandbox / "datasets" / "y" / "1.0.yaml").write_text(version("1.0"), encoding="utf-8")
    assert mifa("version", "new", "y", "--label", "2024.05", cwd=sandbox).code == 0
    assert (sandbox / "datasets" / "y" / "2024.05.yaml").is_file()


# The paths a build writes fit every file system ------------------------------------------

def test_the_longest_names_allowed_build_a_site_within_the_path_budget(tmp_path: Path) -> None:
    """A 64-character id, 40-character labels, and credited names of 300 characters (ASCII and
    not, no ORCID): every path component the build writes is at most 255 bytes, every path at
    most the budget, and each person's page is where the dataset page links to."""
    dataset = "d" + "-abcdefgh" * 7
    first, second = "1." + "0" * 38, "2." + "0" * 38
    assert (len(dataset), len(first)) == (64, 40)
    long_name = "Ada " + "Augusta " * 37
    accented = "Ærøskøbing " * 27
    text = version(first).replace("author_first_name: Ada", f"author_first_name: {long_name.strip()}")
    text = text.replace("      orcid_id: 0000-0002-1825-0097\n", "")
    text = text.replace("  funding_statement:", f"    - author_first_name: {accented.strip()}\n"
                                                   "      author_last_name: Hansen\n  funding_statement:")
    folder = tmp_path / "datasets" / dataset
    folder.mkdir(parents=True)
    (folder / f"{first}.yaml").write_text(text, encoding="utf-8")
    later = text.replace(f'version: "{first}"', f'version: "{second}"').replace("2024-05-01", "2024-06-01")
    (folder / f"{second}.yaml").write_text(later + f'  previous_version: "{first}"\n  changes: More.\n',
                                           encoding="utf-8")
    result = build_site(tmp_path / "datasets", tmp_path / "_site")
    assert result.published, [p.message for p in result.report.errors]
    site = tmp_path / "_site"
    written = [p.relative_to(site).as_posix() for p in site.rglob("*")]
    assert f"datasets/{dataset}/changes/{first}-to-{second}/index.html" in written
    assert max(len(part.encode()) for path in written for part in path.split("/")) <= MAX_COMPONENT_BYTES
    assert max(len(path.encode()) for path in written) <= SITE_PATH_BUDGET
    people = sorted(p for p in written if p.startswith("people/name-") and p.endswith("/index.html"))
    assert len(people) == 2
    page = (site / "datasets" / dataset / "index.html").read_text(encoding="utf-8")
    for path in people:
        assert f'href="../../{path}"' in page, path
