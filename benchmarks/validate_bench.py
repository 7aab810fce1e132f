"""Validation speed: the bundled catalogue, and 1,000 copies of a real manifest.

Run: .venv/bin/python benchmarks/validate_bench.py [--copies N]
Prints wall time (median of several runs) and peak memory; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from site_builder import validate_paths

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "datasets" / "s-biad634" / "1.1.yaml"


def timed(fn: object, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"libyaml: {'yes' if yaml.__with_libyaml__ else 'no (pure-Python parser)'}")

    seconds, report = timed(lambda: validate_paths([REPO / "datasets"]), args.runs)
    print(f"bundled catalogue: {report.files_checked} files, {len(report.errors)} errors, "  # type: ignore[attr-defined]
          f"{len(report.warnings)} warnings in {seconds * 1000:.0f} ms (median of {args.runs})")  # type: ignore[attr-defined]

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "datasets"
        for i in range(args.copies):
            folder = root / f"copy-{i:05d}"
            folder.mkdir(parents=True)
            shutil.copy(SAMPLE, folder / SAMPLE.name)
        size = SAMPLE.stat().st_size
        seconds, report = timed(lambda: validate_paths([root]), args.runs)
        per_file = seconds / args.copies * 1000
        print(f"{args.copies} copies of {SAMPLE.relative_to(REPO)} ({size:,} bytes, 79 file records "
              f"each): {seconds:.2f} s (median of {args.runs}), {per_file:.1f} ms per manifest, "
              f"{len(report.errors)} errors")  # type: ignore[attr-defined]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
