"""Property-based fuzzing: untrusted manifest text never makes the loader raise.

Whatever bytes a contributor submits, parsing and validation return problems
with a file, a line, a column and a message, never an exception.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.loader import LoadedManifest, validate_text
from site_builder.yaml_loader import parse_yaml

COMPLETE = (Path(__file__).resolve().parent / "fixtures" / "valid" / "complete.yaml").read_text(
    encoding="utf-8")

FUZZ = settings(deadline=None, derandomize=True, max_examples=100, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CHEAP = settings(FUZZ, max_examples=250)


MANIFEST_KEYS = [
    "study", "title", "description", "keywords", "authors", "author_first_name", "author_last_name",
    "orcid_id", "role", "organisation", "organisation_name", "ror_id", "license", "publications",
    "publication_doi", "funding_statement", "data_url", "images", "biosample", "organism",
    "image_acquisition", "image_data", "format", "dimensions", "examples", "image", "labels",
    "annotations", "annotation_overview", "annotation_type", "annotation_method", "file_metadata",
    "annotation_id", "source_image_id", "classes", "name", "count", "version", "timestamp",
    "previous_version", "preserved_credit", "changes",
]

keys = st.one_of(st.sampled_from(MANIFEST_KEYS), st.text(max_size=12))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["1.0", "1.10", "CC-BY-4.0", "CC0-1.0", "segmentation_mask", "class_labels",
                     "0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097",
                     "2024-05-01T10:00:00+00:00", "2024-13-45", "", " ", "~", "null"]),
)
json_like = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=25,
)


def assert_located(result: LoadedManifest, name: str = "<manifest>") -> None:
    assert isinstance(result, LoadedManifest)
    for problem in result.problems:
        assert problem.file == name, problem
        assert isinstance(problem.line, int) and problem.line >= 1, problem
        assert isinstance(problem.column, int) and problem.column >= 1, problem
        assert isinstance(problem.message, str) and problem.message.strip(), problem
    if result.manifest is None:
        assert result.problems, "an invalid manifest must say why"


@CHEAP
@given(st.binary(max_size=600))
def test_parse_yaml_never_raises_on_any_bytes(raw: bytes) -> None:
    doc, problems = parse_yaml(raw, "f.yaml")
    if doc is None:
        assert problems
        assert all(p.line >= 1 and p.column >= 1 and p.file == "f.yaml" for p in problems)
    else:
        assert isinstance(doc.data, dict)
        assert problems == []


yamlish = st.lists(
    st.one_of(st.text(max_size=20),
              st.sampled_from([":", "- ", "  ", "\n", "{", "}", "[", "]", "&a ", "*a", "!!", "!x ",
                               "<<: ", "? ", "'", '"', "#", "|", ">", "---", "...", "%YAML 1.1\n",
                               "\t", "\ufeff", "\x00", "study:\n", "  title: x\n", "version:\n"])),
    max_size=30,
).map("".join)


@CHEAP
@given(st.one_of(st.text(max_size=400), yamlish))
def test_validate_text_never_raises_on_any_text(text: str) -> None:
    assert_located(validate_text(text))


@FUZZ
@given(st.dictionaries(keys, json_like, max_size=8))
def test_validate_text_never_raises_on_any_mapping(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert_located(validate_text(text, "m.yaml"), "m.yaml")


@FUZZ
@given(st.fixed_dictionaries({"study": json_like, "annotations": json_like, "version": json_like},
                             optional={"images": json_like}))
def test_validate_text_never_raises_on_manifest_shaped_mapping(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert_located(validate_text(text))


# Mutations of a real, valid manifest ------------------------------------------------------

BASE = yaml.safe_load(COMPLETE)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*path, i))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


PATHS = [p for p in _paths(BASE) if p]
SCALAR_PATHS = [p for p in PATHS if not isinstance(_parent(BASE, p)[p[-1]], dict | list)]


def _copy(value: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(value))


def test_the_base_manifest_is_valid() -> None:
    result = validate_text(COMPLETE)
    assert result.valid, result.problems


@FUZZ
@given(st.sampled_from(SCALAR_PATHS), json_like)
def test_replacing_any_scalar_never_raises(path: tuple[Any, ...], value: Any) -> None:
    data = _copy(BASE)
    _parent(data, path)[path[-1]] = value
    assert_located(validate_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))


@FUZZ
@given(st.sampled_from(PATHS), json_like)
def test_replacing_any_subtree_never_raises(path: tuple[Any, ...], value: Any) -> None:
    data = _copy(BASE)
    _parent(data, path)[path[-1]] = value
    assert_located(validate_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))


@FUZZ
@given(st.lists(st.sampled_from(PATHS), min_size=1, max_size=4))
def test_deleting_keys_never_raises(paths: list[tuple[Any, ...]]) -> None:
    data = _copy(BASE)
    for path in sorted(paths, key=len, reverse=True):
        try:
            parent = _parent(data, path)
            del parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an ancestor went already
    assert_located(validate_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))


LINES = COMPLETE.splitlines(keepends=True)


@CHEAP
@given(st.lists(st.tuples(st.sampled_from(["dup", "del", "swap", "cut", "indent", "insert"]),
                          st.integers(0, len(LINES) - 1), st.integers(0, 80),
                          st.text(max_size=8)), min_size=1, max_size=4))
def test_line_mutations_never_raise(edits: list[tuple[str, int, int, str]]) -> None:
    lines = list(LINES)
    for op, index, column, junk in edits:
        index %= max(len(lines), 1)
        if not lines:
            break
        line = lines[index]
        if op == "dup":
            lines.insert(index, line)
        elif op == "del":
            del lines[index]
        elif op == "swap":
            other = (index + 1) % len(lines)
            lines[index], lines[other] = lines[other], lines[index]
        elif op == "cut":
            lines[index] = line[:column] + "\n"
        elif op == "indent":
            lines[index] = " " * (column % 5) + line
        else:
            lines[index] = line[:column] + junk + line[column:]
    assert_located(validate_text("".join(lines)))


@settings(FUZZ, max_examples=80)
@given(st.sampled_from([p for p in PATHS if not isinstance(p[-1], int)]),
       st.sampled_from(["1.0", "1.10", "2", 1.1, 10, True, None, "yes", "2024-05-01", [], {}, "x" * 300]))
def test_version_like_values_anywhere_never_raise(path: tuple[Any, ...], value: Any) -> None:
    data = _copy(BASE)
    _parent(data, path)[path[-1]] = value
    assert_located(validate_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))
