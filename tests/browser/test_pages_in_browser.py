"""Every kind of page of the bundled catalogue, in a real browser: clean loads, accessibility, no-JS."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from site_builder import load_catalogue

from .conftest import REPO, axe_violations, problems, require_playwright

require_playwright()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

PAGES = {
    "home": "index.html",
    "browse": "datasets/index.html",
    "dataset": "datasets/s-biad634/index.html",
    "version": "datasets/s-biad634/1.1/index.html",
    "diff": "datasets/s-biad634/changes/1.1-to-1.2/index.html",
    "annotation types": "annotation-types/index.html",
    "annotation type": "annotation-types/segmentation_mask/index.html",
    "licences": "licences/index.html",
    "licence": "licences/CC0-1.0/index.html",
    "people": "people/index.html",
    "person": "people/0000-0003-4557-5652/index.html",
    "search": "search/index.html?q=nucleus",
}


@pytest.fixture(scope="module")
def titles() -> dict[str, str]:
    """Title of the newest version of every dataset the site is built from (datasets/), by id:
    read from the manifests, not written down here, so the tests follow the catalogue as it grows."""
    datasets = load_catalogue(REPO / "datasets").datasets
    latest = {d.id: d.latest for d in datasets}
    assert latest and all(latest.values()), "every bundled dataset has a valid newest version"
    return {dataset_id: manifest.study.title for dataset_id, manifest in latest.items() if manifest}


def open_page(page: Page, site_url: str, path: str) -> None:
    """Load `path`; on the search page, also let its scripts fetch and show the results."""
    search = path.startswith("search/")
    response = page.goto(site_url + path, wait_until="networkidle" if search else "load")
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    if search:
        expect(page.locator("ol#search-results > li.result").first).to_be_visible()


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_loads_without_errors(page: Page, site_url: str, path: str) -> None:
    open_page(page, site_url, path)
    expect(page.locator("h1")).to_have_count(1)
    assert problems(page) == []


@pytest.mark.parametrize("kind", ["home", "search", "dataset", "person"])
def test_no_serious_accessibility_violations(page: Page, site_url: str, kind: str) -> None:
    open_page(page, site_url, PAGES[kind])
    assert axe_violations(page) == []


def test_browse_list_works_without_javascript(browser: Browser, site_url: str,
                                              titles: dict[str, str]) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "datasets/index.html")
        main = page.locator("main")
        for dataset_id, title in titles.items():
            link = main.get_by_role("link", name=title, exact=True)
            expect(link).to_be_visible()
            assert urljoin(page.url, link.get_attribute("href") or "").startswith(
                f"{site_url}datasets/{dataset_id}/"), title
        expect(main).to_contain_text(f"{len(titles)} datasets")
    finally:
        context.close()


def test_dataset_page_links_related_datasets(page: Page, site_url: str, titles: dict[str, str]) -> None:
    page.goto(site_url + "datasets/s-biad634/index.html")
    related = page.locator("section.related")
    expect(related).to_be_visible()
    expect(related.get_by_role("heading")).to_have_text("Related datasets")
    links = related.locator("a[href]")
    expect(links.first).to_be_visible()
    others = {title: dataset_id for dataset_id, title in titles.items() if dataset_id != "s-biad634"}
    for text, href in [(a.inner_text().strip(), a.get_attribute("href") or "") for a in links.all()]:
        assert text in others, f"{text!r} is not another bundled dataset's title"
        target = urljoin(page.url, href)
        assert target.startswith(f"{site_url}datasets/{others[text]}/"), (text, target)
        assert page.request.get(target).ok, target
    first = links.first.inner_text().strip()
    links.first.click()
    expect(page.locator("h1")).to_have_text(first)
