"""A site built from hostile manifests, opened in a real browser: nothing they carry runs.

The site holds the HOSTILE manifest of test_build.py and every script/ input of the hostile
corpus (tests/fixtures/hostile/script/) that validates: raw HTML in Markdown, javascript: and
data: links, event attributes, SVG with script, quotes that try to leave attributes and JSON-LD.
Each payload calls alert(), so a payload that ran would open a dialog.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from site_builder.build import build_site

from ..hostile_corpus import HOSTILE, script_catalogue, slug
from ..local_servers import serve_folder
from ..test_build import HOSTILE as HOSTILE_MANIFEST
from .conftest import require_playwright

require_playwright()
from playwright.sync_api import Browser, Dialog, Request  # noqa: E402

SCRIPT_DATASETS = sorted({slug(p.name) for p in (HOSTILE / "script").glob("*.yaml")
                          if not p.name.endswith("-is-refused.yaml")} | {"svg-example"})
PAGES = ["datasets/hostile/index.html", "datasets/hostile/1.0/index.html", "people/index.html",
         "search/index.html?q=nuclei", "search/index.html?q=alert", "index.html", "datasets/index.html",
         *[f"datasets/{dataset}/index.html" for dataset in SCRIPT_DATASETS]]


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    datasets = script_catalogue(root)
    (datasets / "hostile").mkdir()
    (datasets / "hostile" / "1.0.yaml").write_text(HOSTILE_MANIFEST, encoding="utf-8")
    result = build_site(datasets, root / "_site")
    assert result.published, [p.message for p in result.report.errors]
    with serve_folder(root / "_site") as origin:
        yield origin + "/"


@pytest.mark.parametrize("path", PAGES)
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
        response = page.goto(hostile_url + path)
        assert response is not None and response.ok, path
        page.wait_for_load_state("networkidle")
        for link in page.locator("main a").all()[:10]:
            if link.is_visible():
                link.hover(timeout=2_000)  # a real pointer, as a reader would move it
        # Then every element in the page gets the events injected handlers listen for.
        page.evaluate("""() => { for (const element of document.querySelectorAll('body *')) {
            for (const type of ['mouseover', 'mouseenter', 'pointerover', 'click', 'focus', 'toggle']) {
                if (type === 'click' && element.closest('a[href], button, form')) continue;
                element.dispatchEvent(new Event(type, {bubbles: true}));
            } } }""")
        page.wait_for_timeout(100)
        assert dialogs == []
        assert foreign == []
        assert page.evaluate("() => document.querySelectorAll('script:not([src]):not([type])').length") == 0
    finally:
        context.close()
