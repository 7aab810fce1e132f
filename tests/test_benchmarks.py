"""The benchmark scripts run at a tiny size, so they cannot rot (no timing assertions)."""

from __future__ import annotations

import sys
from pathlib import Path

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))


def test_catalogue_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    import catalogue_bench  # type: ignore[import-not-found]

    rows = dict(catalogue_bench.run(6, tmp_path))
    assert rows["validate"].endswith("(0 errors)")
    assert set(rows) >= {"full build (cold caches)", "no-op rebuild", "rebuild after editing one manifest",
                         "output size", "mkdocs, one page per dataset", "peak memory"}
