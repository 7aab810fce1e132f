"""The benchmark scripts run at a tiny size, so they cannot rot (no timing assertions)."""

from __future__ import annotations

import sys
from pathlib import Path

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))


def _row(rows: list[tuple[str, str]], prefix: str) -> str:
    values = [value for name, value in rows if name.startswith(prefix)]
    assert len(values) == 1, f"no single row starting with {prefix!r} in {[name for name, _ in rows]}"
    return values[0]


def test_catalogue_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    import catalogue_bench  # type: ignore[import-not-found]

    rows = catalogue_bench.run(6, tmp_path)
    assert _row(rows, "validate (6 datasets, 7 versions)").split(", ")[1] == "0 errors"
    for prefix in ("full build, cold caches", "full build, thumbnails cached", "no-op rebuild",
                   "rebuild after editing one manifest", "peak memory", "output size", "search files",
                   "search index build", "thumbnails", "mkdocs, one page per dataset", "mkdocs / full build"):
        assert _row(rows, prefix) != "failed", prefix
    thumbnails = next(name for name, _ in rows if name.startswith("thumbnails ("))
    assert int(thumbnails.removeprefix("thumbnails (").split()[0]) >= 1, thumbnails
    assert _row(rows, "thumbnails (").endswith(", 0 placeholders")
    assert "1 with several versions" in _row(rows, "synthetic catalogue")


def test_synthetic_catalogue_shape(tmp_path: Path) -> None:
    """20 % of datasets have several versions (one of them three), about 1 % an OME-Zarr example,
    and the same seed writes the same bytes."""
    from synthetic import write_synthetic_catalogue  # type: ignore[import-not-found]

    datasets = write_synthetic_catalogue(tmp_path / "a", 10)
    versions = {folder.name: len(list(folder.glob("*.yaml"))) for folder in datasets.iterdir()}
    assert len(versions) == 10
    assert sorted(n for n in versions.values() if n > 1) == [2, 3]
    assert len(list(datasets.glob("*/samples/example.ome.zarr/zarr.json"))) == 1
    again = write_synthetic_catalogue(tmp_path / "b", 10)
    files = sorted(p.relative_to(datasets) for p in datasets.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((datasets / f).read_bytes() == (again / f).read_bytes() for f in files)

    from site_builder.validate import validate_paths

    assert validate_paths([datasets]).errors == []
