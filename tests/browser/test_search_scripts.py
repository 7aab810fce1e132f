"""search.js in a real browser over term-range shards: every script, long words, JavaScript's order.

The site holds the 60,000 non-Latin terms of the hostile corpus (display/nonlatin-terms-60000),
a word of 29,000 letters, and words above U+FFFF (surrogate pairs in JavaScript) beside
fullwidth ones (U+FF00-U+FFEF), which sort differently by code point than by UTF-16 unit: lunr.js
refuses a shard whose terms are out of its order. Each query must find its dataset while
fetching one short-field shard and at most one description shard per word.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from site_builder.build import build_site
from site_builder.licence_verdicts import licence_verdict

from .. import hostile_corpus
from ..conftest import MINIMAL
from ..hostile_cases.display import (
    DATASETS_PER_SCRIPT,
    LONG_WORD,
    SCRIPTS,
    long_word,
    nonlatin_catalogue,
    script_keywords,
    script_words,
)
from ..local_servers import serve_folder
from .conftest import problems, record_problems, require_playwright

require_playwright()
from playwright.sync_api import Browser, Page, expect  # noqa: E402

ASTRAL = ["𝒜𝒷𝒸", "𝔡𝔢𝔣", "😀😁", "𐌰𐌱𐌲"]
"""Words above U+FFFF: two UTF-16 units per character."""
FULLWIDTH = ["ａｂｃ", "ｘｙｚ", "ｱｲｳ"]
"""Words of U+FF00-U+FFEF: above every surrogate in UTF-16 order, below U+10000 by code point."""


@pytest.fixture(scope="module")
def scripts_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("scripts")
    nonlatin_catalogue(root, hostile_corpus.Ports(0, 0))
    for name, data in [("long-word", long_word()),
                       ("astral", MINIMAL.replace(
                           "  license: CC0-1.0\n",
                           f"  license: CC0-1.0\n  keywords: [{', '.join(ASTRAL + FULLWIDTH)}]\n").replace(
                           "    annotation_method: Drawn by one expert in napari.\n",
                           "    annotation_method: Drawn by one expert in napari.\n"
                           "    license: CC-BY-NC-4.0\n").encode())]:
        (root / "datasets" / name).mkdir()
        (root / "datasets" / name / "1.0.yaml").write_bytes(data)
    result = build_site(root / "datasets", root / "_site")
    assert result.published, [p.message for p in result.report.errors]
    with serve_folder(root / "_site") as origin:
        yield origin + "/"


def ask(page: Page, query: str) -> tuple[list[str], dict[str, int]]:
    """Dataset ids found (best first) and the shard files fetched, by kind, for one cold query."""
    fetched = {"t": 0, "x": 0}

    def on_request(request: object) -> None:
        url = str(getattr(request, "url", ""))
        for kind in fetched:
            if f"/search/{kind}/" in url:
                fetched[kind] += 1

    page.on("request", on_request)
    urls: list[str] = page.evaluate("""async (q) => {
        const found = await window.mifaSearch.search(q, true);
        return (await window.mifaSearch.docs(found.refs)).map((d) => d.url);
    }""", query)
    page.remove_listener("request", on_request)
    return [url.split("/")[1] for url in urls], fetched


@pytest.fixture
def search_page(browser: Browser, scripts_url: str) -> Iterator[Page]:
    context = browser.new_context()
    try:
        page = record_problems(context.new_page())
        page.goto(scripts_url + "search/index.html")
        page.evaluate("() => window.mifaSearch.ready()")
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_words_of_every_script_find_their_dataset(search_page: Page, script: str) -> None:
    for dataset in range(DATASETS_PER_SCRIPT):
        words = script_words(script, dataset)
        for query in (words[0], words[4_000], script_keywords(script, dataset)[0], f"+{words[7]}"):
            found, fetched = ask(search_page, query)
            assert found == [f"{script}-{dataset}"], query
            assert fetched["t"] <= 1 and fetched["x"] <= 1, (query, fetched)
    found, _ = ask(search_page, f"{script_words(script, 0)[5]} {script_words(script, 1)[5]}")
    assert sorted(found) == [f"{script}-0", f"{script}-1"]
    assert ask(search_page, f"{script_words(script, 0)[5]} -{script_words(script, 0)[6]}")[0] == []
    assert problems(search_page) == []


def test_a_word_of_29000_letters_is_found_by_itself_and_its_start(search_page: Page) -> None:
    for query in (LONG_WORD, LONG_WORD[:64], LONG_WORD[:100] + "*", "λλλλ*"):
        assert ask(search_page, query)[0] == ["long-word"], query[:80]
    assert problems(search_page) == []


def test_words_above_u_ffff_and_fullwidth_words_load_and_are_found(search_page: Page) -> None:
    fetched_in_all = 0
    for word in ASTRAL + FULLWIDTH:
        found, fetched = ask(search_page, word)
        assert found == ["astral"], word
        fetched_in_all += fetched["t"]
    assert fetched_in_all == 1  # one shard holds both kinds, in JavaScript's order, and loads
    assert ask(search_page, ASTRAL[0][:1] + "*")[0] == ["astral"]
    assert problems(search_page) == []


def test_a_result_whose_annotations_allow_less_than_its_images_says_both(browser: Browser,
                                                                           scripts_url: str) -> None:
    """The astral dataset: CC0 images, CC-BY-NC annotations. One line each, as on its page."""
    context = browser.new_context()
    try:
        page = record_problems(context.new_page())
        page.goto(f"{scripts_url}search/index.html?q={ASTRAL[0]}", wait_until="networkidle")
        verdicts = page.locator("ol#search-results > li.result").first.locator(".result-verdict")
        expect(verdicts).to_have_text([f"Images: {licence_verdict('CC0-1.0').headline}",
                                       f"Annotations: {licence_verdict('CC-BY-NC-4.0').headline}"])
        licences = page.locator("fieldset.facet[data-facet=licence]")
        expect(licences.locator("legend")).to_have_text(
            ["Licence", licence_verdict("CC0-1.0").headline, licence_verdict("CC-BY-NC-4.0").headline])
        assert problems(page) == []
    finally:
        context.close()
