"""Client-side search as a visitor uses it: queries, facets, URL state, keyboard, header dropdown."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest

from site_builder.licence_verdicts import licence_verdict

from .conftest import TITLES, require_playwright

require_playwright()

from playwright.sync_api import Locator, Page, expect  # noqa: E402

SEARCH = "search/index.html"


def results(page: Page) -> Locator:
    return page.locator("ol#search-results > li.result")


def status(page: Page) -> Locator:
    return page.locator("#search-status")


def checkbox(page: Page, name: str, value: str) -> Locator:
    """The checkbox of one value of facet `name`."""
    fieldset = page.locator(f"fieldset.facet[data-facet={name}]")
    return fieldset.locator(f"input[type=checkbox][name={name}][value='{value}']")


def facet(page: Page, name: str, value: str) -> Locator:
    """The label of one facet value (what a visitor clicks), with its span.count."""
    labels = page.locator(f"fieldset.facet[data-facet={name}] label")
    return labels.filter(has=page.locator(f"input[type=checkbox][value='{value}']"))


def counted(n: int) -> re.Pattern[str]:
    """A status text that starts with the number of results: '1 dataset…', '3 datasets…'."""
    return re.compile(rf"^\s*{n} dataset")


def url_params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def dataset_url(site_url: str, dataset_id: str) -> re.Pattern[str]:
    return re.compile(re.escape(f"{site_url}datasets/{dataset_id}/") + r"(index\.html)?$")


def open_search(page: Page, site_url: str, query: str) -> None:
    """The search page, with `query` typed into its search box."""
    page.goto(site_url + SEARCH)
    page.locator("#search-q").fill(query)


def load_search(page: Page, site_url: str, state: str) -> None:
    """The search page at `?state`, once its scripts have fetched everything they wanted
    (full-text shards arrive after the first results and may add to them)."""
    page.goto(f"{site_url}{SEARCH}?{state}", wait_until="networkidle")


def titled(page: Page, title: str) -> Locator:
    """The result whose title is exactly `title`."""
    exactly = re.compile(rf"^{re.escape(title)}$")
    return results(page).filter(has=page.locator(".result-title", has_text=exactly))


def every_result(page: Page) -> list[str]:
    """The titles of all results, in order, pressing 'Show more results' as a visitor would
    until the list holds as many as the status line counts."""
    expect(status(page)).to_have_text(re.compile(r"^\s*\d+ datasets?\b"))
    total = int(status(page).inner_text().split()[0])
    more = page.locator("#search-more")
    while results(page).count() < total:
        shown = results(page).count()
        expect(more).to_be_visible()
        more.click()
        expect(results(page)).not_to_have_count(shown)
    expect(more).to_be_hidden()
    expect(results(page)).to_have_count(total)
    return results(page).locator(".result-title").all_inner_texts()


def all_results(page: Page, site_url: str, state: str) -> list[str]:
    """The titles of every result of the search page at `?state`, once it has settled."""
    load_search(page, site_url, state)
    return every_result(page)


@pytest.fixture(scope="module")
def catalogue(built_site: Path) -> dict[str, dict[str, Any]]:
    """What the built site's API says of each dataset's newest version, by title: organisms,
    imaging methods, annotation types and licences. Expected results are worked out from it,
    so the tests keep their meaning as the catalogue grows."""
    listing = json.loads((built_site / "api" / "datasets.json").read_text(encoding="utf-8"))
    return {entry["title"]: entry for entry in listing}


def with_value(catalogue: dict[str, dict[str, Any]], key: str, value: str) -> set[str]:
    """Titles of the datasets whose API list `key` holds `value`."""
    return {title for title, entry in catalogue.items() if value in entry[key]}


def licences_of(entry: dict[str, Any]) -> set[str]:
    """The licences of a dataset's images and annotations: its values in the licence facet."""
    return {entry["image_licence"], *entry["annotation_licences"]}


API_KEYS = {"type": "annotation_types", "organism": "organisms", "method": "imaging_methods"}
"""The API list that holds each facet's values (licences are worked out by `licences_of`)."""


def facet_values(entry: dict[str, Any], name: str) -> set[str]:
    """The values one dataset has in search facet `name`, by the API."""
    return licences_of(entry) if name == "licence" else set(entry[API_KEYS[name]])


def first_result_for(page: Page, query: str, dataset_id: str) -> None:
    page.locator("#search-q").fill(query)
    expect(results(page).first.locator(".result-title"), f"first result for {query!r}").to_have_text(
        TITLES[dataset_id])


