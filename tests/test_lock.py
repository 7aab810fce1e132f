"""The lock files: every dependency pinned with hashes, and never stale against pyproject.toml.

A new machine installs exactly what the locks say (run.py, .ci/run and the workflows install
from them), so a dependency added to pyproject.toml without `python3 run.py lock` would be
missing there: this suite fails first.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import REPO

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _run_py() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_py", REPO / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pins(lock: Path) -> dict[str, str]:
    """Package -> pinned version, for this Python (the locks are universal, with markers)."""
    pins: dict[str, str] = {}
    environment = default_environment()
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if not match:
            continue
        name, version, marker = match.groups()
        if marker and not Requirement(f"x; {marker}").marker.evaluate(environment):  # type: ignore[union-attr]
            continue
        pins[canonicalize_name(name)] = version
    return pins


def _direct_requirements(extras: bool) -> list[Requirement]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    names = [*data["project"]["dependencies"], *data["build-system"]["requires"]]
    if extras:
        names += [r for group in data["project"]["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in names]


@pytest.mark.parametrize("lock_name", ["runtime.txt", "dev.txt"])
def test_the_lock_was_made_from_the_current_pyproject(lock_name: str) -> None:
    run = _run_py()
    lock = REPO / "requirements" / lock_name
    assert run.lock_digest(lock) == run.pyproject_digest(), (
        f"requirements/{lock_name} is stale: pyproject.toml's dependencies changed since it was made. "
        "Run `python3 run.py lock` and commit requirements/.")


@pytest.mark.parametrize(("lock_name", "extras"), [("runtime.txt", False), ("dev.txt", True)])
def test_every_direct_dependency_is_pinned_within_its_range(lock_name: str, extras: bool) -> None:
    pins = _pins(REPO / "requirements" / lock_name)
    for requirement in _direct_requirements(extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in requirements/{lock_name}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (requirement, pins[name])


def test_every_pin_has_a_hash_and_the_runtime_pins_agree_with_the_dev_pins() -> None:
    for lock in (REPO / "requirements").glob("*.txt"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text().split("\n", 3)[3])
        assert entries and all("--hash=sha256:" in entry for entry in entries if "==" in entry), lock
    runtime, dev = _pins(REPO / "requirements" / "runtime.txt"), _pins(REPO / "requirements" / "dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime
    assert "pytest" in dev and "pytest" not in runtime, "the runtime lock holds no development tools"


def test_a_changed_dependency_makes_the_lock_stale(tmp_path: Path) -> None:
    run = _run_py()
    pyproject = (REPO / "pyproject.toml").read_text()
    copy = tmp_path / "pyproject.toml"
    copy.write_text(pyproject.replace('"jinja2>=3.1",', '"jinja2>=3.1",\n    "rich>=13",'))
    assert run.pyproject_digest(copy) != run.pyproject_digest()
    copy.write_text(pyproject.replace('line-length = 110', 'line-length = 100'))
    assert run.pyproject_digest(copy) == run.pyproject_digest(), "tool settings do not stale the lock"
