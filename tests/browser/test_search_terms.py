"""Search reads words as a biologist means them and says why a result is there (issue 18):
field aliases and an unknown field named, "did you mean" for a typo, snippets from the best
passage, "Matched in", and (when the bundle carries the catalogue's search terms) plural
forms and compounds such as cryo-ET."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import TITLES, axe_violations, problems, require_playwright

require_playwright()

from playwright.sync_api import Locator, Page, expect  # noqa: E402

SEARCH = "search/index.html"
DSB = "2018 Data Science Bowl nuclei: the fluorescence subset used to train StarDist"


def results(page: Page) -> Locator:
    return page.locator("ol#search-results > li.result")


def notes(page: Page) -> Locator:
    return page.locator("#search-notes")


def load(page: Page, site_url: str, query: str) -> None:
    """The search page for `query`, once the full-text shards have refined the results."""
    page.goto(f"{site_url}{SEARCH}?q={quote(query)}", wait_until="networkidle")
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\s*\d+ datasets? for"))


def titles(page: Page, query: str, site_url: str) -> set[str]:
    load(page, site_url, query)
    return set(results(page).locator(".result-title").all_inner_texts())


def matched_in(*fields: str) -> re.Pattern[str]:
    """A result's "Matched in" line naming exactly these fields."""
    return re.compile(r"^\s*Matched in:\s*" + r",\s*".join(fields) + r"\s*$")


