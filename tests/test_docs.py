"""The documentation site: generated references are complete and current, and mkdocs builds it."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import pytest

from site_builder.cli import build_parser
from site_builder.docs_gen import (
    cli_reference,
    generated_pages,
    manifest_reference,
    reachable_models,
    type_label,
    write_generated_docs,
)
from site_builder.model import AnnotationSet, Author, FileRecord, Manifest, Study

from .conftest import REPO


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parser and every nested subcommand parser."""
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_every_model_field_is_in_the_manifest_reference() -> None:
    text = manifest_reference()
    models = reachable_models()
    assert {Manifest, Study, Author, AnnotationSet, FileRecord} <= set(models)
    assert "ExampleImage" in {m.__name__ for m in models}
    for model in models:
        assert f"## {model.__name__}\n" in text
        for name in model.model_fields:
            assert f"| `{name}` |" in text, f"{model.__name__}.{name}"


def test_manifest_reference_names_types_levels_and_aliases() -> None:
    text = manifest_reference()
    assert "| `license` | SPDX licence id | required |" in text
    assert "| `orcid_id` | ORCID iD | recommended |" in text
    assert "| `authors` | list of [Author](#author) | required |" in text
    assert "| `keywords` | list of text | recommended |" in text
    assert "`last_modification_time`, `completion_time`" in text
    assert type_label(list[int]) == "list of integer"


def test_every_command_and_option_is_in_the_cli_reference() -> None:
    text = cli_reference()
    parsers = _parsers(build_parser())
    expected = {"mifa validate", "mifa zoo sync", "mifa import bia", "mifa links check"}
    assert {p.prog for p in parsers} >= expected
    for parser in parsers:
        assert f"# {parser.prog}\n" in text, parser.prog
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            for option in action.option_strings:
                assert f"`{option}`" in text, f"{parser.prog} {option}"
            if not action.option_strings:
                assert f"`{action.metavar or action.dest}`" in text
            if action.help:
                assert " ".join(action.help.split()) in text


def test_cli_reference_does_not_depend_on_the_checkout_or_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli_reference()
    monkeypatch.setenv("COLUMNS", "40")
    assert cli_reference() == first
    assert str(REPO) not in first


def test_committed_reference_pages_are_current(tmp_path: Path) -> None:
    write_generated_docs(tmp_path)
    for relative, text in generated_pages().items():
        fresh = (tmp_path / relative).read_text(encoding="utf-8")
        assert fresh == text
        committed = REPO / "docs" / relative
        assert committed.read_text(encoding="utf-8") == fresh, (
            f"{committed} is stale: run .venv/bin/python -m site_builder.docs_gen")


def test_every_page_in_the_nav_exists() -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in ("index.md", "submit.md", "search.md", "own-catalogue.md", "api.md",
                 "reference/manifest.md", "reference/cli.md"):
        assert f": {page}" in config
        assert (REPO / "docs" / page).is_file()


def test_mkdocs_builds_strictly(tmp_path: Path) -> None:
    mkdocs = REPO / ".venv" / "bin" / "mkdocs"
    if not mkdocs.exists():
        pytest.skip("mkdocs is not installed in .venv")
    out = tmp_path / "site"
    result = subprocess.run([str(mkdocs), "build", "--strict", "-d", str(out)], cwd=REPO,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "index.html").is_file()
    assert (out / "reference" / "manifest" / "index.html").is_file()
    assert (out / "reference" / "cli" / "index.html").is_file()
    assert "ORCID iD" in (out / "reference" / "manifest" / "index.html").read_text(encoding="utf-8")
