"""Hostile output paths and concurrent builds (issue 15, class 4: "the output path can destroy data").

A build replaces its output folder and writes folders beside it, so an output that is the
catalogue, the working folder, a file, the root, the home folder or someone's folder of files
would be moved away and lost. Each such output is refused before anything is touched: one line,
exit 2, and every file that existed still exists with the same bytes. Builds of one output run
one at a time (they wait, or with --wait 0 refuse), and a build removes only what dead builds
left behind. These inputs are arguments and processes, not manifests, so they are a table here
rather than corpus inputs (the corpus test needs every category to have inputs of its own).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.build import build_site
from site_builder.output_guard import OutputRefused
from site_builder.render.templating import TEMPLATES
from site_builder.serve import Preview

from .conftest import MINIMAL, REPO, Result

Mifa = Callable[..., Result]
HINT = "give the site a new or empty folder of its own (the default is _site)"
PROCESS_GUARD_S = 240
"""Not a speed requirement: a build process that takes this long has hung."""


def layout(root: Path) -> None:
    """A project with a catalogue, the user's files, and every kind of hostile output beside it."""
    project = root / "project"
    for dataset in (project / "datasets", root / "elsewhere" / "datasets",
                    project / ".public.old-999999999" / "datasets"):
        (dataset / "nuclei").mkdir(parents=True)
        (dataset / "nuclei" / "1.0.yaml").write_text(MINIMAL, encoding="utf-8")
    (root / "home").mkdir()
    (root / "home" / ".profile").write_text("export EDITOR=vi\n")
    shutil.copytree(REPO / "catalogue", root / "settings")
    (project / "work").mkdir()
    (project / "notes.txt").write_text("my notes\n")
    (project / "papers").mkdir()
    (project / "papers" / "draft.txt").write_text("a draft\n")
    (project / "link-to-datasets").symlink_to("datasets")
    (project / "loop").symlink_to("loop")
    os.mkfifo(project / "pipe")
    (project / ".site2.cache").write_text("not a build cache\n")
    (project / ".site3.cache").symlink_to("datasets")
    (project / ".site4.cache").mkdir()
    (project / ".site4.cache" / "build.lock").symlink_to("../notes.txt")
    for site in (project / "_site", project / "._site.cache" / "spare-site"):  # a previous build's
        site.mkdir(parents=True)
        (site / ".mifa-build.json").write_text("{}\n")
        (site / "index.html").write_text("<!DOCTYPE html><title>the last site</title>\n")


def files_of(*roots: Path) -> dict[str, str | bytes]:
    """Every path under the roots (links not followed): its bytes, link target or kind."""
    found: dict[str, str | bytes] = {}
    for root in roots:
        for folder, dirs, names in os.walk(root):
            for name in [*dirs, *names]:
                path = Path(folder) / name
                if path.is_symlink():
                    found[str(path)] = f"link to {os.readlink(path)}"
                elif path.is_file():
                    found[str(path)] = path.read_bytes()
                else:
                    found[str(path)] = "folder" if path.is_dir() else "special file"
    return found


@dataclass(frozen=True)
class Refused:
    args: tuple[str, ...]
    """After `mifa build` or `mifa serve`; {root} and {templates} are filled in."""
    reason: str
    """Standard error is all of: `mifa: error: cannot build into OUT: REASON; HINT`."""
    cwd: str = "project"
    shown: str | None = None
    """How the message names the output, when not as it was given (after --out)."""

    def message(self, root: Path) -> str:
        shown = self.shown if self.shown is not None else self.args[self.args.index("--out") + 1]
        return fill(f"mifa: error: cannot build into {shown}: {self.reason}; {HINT}\n", root)


