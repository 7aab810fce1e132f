"""Trusting what sits in the checkout (issue 15, class 6): what the corpus's one-manifest shape
cannot hold (tests/hostile_cases/trust.py has the inputs that fit it).

- Build caches are data: a planted pickle is never loaded, and a cache file or entry of the
  wrong shape is made again, so the site is the same as a build without a cache.
- A build-owned folder that git tracks (the site, its cache, `validate --cache`) came with the
  checkout: nothing in it is read, and a warning says so.
- A pull request cannot modify, delete, move or replace a file of a published version: the
  error is on the line of the manifest that names it, or on the file.
"""

from __future__ import annotations

import json
import pickle
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.build import build_site
from site_builder.git_changes import validate_changes
from site_builder.problems import Problem, Severity
from site_builder.published_files import MAX_PROBLEMS_PER_DATASET

from .conftest import MINIMAL, Result
from .test_build import site_files
from .test_git_changes import commit, git, manifest

Mifa = Callable[..., Result]
CONFIG = (("user.name", "Test"), ("user.email", "test@example.org"), ("commit.gpgsign", "false"))
TITLE = "Nuclei in fluorescence images"
PLANTED_TITLE = "A title planted in the cache"


def _catalogue(root: Path) -> Path:
    (root / "datasets" / "nuclei").mkdir(parents=True)
    (root / "datasets" / "nuclei" / "1.0.yaml").write_text(MINIMAL, encoding="utf-8")
    (root / "datasets" / "cells").mkdir()
    (root / "datasets" / "cells" / "1.0.yaml").write_text(MINIMAL.replace(TITLE, "Cells"), encoding="utf-8")
    return root / "datasets"


def _cache_files(cache: Path) -> list[Path]:
    """The caches' own files (not the spare site, the thumbnails or the lock)."""
    return sorted(p for p in cache.rglob("*.json")
                  if "spare-site" not in p.parts and "thumbnails" not in p.parts)


# Caches are data ---------------------------------------------------------------------------

CACHE_FILES = ("last-build.pickle", "file-digests.pickle", "manifests/00.pickle", "derived/00.pickle")
"""Where the caches were pickles; every shard name of the two sharded caches is planted too."""
SHARDS = [f"{n:02x}" for n in range(256)]