def test_words_fields_and_wildcards_find_the_dataset(page: Page, site_url: str) -> None:
    page.goto(site_url + SEARCH)
    # Consecutive queries expect different datasets, so stale results cannot pass.
    for query, dataset_id in [("zebrafish", "s-biad531"), ("mosquit*", "s-biad249"),
                              ("organism:zebrafish", "s-biad531"), ("Mosquito Alert", "s-biad249"),
                              ("nuclear segmentation", "s-biad634")]:
        first_result_for(page, query, dataset_id)


def test_everyday_words_and_ontology_ids_find_the_organism_and_method(
        page: Page, site_url: str, catalogue: dict[str, dict[str, Any]]) -> None:
    # Each word finds every dataset of that organism or imaging method, whatever else it finds.
    for query, key, value in [("human", "organisms", "Homo sapiens"),  # common name
                              ("worm", "organisms", "Caenorhabditis elegans"),  # synonym
                              ("brightfield", "imaging_methods", "bright-field microscopy"),  # FBbi:00000243
                              ("9606", "organisms", "Homo sapiens"),  # NCBI taxon id
                              ("yeast", "organisms", "Saccharomyces cerevisiae")]:
        wanted = with_value(catalogue, key, value)
        assert wanted, f"no dataset of {value} to find"
        found = all_results(page, site_url, "q=" + quote(query))
        assert wanted <= set(found), (query, sorted(wanted - set(found)))
    # Restricted to the organism field, the everyday word finds those datasets and no others.
    found = all_results(page, site_url, "q=" + quote("organism:human"))
    assert sorted(found) == sorted(with_value(catalogue, "organisms", "Homo sapiens"))


def test_prefix_query_finds_every_dataset_with_matching_words(
        page: Page, site_url: str, catalogue: dict[str, dict[str, Any]]) -> None:
    found = all_results(page, site_url, "q=segment*")  # through 'Show more results' if there are many
    masks = with_value(catalogue, "annotation_types", "segmentation_mask")  # "Segmentation masks"
    assert len(masks) >= 3
    assert masks <= set(found), sorted(masks - set(found))
    assert TITLES["s-biad531"] not in found  # staging classes: no word of it starts with "segment"


def test_result_shows_title_types_licence_snippet_and_link(page: Page, site_url: str) -> None:
    open_search(page, site_url, "nuclear segmentation")
    result = titled(page, TITLES["s-biad634"])
    expect(result).to_have_count(1)
    expect(result.locator(".result-types")).to_contain_text("Segmentation masks")
    expect(result.locator("img.result-badge")).to_have_attribute("alt", "Licence: CC0-1.0 (public-domain)")
    # What the licence lets a user do, in the dataset page's words (one line: same for both).
    expect(result.locator(".result-verdict")).to_have_text(
        [f"Images and annotations: {licence_verdict('CC0-1.0').headline}"])
    expect(result.locator(".result-thumb")).to_be_empty()
    result.locator("a.result-link").click()
    expect(page).to_have_url(dataset_url(site_url, "s-biad634"))
    expect(page.locator("h1")).to_have_text(TITLES["s-biad634"])


def test_snippets_mark_the_matched_words(page: Page, site_url: str) -> None:
    open_search(page, site_url, "zebrafish")
    marks = results(page).first.locator("p.snippet mark")
    expect(marks.first).to_be_visible()
    assert {m.lower() for m in marks.all_inner_texts()} == {"zebrafish"}


def test_typing_keeps_the_query_in_the_url_without_new_history_entries(page: Page, site_url: str) -> None:
    page.goto(site_url + "index.html")
    page.goto(site_url + SEARCH)
    page.locator("#search-q").press_sequentially("zebrafish")
    expect(results(page).first.locator(".result-title")).to_have_text(TITLES["s-biad531"])
    expect(page).to_have_url(re.compile(r"[?&]q=zebrafish(&|$)"))
    page.go_back()
    expect(page).to_have_url(site_url + "index.html")


