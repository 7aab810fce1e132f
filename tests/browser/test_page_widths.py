"""Every page kind of the bundled site fits the screen, at 390 and 1280 px, light and dark, and
axe-core finds no serious or critical accessibility violation on it."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from .conftest import REPO, axe_violations, problems, record_problems, require_playwright

require_playwright()

from playwright.sync_api import Browser, Page  # noqa: E402

_SPEC = importlib.util.spec_from_file_location("screenshots", REPO / "scripts" / "screenshots.py")
assert _SPEC is not None and _SPEC.loader is not None
_SCREENSHOTS = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_SCREENSHOTS)
PAGE_KINDS: dict[str, str] = _SCREENSHOTS.PAGE_KINDS
"""The page kinds the screenshot script takes: one list for both."""


@pytest.fixture(scope="module", params=[(w, s) for w in (390, 1280) for s in ("light", "dark")],
                ids=lambda p: f"{p[0]}px-{p[1]}")
def screen(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, int]]:
    width, scheme = request.param
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    context.set_default_timeout(10_000)
    try:
        yield record_problems(context.new_page()), width
    finally:
        context.close()


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_the_page_fits_the_screen_and_passes_axe(screen: tuple[Page, int], site_url: str, kind: str) -> None:
    page, width = screen
    response = page.goto(site_url + PAGE_KINDS[kind], wait_until="networkidle")
    assert response is not None and response.ok  # a static server sends 404.html itself with 200
    document_width = page.evaluate("document.documentElement.scrollWidth")
    assert document_width <= width, f"{kind} is {document_width} px wide on a {width} px screen"
    assert axe_violations(page) == []
    if kind != "not-found":  # its <base> names the published address, which is not this server
        assert problems(page) == []
