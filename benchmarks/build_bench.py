"""Build speed: full build and no-op rebuild, for the bundled and a synthetic catalogue.

Run: .venv/bin/python benchmarks/build_bench.py [--synthetic N]
Prints wall times, page counts and peak memory; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_synthetic_catalogue

from site_builder.build import build_site

REPO = Path(__file__).resolve().parent.parent


def measure(label: str, datasets: Path, out: Path) -> None:
    for run in ("full build", "no-op rebuild"):
        start = time.perf_counter()
        result = build_site(datasets, out)
        seconds = time.perf_counter() - start
        assert result.published and result.stats is not None, result.summary(out)
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(f"{label}: {run}: {seconds:.2f} s, {result.pages} pages, "
              f"{result.stats.written} written, {result.stats.unchanged} unchanged, "
              f"site {size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure("bundled catalogue", REPO / "datasets", Path(tmp) / "bundled")
        datasets = write_synthetic_catalogue(Path(tmp), args.synthetic)
        measure(f"{args.synthetic} synthetic datasets", datasets, Path(tmp) / "synthetic")
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
