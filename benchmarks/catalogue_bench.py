"""One table for a synthetic catalogue of N datasets: validate, builds, memory, size, and mkdocs.

Run: .venv/bin/python benchmarks/catalogue_bench.py --datasets 1000
Prints a Markdown table; asserts nothing (targets live in issue 9 and BENCHMARKS.md).
mkdocs builds the same content as one Markdown page per dataset, in the same run.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_synthetic_catalogue

from site_builder.build import build_site
from site_builder.catalogue import load_catalogue
from site_builder.validate import validate_paths


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _timed(fn: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()  # type: ignore[operator]
    return time.perf_counter() - start, result


def mkdocs_build(datasets: Path, root: Path) -> float:
    """The same datasets as one Markdown page each, built by plain mkdocs."""
    docs = root / "mk" / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Catalogue\n", encoding="utf-8")
    catalogue = load_catalogue(datasets)
    for dataset in catalogue.datasets:
        manifest = dataset.latest
        if manifest is None:
            continue
        study = manifest.study
        authors = ", ".join(f"{a.author_first_name} {a.author_last_name}" for a in study.authors)
        (docs / f"{dataset.id}.md").write_text(
            f"# {study.title}\n\n{study.description}\n\n**Authors:** {authors}\n\n"
            f"**Licence:** {study.license}\n", encoding="utf-8")
    (root / "mk" / "mkdocs.yml").write_text("site_name: Bench\n", encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mk" / "mkdocs.yml"),
                    "-d", str(root / "mk" / "site")], check=True)
    return time.perf_counter() - start


def run(count: int, root: Path, *, with_mkdocs: bool = True) -> list[tuple[str, str]]:
    """Measure everything once; return (figure, value) rows."""
    datasets = write_synthetic_catalogue(root, count)
    rows = []
    seconds, report = _timed(lambda: validate_paths([datasets]))
    rows.append(("validate", f"{seconds:.2f} s ({len(report.errors)} errors)"))  # type: ignore[attr-defined]
    out = root / "_site"
    seconds, result = _timed(lambda: build_site(datasets, out))
    rows.append(("full build (cold caches)", f"{seconds:.2f} s, {result.pages} pages"))  # type: ignore[attr-defined]
    shutil.rmtree(out)
    seconds, _ = _timed(lambda: build_site(datasets, out))
    rows.append(("full build (thumbnail and search caches warm)", f"{seconds:.2f} s"))
    seconds, _ = _timed(lambda: build_site(datasets, out))
    rows.append(("no-op rebuild", f"{seconds:.2f} s"))
    first = sorted(datasets.glob("*/1.0.yaml"))[0]
    first.write_text(first.read_text().replace("Synthetic dataset for benchmarks.",
                                               "Synthetic dataset for benchmarks, edited."))
    seconds, _ = _timed(lambda: build_site(datasets, out))
    rows.append(("rebuild after editing one manifest", f"{seconds:.2f} s"))
    rows.append(("output size", f"{_size(out) / 1e6:.1f} MB"))
    if with_mkdocs:
        mk = mkdocs_build(datasets, root)
        rows.append(("mkdocs, one page per dataset", f"{mk:.2f} s"))
    rows.append(("peak memory", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--no-mkdocs", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(args.datasets, Path(tmp), with_mkdocs=not args.no_mkdocs)
    print(f"| {args.datasets} datasets | |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
