"""No test asserts words that a third-party library wrote.

Where the project promises a message (nesting depth, aliases, a number that is not a number),
its own check decides and its own words are asserted. A library's wording changes between
releases (PyYAML 6.0.4 began stopping deep nesting with a message of its own): a test that
asserts it fails on a new machine for a reason that is not a defect. This test harvests the
messages of the libraries whose errors can reach a report and fails when any test's strings
contain one of them.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import pydantic_core

TESTS = Path(__file__).resolve().parent
SHORTEST = 18
"""Fragments shorter than this ("is not valid", "expected a") are common English, not wording."""
ECHOED_LIBRARIES = ("yaml", "PIL", "zarr", "ome_zarr", "numcodecs")
"""Libraries whose exception text a report can quote (YAML syntax errors, image and store errors)."""


def _fragments(text: str) -> Iterator[str]:
    """The fixed parts of a message template, without placeholders such as {limit} or %s."""
    for part in re.split(r"\{[^}]*\}|%[sdr]|\n", text):
        part = part.strip(" ,.:;'\"()")
        if len(part) >= SHORTEST and part.count(" ") >= 2:
            yield part.lower()


def _string_constants(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def _library_messages() -> set[str]:
    messages: set[str] = set()
    for error in pydantic_core._pydantic_core.list_all_errors():
        messages.update(_fragments(str(error["message_template_python"])))
    for name in ECHOED_LIBRARIES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
        for source in Path(next(iter(spec.submodule_search_locations))).rglob("*.py"):
            if "test" in source.parts[-1] or "tests" in source.parts:
                continue
            tree = ast.parse(source.read_text(encoding="utf-8", errors="replace"))
            for node in ast.walk(tree):
                # Only text handed to an exception or to a YAML error's problem/context:
                # docstrings and identifiers are not messages.
                if isinstance(node, ast.Call):
                    for arg in [*node.args, *(k.value for k in node.keywords)]:
                        for _line, value in _string_constants(arg):
                            messages.update(_fragments(value))
        for compiled in Path(next(iter(spec.submodule_search_locations))).glob("*.so"):
            # libyaml's messages live in the compiled extension: its printable strings.
            for run in re.findall(rb"[ -~]{%d,}" % SHORTEST, compiled.read_bytes()):
                messages.update(_fragments(run.decode("ascii")))
    return messages


def _test_strings() -> Iterator[tuple[str, int, str]]:
    for source in sorted(TESTS.rglob("*.py")):
        if source == Path(__file__).resolve():
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for line, value in _string_constants(tree):
            yield str(source.relative_to(TESTS)), line, value.lower()


def test_the_harvest_finds_the_wording_that_once_broke_the_suite() -> None:
    """The check can fail: it knows PyYAML's and pydantic's own sentences."""
    messages = _library_messages()
    assert any("exceeded maximum nesting depth" in m for m in messages) or any(
        "block sequence entries are not allowed" in m for m in messages)
    assert any("unable to parse string as an integer" in m for m in messages)


def test_no_test_asserts_a_third_party_message() -> None:
    messages = _library_messages()
    found = [f"tests/{file}:{line}: {fragment!r}"
             for file, line, text in _test_strings()
             for fragment in messages if fragment in text]
    assert found == [], "tests assert a library's wording; assert the project's own words:\n" + "\n".join(
        found)