WORK = "project/work"
DATASETS = "({root}/project/datasets)"
LONG = "a" * 243
REFUSED: dict[str, Refused] = {
    # The issue's examples.
    "the-catalogue": Refused(("--out", "datasets"), "it is the catalogue folder"),
    "the-checkout": Refused(("--out", "."), f"it contains the catalogue folder {DATASETS}"),
    "a-file": Refused(("--out", "notes.txt"), "it is a file, not a folder"),
    "the-root": Refused(("--out", "/"), "it is the file-system root"),
    # The catalogue, reached in other ways.
    "inside-the-catalogue": Refused(("--out", "datasets/nuclei/site"),
                                    f"it is inside the catalogue folder {DATASETS}"),
    "the-catalogue-through-a-link": Refused(("--out", "link-to-datasets"), "it is the catalogue folder",
                                            shown="link-to-datasets ({root}/project/datasets)"),
    "the-catalogue-given-through-a-link": Refused(("--datasets", "link-to-datasets", "--out", "datasets"),
                                                  "it is the catalogue folder"),
    # The working folder, the home folder and their parents.
    "the-working-folder": Refused(("--datasets", "../datasets", "--out", "."), "it is the working folder",
                                  WORK),
    "an-empty-name": Refused(("--datasets", "../datasets", "--out", ""), "it is the working folder",
                             WORK, shown="."),
    "a-parent-of-the-working-folder": Refused(("--datasets", "{root}/elsewhere/datasets", "--out", ".."),
                                              "it contains the working folder ({root}/project/work)", WORK),
    "the-home-folder": Refused(("--out", "{root}/home"), "it is the home folder"),
    "a-parent-of-the-home-folder": Refused(("--out", "{root}"), "it contains the home folder ({root}/home)"),
    # The settings and the templates every build reads.
    "the-settings-folder": Refused(("--out", "{root}/settings"), "it is the settings folder"),
    "inside-the-settings-folder": Refused(("--out", "{root}/settings/site"),
                                          "it is inside the settings folder ({root}/settings)"),
    "the-built-in-templates": Refused(("--out", "{templates}"), "it is the built-in templates folder"),
    "inside-the-built-in-templates": Refused(("--out", "{templates}/site"),
                                             "it is inside the built-in templates folder ({templates})"),
    # What is not a folder, or not the site's.
    "inside-a-file": Refused(("--out", "notes.txt/site"), "{root}/project/notes.txt is a file, not a folder"),
    "a-fifo": Refused(("--out", "pipe"), "it is not a folder"),
    "a-folder-of-other-files": Refused(
        ("--out", "papers"),
        "it is a folder of other files, not a site built by mifa (it has no .mifa-build.json)"),
    "a-link-loop": Refused(("--out", "loop/site"), "it cannot be resolved (a symbolic link loop)"),
    "a-name-too-long-for-the-folders-beside-it": Refused(
        ("--out", LONG),
        "its name is too long for the folders the build makes beside it (243 bytes; at most 242)"),
    # The build's own folders beside the site follow the same rules.
    "the-build-cache": Refused(
        ("--out", "._site.cache"), "it is a folder a build keeps beside its site (its cache or staged site)"),
    "the-spare-site": Refused(
        ("--out", "._site.cache/spare-site"),
        "it is inside {root}/project/._site.cache, which is a folder a build keeps beside its site "
        "(its cache or staged site)"),
    "a-build-cache-that-is-a-file": Refused(("--out", "site2"),
                                            "its build cache {root}/project/.site2.cache is a file"),
    "a-build-cache-that-links-to-the-catalogue": Refused(
        ("--out", "site3"), "its build cache {root}/project/.site3.cache is a link to datasets, "
                            "not a folder a build made"),
    "a-lock-file-that-links-to-a-file": Refused(
        ("--out", "site4"),
        "its lock file {root}/project/.site4.cache/build.lock is not a file a build made"),
    "the-catalogue-inside-a-folder-the-build-replaces": Refused(
        ("--datasets", ".public.old-999999999/datasets", "--out", "public"),
        "the catalogue folder ({root}/project/.public.old-999999999/datasets) is inside "
        "{root}/project/.public.old-999999999, which the build replaces"),
}
"""Outputs a build must refuse, with the whole message the user sees."""

