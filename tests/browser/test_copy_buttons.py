"""Copy buttons on a dataset page: each snippet and the citation copies exactly what is shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import problems, record_problems, require_playwright

require_playwright()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

DATASET = "datasets/s-biad634/index.html"


@pytest.fixture
def clipboard_page(browser: Browser, site_url: str) -> Iterator[Page]:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    context.set_default_timeout(5_000)
    try:
        yield record_problems(context.new_page())
    finally:
        context.close()


def test_every_copy_button_copies_its_block(clipboard_page: Page, site_url: str) -> None:
    page = clipboard_page
    page.goto(site_url + DATASET)
    blocks = page.locator("pre[data-copy]")
    count = blocks.count()
    assert count >= 3  # download, listed files, example, citation
    for index in range(count):
        block = blocks.nth(index)
        button = page.locator("button.copy").nth(index)
        expect(button).to_have_accessible_name(f"Copy {block.get_attribute('aria-label')}")
        button.click()
        expect(button).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == block.text_content()
    expect(page.locator(".copy-status").first).to_have_text("Copied to the clipboard.")
    assert problems(page) == []


def test_without_javascript_there_is_no_dead_button(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + DATASET)
        expect(page.locator("button.copy")).to_have_count(0)
        expect(page.locator("pre[data-snippet]").first).to_be_visible()
    finally:
        context.close()
