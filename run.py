#!/usr/bin/env python3
"""Set up a private virtualenv and run the project's main jobs.

Only python3 is needed: `python3 run.py serve` builds and serves the bundled
catalogue, `python3 run.py test` runs the whole test suite (pytest, ruff, mypy).
The virtualenv lives in `.venv/` and is reused while `pyproject.toml` is unchanged.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".mifa-installed"


def _run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def ensure_venv() -> None:
    """Create .venv and install the project with its dev extras, once per pyproject change."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"Creating virtualenv in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def serve(argv: list[str]) -> None:
    """Build the bundled catalogue into _site/ and serve it on http://127.0.0.1:8000/."""
    _run(BIN / "mifa", "serve", *argv)


def test(argv: list[str]) -> None:
    """Run the test suite, then ruff and mypy over the package."""
    _run(BIN / "python", "-m", "pytest", *argv)
    _run(BIN / "ruff", "check", "site_builder", "tests", "benchmarks", "scripts", "run.py")
    _run(BIN / "mypy")


COMMANDS = {"serve": serve, "test": test}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: python3 run.py {serve|test} [extra arguments]", file=sys.stderr)
        sys.exit(2)
    ensure_venv()
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
