"""One table for a synthetic catalogue of N datasets: validate, builds, memory, size, search,
thumbnails, and mkdocs on the same content.

Run: .venv/bin/python benchmarks/catalogue_bench.py --datasets 10000 [--keep DIR] [--no-mkdocs]
Prints a line about the machine, then a Markdown table; asserts nothing (the targets live in
issue 9 and BENCHMARKS.md). Progress goes to stderr.

Every phase runs in a fresh interpreter (bench_phase.py), so each has its own peak memory and
none inherits another's warm imports or caches in memory; times are taken in the child around
the public call (validate_paths, build_site, make_thumbnails, search_files, mkdocs' build) and
exclude the imports, which get a row of their own. A phase that fails prints its stderr and
its row says "failed"; the rest of the table is still measured.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_phase import MARK
from synthetic import write_synthetic_catalogue

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FAILED = "failed"
TIMEOUT = 3600.0


def _say(message: str) -> None:
    print(f"[catalogue_bench] {message}", file=sys.stderr, flush=True)


def _phase(label: str, *args: str | Path, timeout: float = TIMEOUT) -> dict[str, Any] | None:
    """Run one phase in a fresh interpreter; its figures, or None (after printing why) if it failed."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    command = [sys.executable, str(HERE / "bench_phase.py"), *map(str, args)]
    _say(f"{label} ...")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO)
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
        print(f"--- {label}: timed out after {timeout:.0f} s ---\n{stderr[-8000:]}", file=sys.stderr)
        return None
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        print(f"--- {label}: failed (exit {done.returncode}) ---\n{done.stderr[-8000:]}{done.stdout[-2000:]}",
              file=sys.stderr)
        return None
    figures: dict[str, Any] = json.loads(lines[-1].removeprefix(MARK))
    _say(f"{label}: {figures.get('seconds', figures.get('cold_seconds', 0.0)):.2f} s")
    return figures


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []


def _mb(size: float) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.1f} KB"


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in path.stem.split("."))


def keep_only_thumbnails(cache: Path) -> None:
    """Delete every cache a build keeps except the thumbnails: what a full build must redo."""
    if cache.is_dir():
        for entry in cache.iterdir():
            if entry.name != "thumbnails":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def edit_one_manifest(datasets: Path) -> Path | None:
    """Append a sentence to the description of one dataset's latest version (one with several
    versions when there is one, as diffs and credit then depend on it); the file edited."""
    folders = sorted(p for p in datasets.iterdir() if p.is_dir())
    several = [f for f in folders if len(list(f.glob("*.yaml"))) > 1]
    for folder in several + folders:
        latest = max(folder.glob("*.yaml"), key=_version_key, default=None)
        if latest is None:
            continue
        lines = latest.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if line.startswith("  description: "):
                lines[i] = line + " Edited for the benchmark."
                latest.write_text("\n".join(lines), encoding="utf-8")
                return latest
    return None


def search_figures(site: Path) -> str:
    """Bytes in the site's search/ folder, its shards, and the largest shard as gzip sends it."""
    files = _files(site / "search")
    if not files:
        return FAILED
    shards = {kind: [p for p in files if p.parent.name == kind and p.parent.parent.name == "search"]
              for kind in ("t", "x")}
    largest = {kind: max((len(gzip.compress(p.read_bytes(), 6)) for p in paths), default=0)
               for kind, paths in shards.items()}
    return (f"search/ {_mb(sum(p.stat().st_size for p in files))} in {len(files):,} files; "
            f"{len(shards['t']) + len(shards['x']):,} shards ({len(shards['t']):,} short-field, "
            f"{len(shards['x']):,} description); largest shard {_mb(max(largest.values()))} gzipped "
            f"(short-field {_mb(largest['t'])})")


def _ratio(mkdocs: float, ours: float) -> str:
    ratio = mkdocs / ours if ours else float("inf")
    if ratio >= 1:
        return f"{ratio:.2f}× (mkdocs is {ratio:.1f}× slower than this build)"
    return f"{ratio:.2f}× (mkdocs is {1 / ratio:.1f}× faster than this build)"


