"""The safe YAML loader: positions for every value, limits, and problems instead of exceptions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder import yaml_loader
from site_builder.yaml_loader import Mark, load_yaml, parse_yaml


def test_every_value_and_key_has_a_position() -> None:
    doc, problems = parse_yaml(b"study:\n  title : Nuclei\n  keywords:\n    - a\n    - b\n", "m.yaml")
    assert problems == [] and doc is not None
    assert doc.data == {"study": {"title": "Nuclei", "keywords": ["a", "b"]}}
    assert doc.marks[("study", "title")] == Mark(2, 11)
    assert doc.key_marks[("study", "title")] == Mark(2, 3)
    assert doc.marks[("study", "keywords", 1)] == Mark(5, 7)
    assert doc.locate(("study", "missing", 3)) == Mark(2, 3)


def test_scalars_keep_their_source_text() -> None:
    doc, _ = parse_yaml(b"version: 1.10\n", "m.yaml")
    assert doc is not None
    assert doc.data == {"version": 1.1}
    assert doc.source_text[("version",)] == "1.10"


def test_libyaml_is_used_when_available() -> None:
    if yaml.__with_libyaml__:
        assert yaml_loader._Loader is yaml.CSafeLoader


def test_byte_order_mark_is_accepted() -> None:
    doc, problems = parse_yaml("\ufefftitle: x\n".encode(), "m.yaml")
    assert problems == [] and doc is not None and doc.data == {"title": "x"}


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * 200 + b"\n")
    doc, problems = load_yaml(path, max_bytes=100)
    assert doc is None
    assert [(p.line, p.message) for p in problems] == [
        (1, "the file is 204 bytes, over the 100-byte limit")]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 20)]
    doc, problems = parse_yaml("\n".join(lines).encode(), "bomb.yaml")
    assert doc is None
    assert problems[0].message == "more than 50 YAML aliases (*name)"


def test_a_few_aliases_are_fine() -> None:
    doc, problems = parse_yaml(b"a: &x [1, 2]\nb: *x\n", "m.yaml")
    assert problems == [] and doc is not None and doc.data == {"a": [1, 2], "b": [1, 2]}


def test_multiple_documents_are_refused() -> None:
    doc, problems = parse_yaml(b"a: 1\n---\nb: 2\n", "m.yaml")
    assert doc is None
    assert problems[0].line == 2
    assert problems[0].message.startswith("this is not valid YAML")


def test_only_regular_files_are_opened(tmp_path: Path) -> None:
    """A FIFO would block, /dev/zero would never end: both are refused by type, unopened."""
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    seen = {name: [(p.line, p.message) for p in load_yaml(tmp_path / name, display_name=name)[1]]
            for name in ("pipe.yaml", "zero.yaml", "folder.yaml", "dangling.yaml")}
    assert seen == {
        "pipe.yaml": [(1, "'pipe.yaml' is a named pipe (FIFO), not a regular file; it is not read")],
        "zero.yaml": [(1, "'zero.yaml' is a symbolic link to a character device, not a regular file; "
                          "it is not read")],
        "folder.yaml": [(1, "'folder.yaml' is a folder, not a regular file; it is not read")],
        "dangling.yaml": [(1, "the file cannot be read: No such file or directory")],
    }


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux's /proc")
def test_a_file_longer_than_its_stated_size_is_read_only_to_the_limit() -> None:
    """Files in /proc say they hold 0 bytes: the bound is on what is read, not on what is claimed."""
    assert Path("/proc/self/status").stat().st_size == 0
    doc, problems = load_yaml(Path("/proc/self/status"), max_bytes=100)
    assert doc is None
    assert [p.message for p in problems] == ["the file is over the 100-byte limit"]


@pytest.mark.parametrize("depth", [41, 999, 1_001, 1_500, 3_000, 30_000])
def test_the_projects_depth_limit_decides_whatever_the_parser_allows(depth: int) -> None:
    """libyaml (PyYAML 6.0.4) stops near 1,000 levels in its own words; the report is the project's."""
    block = "a:\n" + "".join("  " * i + "- \n" for i in range(min(depth, 2_000)))  # 2,000: 4 MB
    for text in ("a: " + "[" * depth + "]" * depth + "\n", block):
        problems = parse_yaml(text.encode(), "m.yaml")[1]
        assert [p.message for p in problems] == ["nesting is deeper than 40 levels"], text[:50]
        assert problems[0].line >= 1 and problems[0].hint


def test_a_parser_that_gives_up_earlier_still_gets_the_projects_message(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A future parser with a lower limit of its own, in other words, changes nothing in the report."""
    text = "a: " + "[" * 200 + "]" * 200 + "\n"

    def stricter(stream: str, Loader: Any) -> Any:
        mark = yaml.Mark("<text>", 150, 0, 150, None, None)
        raise yaml.scanner.ScannerError(None, None, "wording nobody should assert", mark)

    monkeypatch.setattr(yaml, "compose", stricter)
    problems = parse_yaml(text.encode(), "m.yaml")[1]
    assert [(p.line, p.column, p.message) for p in problems] == [(1, 43, "nesting is deeper than 40 levels")]