def test_facet_narrows_the_results_and_back_restores_them(
        page: Page, site_url: str, catalogue: dict[str, dict[str, Any]]) -> None:
    everything = all_results(page, site_url, "q=fluorescence")
    masked = with_value(catalogue, "annotation_types", "segmentation_mask")
    with_masks = [title for title in everything if title in masked]
    assert 0 < len(with_masks) < len(everything), "the query must have results with and without masks"
    expect(status(page)).to_have_text(counted(len(everything)))
    masks = facet(page, "type", "segmentation_mask")
    expect(masks.locator("span.count")).to_have_text(str(len(with_masks)))

    masks.click()
    expect(status(page)).to_have_text(counted(len(with_masks)))
    assert sorted(every_result(page)) == sorted(with_masks)
    expect(checkbox(page, "type", "segmentation_mask")).to_be_checked()
    expect(page).to_have_url(re.compile(r"[?&]type=segmentation_mask(&|$)"))
    assert url_params(page) == {"q": ["fluorescence"], "type": ["segmentation_mask"]}
    expect(masks.locator("span.count")).to_have_text(str(len(with_masks)))

    page.go_back()
    expect(page).not_to_have_url(re.compile("type="))
    expect(status(page)).to_have_text(counted(len(everything)))
    assert sorted(every_result(page)) == sorted(everything)
    expect(checkbox(page, "type", "segmentation_mask")).not_to_be_checked()
    expect(page.locator("#search-q")).to_have_value("fluorescence")
    assert url_params(page) == {"q": ["fluorescence"]}

    page.go_forward()
    expect(status(page)).to_have_text(counted(len(with_masks)))
    expect(checkbox(page, "type", "segmentation_mask")).to_be_checked()


def offered(page: Page, name: str) -> dict[str, str]:
    """Facet `name` as shown: {value: its count}."""
    labels = page.locator(f"fieldset.facet[data-facet={name}] label")
    pairs: list[list[str]] = labels.evaluate_all(
        "els => els.map(l => [l.querySelector('input').value, l.querySelector('.count').textContent])")
    return dict((value, count) for value, count in pairs)


def test_facets_offer_the_catalogue_values(
        page: Page, site_url: str, catalogue: dict[str, dict[str, Any]]) -> None:
    found = [catalogue[title] for title in all_results(page, site_url, "q=fluorescence")]
    for name, value in [("type", "segmentation_mask"), ("type", "class_labels"),
                        ("licence", "CC0-1.0"), ("licence", "NOASSERTION"),
                        ("organism", "Homo sapiens"), ("method", "fluorescence microscopy"),
                        ("format", "tiff")]:
        expect(checkbox(page, name, value)).to_have_count(1)
        expect(facet(page, name, value).locator("span.count")).to_have_text(re.compile(r"\d"))
    # Each facet offers the values of the results, each counted once per result that has it.
    for name in ["type", "organism", "method", "licence"]:
        counts = Counter(value for entry in found for value in facet_values(entry, name))
        assert offered(page, name) == {value: str(n) for value, n in counts.items()}, name
    # Licences are grouped under what they allow, most reusable first, each group named by its verdict.
    licences = page.locator("fieldset.facet[data-facet=licence]")
    verdicts = {spdx: licence_verdict(spdx) for entry in found for spdx in licences_of(entry)}
    kinds = {v.headline: v.kind for v in verdicts.values()}
    legends = licences.locator("legend").all_inner_texts()
    assert legends[0] == "Licence"
    assert sorted(legends[1:]) == sorted(kinds), "one group per verdict"
    ranks = [["open", "conditions", "unknown"].index(kinds[headline]) for headline in legends[1:]]
    assert ranks == sorted(ranks), legends
    assert legends[1] == licence_verdict("CC0-1.0").headline  # no conditions at all comes first
    for spdx, verdict in verdicts.items():
        group = licences.get_by_role("group", name=verdict.headline, exact=True)
        expect(group.locator(f"input[type=checkbox][value='{spdx}']")).to_have_count(1)
    unstated = licences.get_by_role("group", name=licence_verdict("NOASSERTION").headline)
    not_stated = sum("NOASSERTION" in licences_of(entry) for entry in found)
    expect(unstated.locator("label")).to_have_text([re.compile(rf"^\s*Not stated\s*{not_stated}\s*$")])
    expect(unstated.get_by_role("checkbox", name=re.compile(r"^Not stated\b"))).to_have_count(1)
    years = page.locator("fieldset.facet[data-facet=year] input[type=checkbox][name=year]")
    expect(years.first).to_be_attached()
    assert all(re.fullmatch(r"\d{4}", value) for value in years.evaluate_all("els => els.map(e => e.value)"))