class RunsCode:
    """Unpickling this opens (creates) `marker`: what any planted pickle could do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., object], tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def plant_pickles(cache: Path, marker: Path) -> None:
    """A code-running pickle at every name a cache file had, in every shard (also used by the
    corpus, tests/hostile_cases/trust.py)."""
    payload = pickle.dumps(RunsCode(marker))
    names = [*CACHE_FILES, *(f"{kind}/{n}.pickle" for kind in ("manifests", "derived") for n in SHARDS)]
    for name in names:
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_bytes(payload)


def test_the_planted_pickle_runs_code_when_anything_unpickles_it(tmp_path: Path) -> None:
    """What the tests below plant is a real threat: with the pickles of before, it ran."""
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(RunsCode(marker)))
    assert marker.exists()


@pytest.mark.parametrize("force", [False, True], ids=["no-op build", "forced build"])
def test_pickles_planted_in_a_used_cache_are_never_loaded(tmp_path: Path, force: bool, mifa: Mifa) -> None:
    datasets = _catalogue(tmp_path)
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    marker = tmp_path / "a-planted-pickle-ran"
    plant_pickles(tmp_path / "._site.cache", marker)
    plant_pickles(tmp_path / ".mifa-cache", marker)
    result = build_site(datasets, out, force=force)
    assert result.published and result.nothing_changed is not force
    assert mifa("validate", "--cache", tmp_path / ".mifa-cache", datasets).code == 0
    assert not marker.exists()


def _rotate_entries(data: bytes) -> bytes:
    """Each entry gets the text of another (a badge list where facts were, a manifest where...)."""
    shard = json.loads(data)
    keys = sorted(shard["entries"])
    texts = [shard["entries"][k] for k in keys]
    shard["entries"] = dict(zip(keys, texts[1:] + texts[:1], strict=True))
    return json.dumps(shard).encode()


def _hollow_entries(data: bytes) -> bytes:
    shard = json.loads(data)
    shard["entries"] = {key: '{"title": 7}' for key in shard["entries"]}
    return json.dumps(shard).encode()


def _shards_only(damage: Callable[[bytes], bytes]) -> Callable[[Path, bytes], bytes]:
    return lambda path, data: damage(data) if path.parent.name in ("manifests", "derived") else data


DAMAGES: dict[str, Callable[[Path, bytes], bytes]] = {
    "truncated": lambda path, data: data[:len(data) // 2],
    "not JSON": lambda path, data: b"\x80\x81 not JSON",
    "a list instead of an object": lambda path, data: b"[]",
    "a field of the wrong type": lambda path, data: re.sub(rb'"format":(\d+)', rb'"format":"\1"', data),
    "entries of another kind": _shards_only(_rotate_entries),
    "entries of the wrong shape": _shards_only(_hollow_entries),
}
"""Ways a cache file can be damaged; every cache file (all shards, the digests, the last build's
record, the search bundle) is damaged the same way at once."""


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damaged_cache_files_are_made_again(tmp_path: Path, damage: str) -> None:
    datasets = _catalogue(tmp_path)
    assert build_site(datasets, tmp_path / "fresh").published
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    for force in (True, False):
        files = _cache_files(tmp_path / "._site.cache")
        assert {p.parent.name for p in files} >= {"manifests", "derived", "._site.cache"}
        record = tmp_path / "._site.cache" / "last-build.json"
        intact = DAMAGES[damage](record, record.read_bytes()) == record.read_bytes()
        for path in files:
            path.write_bytes(DAMAGES[damage](path, path.read_bytes()))
        result = build_site(datasets, out, force=force)
        # With the last build's record intact, the site is known to be current: nothing to do.
        assert result.published and result.nothing_changed is (intact and not force)
        assert [p.message for p in result.report.errors] == []
        assert site_files(out) == site_files(tmp_path / "fresh")
    assert build_site(datasets, out).nothing_changed  # the caches are whole again


def test_a_planted_search_bundle_writes_nothing_outside_search(tmp_path: Path) -> None:
    datasets = _catalogue(tmp_path)
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    expected = site_files(out)
    [bundle] = (tmp_path / "._site.cache").glob("search-*.json")
    stored = json.loads(bundle.read_bytes())
    for planted in ({"../outside.html": "planted"}, {"index.html": "<script>alert(1)</script>"},
                    {"search/manifest.json": 7}):
        bundle.write_text(json.dumps(stored | planted))
        assert build_site(datasets, out, force=True).published
        assert site_files(out) == expected, planted
        assert not (tmp_path / "outside.html").exists()


# Build-owned folders that git tracks --------------------------------------------------------

@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding a catalogue, as the working directory (as in the publishing job)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for key, value in CONFIG:
        git(repo, "config", key, value)
    _catalogue(repo)
    (repo / ".gitignore").write_text("_site/\n._site*\n.mifa-cache/\n")  # as the project's
    commit(repo, "catalogue")
    monkeypatch.chdir(repo)
    return repo


def _tracked_warning(name: str, consequence: str) -> Problem:
    return Problem(name, 1, 1, "", Severity.WARNING,
                   f"{name} is tracked by git, so it came with the checkout (a pull request can add it): "
                   f"{consequence}",
                   f"remove it from the repository and ignore it: git rm -r --cached {name}, "
                   f"and add {name} to .gitignore")


def _plant_title(cache: Path) -> None:
    """Cached manifests of the right shape that say something the files do not."""
    for path in _cache_files(cache):
        path.write_bytes(path.read_bytes().replace(TITLE.encode(), PLANTED_TITLE.encode()))


def _page(out: Path) -> str:
    return (out / "datasets" / "nuclei" / "index.html").read_text(encoding="utf-8")


def test_a_build_cache_tracked_by_git_is_not_read(checkout: Path) -> None:
    out = Path("_site")
    assert build_site(Path("datasets"), out).published
    _plant_title(Path("._site.cache"))
    # Untracked, the cache is the builder's own and is used: what is planted in it shows.
    assert build_site(Path("datasets"), out, force=True).published
    assert PLANTED_TITLE in _page(out)
    _plant_title(Path("._site.cache"))
    spare = Path("._site.cache") / "spare-site"
    (spare / "planted.html").write_text("<script>alert(1)</script>")
    git(checkout, "add", "-f", "._site.cache")
    commit(checkout, "a pull request adds a build cache")
    result = build_site(Path("datasets"), out)
    assert result.published and not result.nothing_changed
    assert _tracked_warning("._site.cache", "the build reads nothing from it and makes every file again") \
        in result.report.warnings
    assert PLANTED_TITLE not in _page(out) and TITLE in _page(out)
    assert not (out / "planted.html").exists()
    assert result.stats is not None and result.stats.unchanged == 0


def test_a_site_tracked_by_git_is_built_from_scratch(checkout: Path) -> None:
    out = Path("_site")
    assert build_site(Path("datasets"), out).published
    with (out / "datasets" / "nuclei" / "index.html").open("a") as page:
        page.write("<!-- planted -->")
    assert build_site(Path("datasets"), out).nothing_changed  # untracked: the builder's own site
    assert "<!-- planted -->" in _page(out)
    git(checkout, "add", "-f", "_site")
    commit(checkout, "a pull request adds a site")
    result = build_site(Path("datasets"), out)
    assert result.published and not result.nothing_changed
    assert [p for p in result.report.warnings if "tracked by git" in p.message] == [
        _tracked_warning("_site", "the build reads nothing from it and makes every file again")]
    assert "<!-- planted -->" not in _page(out)


def test_a_validation_cache_tracked_by_git_is_not_read(checkout: Path, mifa: Mifa) -> None:
    (checkout / "datasets" / "cells" / "1.0.yaml").write_text(
        MINIMAL.replace("  license: CC0-1.0\n", ""), encoding="utf-8")
    assert mifa("validate", "--cache", ".mifa-cache", "datasets").code == 1
    for path in _cache_files(checkout / ".mifa-cache"):  # the error, cached as a warning
        path.write_bytes(path.read_bytes().replace(b'severity\\":\\"error', b'severity\\":\\"warning'))
    untracked = mifa("validate", "--cache", ".mifa-cache", "datasets")
    assert untracked.code == 0, "untracked, the cache is the user's own and is used"
    git(checkout, "add", "-f", ".mifa-cache")
    commit(checkout, "a pull request adds a validation cache")
    tracked = mifa("validate", "--cache", ".mifa-cache", "--format", "json", "datasets")
    assert tracked.code == 1
    problems = json.loads(tracked.out)["problems"]
    assert [(p["file"], p["path"], p["severity"]) for p in problems if p["severity"] == "error"] == [
        ("datasets/cells/1.0.yaml", "study.license", "error")]
    assert _tracked_warning(".mifa-cache", "validation reads nothing from it and parses every manifest"
                            ).as_dict() in problems


# Pull requests and the files of published versions -----------------------------------------

V1_0 = manifest() + "images:\n  examples:\n    - image: samples/old.png\n      caption: The first example.\n"
V1_1 = manifest("1.1", "2024-06-01T10:00:00+00:00", "1.0") + (
    "images:\n  examples:\n    - image: samples/example.png\n      annotations: samples/example.geojson\n"
    "    - image: samples/cells.ome.zarr\n      labels: cells\n")
PUBLISHED: dict[str, bytes] = {
    "1.0.yaml": V1_0.encode(), "1.1.yaml": V1_1.encode(), "README.md": b"About these cells.\n",
    "samples/old.png": b"\x89PNG old", "samples/example.png": b"\x89PNG example",
    "samples/example.geojson": b'{"type": "FeatureCollection", "features": []}',
    "samples/cells.ome.zarr/.zattrs": b"{}", "samples/cells.ome.zarr/0/0": b"chunk 0",
    "samples/cells.ome.zarr/0/1": b"chunk 1",
    **{f"notes-{n:02}.txt": b"a note" for n in range(MAX_PROBLEMS_PER_DATASET + 5)},
}
"""The files of dataset 'cells' on the base branch: two versions, their example images, an
annotation file, a store, and files no manifest names."""


@pytest.fixture(scope="module")
def published_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("published")
    git(repo, "init", "-q", "-b", "main")
    for key, value in CONFIG:
        git(repo, "config", key, value)
    for name, data in PUBLISHED.items():
        (repo / "datasets" / "cells" / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / "datasets" / "cells" / name).write_bytes(data)
    commit(repo, "cells, published")
    return repo


@pytest.fixture
def published(published_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the template on a pull-request branch, as the working directory."""
    repo = tmp_path / "repo"
    shutil.copytree(published_template, repo, symlinks=True)
    git(repo, "checkout", "-q", "-b", "pr")
    monkeypatch.chdir(repo)
    return repo


