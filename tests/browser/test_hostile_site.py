"""A site built from a hostile manifest, opened in a real browser: nothing it carries runs."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest

from site_builder.build import build_site

from ..test_build import HOSTILE
from ..test_site import write_catalogue
from .conftest import require_playwright

require_playwright()
from playwright.sync_api import Browser, Dialog, Request  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    datasets = write_catalogue(root, {"hostile/1.0.yaml": HOSTILE})
    assert build_site(datasets, root / "_site").published
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Quiet, directory=str(root / "_site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.mark.parametrize("path", ["datasets/hostile/index.html", "datasets/hostile/1.0/index.html",
                                  "people/index.html", "search/index.html?q=nuclei", "index.html"])
def test_no_dialog_no_injected_script_no_foreign_request(browser: Browser, hostile_url: str,
                                                          path: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    foreign: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request: Request) -> None:
        if not request.url.startswith(hostile_url) and not request.url.startswith("data:"):
            foreign.append(request.url)

    page.on("dialog", on_dialog)
    page.on("request", on_request)
    try:
        page.goto(hostile_url + path)
        page.wait_for_load_state("networkidle")
        for link in page.locator("main a").all()[:40]:
            link.hover()  # would fire injected onmouseover handlers
        assert dialogs == []
        assert foreign == []
        assert page.evaluate("() => document.querySelectorAll('script:not([src]):not([type])').length") == 0
    finally:
        context.close()
