"""The pull-request check: `mifa validate --changed-since REF` against a throwaway git repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.git_changes import (
    Change,
    GitError,
    changed_files,
    dataset_dates,
    next_label,
    validate_changes,
)

from .conftest import MINIMAL, Result

Mifa = Callable[..., Result]


def manifest(label: str = "1.0", stamp: str = "2024-05-01T10:00:00+00:00", previous: str | None = None,
             title: str = "Nuclei in fluorescence images") -> str:
    text = MINIMAL.replace('version: "1.0"', f'version: "{label}"').replace(
        "2024-05-01T10:00:00+00:00", stamp).replace("Nuclei in fluorescence images", title)
    if previous:
        text += f'  previous_version: "{previous}"\n  changes: Fixed two masks.\n'
    return text


BROKEN = manifest(title="Broken").replace("  license: CC0-1.0\n", "")
BASE = {
    "nuclei/1.0.yaml": manifest(),
    "cells/1.0.yaml": manifest(title="Cells"),
    "cells/1.1.yaml": manifest("1.1", "2024-06-01T10:00:00+00:00", "1.0", title="Cells"),
    "cells/sample.png": "not really a png",
    "broken/1.0.yaml": BROKEN,
}


def git(repo: Path, *args: str, date: str = "2024-01-01T12:00:00+00:00") -> str:
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_DATE": date,
           "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(repo)}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env=env).stdout


def write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = repo / "datasets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str = "change", date: str = "2024-07-01T12:00:00+00:00") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose main branch holds two valid datasets and one broken one."""
    repo = tmp_path_factory.mktemp("template")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "commit.gpgsign", "false")
    write(repo, BASE)
    commit(repo, "base", date="2024-02-01T09:00:00+00:00")
    return repo


