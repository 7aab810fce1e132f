"""The dataset page's gallery switch in a real browser, at 390 and 1280 px: choosing "Image only"
(by pointer or by keyboard) shows the picture without the annotation, and back, with no script."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import axe_violations, problems, record_problems, require_playwright

require_playwright()

from playwright.sync_api import Browser, Locator, Page  # noqa: E402

DATASET = "datasets/s-biad634/index.html"
ANNOTATED = "section.examples figure .shot-annotated img"
PLAIN = "section.examples figure .shot-plain img"


def _screen(browser: Browser, width: int, script: bool) -> Iterator[tuple[Page, int]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=script)
    context.set_default_timeout(10_000)
    try:
        yield record_problems(context.new_page()), width
    finally:
        context.close()


@pytest.fixture(params=[390, 1280], ids=lambda w: f"{w}px")
def no_script(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, int]]:
    """A page with JavaScript off: the switch is HTML and CSS alone."""
    yield from _screen(browser, request.param, script=False)


@pytest.fixture(params=[390, 1280], ids=lambda w: f"{w}px")
def screen(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, int]]:
    """A page with JavaScript on, which axe-core needs."""
    yield from _screen(browser, request.param, script=True)


def _loaded(image: Locator) -> bool:
    return bool(image.evaluate("img => img.complete && img.naturalWidth > 0"))


def test_image_only_shows_the_other_picture(no_script: tuple[Page, int], site_url: str) -> None:
    page, width = no_script
    page.goto(site_url + DATASET, wait_until="networkidle")
    annotated, plain = page.locator(ANNOTATED), page.locator(PLAIN)
    assert annotated.is_visible() and not plain.is_visible()
    assert "with its annotation" in str(annotated.get_attribute("alt"))
    page.get_by_text("Image only", exact=True).click()
    assert page.get_by_label("Image only", exact=True).is_checked()
    plain.wait_for(state="visible")
    assert not annotated.is_visible()
    assert "without its annotation" in str(plain.get_attribute("alt"))
    page.wait_for_function("selector => document.querySelector(selector).complete", arg=PLAIN)
    assert _loaded(plain)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_text("Image + annotation", exact=True).click()
    annotated.wait_for(state="visible")
    assert not plain.is_visible()
    assert problems(page) == []


def test_the_switch_works_from_the_keyboard(screen: tuple[Page, int], site_url: str) -> None:
    page, _ = screen
    page.goto(site_url + DATASET, wait_until="networkidle")
    first = page.get_by_label("Image + annotation", exact=True)
    first.focus()
    page.keyboard.press("ArrowRight")  # a radio group moves with the arrow keys
    assert page.get_by_label("Image only", exact=True).is_checked()
    page.locator(PLAIN).wait_for(state="visible")
    assert not page.locator(ANNOTATED).is_visible()
    outline = page.evaluate("""() => getComputedStyle(
        document.querySelector("label[for='gallery-plain']")).outlineStyle""")
    assert outline != "none"  # the focused switch is seen
    assert axe_violations(page) == []