def _put(path: str, data: bytes) -> Callable[[Path], None]:
    def edit(repo: Path) -> None:
        (repo / "datasets" / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / "datasets" / path).write_bytes(data)
    return edit


def _then_commit(*edits: Callable[[Path], object]) -> Callable[[Path], None]:
    def edit(repo: Path) -> None:
        for one in edits:
            one(repo)
        commit(repo)
    return edit


def _by_link(repo: Path) -> None:
    (repo / "datasets/cells/samples/example.png").unlink()
    (repo / "datasets/cells/samples/example.png").symlink_to("old.png")


def _by_folder(repo: Path) -> None:
    (repo / "datasets/cells/samples/example.png").unlink()
    _put("cells/samples/example.png/0", b"a folder now")(repo)


V1_2 = manifest("1.2", "2024-07-01T10:00:00+00:00", "1.1") + (
    "images:\n  examples:\n    - image: samples/example-1.2.png\n")
EXAMPLE = ("datasets/cells/1.1.yaml", 21, 14, "images.examples[0].image")
"""Where 1.1 names samples/example.png."""
STORE = ("datasets/cells/1.1.yaml", 23, 14, "images.examples[1].image")
EXAMPLE_USED = "samples/example.png is used by published version 1.1 of 'cells' and cannot be "