@pytest.fixture
def repo(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the template, on a pull-request branch, as the working directory."""
    path = tmp_path / "repo"
    shutil.copytree(template, path)
    git(path, "checkout", "-q", "-b", "pr")
    monkeypatch.chdir(path)
    return path


def errors(result: Result) -> list[dict[str, str | int]]:
    """The errors of a JSON report (the minimal manifests also draw warnings about optional fields)."""
    data = json.loads(result.out)
    return [p for p in data["problems"] if p["severity"] == "error"]


def test_the_base_branch_really_has_a_broken_dataset(repo: Path, mifa: Mifa) -> None:
    assert mifa("validate", cwd=repo).code == 1


def test_a_new_version_following_the_latest_passes(repo: Path, mifa: Mifa) -> None:
    write(repo, {"nuclei/1.1.yaml": manifest("1.1", "2024-06-01T10:00:00+00:00", "1.0")})
    commit(repo)
    result = mifa("validate", "--changed-since", "main", cwd=repo)
    assert result.code == 0, result.out
    assert "broken" not in result.out
    report = validate_changes("main", repo)
    assert report.errors == [] and report.files_checked == 2


def test_only_touched_datasets_are_validated(repo: Path, mifa: Mifa) -> None:
    write(repo, {"nuclei/1.1.yaml": manifest("1.1", "2024-06-01T10:00:00+00:00", "1.0").replace(
        "  license: CC0-1.0\n", "")})
    commit(repo)
    result = mifa("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert result.code == 1
    files = {p["file"] for p in errors(result)}
    assert files == {"datasets/nuclei/1.1.yaml"}


def test_editing_a_published_version_fails(repo: Path, mifa: Mifa) -> None:
    path = repo / "datasets/nuclei/1.0.yaml"
    path.write_text(manifest().replace("Nuclei outlined by hand.", "Nuclei outlined by two experts."))
    commit(repo)
    result = mifa("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert result.code == 1
    assert errors(result) == [{
        "file": "datasets/nuclei/1.0.yaml", "line": 11, "column": 1, "path": "", "severity": "error",
        "message": "version 1.0 of 'nuclei' is already published and cannot be edited",
        "hint": "leave 1.0.yaml as it was and add a new version, e.g. datasets/nuclei/1.1.yaml with "
                '`previous_version: "1.0"` and `changes:` describing the edit'}]


def test_editing_an_old_version_suggests_following_the_latest(repo: Path) -> None:
    (repo / "datasets/cells/1.0.yaml").write_text(manifest(title="Cells") + "# typo\n")
    commit(repo)
    [problem] = validate_changes("main", repo).errors
    assert problem.message == "version 1.0 of 'cells' is already published and cannot be edited"
    assert "datasets/cells/1.2.yaml with `previous_version: \"1.1\"`" in problem.hint


def test_a_new_version_must_follow_the_latest(repo: Path, mifa: Mifa) -> None:
    write(repo, {"cells/1.2.yaml": manifest("1.2", "2024-07-01T10:00:00+00:00", "1.0", title="Cells")})
    commit(repo)
    result = mifa("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert result.code == 1
    ours = [p for p in errors(result) if str(p["message"]).startswith("a new version")]
    assert ours == [{"file": "datasets/cells/1.2.yaml", "line": 17, "column": 21,
                     "path": "version.previous_version", "severity": "error",
                     "message": "a new version must follow the latest version, 1.1",
                     "hint": 'set previous_version: "1.1"'}]


def test_several_new_versions_in_one_change_pass(repo: Path) -> None:
    write(repo, {"cells/1.2.yaml": manifest("1.2", "2024-07-01T10:00:00+00:00", "1.1", title="Cells"),
                 "cells/1.3.yaml": manifest("1.3", "2024-08-01T10:00:00+00:00", "1.2", title="Cells")})
    commit(repo)
    assert validate_changes("main", repo).errors == []


def test_deleting_a_published_version_fails(repo: Path, mifa: Mifa) -> None:
    (repo / "datasets/cells/1.1.yaml").unlink()
    commit(repo)
    result = mifa("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert result.code == 1
    [problem] = errors(result)
    assert problem["file"] == "datasets/cells/1.1.yaml"
    assert problem["message"] == "version 1.1 of 'cells' is published and cannot be deleted"
    assert "withdraw" in str(problem["hint"]) and "1.2.yaml" in str(problem["hint"])


def test_renaming_a_dataset_folder_fails(repo: Path, mifa: Mifa) -> None:
    git(repo, "mv", "datasets/cells", "datasets/cells-2024")
    commit(repo)
    result = mifa("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert result.code == 1
    [problem] = errors(result)
    assert problem["message"] == ("the dataset folder 'cells' was renamed to 'cells-2024'; "
                                  "dataset ids are permanent")
    assert "git mv datasets/cells-2024 datasets/cells" in str(problem["hint"])


def test_a_folder_renamed_with_edits_is_still_a_rename(repo: Path) -> None:
    shutil.rmtree(repo / "datasets/nuclei")
    write(repo, {"nuclei-v2/1.0.yaml": manifest(title="Nuclei, renamed and edited at length")})
    commit(repo)
    [problem] = validate_changes("main", repo).errors
    assert problem.message.startswith("the dataset folder 'nuclei' was renamed to 'nuclei-v2'")


def test_a_brand_new_dataset_passes(repo: Path, mifa: Mifa) -> None:
    write(repo, {"tissue/1.0.yaml": manifest(title="Tissue"), "tissue/sample.png": "x"})
    commit(repo)
    result = mifa("validate", "--changed-since", "main", cwd=repo)
    assert result.code == 0, result.out


def test_new_files_beside_published_versions_are_welcome(repo: Path) -> None:
    write(repo, {"cells/sample-1.2.png": "a better sample", "broken/thumbnail.png": "x", "README.md": "x"})
    commit(repo)
    assert validate_changes("main", repo).problems == []


def test_a_published_file_cannot_be_replaced(repo: Path) -> None:
    """Everything the base branch has in a published dataset's folder belongs to its versions
    (tests/test_hostile_trust.py has the files manifests refer to, and every way to change one)."""
    write(repo, {"cells/sample.png": "a better sample"})
    commit(repo)
    [problem] = validate_changes("main", repo).problems
    assert (problem.file, problem.line, problem.path, problem.message) == (
        "datasets/cells/sample.png", 1, "",
        "sample.png is a published file of 'cells' and cannot be modified")
    assert problem.hint.startswith("restore it (git checkout main -- datasets/cells/sample.png)")


def test_working_tree_changes_are_part_of_the_change(repo: Path) -> None:
    """A contributor checks before committing: staged, unstaged and untracked files all count."""
    write(repo, {"nuclei/1.1.yaml": manifest("1.1", "2024-06-01T10:00:00+00:00", "1.0")})
    commit(repo)
    git(repo, "mv", "datasets/cells/1.0.yaml", "datasets/cells/1.0.yml")  # staged, not committed
    write(repo, {"tissue/1.0.yaml": manifest(title="Tissue")})  # untracked
    (repo / "datasets/broken/1.0.yaml").write_text(BROKEN + "# edited\n")  # modified, not staged
    assert sorted(changed_files("main", repo), key=lambda c: c.path) == [
        Change("M", "datasets/broken/1.0.yaml", state="uncommitted"),
        Change("R", "datasets/cells/1.0.yml", "datasets/cells/1.0.yaml", state="uncommitted"),
        Change("A", "datasets/nuclei/1.1.yaml"),
        Change("A", "datasets/tissue/1.0.yaml", state="untracked")]


def test_a_new_uncommitted_manifest_with_errors_fails_the_local_check(repo: Path, mifa: Mifa) -> None:
    """The false pass of issue 14: 'ready for review ... no problems in 0 files'."""
    write(repo, {"tissue/1.0.yaml": manifest(title="Tissue").replace("  license: CC0-1.0\n", "")
                 .replace("annotation_type: segmentation_mask", "annotation_type: masks-of-cells")
                 .replace("orcid_id: 0000-0002-1825-0097", "orcid_id: 0000-0002-1825-0098")})
    result = mifa("validate", "--changed-since", "main", cwd=repo)
    assert result.code == 1
    assert result.out.startswith(
        "manifests changed since main: 1\n  A datasets/tissue/1.0.yaml (untracked)\n")
    json_result = mifa("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert {(p["file"], p["path"]) for p in errors(json_result)} == {
        ("datasets/tissue/1.0.yaml", "study.license"),
        ("datasets/tissue/1.0.yaml", "annotations[0].annotation_type[0]"),
        ("datasets/tissue/1.0.yaml", "study.authors[0].orcid_id")}
    assert "datasets/tissue/1.0.yaml (untracked)" in json_result.err, "the list goes to stderr"
    json.loads(json_result.out)  # standard output stays one JSON document


def test_an_uncommitted_edit_of_a_published_version_is_refused_at_its_line(repo: Path, mifa: Mifa) -> None:
    path = repo / "datasets/nuclei/1.0.yaml"
    path.write_text(path.read_text().replace("Nuclei in fluorescence images", "Nuclei, renamed"))
    problems = errors(mifa("validate", "--changed-since", "main", "--format", "json", cwd=repo))
    assert [(p["file"], p["line"]) for p in problems] == [("datasets/nuclei/1.0.yaml", 2)]
    assert "already published" in str(problems[0]["message"])


def test_a_clean_tree_checks_only_the_commits(repo: Path, mifa: Mifa) -> None:
    write(repo, {"nuclei/1.1.yaml": manifest("1.1", "2024-06-01T10:00:00+00:00", "1.0")})
    commit(repo)
    result = mifa("validate", "--changed-since", "main", cwd=repo)
    assert result.code == 0
    assert result.out.startswith("manifests changed since main: 1\n  A datasets/nuclei/1.1.yaml\n\n")


def test_changed_files_reports_renames(repo: Path) -> None:
    git(repo, "mv", "datasets/nuclei", "datasets/nuclei-2")
    (repo / "datasets/cells/1.1.yaml").unlink()
    commit(repo)
    assert sorted(changed_files("main", repo), key=lambda c: c.path) == [
        Change("D", "datasets/cells/1.1.yaml"),
        Change("R", "datasets/nuclei-2/1.0.yaml", "datasets/nuclei/1.0.yaml")]


def test_an_unknown_ref_is_a_usage_error(repo: Path, mifa: Mifa) -> None:
    result = mifa("validate", "--changed-since", "origin/main", cwd=repo)
    assert result.code == 2
    assert result.err == 'mifa: error: unknown ref "origin/main": fetch it or pass another ref\n'
    assert "Traceback" not in result.err + result.out


def test_outside_a_repository_is_a_usage_error(tmp_path: Path, mifa: Mifa) -> None:
    result = mifa("validate", "--changed-since", "main", cwd=tmp_path)
    assert result.code == 2
    assert "is not a git repository" in result.err and "Traceback" not in result.err
    with pytest.raises(GitError, match="not a git repository"):
        validate_changes("main", tmp_path)


def test_paths_and_changed_since_do_not_mix(repo: Path, mifa: Mifa) -> None:
    result = mifa("validate", "datasets", "--changed-since", "main", cwd=repo)
    assert result.code == 2 and "not both" in result.err


@pytest.mark.parametrize(("label", "expected"), [("1.0", "1.1"), ("v2", "v3"), ("1.9", "1.10"),
                                                 ("2024-05", "2024-06"), ("beta", "beta.1")])
def test_next_label(label: str, expected: str) -> None:
    assert next_label(label) == expected


def test_dataset_dates_come_from_the_history(repo: Path) -> None:
    write(repo, {"nuclei/1.1.yaml": manifest("1.1", "2024-06-01T10:00:00+00:00", "1.0")})
    commit(repo, date="2024-08-01T10:00:00+00:00")
    write(repo, {"cells/sample.png": "new sample"})
    commit(repo, date="2024-09-01T10:00:00+00:00")
    assert dataset_dates(repo, Path("datasets")) == {
        "nuclei": ("2024-02-01T09:00:00+00:00", "2024-08-01T10:00:00+00:00"),
        "cells": ("2024-02-01T09:00:00+00:00", "2024-09-01T10:00:00+00:00"),
        "broken": ("2024-02-01T09:00:00+00:00", "2024-02-01T09:00:00+00:00"),
    }


def test_dataset_dates_without_history_are_empty(repo: Path, tmp_path: Path) -> None:
    assert dataset_dates(tmp_path, Path("datasets")) == {}
    write(repo, {"nuclei/sample.png": "x"})
    commit(repo)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True,
                   capture_output=True)
    assert dataset_dates(shallow, shallow / "datasets") == {}
