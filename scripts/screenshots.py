#!/usr/bin/env python3
"""Screenshots of every page kind of a built site, at 390 and 1280 px, light and dark.

    .venv/bin/python scripts/screenshots.py [--site _site] [--out .cache/screenshots]

Builds the bundled catalogue into a temporary folder unless --site names a built site,
serves it on 127.0.0.1, and writes one PNG per page kind, width and colour scheme to
--out (under .cache/, which git ignores). It also prints each page's document width
against the viewport, so an overflow is seen in the terminal too. Needs Debian's
chromium (scripts/install-browser-deps.sh) and the dev dependencies (Playwright).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE_KINDS = {
    "home": "index.html",
    "browse": "datasets/index.html",
    "dataset": "datasets/s-biad634/index.html",
    "version": "datasets/s-biad634/1.1/index.html",
    "diff": "datasets/s-biad634/changes/1.1-to-1.2/index.html",
    "annotation-types": "annotation-types/index.html",
    "annotation-type": "annotation-types/segmentation_mask/index.html",
    "licences": "licences/index.html",
    "licence": "licences/CC0-1.0/index.html",
    "people": "people/index.html",
    "person": "people/0000-0003-4557-5652/index.html",
    "models": "models/index.html",
    "completeness": "completeness/index.html",
    "search": "search/index.html?q=nucleus",
    "not-found": "404.html",
}
"""One page of each kind in the bundled catalogue (the browser tests use the same list)."""
WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build datasets/ afresh)")
    parser.add_argument("--out", type=Path, default=ROOT / ".cache" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            from site_builder.build import build_site

            site = Path(tmp) / "_site"
            result = build_site(ROOT / "datasets", site)
            if not result.published:
                print("the bundled catalogue does not build", file=sys.stderr)
                return 1
        handler = functools.partial(_Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        args.out.mkdir(parents=True, exist_ok=True)
        overflowing = 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=LAUNCH_ARGS)
            for width in WIDTHS:
                for scheme in SCHEMES:
                    context = browser.new_context(viewport={"width": width, "height": 900},
                                                  color_scheme=scheme)
                    page = context.new_page()
                    for kind, path in PAGE_KINDS.items():
                        page.goto(base + path, wait_until="networkidle")
                        document_width = page.evaluate("document.documentElement.scrollWidth")
                        flag = "" if document_width <= width else "  <- wider than the screen"
                        overflowing += bool(flag)
                        print(f"{kind:18} {width:5} {scheme:5} document {document_width:5} px{flag}")
                        page.screenshot(path=str(args.out / f"{kind}-{width}-{scheme}.png"), full_page=True)
                    context.close()
            browser.close()
        server.shutdown()
    print(f"screenshots in {args.out}; {overflowing} page(s) wider than the screen")
    return 1 if overflowing else 0


if __name__ == "__main__":
    sys.exit(main())