PULL_REQUESTS: dict[str, tuple[Callable[[Path], None], list[tuple[str, int, int, str, str]]]] = {
    "the example image replaced": (
        _then_commit(_put("cells/samples/example.png", b"\x89PNG another")),
        [(*EXAMPLE, EXAMPLE_USED + "modified")]),
    "the example image replaced, not committed yet": (
        _put("cells/samples/example.png", b"\x89PNG another"),
        [(*EXAMPLE, EXAMPLE_USED + "modified")]),
    "the example image deleted": (
        _then_commit(lambda repo: (repo / "datasets/cells/samples/example.png").unlink()),
        [(*EXAMPLE, EXAMPLE_USED + "deleted")]),
    "the example image moved": (
        _then_commit(lambda repo: git(repo, "mv", "datasets/cells/samples/example.png",
                                      "datasets/cells/samples/moved.png")),
        [(*EXAMPLE, EXAMPLE_USED + "moved")]),
    "the example image replaced by a link": (
        _then_commit(_by_link),
        [(*EXAMPLE, EXAMPLE_USED + "modified")]),
    "the example image replaced by a folder": (
        _then_commit(_by_folder),
        [(*EXAMPLE, EXAMPLE_USED + "deleted")]),
    "the annotation file edited": (
        _then_commit(_put("cells/samples/example.geojson", b'{"type": "FeatureCollection"}')),
        [("datasets/cells/1.1.yaml", 22, 20, "images.examples[0].annotations",
          "samples/example.geojson is used by published version 1.1 of 'cells' and cannot be modified")]),
    "one chunk of the store rewritten": (
        _then_commit(_put("cells/samples/cells.ome.zarr/0/0", b"another chunk")),
        [(*STORE, "samples/cells.ome.zarr/0/0 (in samples/cells.ome.zarr) is used by published version 1.1 "
                  "of 'cells' and cannot be modified")]),
    "the whole store rewritten": (
        _then_commit(*(_put(f"cells/samples/cells.ome.zarr/{part}", b"new")
                       for part in (".zattrs", "0/0", "0/1"))),
        [(*STORE, "3 files of samples/cells.ome.zarr are used by published version 1.1 of 'cells' and cannot "
                  "be changed (e.g. samples/cells.ome.zarr/.zattrs was modified)")]),
    "a file only the older version shows": (
        _then_commit(_put("cells/samples/old.png", b"\x89PNG newer")),
        [("datasets/cells/1.0.yaml", 19, 14, "images.examples[0].image",
          "samples/old.png is used by published version 1.0 of 'cells' and cannot be modified")]),
    "a file no manifest names": (
        _then_commit(_put("cells/README.md", b"Rewritten.\n")),
        [("datasets/cells/README.md", 1, 1, "",
          "README.md is a published file of 'cells' and cannot be modified")]),
    "the fix: a new file under a new name, in a new version": (
        _then_commit(_put("cells/samples/example-1.2.png", b"\x89PNG another"),
                     _put("cells/1.2.yaml", V1_2.encode())),
        []),
    "a new dataset with files of its own": (
        _then_commit(_put("tissue/1.0.yaml", manifest(title="Tissue").encode()), _put("tissue/a.png", b"x")),
        []),
}
"""What a pull request does -> every error it gets: (file, line, column, field, message)."""


@pytest.mark.parametrize("name", sorted(PULL_REQUESTS))
def test_a_pull_request_cannot_change_a_published_versions_files(published: Path, name: str) -> None:
    change, expected = PULL_REQUESTS[name]
    change(published)
    errors = validate_changes("main", published).errors
    assert [(p.file, p.line, p.column, p.path, p.message) for p in errors] == expected


def test_the_error_says_how_to_publish_a_new_image(published: Path, mifa: Mifa) -> None:
    _put("cells/samples/example.png", b"\x89PNG another")(published)
    commit(published)
    result = mifa("validate", "--changed-since", "main", "--format", "json", cwd=published)
    assert result.code == 1
    [problem] = [p for p in json.loads(result.out)["problems"] if p["severity"] == "error"]
    assert problem["hint"] == (
        "restore datasets/cells/samples/example.png "
        "(git checkout main -- datasets/cells/samples/example.png); "
        "to show a different file, add it under a new name (e.g. samples/example-1.2.png) and a new version "
        'that refers to it: datasets/cells/1.2.yaml with `previous_version: "1.1"`')


def test_many_changed_files_make_a_bounded_number_of_problems(published: Path) -> None:
    for n in range(MAX_PROBLEMS_PER_DATASET + 5):
        _put(f"cells/notes-{n:02}.txt", b"rewritten")(published)
    commit(published)
    errors = validate_changes("main", published).errors
    assert len(errors) == MAX_PROBLEMS_PER_DATASET + 1
    assert errors[-1].message == ("5 more published files of 'cells' were changed, e.g. notes-20.txt "
                                  "was modified")
