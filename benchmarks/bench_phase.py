"""One phase of catalogue_bench.py, run in a fresh interpreter so its time and memory are its own.

Run by catalogue_bench.py as `python benchmarks/bench_phase.py PHASE ARGS...`; prints one line
`@@bench {json}` with the phase's figures. Times are taken around the call to the public
function only; the imports before it are timed separately (`import_seconds`), so every phase
excludes them the same way. `maxrss_mb` is this process's peak resident memory (imports
included); `children_maxrss_mb` the largest helper process it waited for (the search indexer).
A build that does not publish prints its report to stderr and exits 1.
"""

from __future__ import annotations

import json
import logging
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARK = "@@bench "


def _rchar() -> int:
    """Bytes this process has read through read() and friends, page cache or not (Linux only)."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("rchar:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def validate(datasets: str, cache: str = "") -> dict[str, Any]:
    started = time.perf_counter()
    from site_builder.validate import validate_paths
    imported = time.perf_counter()
    report = validate_paths([Path(datasets)], cache=Path(cache) if cache else None)
    done = time.perf_counter()
    return {"import_seconds": imported - started, "seconds": done - imported, "errors": len(report.errors),
            "warnings": len(report.warnings), "files": report.files_checked}


def build(datasets: str, out: str) -> dict[str, Any]:
    started = time.perf_counter()
    from site_builder.build import build_site
    imported = time.perf_counter()
    result = build_site(Path(datasets), Path(out))
    done = time.perf_counter()
    if not result.published or result.stats is None:
        print(result.summary(Path(out)), file=sys.stderr)
        for problem in result.report.errors[:20]:
            print(problem, file=sys.stderr)
        sys.exit(1)
    return {"import_seconds": imported - started, "seconds": done - imported, "pages": result.pages,
            "written": result.stats.written, "unchanged": result.stats.unchanged,
            "removed": result.stats.removed}


def thumbnails(datasets: str, cache: str) -> dict[str, Any]:
    """make_thumbnails over every latest version's examples, as build_site does, with an empty cache.

    The renderer's modules are imported first, so the bytes read are the stores' (and the
    cache-key hashing's), not Python's. A second call shows what a build with the cache warm pays.
    """
    from site_builder.catalogue import load_catalogue
    from site_builder.thumbnails import ome_zarr_image, vector_annotations  # noqa: F401
    from site_builder.thumbnails.make import jobs_for, make_thumbnails

    catalogue = load_catalogue(Path(datasets))
    jobs = []
    for dataset in catalogue.datasets:
        latest = next((v for v in reversed(dataset.versions) if v.manifest is not None), None)
        if latest is not None and latest.manifest is not None:
            jobs += jobs_for(dataset.id, dataset.folder, latest.manifest)
    shutil.rmtree(cache, ignore_errors=True)
    figures: dict[str, Any] = {"examples": len(jobs)}
    for run in ("cold", "warm"):
        read = _rchar()
        start = time.perf_counter()
        results = make_thumbnails(jobs, Path(cache))
        figures[f"{run}_seconds"] = time.perf_counter() - start
        figures[f"{run}_bytes_read"] = _rchar() - read
    figures["placeholders"] = sum(r.placeholder for r in results.values())
    return figures


def search(datasets: str) -> dict[str, Any]:
    """search_files over every latest version's document, the way search_bench.py does."""
    from site_builder.catalogue import load_catalogue
    from site_builder.search.bundle import search_files
    from site_builder.search.documents import search_document

    catalogue = load_catalogue(Path(datasets))
    documents = [search_document(d.id, d.latest) for d in catalogue.datasets if d.latest is not None]
    start = time.perf_counter()
    files = search_files(documents)
    return {"seconds": time.perf_counter() - start, "documents": len(documents), "files": len(files)}


def mkdocs(datasets: str, root: str) -> dict[str, Any]:
    """The same datasets as one Markdown page each, built by plain mkdocs in this process."""
    from site_builder.catalogue import load_catalogue

    docs = Path(root) / "docs"
    shutil.rmtree(Path(root), ignore_errors=True)
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Catalogue\n", encoding="utf-8")
    for dataset in load_catalogue(Path(datasets)).datasets:
        manifest = dataset.latest
        if manifest is None:
            continue
        study = manifest.study
        authors = ", ".join(f"{a.author_first_name} {a.author_last_name}" for a in study.authors)
        (docs / f"{dataset.id}.md").write_text(
            f"# {study.title}\n\n{study.description}\n\n**Authors:** {authors}\n\n"
            f"**Licence:** {study.license}\n", encoding="utf-8")
    config_file = Path(root) / "mkdocs.yml"
    # Only the home page in the navigation: mkdocs' default lists every page in every page's
    # sidebar, which grows with the square of the catalogue (not finished after 6 minutes at
    # 10,000 pages); the reference figure is also without a full sidebar.
    config_file.write_text("site_name: Bench\nnav:\n  - Home: index.md\n", encoding="utf-8")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    started = time.perf_counter()
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    imported = time.perf_counter()
    # What `mkdocs build` does after parsing its arguments.
    config = load_config(str(config_file), site_dir=str(Path(root) / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return {"import_seconds": imported - started, "seconds": time.perf_counter() - imported,
            "pages": len(list(docs.glob("*.md")))}


PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "validate": validate, "build": build, "thumbnails": thumbnails, "search": search, "mkdocs": mkdocs}


def main() -> None:
    phase, args = sys.argv[1], sys.argv[2:]
    figures = PHASES[phase](*args)
    figures["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(MARK + json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
