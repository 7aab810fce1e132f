"""The `mifa` command as a submitter and CI use it: exit codes, output formats, scaffolding."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from site_builder.schema import manifest_schema

from .conftest import MINIMAL, REPO, Result

Mifa = Callable[..., Result]
Writer = Callable[[dict[str, str]], Path]

BAD_ORCID = MINIMAL.replace("0000-0002-1825-0097", "0000-0002-1825-0098")


def test_valid_catalogue_exits_0(mifa: Mifa, catalogue: Writer) -> None:
    catalogue({"nuclei/1.0.yaml": MINIMAL})
    result = mifa("validate")
    assert result.code == 0
    assert result.out.splitlines()[-1].startswith("10 problems (0 errors, 10 warnings) in 1 file")


def test_invalid_manifest_exits_1_and_groups_problems_per_file(mifa: Mifa, catalogue: Writer) -> None:
    catalogue({"nuclei/1.0.yaml": BAD_ORCID, "other/1.0.yaml": MINIMAL.replace("CC0-1.0", "CC BY")})
    result = mifa("validate", "datasets")
    assert result.code == 1
    lines = result.out.splitlines()
    assert "datasets/nuclei/1.0.yaml" in lines and "datasets/other/1.0.yaml" in lines
    assert any(line.split()[:3] == ["error", "8:17", "study.authors[0].orcid_id"]
               and line.endswith("'0000-0002-1825-0098' fails the ORCID checksum "
                                 "(last character should be 7)") for line in lines)
    assert any("-> check the iD on https://orcid.org" in line for line in lines)
    assert lines[-1] == "22 problems (2 errors, 20 warnings) in 2 files"


def test_strict_fails_on_warnings(mifa: Mifa, catalogue: Writer) -> None:
    catalogue({"nuclei/1.0.yaml": MINIMAL})
    assert mifa("validate", "--strict").code == 1


def test_json_output_has_the_documented_shape(mifa: Mifa, catalogue: Writer) -> None:
    catalogue({"nuclei/1.0.yaml": BAD_ORCID})
    result = mifa("validate", "--format", "json", "datasets/nuclei")
    payload = json.loads(result.out)
    assert result.code == 1
    assert set(payload) == {"schema_version", "ok", "summary", "problems"}
    assert payload["schema_version"] == 1 and payload["ok"] is False
    assert payload["summary"] == {"files": 1, "errors": 1, "warnings": 10}
    error = next(p for p in payload["problems"] if p["severity"] == "error")
    assert error == {
        "file": "datasets/nuclei/1.0.yaml", "line": 8, "column": 17,
        "path": "study.authors[0].orcid_id", "severity": "error",
        "message": "'0000-0002-1825-0098' fails the ORCID checksum (last character should be 7)",
        "hint": "check the iD on https://orcid.org; it looks like 0000-0000-0000-0000",
    }
    for problem in payload["problems"]:
        assert set(problem) == set(error)


def test_github_output_is_workflow_commands(mifa: Mifa, catalogue: Writer) -> None:
    catalogue({"nuclei/1.0.yaml": BAD_ORCID})
    result = mifa("validate", "--format", "github")
    errors = [line for line in result.out.splitlines() if line.startswith("::error")]
    assert errors == ["::error file=datasets/nuclei/1.0.yaml,line=8,col=17,"
                      "title=study.authors[0].orcid_id::'0000-0002-1825-0098' fails the ORCID "
                      "checksum (last character should be 7). Fix: check the iD on https://orcid.org; "
                      "it looks like 0000-0000-0000-0000"]
    assert any(line.startswith("::warning file=datasets/nuclei/1.0.yaml,") for line in
               result.out.splitlines())


def test_usage_errors_exit_2(mifa: Mifa, tmp_path: Path) -> None:
    assert mifa("validate", "--format", "xml").code == 2
    assert mifa("frobnicate").code == 2
    result = mifa("new", "Not A Slug", cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith("mifa: error: 'Not A Slug' is not a valid dataset id")


def test_missing_path_is_reported_not_raised(mifa: Mifa, tmp_path: Path) -> None:
    result = mifa("validate", "nowhere.yaml", cwd=tmp_path)
    assert result.code == 1
    assert "no such file or folder" in result.out


def test_new_writes_a_skeleton_that_guides_the_submitter(mifa: Mifa, tmp_path: Path) -> None:
    result = mifa("new", "kromp-nuclei", cwd=tmp_path)
    assert result.code == 0
    path = tmp_path / "datasets" / "kromp-nuclei" / "1.0.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../catalogue/manifest.schema.json\n")
    assert "# required: Dataset title, shown in listings and search results." in text
    report = json.loads(mifa("validate", "--format", "json").out)
    missing = sorted(p["path"] for p in report["problems"]
                     if p["severity"] == "error" and p["message"] == "required field is empty")
    assert missing == ["annotations[0].annotation_method", "annotations[0].annotation_overview",
                       "annotations[0].annotation_type", "study.authors[0].author_first_name",
                       "study.authors[0].author_last_name", "study.description",
                       "study.funding_statement", "study.license", "study.title"]
    assert mifa("new", "kromp-nuclei", cwd=tmp_path).code == 2


def test_filled_in_skeleton_validates(mifa: Mifa, tmp_path: Path) -> None:
    mifa("new", "kromp-nuclei", cwd=tmp_path)
    path = tmp_path / "datasets" / "kromp-nuclei" / "1.0.yaml"
    data = yaml.safe_load(path.read_text())
    data["study"].update(title="Nuclei", description="Fluorescence images of nuclei, segmented.",
                         license="CC0-1.0", funding_statement="None.",
                         authors=[{"author_first_name": "Ada", "author_last_name": "Lovelace"}])
    data["annotations"] = [{"annotation_overview": "Nuclei outlined.",
                            "annotation_type": "segmentation_mask", "annotation_method": "By hand."}]
    path.write_text(yaml.safe_dump(data))
    assert mifa("validate").code == 0


def test_schema_is_json_schema_with_field_docs(mifa: Mifa) -> None:
    result = mifa("schema")
    schema = json.loads(result.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    author = schema["$defs"]["Author"]
    assert author["additionalProperties"] is False
    assert author["properties"]["orcid_id"]["description"].startswith("ORCID iD")
    assert author["properties"]["orcid_id"]["level"] == "recommended"
    assert set(schema["required"]) == {"study", "annotations", "version"}


def test_repository_copy_of_the_schema_is_current() -> None:
    stored = json.loads((REPO / "catalogue" / "manifest.schema.json").read_text())
    assert stored == json.loads(json.dumps(manifest_schema())), \
        "run: mifa schema --out catalogue/manifest.schema.json"


def test_build_publishes_or_refuses(mifa: Mifa, catalogue: Writer, tmp_path: Path) -> None:
    catalogue({"nuclei/1.0.yaml": MINIMAL})
    result = mifa("build", "--out", "_site")
    assert result.code == 0
    assert result.err.startswith("built ") and result.err.rstrip().endswith("-> _site")
    assert (tmp_path / "_site" / "datasets" / "nuclei" / "index.html").is_file()
    (tmp_path / "datasets" / "nuclei" / "1.0.yaml").write_text(BAD_ORCID)
    result = mifa("build", "--out", "_site")
    assert result.code == 1
    assert "study.authors[0].orcid_id" in result.out
    assert result.err.strip() == "not built: 1 error in the catalogue; _site is unchanged"
    assert mifa("build", "--datasets", "nowhere").code == 2


def test_markdown_summary_lists_problems_and_what_a_new_version_changes(mifa: Mifa,
                                                                         catalogue: Writer) -> None:
    newer = (MINIMAL.replace('version: "1.0"', 'version: "1.1"')
             .replace("timestamp: 2024-05-01T10:00:00+00:00",
                      'timestamp: 2024-06-01T10:00:00+00:00\n  previous_version: "1.0"\n'
                      "  changes: Added keywords.")
             .replace("  funding_statement:", "  keywords: [nuclei]\n  funding_statement:"))
    catalogue({"nuclei/1.0.yaml": MINIMAL, "nuclei/1.1.yaml": newer})
    result = mifa("validate", "--format", "markdown", "datasets/nuclei")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "## MIFA manifest check: ✅ ready for review"
    assert "### `datasets/nuclei/1.0.yaml`" in lines
    assert "### What version 1.1 of `nuclei` changes (from 1.0)" in lines
    assert "- +1 keyword" in lines and "- credit preserved" in lines
    assert "| `study.keywords` | added |  | nuclei |" in lines


@pytest.mark.parametrize("where", ["folder", "under-a-file"])
def test_an_out_file_that_cannot_be_written_is_one_clear_line(tmp_path: Path, mifa: Callable[..., Result],
                                                              where: str) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    out = tmp_path if where == "folder" else tmp_path / "notes.txt" / "schema.json"
    result = mifa("schema", "--out", out)
    assert result.code == 2 and "Traceback" not in result.err
    if where == "folder":
        assert result.err == f"mifa: error: {out} is a folder: give --out the name of a file to write\n"
    else:  # the reason after the colon is the operating system's
        assert result.err.startswith(f"mifa: error: cannot write {out}: ") and result.err.count("\n") == 1
    assert (tmp_path / "notes.txt").read_text() == "keep me"