def run(count: int, root: Path, *, with_mkdocs: bool = True) -> list[tuple[str, str]]:
    """Generate a catalogue of `count` datasets under root, measure every phase once,
    and return (figure, value) rows in the order of the printed table."""
    started = time.perf_counter()
    datasets = write_synthetic_catalogue(root, count)
    generated = time.perf_counter() - started
    manifests = sorted(datasets.glob("*/*.yaml"))
    versions = len(manifests)
    several = sum(1 for f in datasets.iterdir() if len(list(f.glob("*.yaml"))) > 1)
    examples = len(list(datasets.glob("*/samples/*.ome.zarr")))
    _say(f"{count:,} datasets, {versions:,} versions written in {generated:.1f} s under {root}")
    out, cache = root / "_site", root / "._site.cache"
    rows: list[tuple[str, str]] = []
    memory: dict[str, float] = {}
    helpers: list[float] = []
    imports: dict[str, float] = {}

    def note(short: str, figures: dict[str, Any] | None, module: str = "site_builder.build") -> None:
        if figures is not None:
            memory[short] = figures["maxrss_mb"]
            helpers.append(figures["children_maxrss_mb"])
            if "import_seconds" in figures:
                imports.setdefault(module, figures["import_seconds"])

    figures = _phase("validate", "validate", datasets)
    note("validate", figures, "site_builder.validate")
    rows.append((f"validate ({count:,} datasets, {versions:,} versions)", FAILED if figures is None else
                 f"{figures['seconds']:.2f} s, {figures['errors']} errors, {figures['warnings']:,} warnings"))

    validate_cache = root / ".mifa-cache"
    shutil.rmtree(validate_cache, ignore_errors=True)
    _phase("validate, filling its cache", "validate", datasets, str(validate_cache))
    figures = _phase("validate, unchanged files cached", "validate", datasets, str(validate_cache))
    rows.append(("validate again with `--cache` (no file changed)", FAILED if figures is None else
                 f"{figures['seconds']:.2f} s, {figures['errors']} errors"))

    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    figures = _phase("full build, cold caches", "build", datasets, out)
    note("cold", figures)
    rows.append(("full build, cold caches (`_site` and `._site.cache` deleted)",
                 FAILED if figures is None else f"{figures['seconds']:.2f} s, {figures['pages']:,} pages, "
                 f"{figures['written']:,} files written"))

    shutil.rmtree(out, ignore_errors=True)
    keep_only_thumbnails(cache)
    cached = _phase("full build, thumbnails cached", "build", datasets, out)
    note("cached", cached)
    rows.append(("full build, thumbnails cached (`_site` and every other cache deleted)",
                 FAILED if cached is None else
                 f"{cached['seconds']:.2f} s, {cached['written']:,} files written"))

    figures = _phase("no-op rebuild", "build", datasets, out)
    note("no-op", figures)
    rows.append(("no-op rebuild", FAILED if figures is None else
                 f"{figures['seconds']:.2f} s, {figures['written']:,} written, "
                 f"{figures['unchanged']:,} unchanged"))

    edited = edit_one_manifest(datasets)
    figures = _phase("rebuild after editing one manifest", "build", datasets, out) if edited else None
    note("edit", figures)
    rows.append(("rebuild after editing one manifest", FAILED if figures is None or edited is None else
                 f"{figures['seconds']:.2f} s, {figures['written']:,} written "
                 f"({edited.relative_to(datasets).as_posix()}: description)"))

    edited = edit_one_manifest(datasets)
    figures = _phase("another edit, from the spare site", "build", datasets, out) if edited else None
    note("edit again", figures)
    rows.append(("the same again, now that a spare site exists (the usual edit-rebuild loop)",
                 FAILED if figures is None else
                 f"{figures['seconds']:.2f} s, {figures['written']:,} written"))

    shutil.rmtree(out, ignore_errors=True)
    figures = _phase("rebuild into an empty _site, caches warm", "build", datasets, out)
    note("empty out", figures)
    rows.append(("build into an empty `_site` with every cache warm (spare site, manifests, derived values)",
                 FAILED if figures is None else
                 f"{figures['seconds']:.2f} s, {figures['written']:,} written"))

    builds = [memory[k] for k in ("cold", "cached", "no-op", "edit", "edit again", "empty out")
              if k in memory]
    per_phase = ", ".join(f"{k} {v:.0f}" for k, v in memory.items())
    largest_helper = max(helpers, default=0.0)
    helper = f"; largest helper process {largest_helper:.0f} MB" if largest_helper else ""
    rows.append(("peak memory (max over builds; per phase in MB)", FAILED if not builds else
                 f"{max(builds):.0f} MB ({per_phase}{helper})"))

    site_files = _files(out)
    rows.append(("output size", FAILED if not site_files else
                 f"{sum(p.stat().st_size for p in site_files) / 1e6:.1f} MB in {len(site_files):,} files"))
    rows.append(("search files", search_figures(out)))
    figures = _phase("search index build", "search", datasets)
    rows.append(("search index build (search_files alone, no cache)", FAILED if figures is None else
                 f"{figures['seconds']:.2f} s for {figures['documents']:,} documents"))

    figures = _phase("thumbnails", "thumbnails", datasets, root / "thumbnail-bench-cache")
    rows.append((f"thumbnails ({examples} OME-Zarr example{'' if examples == 1 else 's'}; make_thumbnails)",
                 FAILED if figures is None else
                 f"cold {figures['cold_seconds']:.2f} s, {_mb(figures['cold_bytes_read'])} read; "
                 f"cached {figures['warm_seconds']:.2f} s, {_mb(figures['warm_bytes_read'])} read; "
                 f"{figures['examples']} example images, {figures['placeholders']} placeholders"))

    if with_mkdocs:
        figures = _phase("mkdocs, one page per dataset", "mkdocs", datasets, root / "mk")
        note("mkdocs", figures, "mkdocs")
        rows.append(("mkdocs, one page per dataset", FAILED if figures is None else
                     f"{figures['seconds']:.2f} s, {figures['pages']:,} pages, "
                     f"peak memory {figures['maxrss_mb']:.0f} MB"))
        ratio = FAILED if figures is None or cached is None else _ratio(figures["seconds"], cached["seconds"])
        rows.append(("mkdocs / full build (thumbnails cached)", ratio))

    rows.append(("imports in each fresh process (not in the times above)",
                 ", ".join(f"{k} {v:.2f} s" for k, v in imports.items()) or FAILED))
    yaml_bytes = sum(p.stat().st_size for p in manifests)
    rows.append(("synthetic catalogue", f"{count:,} datasets, {versions:,} versions, "
                 f"{several:,} with several versions, {examples} with an OME-Zarr example, "
                 f"{_mb(yaml_bytes)} of YAML, written in {generated:.1f} s"))
    return rows


