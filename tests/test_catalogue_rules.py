"""Rules across the versions of a dataset and across datasets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder import load_catalogue, validate_paths

from .conftest import MINIMAL

Writer = Callable[[dict[str, str]], Path]


def version(label: str, stamp: str, previous: str | None = None, *, extra_author: bool = True,
            preserved: str = "") -> str:
    text = MINIMAL.replace('version: "1.0"', f'version: "{label}"').replace(
        "timestamp: 2024-05-01T10:00:00+00:00", f"timestamp: {stamp}")
    if previous:
        text += f'  previous_version: "{previous}"\n  changes: Fixed two masks.\n'
    if preserved:
        text += "  preserved_credit:\n" + preserved
    if extra_author:
        text = text.replace("  funding_statement:", "    - author_first_name: Grace\n"
                            "      author_last_name: Hopper\n      role: data annotation\n"
                            "  funding_statement:")
    return text


def errors(root: Path) -> list[tuple[str, int, str, str]]:
    report = load_catalogue(root).report
    return [(Path(p.file).name, p.line, p.path, p.message) for p in report.errors]


def test_a_chain_of_versions_is_valid_and_ordered(catalogue: Writer) -> None:
    root = catalogue({
        "nuclei/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00"),
        "nuclei/1.1.yaml": version("1.1", "2024-06-01T10:00:00+00:00", "1.0"),
        "nuclei/2.0.yaml": version("2.0", "2025-01-01T10:00:00+00:00", "1.1"),
    })
    loaded = load_catalogue(root)
    assert loaded.report.errors == []
    dataset = loaded.datasets[0]
    assert dataset.id == "nuclei"
    assert [m.version.version for m in dataset.manifests] == ["1.0", "1.1", "2.0"]
    assert dataset.latest is not None and dataset.latest.version.version == "2.0"


def test_file_name_must_match_the_version_label(catalogue: Writer) -> None:
    root = catalogue({"nuclei/1.0.yaml": version("1.1", "2024-05-01T10:00:00+00:00")})
    assert errors(root) == [("1.0.yaml", 18, "version.version",
                             "the version label '1.1' does not match the file name '1.0.yaml'")]


def test_previous_version_must_exist_in_the_folder(catalogue: Writer) -> None:
    root = catalogue({
        "nuclei/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00"),
        "nuclei/1.1.yaml": version("1.1", "2024-06-01T10:00:00+00:00", "0.9"),
    })
    assert errors(root) == [("1.1.yaml", 20, "version.previous_version",
                             "previous_version '0.9' is not a version of this dataset")]


def test_an_external_previous_version_is_accepted(catalogue: Writer) -> None:
    root = catalogue({"nuclei/1.1.yaml": version(
        "1.1", "2024-06-01T10:00:00+00:00",
        "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BSST265")})
    assert errors(root) == []


def test_timestamps_must_increase_along_the_chain(catalogue: Writer) -> None:
    root = catalogue({
        "nuclei/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00"),
        "nuclei/1.1.yaml": version("1.1", "2024-04-01T10:00:00+00:00", "1.0"),
    })
    assert errors(root) == [("1.1.yaml", 19, "version.timestamp",
                             "the timestamp 2024-04-01T10:00:00+00:00 is not later than that of "
                             "version '1.0' (2024-05-01T10:00:00+00:00)")]


def test_dropped_credit_names_who_was_dropped(catalogue: Writer) -> None:
    root = catalogue({
        "nuclei/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00"),
        "nuclei/1.1.yaml": version("1.1", "2024-06-01T10:00:00+00:00", "1.0", extra_author=False),
    })
    assert errors(root) == [("1.1.yaml", 15, "version.preserved_credit",
                             "credit from version '1.0' is dropped: Grace Hopper")]


def test_preserved_credit_keeps_a_person_credited(catalogue: Writer) -> None:
    credit = ("    - author_first_name: Grace\n      author_last_name: Hopper\n"
              '      role: data annotation\n      version: "1.0"\n')
    root = catalogue({
        "nuclei/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00"),
        "nuclei/1.1.yaml": version("1.1", "2024-06-01T10:00:00+00:00", "1.0", extra_author=False,
                                   preserved=credit),
    })
    assert errors(root) == []


def test_a_version_may_not_fork_the_chain(catalogue: Writer) -> None:
    root = catalogue({
        "nuclei/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00"),
        "nuclei/1.1.yaml": version("1.1", "2024-06-01T10:00:00+00:00", "1.0"),
        "nuclei/1.2.yaml": version("1.2", "2024-07-01T10:00:00+00:00", "1.0"),
    })
    assert errors(root) == [("1.2.yaml", 20, "version.previous_version",
                             "version '1.0' already has a next version (datasets/nuclei/1.1.yaml)")]


def test_two_unlinked_versions_are_reported(catalogue: Writer) -> None:
    root = catalogue({
        "nuclei/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00"),
        "nuclei/2.0.yaml": version("2.0", "2024-06-01T10:00:00+00:00"),
    })
    assert errors(root) == [("2.0.yaml", 18, "version.previous_version",
                             "version '2.0' does not follow any version, but this dataset already "
                             "starts with '1.0'")]


def test_dataset_folder_must_be_a_slug(catalogue: Writer) -> None:
    root = catalogue({"Nuclei_2020/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00")})
    assert errors(root) == [("1.0.yaml", 1, "",
                             "the dataset folder 'Nuclei_2020' is not a valid dataset id")]


def test_same_orcid_under_different_names_warns(catalogue: Writer) -> None:
    other = version("1.0", "2024-05-01T10:00:00+00:00").replace("author_first_name: Ada",
                                                                 "author_first_name: Augusta")
    root = catalogue({"nuclei/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00"),
                      "other/1.0.yaml": other})
    warnings = [(Path(p.file).parent.name, p.path, p.message)
                for p in load_catalogue(root).report.warnings if "ORCID" in p.message]
    assert warnings == [("other", "study.authors[0].orcid_id",
                         "ORCID 0000-0002-1825-0097 is given for Augusta Lovelace, but also for "
                         "Ada Lovelace in datasets/nuclei/1.0.yaml")]


def test_validating_one_file_checks_its_siblings(catalogue: Writer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = catalogue({
        "nuclei/1.0.yaml": version("1.0", "2024-05-01T10:00:00+00:00"),
        "nuclei/1.1.yaml": version("1.1", "2024-04-01T10:00:00+00:00", "1.0"),
    })
    monkeypatch.chdir(root.parent)
    report = validate_paths([Path("datasets/nuclei/1.1.yaml")])
    assert [(p.file, p.path) for p in report.errors] == [
        ("datasets/nuclei/1.1.yaml", "version.timestamp")]


def test_a_loose_folder_of_manifests_is_not_a_version_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import FIXTURES

    monkeypatch.chdir(FIXTURES)
    report = validate_paths([Path("valid")])
    assert report.files_checked == 2
    assert report.errors == []
