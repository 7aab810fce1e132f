#!/usr/bin/env python3
"""Set up a private virtualenv from the lock files and run the project's main jobs.

Only python3 is needed: `python3 run.py serve` builds and serves the bundled
catalogue with the runtime dependencies only, `python3 run.py test` adds the
development tools and runs the whole test suite (pytest, ruff, mypy).
`python3 run.py lock` regenerates the lock files from `pyproject.toml`.

Every dependency, direct and transitive, is installed at the version and with
the hashes recorded in `requirements/*.txt`, so a new machine gets what CI got
the day the lock was made, not whatever is newest that day.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".mifa-installed"
LOCKS = ROOT / "requirements"
RUNTIME_LOCK = LOCKS / "runtime.txt"
DEV_LOCK = LOCKS / "dev.txt"
LOCK_TOOL = "uv==0.13.9"
"""The resolver that writes the locks; pinned so a refresh is reproducible too."""
LOCK_TOOL_VENV = ROOT / ".cache" / "lock-tool"
LOCK_PYTHON = "3.11"
"""The oldest Python the project supports: the locks are universal (markers for newer ones)."""
DIGEST_PREFIX = "# pyproject-digest: "


def pyproject_digest(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """SHA-256 of what the locks are made from: dependencies, extras, build needs, Python range.

    Editing anything else in pyproject.toml (tool settings, the description) does not make
    the locks stale; editing any of these does, and the test suite says so.
    """
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    inputs = {
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {k: sorted(v) for k, v in
                                  sorted(project.get("optional-dependencies", {}).items())},
        "build-requires": sorted(data.get("build-system", {}).get("requires", [])),
        "requires-python": project.get("requires-python", ""),
    }
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


def lock_digest(lock: Path) -> str | None:
    """The pyproject digest a lock file was made from, read from its header."""
    for line in lock.read_text(encoding="utf-8").splitlines()[:10]:
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX).strip()
    return None


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, check=False, env=env)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def _stamp_for(lock: Path) -> str:
    return f"{lock.name}:{hashlib.sha256(lock.read_bytes()).hexdigest()}"


def _installed() -> set[str]:
    return set(STAMP.read_text().split()) if STAMP.exists() else set()


def _pip_install_lock(lock: Path) -> None:
    # --no-deps: the lock already lists every transitive dependency, so pip must not
    # resolve anything of its own; --require-hashes: a file that is not the one locked
    # is refused.
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--require-hashes", "--no-compile", "-r", lock)


def ensure_venv(dev: bool) -> None:
    """Install the runtime lock (and the dev lock when `dev`) into .venv, once per lock change.

    The dev lock pins the same versions as the runtime lock plus the development tools, so
    `run.py test` after `run.py serve` adds packages instead of starting again.
    """
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        if lock_digest(lock) != pyproject_digest():
            print(f"warning: {lock.relative_to(ROOT)} is stale against pyproject.toml; "
                  "run `python3 run.py lock` and commit the result", file=sys.stderr, flush=True)
    wanted = {_stamp_for(RUNTIME_LOCK)} | ({_stamp_for(DEV_LOCK)} if dev else set())
    installed = _installed()
    if wanted <= installed:
        return
    current = {_stamp_for(RUNTIME_LOCK), _stamp_for(DEV_LOCK)}
    fresh = not (BIN / "python").exists() or not installed <= current
    if fresh:  # a lock changed (or no venv): start clean so nothing unlocked lingers
        print(f"Creating virtualenv in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        installed = set()
    _pip_install_lock(DEV_LOCK if dev else RUNTIME_LOCK)
    # The project itself, editable, with the setuptools the lock pinned (no build isolation,
    # which would fetch an unpinned setuptools).
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-build-isolation", "-e", ".")
    STAMP.write_text(" ".join(sorted(installed | wanted)))


def setup(argv: list[str]) -> None:
    """Only set up .venv with the runtime dependencies (`--dev`: with the development tools)."""
    ensure_venv(dev="--dev" in argv)
    print(f"ready: {BIN / 'mifa'}")


def serve(argv: list[str]) -> None:
    """Build the bundled catalogue into _site/ and serve it on http://127.0.0.1:8000/."""
    ensure_venv(dev=False)
    _run(BIN / "mifa", "serve", *argv)


def test(argv: list[str]) -> None:
    """Run the test suite, then ruff and mypy over the package."""
    ensure_venv(dev=True)
    _run(BIN / "python", "-m", "pytest", *argv)
    _run(BIN / "ruff", "check", "site_builder", "tests", "benchmarks", "scripts", "run.py")
    _run(BIN / "mypy")


def lock(argv: list[str]) -> None:
    """Regenerate requirements/runtime.txt and requirements/dev.txt from pyproject.toml.

    `python3 run.py lock` keeps every pin that still satisfies pyproject.toml;
    `python3 run.py lock --upgrade` moves every pin to the newest release allowed.
    """
    unknown = [arg for arg in argv if arg != "--upgrade"]
    if unknown:
        print(f"usage: python3 run.py lock [--upgrade] (unknown: {' '.join(unknown)})", file=sys.stderr)
        sys.exit(2)
    tool_bin = LOCK_TOOL_VENV / ("Scripts" if os.name == "nt" else "bin")
    if not (tool_bin / "uv").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(LOCK_TOOL_VENV)
        _run(tool_bin / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", LOCK_TOOL)
    LOCKS.mkdir(exist_ok=True)
    build_requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    digest = pyproject_digest()
    with tempfile.TemporaryDirectory() as tmp:
        build_in = Path(tmp) / "build-requires.in"
        build_in.write_text("\n".join(build_requires) + "\n")
        common = ["pip", "compile", "pyproject.toml", build_in, "--universal",
                  "--python-version", LOCK_PYTHON, "--generate-hashes", "--quiet",
                  "--no-header", "--no-annotate"]
        if "--upgrade" in argv:
            common.append("--upgrade")
        # The dev lock is resolved first; the runtime lock is then held to its pins, so the
        # two never disagree about a package they share.
        for target, extra in ((DEV_LOCK, ["--extra", "dev"]), (RUNTIME_LOCK, ["-c", DEV_LOCK])):
            out = Path(tmp) / target.name
            if target.exists() and "--upgrade" not in argv:
                shutil.copy(target, out)  # uv keeps the pins it finds in the output file
            _run(tool_bin / "uv", *common, *extra, "-o", out)
            what = "runtime and development" if target is DEV_LOCK else "runtime (build and serve)"
            header = (f"# The {what} dependencies of mifa-catalogue, every one pinned with its hashes.\n"
                      f"# Made from pyproject.toml by `python3 run.py lock` ({LOCK_TOOL}); do not edit.\n"
                      f"{DIGEST_PREFIX}{digest}\n")
            target.write_text(header + out.read_text())
    print(f"wrote {RUNTIME_LOCK.relative_to(ROOT)} and {DEV_LOCK.relative_to(ROOT)}")


COMMANDS = {"serve": serve, "test": test, "setup": setup, "lock": lock}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: python3 run.py {serve|test|setup|lock} [extra arguments]", file=sys.stderr)
        sys.exit(2)
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