def manifest(built_site: Path) -> dict[str, object]:
    data = json.loads((built_site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def search_fields(built_site: Path) -> list[str]:
    fields = manifest(built_site)["fields"]
    assert isinstance(fields, list)
    return [str(f) for f in fields] + ["description"]


def test_the_fields_are_listed_under_the_search_box(page: Page, site_url: str, built_site: Path) -> None:
    page.goto(site_url + SEARCH)
    listed = page.locator("#search-fields")
    for name in search_fields(built_site):
        expect(listed.locator("code", has_text=re.compile(rf"^{name}:$"))).to_have_count(1)
    for alias in ["author:", "annotator:", "species:", "type:"]:
        expect(listed.locator("code", has_text=re.compile(rf"^{alias}$"))).to_have_count(1)


def test_an_unknown_field_names_the_fields(page: Page, site_url: str, built_site: Path) -> None:
    load(page, site_url, "colour:zebrafish")
    line = notes(page).locator(".search-unknown-field")
    expect(line).to_contain_text("colour:")
    for name in search_fields(built_site):
        expect(line.locator("code", has_text=re.compile(rf"^{name}:$"))).to_have_count(1)
    # Its words were still searched, everywhere, as the line says.
    expect(results(page).first.locator(".result-title")).to_have_text(TITLES["s-biad531"])
    # A known field or alias says nothing of the sort.
    load(page, site_url, "organism:zebrafish")
    expect(notes(page)).to_be_empty()


def test_aliases_search_their_field(page: Page, site_url: str, built_site: Path) -> None:
    # Kromp is credited on the nuclear-segmentation dataset; annotator: and author: are people:.
    expected = titles(page, "people:kromp", site_url)
    assert TITLES["s-biad634"] in expected
    for alias in ["annotator", "author"]:
        assert titles(page, f"{alias}:kromp", site_url) == expected, alias
        expect(notes(page)).to_be_empty()
        expect(results(page).first.locator(".result-matched")).to_have_text(matched_in("people"))
    assert titles(page, "species:zebrafish", site_url) == titles(page, "organism:zebrafish", site_url)
    points = titles(page, "types:point", site_url)
    assert points and titles(page, "type:point", site_url) == points
    # organism: searches the organism alone: a word of the title is not enough.
    assert titles(page, "organism:nuclear", site_url) == set()
    if "licence" in search_fields(built_site):
        cc0 = titles(page, "license:cc0", site_url)
        assert TITLES["s-biad634"] in cc0
        assert cc0 == titles(page, "licence:CC0", site_url)


def test_a_typo_suggests_the_word_and_the_suggestion_searches_it(page: Page, site_url: str) -> None:
    load(page, site_url, "nuclie segmentation")
    suggestion = notes(page).locator(".search-suggestion")
    expect(suggestion).to_contain_text("nuclie")
    link = suggestion.locator("a", has_text=re.compile(r"^nuclei$"))
    expect(link).to_have_count(1)
    link.click()
    expect(page.locator("#search-q")).to_have_value("nuclei segmentation")
    expect(page).to_have_url(re.compile(r"[?&]q=nuclei(\+|%20)segmentation(&|$)"))
    expect(results(page).locator(".result-title").filter(has_text=TITLES["s-biad634"])).to_have_count(1)
    expect(notes(page).locator(".search-suggestion")).to_have_count(0)
    # A word that is found is never "corrected".
    load(page, site_url, "zebrafish")
    expect(notes(page)).to_be_empty()
    # No script error (requests cut short by leaving a page are not one).
    assert [p for p in problems(page) if not p.startswith("request failed")] == []


def test_a_snippet_shows_a_later_match_with_whole_words(page: Page, site_url: str) -> None:
    page.goto(site_url + "datasets/dsb2018-stardist/index.html")
    description = " ".join(page.locator("main").inner_text().split())  # what the snippet is cut from
    assert "Kaggle" in description
    load(page, site_url, "kaggle")
    result = results(page).filter(has=page.locator(".result-title", has_text=DSB))
    snippet = result.locator("p.snippet")
    expect(snippet.locator("mark")).to_have_text(["Kaggle"])
    text = snippet.inner_text()
    # The match is 271 characters in: the snippet starts later, and says so.
    assert text.startswith("\u2026"), text
    inner = text.strip("\u2026").strip()
    assert inner in description, inner
    # Cut between words: the description has no letter just before or after the snippet's text.
    at = description.index(inner)
    assert not description[at - 1].isalnum() and not description[at + len(inner)].isalnum(), inner
    assert "  " not in inner


def test_each_result_says_which_fields_matched(page: Page, site_url: str) -> None:
    load(page, site_url, "zebrafish")
    first = results(page).first
    expect(first.locator(".result-title")).to_have_text(TITLES["s-biad531"])
    matched = first.locator(".result-matched")
    expect(matched).to_have_text(re.compile(r"^\s*Matched in: .*\btitle\b.*\borganism\b"))
    load(page, site_url, "organism:zebrafish")
    expect(results(page).first.locator(".result-matched")).to_have_text(matched_in("organism"))


def needs_terms(built_site: Path) -> None:
    if "terms" not in manifest(built_site):
        pytest.skip("the search bundle has no `terms` (catalogue search terms) yet")


@pytest.mark.parametrize(("plural", "singular"), [("nuclei", "nucleus"), ("mitochondria", "mitochondrion"),
                                                  ("bacteria", "bacterium")])
def test_plural_forms_find_the_same_datasets(page: Page, site_url: str, built_site: Path,
                                             plural: str, singular: str) -> None:
    needs_terms(built_site)
    found = titles(page, plural, site_url)
    assert found, plural
    assert found == titles(page, singular, site_url)


def test_cryo_et_does_not_match_et_al(page: Page, site_url: str, built_site: Path) -> None:
    needs_terms(built_site)
    found = titles(page, "cryo-ET", site_url)
    assert TITLES["empiar-11658"] in found
    # The Mosquito Alert description cites "Zulueta-Coarasa et al." and nothing about cryo-ET.
    assert TITLES["s-biad249"] not in found
    marked = {m.lower() for m in results(page).locator("p.snippet mark").all_inner_texts()}
    assert "et" not in marked and "al." not in marked, marked
    assert titles(page, "cryoET", site_url) == found


def test_the_notes_and_matched_fields_pass_axe(page: Page, site_url: str) -> None:
    load(page, site_url, "colour:zebrafish nuclie")
    expect(notes(page).locator(".search-unknown-field")).to_have_count(1)
    expect(notes(page).locator(".search-suggestion")).to_have_count(1)
    expect(results(page).first.locator(".result-matched")).to_be_visible()
    assert axe_violations(page) == []


def test_a_match_far_into_the_description_is_shown_from_the_whole_text(page: Page, site_url: str) -> None:
    """'ependyma' is about 600 characters into the SpineDL description, past the short snippet the
    result rows carry: the snippet comes from the whole description, fetched for the results shown."""
    page.goto(site_url + "datasets/spinedl/index.html")
    description = " ".join(page.locator("main .prose").first.inner_text().split())
    assert description.lower().index("ependyma") > 400
    load(page, site_url, "ependyma")
    snippet = results(page).first.locator("p.snippet")
    expect(snippet.locator("mark")).to_have_text(["ependyma"], ignore_case=True)
    inner = snippet.inner_text().strip("\u2026").strip()
    assert inner in description, inner


@pytest.mark.parametrize("query", ["CC0", "cc0-1.0", "licence:cc0"])
def test_cc0_finds_exactly_the_cc0_datasets(page: Page, site_url: str, built_site: Path, query: str) -> None:
    listed = json.loads((built_site / "api" / "datasets.json").read_text(encoding="utf-8"))
    cc0 = {d["title"] for d in listed
           if "CC0-1.0" in {d["image_licence"], *d["annotation_licences"]}}
    assert cc0, "the bundled catalogue has CC0 datasets"
    assert titles(page, query, site_url) == cc0
