"""Search at scale: index build time, bytes moved until the first result, warm query time.

Run: .venv/bin/python benchmarks/search_bench.py [--datasets 10000]
Needs Chromium (scripts/install-browser-deps.sh). Prints figures; asserts nothing.
Transferred bytes are counted as gzip would send them (level 6), the way GitHub Pages serves.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_synthetic_catalogue

from site_builder.build import LUNR_JS, _static_files
from site_builder.catalogue import load_catalogue
from site_builder.render.templating import make_environment
from site_builder.search.bundle import search_files
from site_builder.search.documents import search_document
from site_builder.settings import load_settings

QUERIES = ["zebrafish", "organism:human", "segmentation", "mitochondria", "tracks embryo", "fluorescence",
           "Hopper1", "nucleus", "deve*", "bounding boxes", "bra", "9606"]


def build_site(root: Path, count: int) -> tuple[Path, float]:
    started = time.perf_counter()
    datasets = write_synthetic_catalogue(root, count)
    catalogue = load_catalogue(datasets)
    documents = []
    for dataset in sorted(catalogue.datasets, key=lambda d: ((d.latest.study.title.lower() if d.latest
                                                               else ""), d.id)):
        if dataset.latest is not None:
            documents.append(search_document(dataset.id, dataset.latest))
    print(f"generated and loaded {count} datasets in {time.perf_counter() - started:.1f} s")
    start = time.perf_counter()
    files = search_files(documents)
    build_seconds = time.perf_counter() - start
    site = root / "_site"
    for path, data in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    for path, data in _static_files():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    (site / "assets" / "lunr.js").write_bytes(LUNR_JS.read_bytes())
    settings, _ = load_settings()
    html = make_environment().get_template("search.html").render(
        settings=settings, page_path="search/index.html")
    (site / "search" / "index.html").write_text(html, encoding="utf-8")
    short = [p for p in files if p.startswith("search/t/")]
    text = [p for p in files if p.startswith("search/x/")]
    sizes = sorted(len(gzip.compress(files[p], 6)) for p in short)
    print(f"index build: {build_seconds:.2f} s for {len(documents)} documents; {len(short)} short shards "
          f"(gzipped median {statistics.median(sizes) / 1000:.1f} KB, max {sizes[-1] / 1000:.1f} KB), "
          f"{len(text)} description shards; whole bundle "
          f"{sum(len(gzip.compress(b, 6)) for b in files.values()) / 1e6:.1f} MB gzipped")
    return site, build_seconds


def measure_browser(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/search/index.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        cold = []
        for query in QUERIES:
            # bypass_csp: the site forbids eval, and the wait_for_function probes below are evaluated
            # strings; the page and its own scripts are measured as they are.
            context = browser.new_context(bypass_csp=True)  # a cold cache for every query
            page = context.new_page()
            moved: list[int] = []
            def count(response: object, moved: list[int] = moved) -> None:
                with contextlib.suppress(Exception):  # the page moved on before the body arrived
                    moved.append(len(gzip.compress(response.body(), 6)))  # type: ignore[attr-defined]

            page.on("response", count)
            started = time.perf_counter()
            page.goto(f"{base}?q={query}")
            page.wait_for_function("/^\\d/.test(document.getElementById('search-status').textContent)"
                                   " && document.querySelectorAll('#search-results li.result').length"
                                   " === Math.min(20, parseInt(document.getElementById('search-status')"
                                   ".textContent))", timeout=30000)
            first = time.perf_counter() - started
            cold.append((sum(moved), first, query, page.inner_text("#search-status")))
            context.close()
        for total, seconds, query, status in cold:
            print(f"cold '{query}': {total / 1000:.0f} KB gzipped until the first result, "
                  f"{seconds * 1000:.0f} ms; {status}")
        totals = sorted(t for t, *_ in cold)
        print(f"bytes to first result: median {statistics.median(totals) / 1000:.0f} KB, "
              f"max {totals[-1] / 1000:.0f} KB (budget 250 KB)")
        page = browser.new_page(bypass_csp=True)
        page.goto(base)
        page.wait_for_selector("#search-results li.result", timeout=30000)
        timings = page.evaluate("""async (queries) => {
            for (const q of queries) { await window.mifaSearch.search(q, true); }  // warm the shards
            const times = [];
            for (let round = 0; round < 5; round++) for (const q of queries) {
                const t = performance.now(); await window.mifaSearch.search(q, true);
                times.push(performance.now() - t);
            }
            return times;
        }""", QUERIES)
        print(f"warm query: median {statistics.median(timings):.1f} ms, "
              f"max {max(timings):.1f} ms over {len(timings)} queries (budget 30 ms median)")
        browser.close()
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site, _ = build_site(Path(tmp), args.datasets)
        measure_browser(site)


if __name__ == "__main__":
    main()