ISSUE = {
    "`mifa build --out datasets` moves the manifests into a cache folder": [
        "the-catalogue", "inside-the-catalogue", "the-catalogue-through-a-link",
        "the-catalogue-given-through-a-link", "a-build-cache-that-links-to-the-catalogue",
        "the-catalogue-inside-a-folder-the-build-replaces"],
    "`--out .` swaps the checkout away and a second run deletes it": [
        "the-checkout", "the-working-folder", "an-empty-name", "a-parent-of-the-working-folder",
        "the-settings-folder", "inside-the-settings-folder", "the-built-in-templates",
        "inside-the-built-in-templates", "a-folder-of-other-files", "the-build-cache", "the-spare-site"],
    "`--out notes.txt` replaces the file with the site": [
        "a-file", "inside-a-file", "a-fifo", "a-link-loop", "a-build-cache-that-is-a-file",
        "a-lock-file-that-links-to-a-file", "a-name-too-long-for-the-folders-beside-it"],
    "`--out /` tries to write beside the root": [
        "the-root", "the-home-folder", "a-parent-of-the-home-folder"],
    "two builds at once crash (a starting build's recovery deletes another build's staging folder)": [
        "test_eight_builds_of_one_output_at_once_all_end_cleanly_with_the_whole_site",
        "test_with_wait_0_a_second_build_refuses_at_once_and_touches_nothing",
        "test_a_second_build_waits_for_the_first_then_builds",
        "test_recovery_removes_only_what_dead_builds_left",
        "test_links_planted_in_the_builds_own_folders_are_never_followed",
        "test_the_lock_dies_with_a_killed_build"],
}
"""The issue's examples -> the cases and tests covering them."""


