"""`mifa version new` starts the next version from the latest one; `mifa --version`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from site_builder import validate_paths

from .conftest import MINIMAL, Result

Mifa = Callable[..., Result]
SECOND = MINIMAL.replace('version: "1.0"', 'version: "1.1"').replace(
    "2024-05-01T10:00:00+00:00", "2024-06-01T10:00:00+00:00") + (
    '  previous_version: "1.0"\n  changes: Two masks redrawn.\n'
    "  preserved_credit:\n  - author_first_name: Grace\n    author_last_name: Hopper\n")


def test_the_next_version_follows_the_latest(catalogue: Callable[[dict[str, str]], Path],
                                             mifa: Mifa) -> None:
    datasets = catalogue({"nuclei/1.0.yaml": MINIMAL,
                          "nuclei/1.1.yaml": "# curated by hand\n" + SECOND})
    result = mifa("version", "new", "nuclei")
    assert result.code == 0, result.err
    assert result.out.startswith("wrote datasets/nuclei/1.2.yaml (previous_version: 1.1)")
    text = (datasets / "nuclei" / "1.2.yaml").read_text()
    before, block = text.split("version:\n  version:")
    assert before == ("# curated by hand\n" + SECOND).split("version:\n  version:")[0], "the rest is kept"
    assert '  version: "1.2"\n' in "version:\n  version:" + block
    assert '  previous_version: "1.1"\n' in block and "  changes:\n" in block
    stamp = datetime.fromisoformat(block.split("timestamp: ")[1].split("\n")[0])
    assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert "  preserved_credit:\n  - author_first_name: Grace\n" in block, "kept credit carries over"

    # Until the contributor says what changed, the new version does not pass.
    report = validate_paths([datasets / "nuclei"])
    assert [(Path(p.file).name, p.path) for p in report.errors] == [("1.2.yaml", "version.changes")]
    filled = text.replace("  changes:\n", "  changes: Added 3 images.\n")
    (datasets / "nuclei" / "1.2.yaml").write_text(filled)
    assert validate_paths([datasets / "nuclei"]).errors == []


def test_a_label_can_be_chosen_and_an_existing_one_is_refused(
        catalogue: Callable[[dict[str, str]], Path], mifa: Mifa) -> None:
    datasets = catalogue({"nuclei/1.0.yaml": MINIMAL})
    assert mifa("version", "new", "datasets/nuclei", "--label", "2.0").code == 0
    assert (datasets / "nuclei" / "2.0.yaml").is_file()
    (datasets / "nuclei" / "2.0.yaml").write_text(
        (datasets / "nuclei" / "2.0.yaml").read_text().replace("  changes:\n", "  changes: New masks.\n"))
    refused = mifa("version", "new", "nuclei", "--label", "2.0")
    assert refused.code == 1 and "version 2.0 of 'nuclei' already exists" in refused.err
    outside = mifa("version", "new", "nuclei", "--label", "../../outside")
    assert outside.code == 1 and "is not a usable version label" in outside.err
    assert not (datasets.parent.parent / "outside.yaml").exists()


def test_a_latest_version_with_errors_is_refused_with_its_problems(
        catalogue: Callable[[dict[str, str]], Path], mifa: Mifa) -> None:
    datasets = catalogue({"nuclei/1.0.yaml": MINIMAL.replace("orcid_id: 0000-0002-1825-0097",
                                                             "orcid_id: 0000-0002-1825-0098")})
    result = mifa("version", "new", "nuclei")
    assert result.code == 1
    assert "datasets/nuclei/1.0.yaml" in result.err and "study.authors[0].orcid_id" in result.err
    assert "the latest version, datasets/nuclei/1.0.yaml, has errors: fix them first" in result.err
    assert sorted(p.name for p in (datasets / "nuclei").iterdir()) == ["1.0.yaml"]


def test_an_unknown_dataset_is_a_usage_error(catalogue: Callable[[dict[str, str]], Path], mifa: Mifa) -> None:
    catalogue({"nuclei/1.0.yaml": MINIMAL})
    result = mifa("version", "new", "cells")
    assert result.code == 2 and result.err == "mifa: error: datasets/cells: no such dataset folder\n"


def test_mifa_version_names_the_installed_version(mifa: Mifa) -> None:
    from importlib.metadata import version

    result = mifa("--version")
    assert result.code == 0 and result.out == f"mifa {version('mifa-catalogue')}\n"
