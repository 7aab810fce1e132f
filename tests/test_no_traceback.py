"""No input makes `mifa` print a traceback: run the real command on every fixture and worse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, FIXTURES, REPO


def run_mifa(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run([sys.executable, "-m", "site_builder.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_all_fixtures_and_examples_in_one_run(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(bytes(range(256)) * 8)
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 5000 + "]" * 5000)
    huge_int = tmp_path / "huge.yaml"
    huge_int.write_text("study:\n  title: " + "9" * 5000 + "\n")
    paths = [*sorted(FIXTURES.rglob("*.yaml")), *sorted(EXAMPLES.rglob("*.yaml")),
             garbage, deep, huge_int, tmp_path / "absent.yaml", tmp_path]
    for fmt in ("human", "json", "github"):
        result = run_mifa("validate", "--format", fmt, *paths)
        assert "Traceback" not in result.stderr + result.stdout
        assert result.returncode == 1


@pytest.mark.parametrize("args", [
    ("import", "bia", "nope.yaml", "nope2.yaml"),
    ("import", "bia", FIXTURES / "invalid" / "not-utf8.yaml", FIXTURES / "invalid" / "empty-file.yaml"),
    ("new", "../escape"),
    ("validate", "--format"),
])
def test_bad_command_lines_fail_cleanly(args: tuple[str | Path, ...], tmp_path: Path) -> None:
    result = run_mifa(*args, cwd=tmp_path)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode in (1, 2)