def machine() -> str:
    """What the figures were measured on, and at which commit."""
    model = "unknown CPU"
    try:
        model = next(line.split(":", 1)[1].strip() for line in
                     Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
        memory = next(int(line.split()[1]) for line in
                      Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        model += f", {memory / 2**20:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    try:
        import yaml

        libyaml = "yes" if getattr(yaml, "__with_libyaml__", False) else "no"
    except ImportError:
        libyaml = "PyYAML missing"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=REPO, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, cwd=REPO, check=True).stdout.strip()
        code = f"commit {commit}{' with uncommitted changes' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        code = "not a git checkout"
    return (f"machine: {os.cpu_count()} CPUs ({model}), {platform.system()}, "
            f"Python {platform.python_version()}, libyaml {libyaml}; {code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--datasets", type=int, default=1000,
                        help="how many synthetic datasets (default 1000)")
    parser.add_argument("--no-mkdocs", action="store_true", help="skip the mkdocs comparison")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write the catalogue, site and caches into DIR (empty or new) and keep them")
    args = parser.parse_args()
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder is not empty")
    print(machine(), flush=True)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        rows = run(args.datasets, args.keep.resolve(), with_mkdocs=not args.no_mkdocs)
    else:
        with tempfile.TemporaryDirectory(prefix="catalogue-bench-") as tmp:
            rows = run(args.datasets, Path(tmp), with_mkdocs=not args.no_mkdocs)
    print(f"\n| {args.datasets:,} synthetic datasets | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
