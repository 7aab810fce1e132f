"""Every class of invalid input has a fixture named for the failure, and its exact errors.

Each entry lists every error the fixture must produce (line, column, dotted path,
message); a change in wording is therefore a deliberate edit here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder import validate_paths

from .conftest import FIXTURES

INVALID = FIXTURES / "invalid"

EXPECTED: dict[str, list[tuple[int, int, str, str]]] = {
    "annotation-id-duplicate.yaml": [
        (17, 24, 'annotations[0].file_metadata[1].annotation_id', "annotation_id 'masks/a.tif' is already used by file_metadata[0]"),
    ],
    "annotation-type-unknown.yaml": [
        (11, 22, 'annotations[0].annotation_type[0]', "'segmentaton' is not an annotation type; did you mean 'segmentation_mask' or 'graphs'?"),
    ],
    "annotation-type-empty.yaml": [
        (11, 5, 'annotations[0].annotation_type', 'required field is empty'),
    ],
    "author-not-a-mapping.yaml": [
        (6, 7, 'study.authors[0]', "expected a mapping of keys to values, got the text 'Ada Lovelace'"),
    ],
    "changes-missing-with-previous.yaml": [
        (14, 3, 'version.changes', 'a version with a previous_version must describe its changes'),
    ],
    "custom-tag.yaml": [
        (1, 8, '', "custom YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ],
    "doi-malformed.yaml": [
        (12, 24, 'study.publications[0].publication_doi', "'11.1038/abc' is not a DOI"),
    ],
    "duplicate-key.yaml": [
        (3, 3, '', "duplicate key 'title' (first given on line 2)"),
    ],
    "empty-file.yaml": [
        (1, 1, '', 'the file is empty'),
    ],
    "licence-free-text.yaml": [
        (4, 12, 'study.license', "'CC BY 4.0' is not an SPDX licence id; did you mean 'CC-BY-4.0'?"),
    ],
    "licence-missing.yaml": [
        (1, 1, 'study.license', 'required field is missing'),
    ],
    "nesting-too-deep.yaml": [
        (42, 83, '', 'nesting is deeper than 40 levels'),
    ],
    "not-a-mapping.yaml": [
        (1, 1, '', 'the file must be a mapping of keys to values, not a list'),
    ],
    "not-utf8.yaml": [
        (2, 13, '', 'the file is not valid UTF-8 (byte 0xe9)'),
    ],
    "orcid-bad-checksum.yaml": [
        (8, 17, 'study.authors[0].orcid_id', "'0000-0002-1825-0098' fails the ORCID checksum (last character should be 7)"),
    ],
    "orcid-malformed.yaml": [
        (8, 17, 'study.authors[0].orcid_id', "'ada-lovelace' is not an ORCID iD"),
    ],
    "path-escapes-dataset.yaml": [
        (16, 26, 'annotations[0].file_metadata[0].source_image_id[0]', "'../../../etc/passwd' is not a path inside the dataset"),
    ],
    "pixel-size-without-unit.yaml": [
        (19, 19, 'images.image_data[0].pixel_size.unit', 'pixel sizes are given without a unit'),
    ],
    "required-key-typo.yaml": [  # one error for the typo: not also "annotation_type is missing"
        (11, 5, 'annotations[0].anotation_type', "unknown key 'anotation_type'; did you mean 'annotation_type'?"),
    ],
    "ror-bad-checksum.yaml": [
        (10, 19, 'study.authors[0].organisation[0].ror_id', "'02catss53' fails the ROR checksum (last two digits should be 52)"),
    ],
    "template-left-empty.yaml": [
        (3, 3, 'study.title', 'required field is empty'),
        (4, 3, 'study.description', 'required field is empty'),
        (9, 7, 'study.authors[0].author_first_name', 'required field is empty'),
        (10, 7, 'study.authors[0].author_last_name', 'required field is empty'),
        (19, 3, 'study.license', 'required field is empty'),
        (20, 3, 'study.funding_statement', 'required field is empty'),
        (22, 5, 'annotations[0].annotation_overview', 'required field is empty'),
        (22, 5, 'annotations[0].annotation_type', 'required field is missing'),
        (26, 5, 'annotations[0].annotation_method', 'required field is empty'),
        (33, 3, 'version.version', 'required field is empty'),
        (34, 3, 'version.timestamp', 'required field is empty'),
    ],
    "text-given-as-list.yaml": [
        (2, 10, 'study.title', 'expected text, got a list'),
    ],
    "timestamp-date-only.yaml": [
        (15, 14, 'version.timestamp', "the timestamp '2024-05-01' has a date but no time or UTC offset"),
    ],
    "timestamp-invalid.yaml": [
        (15, 14, 'version.timestamp', "the text 'last tuesday' is not a date and time"),
    ],
    "too-many-aliases.yaml": [
        (1, 25, '', 'more than 50 YAML aliases (*name)'),
    ],
    "unknown-key-typo.yaml": [
        (8, 7, 'study.authors[0].orcid', "unknown key 'orcid'; did you mean 'orcid_id'?"),
    ],
    "unknown-top-level-key.yaml": [
        (1, 1, 'title', "unknown key 'title'; it belongs under 'study'"),
        (2, 1, 'study.title', 'required field is missing'),
    ],
    "url-unsafe-scheme.yaml": [
        (9, 13, 'study.link_url[0]', "'javascript:alert(1)' uses the scheme 'javascript'; only http and https links are allowed"),
    ],
    "version-label-unusable.yaml": [
        (14, 12, 'version.version', "'1.0 final' is not a usable version label"),
    ],
    "yaml-syntax-error.yaml": [
        # PyYAML's own reason follows the colon; only the project's words are asserted.
        (4, 1, '', 'this is not valid YAML: …'),
    ],
}


def _as_expected(message: str, expected: str) -> str:
    """An expectation ending in '…' asserts only the start of the message (the project's words)."""
    prefix = expected.removesuffix("…")
    return expected if prefix != expected and message.startswith(prefix) else message


def test_every_fixture_has_expectations() -> None:
    assert sorted(p.name for p in INVALID.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_reports_exactly_its_errors(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent.parent)
    path = Path("tests/fixtures/invalid") / name
    report = validate_paths([path])
    expected = sorted(EXPECTED[name])
    errors = [(p.line, p.column, p.path, _as_expected(p.message, e[3]))
              for p, e in zip(report.errors, [*expected, *[("",) * 4] * len(report.errors)], strict=False)]
    assert errors == expected
    assert {p.file for p in report.errors} == {str(path)}
    assert all(p.hint for p in report.errors), "every error says what to write instead"
