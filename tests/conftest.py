"""Shared fixtures: run the `mifa` command in-process, and write throwaway catalogues."""

from __future__ import annotations

import contextlib
import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = REPO.parent / "shared" / "reference" / "examples"

MINIMAL = textwrap.dedent("""\
    study:
      title: Nuclei in fluorescence images
      description: Fluorescence images of cell nuclei with expert segmentation masks.
      license: CC0-1.0
      authors:
        - author_first_name: Ada
          author_last_name: Lovelace
          orcid_id: 0000-0002-1825-0097
      funding_statement: No specific funding.
    annotations:
      - annotation_overview: Nuclei outlined by hand.
        annotation_type: segmentation_mask
        annotation_method: Drawn by one expert in napari.
    version:
      version: "1.0"
      timestamp: 2024-05-01T10:00:00+00:00
    """)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def mifa(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `mifa ARGS` in-process; return exit code, stdout and stderr."""

    def run(*args: str | Path, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:  # argparse usage errors
                code = int(exc.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str]], Path]:
    """Write `{"dataset-id/1.0.yaml": text}` under tmp/datasets and return that folder.

    The working directory becomes tmp, so reports name files as datasets/<id>/<file>.
    """
    monkeypatch.chdir(tmp_path)

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / "datasets"
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write
