"""A build killed at any moment never leaves a mixed site; builds are reproducible and contained."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from site_builder.build import build_site

from .test_site import KROMP, KROMP_11, MOSQUITO, write_catalogue
from .test_thumbnail_build import EXAMPLE, write_store

REPO = Path(__file__).resolve().parent.parent

BUILD_SCRIPT = """\
import sys, time
from pathlib import Path
from site_builder.build import build_site
print("ready", flush=True)
started = time.perf_counter()
result = build_site(Path(sys.argv[1]), Path(sys.argv[2]))
print("built", time.perf_counter() - started, flush=True)
sys.exit(0 if result.published else 1)
"""


def hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def site_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith((f".{out.name}.new-", f".{out.name}.old-")))


def start_build(datasets: Path, out: Path, *, cwd: Path, env: dict[str, str] | None = None
                ) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.Popen([sys.executable, "-c", BUILD_SCRIPT, str(datasets), str(out)], cwd=cwd,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_build(datasets: Path, out: Path, *, cwd: Path, env: dict[str, str] | None = None) -> float:
    """Build in a fresh interpreter; return the build's own duration (imports excluded)."""
    process = start_build(datasets, out, cwd=cwd, env=env)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return float(stdout.split("built", 1)[1])


def old_and_new(tmp_path: Path) -> tuple[Path, Path]:
    old = write_catalogue(tmp_path / "old", {"kromp/1.0.yaml": KROMP, "mosquito/1.0.yaml": MOSQUITO})
    new = write_catalogue(tmp_path / "new", {
        "kromp/1.0.yaml": KROMP, "kromp/1.1.yaml": KROMP_11,
        "mosquito/1.0.yaml": MOSQUITO.replace("Mosquito photos", "Mosquito pictures"),
        "gnats/1.0.yaml": MOSQUITO.replace("Mosquito photos", "Gnat photos")})
    return old, new


def test_a_build_killed_at_any_moment_leaves_the_old_or_the_new_site(tmp_path: Path) -> None:
    old_datasets, new_datasets = old_and_new(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    reference = tmp_path / "reference" / "_site"
    build_time = run_build(new_datasets, reference, cwd=work)
    new_site = hashes(reference)
    out = tmp_path / "site" / "_site"
    rng = random.Random(20240501)
    delays = sorted(rng.uniform(0, build_time * 1.6) for _ in range(8))
    outcomes = []
    for delay in delays:
        # A normal build first: it also has to repair whatever the previous kill left.
        assert build_site(old_datasets, out).published
        assert leftovers(out) == []
        old_site = hashes(out)
        assert old_site != new_site
        process = start_build(new_datasets, out, cwd=work)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"  # imports done: the build starts now
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            tree = subprocess.run(["ps", "-eo", "pid,ppid,stat,etime,args"], capture_output=True,
                                  text=True).stdout
            tree = "\n".join(line for line in tree.splitlines() if "git" in line or "python" in line)
            raise AssertionError(f"pid {process.pid} {process.poll()}\n{tree}") from None
        if not out.exists():
            # Killed between the two renames of the swap (a window of two system calls): the old
            # site is set aside intact, and the next build puts it back (checked below).
            aside = [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.old-")]
            assert len(aside) == 1 and hashes(aside[0]) == old_site, delay
            outcomes.append("between renames")
            continue
        now = hashes(out)
        differs = sorted(k for k in {*now, *old_site, *new_site} if now.get(k) != old_site.get(k))
        assert now in (old_site, new_site), f"a mixed site after a kill at {delay:.3f} s: {differs} differ"
        outcomes.append("new" if now == new_site else "old")
    assert build_site(new_datasets, out).published
    assert hashes(out) == new_site
    assert leftovers(out) == []
    assert sorted(p.name for p in out.parent.iterdir()) == ["._site.cache", "_site"]
    assert "old" in outcomes, outcomes  # the kills did land during builds


def test_builds_in_different_places_times_and_zones_are_byte_identical(tmp_path: Path) -> None:
    roots = [tmp_path / "first", tmp_path / "elsewhere" / "second"]
    for root in roots:
        cells = MOSQUITO.replace("annotations:\n", EXAMPLE + "annotations:\n", 1)
        datasets = write_catalogue(root, {"kromp/1.0.yaml": KROMP, "kromp/1.1.yaml": KROMP_11,
                                          "mosquito/1.0.yaml": MOSQUITO, "cells/1.0.yaml": cells})
        write_store(datasets / "cells" / "samples" / "cells.ome.zarr")
        (root / "cwd").mkdir()
    run_build(roots[0] / "datasets", roots[0] / "_site", cwd=roots[0] / "cwd",
              env={"TZ": "UTC", "PYTHONHASHSEED": "1", "LC_ALL": "C"})
    time.sleep(1)
    run_build(roots[1] / "datasets", roots[1] / "out", cwd=roots[1] / "cwd",
              env={"TZ": "Pacific/Chatham", "PYTHONHASHSEED": "2", "LC_ALL": "C.UTF-8"})
    first, second = site_bytes(roots[0] / "_site"), site_bytes(roots[1] / "out")
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
    assert {"thumbnails/cells/1-card.webp", "thumbnails/cells/1-page.webp",
            "search/manifest.json"} <= set(first)
    assert any(path.startswith("search/") and path != "search/manifest.json" for path in first)
    # The thumbnail is real, not the placeholder drawn for a store that could not be read.
    placeholder = tmp_path / "placeholder"
    write_catalogue(placeholder, {"cells/1.0.yaml": MOSQUITO.replace(
        "annotations:\n", EXAMPLE + "annotations:\n", 1)})
    assert build_site(placeholder / "datasets", placeholder / "_site").published
    assert (placeholder / "_site" / "thumbnails/cells/1-page.webp").read_bytes() != \
        first["thumbnails/cells/1-page.webp"]


def snapshot(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def test_a_build_writes_only_its_site_and_its_cache(tmp_path: Path) -> None:
    root = tmp_path / "project"
    cells = MOSQUITO.replace("annotations:\n", EXAMPLE + "annotations:\n", 1)
    datasets = write_catalogue(root, {"kromp/1.0.yaml": KROMP, "cells/1.0.yaml": cells})
    write_store(datasets / "cells" / "samples" / "cells.ome.zarr")
    for folder in ("home", "tmp", "cwd", "xdg"):
        (tmp_path / folder).mkdir()
    env = {"HOME": str(tmp_path / "home"), "TMPDIR": str(tmp_path / "tmp"),
           "XDG_CACHE_HOME": str(tmp_path / "xdg"), "PYTHONDONTWRITEBYTECODE": "1"}
    before = snapshot(tmp_path)
    out = root / "public" / "site"
    for _ in range(2):  # a fresh build, then an incremental one
        run_build(datasets, out, cwd=tmp_path / "cwd", env=env)
        new = sorted(snapshot(tmp_path) - before)
        stray = [p for p in new if not p.startswith(("project/public/site/", "project/public/.site.cache/"))
                 and p not in ("project/public", "project/public/site", "project/public/.site.cache")]
        assert stray == []
        assert before <= snapshot(tmp_path)  # nothing of the catalogue was removed either
    assert (out / "thumbnails" / "cells" / "1-card.webp").is_file()
