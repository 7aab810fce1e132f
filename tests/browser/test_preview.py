"""`mifa serve` in a real browser: a broken manifest shows its problem in the open page, and the
fix brings the new page, both without a reload by the user."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.serve import Preview

from .conftest import REPO, problems, require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

DATASET = "s-biad634"
PAGE = f"datasets/{DATASET}/"
TITLE = "An annotated fluorescence image dataset for training nuclear segmentation methods"


@pytest.fixture
def preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chromium_path: str) -> Iterator[Preview]:
    """One bundled dataset, previewed on a free port; reports name files as datasets/<id>/<file>."""
    shutil.copytree(REPO / "datasets" / DATASET, tmp_path / "datasets" / DATASET)
    monkeypatch.chdir(tmp_path)
    running = Preview(Path("datasets"), Path("_site"), port=0)
    stop = threading.Event()
    thread = threading.Thread(target=running.run, kwargs={"poll_seconds": 0.1, "stop": stop}, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        stop.set()
        thread.join(timeout=10)


def test_a_broken_manifest_shows_in_the_open_page_and_the_fix_replaces_it(preview: Preview,
                                                                         page: Page) -> None:
    page.goto(preview.url + PAGE)
    expect(page.locator("h1")).to_have_text(TITLE, timeout=60_000)
    page.evaluate("window.__sameDocument = true")  # gone if the page is reloaded

    manifest = max((Path("datasets") / DATASET).glob("*.yaml"),  # the latest version's file
                   key=lambda path: [int(part) for part in path.stem.split(".")])
    good = manifest.read_text()
    manifest.write_text(good.replace("  license: CC0-1.0\n", "  license: CC0-1.0\n  licence_url: x\n", 1))
    line = good.split("  license: CC0-1.0\n")[0].count("\n") + 2

    panel = page.get_by_role("alert")
    expect(panel).to_be_visible(timeout=30_000)
    expect(panel).to_contain_text("The last rebuild failed: 1 error")
    expect(panel.locator(".mifa-live-where").first).to_have_text(f"{manifest.as_posix()}:{line}:3")
    expect(panel.locator(".mifa-live-field").first).to_have_text("study.licence_url")
    expect(panel).to_contain_text("unknown key 'licence_url'")
    assert page.evaluate("window.__sameDocument") is True, "the problem arrived without a reload"
    expect(page.locator("h1")).to_have_text(TITLE)  # the last good page is still there

    manifest.write_text(good.replace(f"title: {TITLE}", "title: Nuclei, corrected title", 1))
    expect(page.locator("h1")).to_have_text("Nuclei, corrected title", timeout=30_000)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is None, "the new page was loaded"
    assert problems(page) == [], "no CSP violation, no failed request"