def test_url_state_is_restored_on_load_and_reload(
        page: Page, site_url: str, catalogue: dict[str, dict[str, Any]]) -> None:
    humans = with_value(catalogue, "organisms", "Homo sapiens")  # what organism:human finds
    wanted = humans & with_value(catalogue, "annotation_types", "segmentation_mask")
    types = {value for title in humans for value in facet_values(catalogue[title], "type")}
    others = sorted(types - {"segmentation_mask"})
    assert wanted and others, "the facet must narrow the results, and another type must be on offer"
    page.goto(f"{site_url}{SEARCH}?q=organism%3Ahuman&type=segmentation_mask")
    for _ in range(2):
        expect(page.locator("#search-q")).to_have_value("organism:human")
        expect(checkbox(page, "type", "segmentation_mask")).to_be_checked()
        expect(checkbox(page, "type", others[0])).not_to_be_checked()
        expect(status(page)).to_have_text(counted(len(wanted)))
        assert sorted(every_result(page)) == sorted(wanted)
        page.reload()


def test_repeated_url_keys_tick_several_values(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}{SEARCH}?q=fluorescence&licence=CC0-1.0&licence=NOASSERTION")
    expect(checkbox(page, "licence", "CC0-1.0")).to_be_checked()
    expect(checkbox(page, "licence", "NOASSERTION")).to_be_checked()
    expect(page.locator("#search-q")).to_have_value("fluorescence")


def test_slash_focuses_the_search_box(page: Page, site_url: str) -> None:
    page.goto(site_url + "datasets/s-biad634/index.html")
    page.keyboard.press("/")
    expect(page.locator("#site-search-q")).to_be_focused()
    expect(page.locator("#site-search-q")).to_have_value("")

    page.goto(f"{site_url}{SEARCH}?q=zebrafish")
    results(page).first.locator("a.result-link").focus()
    page.keyboard.press("/")
    expect(page.locator("#search-q")).to_be_focused()
    expect(page.locator("#search-q")).to_have_value("zebrafish")


def test_arrow_keys_and_enter_open_the_second_result(page: Page, site_url: str) -> None:
    load_search(page, site_url, "q=segment*")
    links = results(page).locator("a.result-link")
    expect(links.nth(2)).to_be_visible()
    page.locator("#search-q").focus()
    for key in ["ArrowDown", "ArrowDown", "ArrowDown", "ArrowUp"]:
        page.keyboard.press(key)
    expect(links.nth(1)).to_be_focused()
    target = urljoin(page.url, links.nth(1).get_attribute("href") or "")
    title = results(page).nth(1).locator(".result-title").inner_text()
    page.keyboard.press("Enter")
    expect(page).to_have_url(target)
    expect(page.locator("h1")).to_have_text(title)


def test_every_other_page_has_the_header_search_form(page: Page, site_url: str) -> None:
    for path in ["index.html", "datasets/index.html", "datasets/s-biad634/1.1/index.html",
                 "people/0000-0003-4557-5652/index.html", "licences/CC0-1.0/index.html"]:
        page.goto(site_url + path)
        form = page.locator("header form.site-search[role=search]")
        expect(form, path).to_have_attribute("method", re.compile("^get$", re.IGNORECASE))
        action = urljoin(page.url, form.get_attribute("action") or "")
        assert action in {f"{site_url}search/", f"{site_url}{SEARCH}"}, (path, action)
        expect(form.locator("input#site-search-q"), path).to_have_attribute("name", "q")


def test_header_dropdown_suggests_while_typing(page: Page, site_url: str) -> None:
    page.goto(site_url + "index.html")
    page.locator("#site-search-q").press_sequentially("mosquito")
    dropdown = page.locator("#site-search-dropdown")
    expect(dropdown).to_be_visible()
    suggestions = dropdown.locator("a.suggestion")
    expect(suggestions.first).to_have_text(re.compile(re.escape(TITLES["s-biad249"])))
    assert 1 <= suggestions.count() <= 8
    page.keyboard.press("ArrowDown")
    expect(suggestions.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(dataset_url(site_url, "s-biad249"))


def test_header_search_submits_to_the_search_page(page: Page, site_url: str) -> None:
    page.goto(site_url + "licences/index.html")
    page.locator("#site-search-q").fill("zebrafish")
    page.locator("#site-search-q").press("Enter")
    expect(page).to_have_url(re.compile(re.escape(f"{site_url}search/") + r"(index\.html)?\?q=zebrafish$"))
    expect(page.locator("#search-q")).to_have_value("zebrafish")
    expect(results(page).first.locator(".result-title")).to_have_text(TITLES["s-biad531"])