def test_every_example_of_the_issue_is_covered() -> None:
    tests = {name for name in globals() if name.startswith("test_")}
    for example, covering in ISSUE.items():
        assert covering and set(covering) <= set(REFUSED) | tests, example
    assert {case for covering in ISSUE.values() for case in covering} >= set(REFUSED)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    layout(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def fill(text: str, root: Path) -> str:
    return text.replace("{root}", str(root)).replace("{templates}", str(TEMPLATES)).replace("{hint}", HINT)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port in use: a preview that got past the output check would stop here, not serve forever."""
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        yield int(blocker.getsockname()[1])


@pytest.mark.parametrize("command", ["build", "serve"])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_an_output_that_would_destroy_data_is_refused_before_anything_is_touched(
        name: str, command: str, root: Path, mifa: Mifa, taken_port: int) -> None:
    case = REFUSED[name]
    before = files_of(root, TEMPLATES)
    settings = ("--settings", str(root / "settings" / "catalogue.yaml"))
    extra = ("--wait", "0") if command == "build" else ("--port", str(taken_port))
    result = mifa(command, *settings, *extra, *(fill(a, root) for a in case.args), cwd=root / case.cwd)
    assert (result.code, result.err, result.out) == (2, case.message(root), "")
    assert files_of(root, TEMPLATES) == before


@pytest.mark.parametrize(("wait", "shown"), [("-1", "-1"), ("nan", "nan"), ("inf", "inf")])
def test_a_wait_that_is_not_a_bounded_number_of_seconds_is_a_usage_error(wait: str, shown: str, root: Path,
                                                                          mifa: Mifa) -> None:
    before = files_of(root)
    result = mifa("build", "--wait", wait, cwd=root / "project")
    assert (result.code, result.err, result.out) == (
        2, f"mifa: error: --wait {shown}: give a number of seconds, 0 or more\n", "")
    assert files_of(root) == before


@pytest.mark.parametrize(("out", "site"), [
    ("site", "project/site"),  # a new folder
    ("public/www/site", "project/public/www/site"),  # a new folder in new folders
    ("work", "project/work"),  # an empty folder
    ("_site", "project/_site"),  # the site of a previous build
    ("link-to-www", "www"),  # a link to a folder yet to be made
])
def test_a_new_or_empty_folder_or_a_previous_site_is_built(out: str, site: str, root: Path,
                                                            mifa: Mifa) -> None:
    project = root / "project"
    (project / "link-to-www").symlink_to(root / "www")
    before = files_of(root)
    result = mifa("build", "--settings", root / "settings" / "catalogue.yaml", "--out", out, cwd=project)
    assert result.code == 0, result.err
    assert result.err.endswith(f"-> {out}\n")
    assert "<h1" in (root / site / "index.html").read_text(encoding="utf-8")
    ours = (str(root / site) + "/", str((root / site).parent / f".{Path(site).name}.cache") + "/")
    kept = {path: data for path, data in before.items() if not path.startswith(ours)}
    assert {path: data for path, data in files_of(root).items() if path in kept} == kept


def test_build_site_itself_refuses_so_every_entry_point_does(root: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root / "project")
    templates = root / "mytemplates"
    templates.mkdir()
    before = files_of(root)
    datasets = root / "project" / "datasets"
    with pytest.raises(OutputRefused) as refused:
        build_site(datasets, datasets, settings_path=root / "settings" / "catalogue.yaml")
    assert str(refused.value) == f"cannot build into {datasets}: it is the catalogue folder; {HINT}"
    with pytest.raises(OutputRefused) as refused:
        build_site(datasets, templates / "site", settings_path=root / "settings" / "catalogue.yaml",
                   overrides=templates)
    assert str(refused.value) == (f"cannot build into {templates}/site: it is inside the templates folder "
                                  f"({templates}); {HINT}")
    assert files_of(root) == before


def test_the_preview_reports_an_output_it_can_no_longer_build(root: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(root / "project")
    out = root / "project" / "preview"
    preview = Preview(root / "project" / "datasets", out, port=0,
                      settings=root / "settings" / "catalogue.yaml")
    try:
        assert preview.rebuild(set()).published
        shutil.rmtree(out)
        out.write_text("the user's file\n")  # the folder replaced while the preview runs
        capsys.readouterr()
        result = preview.rebuild(set())
    finally:
        preview.server.server_close()
    message = f"cannot build into {out}: it is a file, not a folder; {HINT}"
    assert not result.published
    assert capsys.readouterr().out == f"not rebuilt: {message}; still serving the last good site\n"
    assert [(p["file"], p["severity"], p["message"]) for p in preview.state.problems] == [
        (str(out), "error", message)]
    assert out.read_text() == "the user's file\n"


# Concurrent builds: real processes ---------------------------------------------------------

def start_mifa(*args: str | Path, cwd: Path, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "site_builder.cli", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=PROCESS_GUARD_S)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(f"{process.args!r} did not finish within {PROCESS_GUARD_S} s") from None
    return process.returncode, out, err


HOLD_LOCK = """\
import sys
from pathlib import Path
from site_builder.output_guard import build_lock
with build_lock(Path(sys.argv[1]).resolve()):
    print("locked", flush=True)
    sys.stdin.read()
"""


def hold_lock(out: Path) -> subprocess.Popen[str]:
    """A process holding the output's lock until its standard input closes."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)],
                              env={**os.environ, "PYTHONPATH": str(REPO)},
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert first_line(holder.stdout) == "locked"
    return holder


def first_line(stream: object) -> str:
    """The next line of a process's output, under a hang guard."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()),  # type: ignore[attr-defined]
                              daemon=True)
    reader.start()
    reader.join(PROCESS_GUARD_S)
    assert lines, f"no line within {PROCESS_GUARD_S} s"
    return lines[0].rstrip("\n")


KEYED = (".mifa-inputs", ".mifa-build.json")
"""Files that hold the hash of the build's inputs, code included: another engineer's edit to the
code between two builds changes them, and nothing else."""


def site_files(site: Path) -> dict[str, bytes]:
    """The site's files and their bytes (for the two keyed files, only that they are there)."""
    return {p.relative_to(site).as_posix(): b"" if p.name in KEYED else p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def project(root: Path) -> Path:
    """A project whose only site-related folders are those its builds make."""
    project = root / "project"
    shutil.rmtree(project / "_site")
    shutil.rmtree(project / "._site.cache")
    return project


def build_args(root: Path) -> tuple[str, ...]:
    return ("build", "--settings", str(root / "settings" / "catalogue.yaml"))


BUSY = (r"mifa: error: cannot build into site: another build(?: \(pid [0-9]+\))? is still writing it "
        r"\(waited 0 s\); try again when it has finished")


def test_eight_builds_of_one_output_at_once_all_end_cleanly_with_the_whole_site(root: Path,
                                                                                project: Path) -> None:
    assert build_site(project / "datasets", project / "reference",
                      settings_path=root / "settings" / "catalogue.yaml").published
    expected = site_files(project / "reference")  # one build alone
    shutil.rmtree(project / "reference")
    shutil.rmtree(project / ".reference.cache")
    (project / ".site.new-draft").mkdir()  # the user's folders that look like a build's
    (project / ".site.new-draft" / "plan.txt").write_text("my plan\n")
    (project / ".site.cache-old").write_text("kept\n")
    before = files_of(root)
    for extra in (("--force",), ("--wait", "0")):  # all wait and build; then no-ops, some refuse
        processes = [start_mifa(*build_args(root), "--out", "site", *extra, cwd=project, home=root / "home")
                     for _ in range(8)]
        outcomes = [finish(process) for process in processes]
        for code, _out, err in outcomes:
            last = err.splitlines()[-1]
            assert "Traceback" not in err, err
            if code == 0:
                assert last.startswith(("built ", "nothing changed since the last build")), err
            else:
                assert code == 2 and re.fullmatch(BUSY, last), err
        assert sum(code == 0 for code, _, _ in outcomes) >= 1, extra
        if extra != ("--wait", "0"):
            assert [code for code, _, _ in outcomes] == [0] * 8, extra
        assert site_files(project / "site") == expected
        assert sorted(p.name for p in project.iterdir() if p.name.startswith((".site.", "site"))) == [
            ".site.cache", ".site.cache-old", ".site.new-draft", "site"]
        now = files_of(root)
        assert {path: now.get(path) for path in before} == before


def test_with_wait_0_a_second_build_refuses_at_once_and_touches_nothing(root: Path, mifa: Mifa) -> None:
    holder = hold_lock(root / "project" / "_site")
    try:
        before = files_of(root)
        result = mifa(*build_args(root), "--wait", "0", cwd=root / "project")
    finally:
        holder.communicate(timeout=PROCESS_GUARD_S)
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"mifa: error: cannot build into _site: another build (pid {holder.pid}) is still "
                          "writing it (waited 0 s); try again when it has finished\n")
    assert files_of(root) == before


def test_a_second_build_waits_for_the_first_then_builds(root: Path, project: Path) -> None:
    holder = hold_lock(project / "_site")
    try:
        waiting = start_mifa(*build_args(root), cwd=project, home=root / "home")
        assert first_line(waiting.stderr) == (f"waiting for another build (pid {holder.pid}) of _site "
                                              "to finish (up to 600 s)")
        assert not (project / "_site").exists()
    finally:
        holder.communicate(timeout=PROCESS_GUARD_S)
    code, _out, err = finish(waiting)
    assert code == 0 and err.splitlines()[-1].startswith("built "), err
    assert (project / "_site" / "index.html").is_file()


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_recovery_removes_only_what_dead_builds_left(root: Path, project: Path) -> None:
    alive = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        gone = dead_pid()
        left = {f"._site.new-{gone}": "removed", f"._site.old-{gone}": "removed",
                f"._site.new-{alive.pid}": "kept", f"._site.old-{alive.pid}": "kept",
                "._site.new-draft": "kept", "._site.newer": "kept", "._site.old-1x": "kept"}
        for name in left:
            (project / name).mkdir()
            (project / name / "page.html").write_text(name)
        code, _out, err = finish(start_mifa(*build_args(root), cwd=project, home=root / "home"))
        assert code == 0, err
        assert {name: "kept" if (project / name / "page.html").read_text() == name else "changed"
                for name in left if (project / name).exists()} == {
            name: "kept" for name, fate in left.items() if fate == "kept"}
        assert (project / "_site" / "index.html").is_file()
    finally:
        alive.communicate(timeout=PROCESS_GUARD_S)


def test_the_lock_dies_with_a_killed_build(root: Path, project: Path) -> None:
    holder = hold_lock(project / "_site")
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=PROCESS_GUARD_S)
    code, _out, err = finish(start_mifa(*build_args(root), "--wait", "0", cwd=project, home=root / "home"))
    assert code == 0 and "waiting" not in err, err


def test_links_planted_in_the_builds_own_folders_are_never_followed(root: Path, project: Path) -> None:
    victim = root / "victim"  # a site of someone else's, which a followed link would overwrite
    victim.mkdir()
    (victim / ".mifa-build.json").write_text('{"index.html": ["0", null]}\n')
    (victim / "index.html").write_text("someone else's page\n")
    gone = dead_pid()
    (project / "._site.cache").mkdir()
    for planted in (project / "._site.cache" / "spare-site", project / f"._site.old-{gone}",
                    project / f"._site.new-{gone}"):
        planted.symlink_to(victim)
    before = files_of(victim)
    for _ in range(2):  # the second build starts from the first one's spare
        code, _out, err = finish(start_mifa(*build_args(root), "--force", cwd=project, home=root / "home"))
        assert code == 0, err
    assert files_of(victim) == before
    assert (project / "_site" / "index.html").read_text() != "someone else's page\n"
    assert not (project / "._site.cache" / "spare-site").is_symlink()
