"""Class 7 of issue 15 ("Smaller"): what the site shows of a time, and what a search downloads.

Times: every page, the feed, the citations, the metadata and the search facets give a version's
instant in UTC (and its date as the UTC date); pages show the time as recorded beside it when
its offset is not zero; a time no date type can convert to UTC is shown as recorded. The API
keeps the manifest's value as written. Inputs: tests/fixtures/hostile/display/timestamp-*.yaml.

Search: whatever the script, the length of a term, a prefix shared by thousands of terms or a
word found in every dataset, no search file exceeds its budget (bundle.SHARD_BYTES), and a
query still finds its dataset through search/manifest.json while fetching only its terms' shards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from site_builder.build import build_site
from site_builder.search.bundle import FACET_VALUES_PER_DOCUMENT, SHARD_BYTES, search_files
from site_builder.search.documents import SearchDocument
from site_builder.search.shard_plan import shard_of

# hostile_corpus first: importing it loads tests/hostile_cases/, display.py among them.
from . import hostile_corpus, search_client
from .hostile_cases.display import (
    DATASETS_PER_SCRIPT,
    FORMATS,
    LONG_WORD,
    PREFIX,
    PREFIXED_WORDS,
    SCRIPTS,
    nonlatin_catalogue,
    script_keywords,
    script_word,
    script_words,
)
from .site_helpers import text

# ---- times ----------------------------------------------------------------------------------

TIMES: dict[str, tuple[str, str, str, str, str]] = {
    # input: (as a page shows it, <time datetime>, UTC date, feed and JSON-LD time, as the API has it)
    "timestamp-with-offset": (
        "2024-03-07 05:00 UTC (recorded as 2024-03-07 10:00 +05:00)", "2024-03-07T05:00:00Z",
        "2024-03-07", "2024-03-07T05:00:00+00:00", "2024-03-07T10:00:00+05:00"),
    "timestamp-offset-crosses-new-year": (
        "2024-12-31 21:30 UTC (recorded as 2025-01-01 02:30 +05:00)", "2024-12-31T21:30:00Z",
        "2024-12-31", "2024-12-31T21:30:00+00:00", "2025-01-01T02:30:00+05:00"),
    "timestamp-negative-offset": (
        "2025-01-01 01:30 UTC (recorded as 2024-12-31 22:00 -03:30)", "2025-01-01T01:30:00Z",
        "2025-01-01", "2025-01-01T01:30:00+00:00", "2024-12-31T22:00:00-03:30"),
    "timestamp-largest-offset": (
        "2024-03-06 10:01 UTC (recorded as 2024-03-07 10:00 +23:59)", "2024-03-06T10:01:00Z",
        "2024-03-06", "2024-03-06T10:01:00+00:00", "2024-03-07T10:00:00+23:59"),
    "timestamp-without-offset": (
        "2024-03-07 10:00 UTC", "2024-03-07T10:00:00Z", "2024-03-07", "2024-03-07T10:00:00+00:00",
        "2024-03-07T10:00:00Z"),
    "timestamp-far-future-with-offset": (  # year 10000 in UTC: shown as recorded
        "9999-12-31 23:00 -05:00", "9999-12-31T23:00:00-05:00", "9999-12-31", "9999-12-31T23:00:00-05:00",
        "9999-12-31T23:00:00-05:00"),
    "timestamp-year-one-with-offset": (  # year 0 in UTC: shown as recorded, four-digit year
        "0001-01-01 01:00 +05:00", "0001-01-01T01:00:00+05:00", "0001-01-01", "0001-01-01T01:00:00+05:00",
        "0001-01-01T01:00:00+05:00"),
}


@pytest.fixture(scope="module")
def time_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every timestamp input of the corpus, one dataset each, in one site."""
    root = tmp_path_factory.mktemp("times")
    for name in TIMES:
        folder = root / "datasets" / name
        folder.mkdir(parents=True)
        shutil.copyfile(hostile_corpus.HOSTILE / "display" / f"{name}.yaml", folder / "1.0.yaml")
    result = build_site(root / "datasets", root / "_site")
    assert result.published, [p.message for p in result.report.errors]
    return root / "_site"


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(TIMES))
def test_pages_show_the_time_in_utc_with_the_recorded_offset(time_site: Path, name: str) -> None:
    shown, machine, day, _, _ = TIMES[name]
    for path in (f"datasets/{name}/index.html", f"datasets/{name}/1.0/index.html"):
        dataset = page(time_site, path)
        assert [text(p) for p in dataset.select("p.meta") if text(p).startswith("Version")] == [
            f"Version 1.0 · {shown}"], path
        made = [dd for dt in dataset.select("dt") if text(dt) == "Made" for dd in dt.find_next_siblings("dd")]
        assert [text(dd) for dd in made] == [shown], path
        assert {str(t["datetime"]) for t in dataset.select("time")} == {machine}, path
        if name == "timestamp-with-offset":  # the example
            assert "10:00 UTC" not in text(dataset), path
    home = page(time_site, "index.html")
    versions = [li for li in home.select("ol.plain li") if f"datasets/{name}/" in str(li)]
    assert [text(li.select_one("span.meta")) for li in versions] == [day]
    browse = page(time_site, "datasets/index.html")
    [row] = [tr for tr in browse.select("tbody tr") if tr.select(f'a[href="{name}/index.html"]')]
    assert text(row.select("td")[-1]) == day


@pytest.mark.parametrize("name", sorted(TIMES))
def test_feed_citations_metadata_and_search_agree_with_the_page(time_site: Path, name: str) -> None:
    _, _, day, instant, recorded = TIMES[name]
    year = day[:4].lstrip("0")
    atom = {"a": "http://www.w3.org/2005/Atom"}
    feed = ElementTree.fromstring((time_site / "feed.xml").read_bytes())
    [entry] = [e for e in feed.findall("a:entry", atom) if f"/{name}/" in e.findtext("a:id", "", atom)]
    assert [entry.findtext(f"a:{tag}", "", atom) for tag in ("published", "updated")] == [instant, instant]
    folder = f"datasets/{name}/1.0"
    assert f"  year = {{{year}}},\n" in read(time_site, f"{folder}/citation.bib")
    ris = read(time_site, f"{folder}/citation.ris")
    assert f"PY  - {day[:4]}\n" in ris and f"DA  - {day.replace('-', '/')}\n" in ris
    assert f"date-released: '{day}'\n" in read(time_site, f"{folder}/citation.cff")
    assert json.loads(read(time_site, f"{folder}/croissant.json"))["datePublished"] == day
    ld_script = page(time_site, f"{folder}/index.html").select_one('script[type="application/ld+json"]')
    assert ld_script is not None
    ld = json.loads(ld_script.get_text())
    assert (ld["datePublished"], ld["dateModified"]) == (day, instant)
    assert json.loads(read(time_site, f"api/datasets/{name}/1.0.json"))["version"]["timestamp"] == recorded
    manifest = json.loads(read(time_site, "search/manifest.json"))
    facets = {f["name"]: f for f in json.loads(read(time_site, "search/" + manifest["facets"]))}
    rows = [row for chunk in manifest["chunks"] for row in json.loads(read(time_site, "search/" + chunk))]
    ref = [row[1] for row in rows].index(f"datasets/{name}/")
    years = facets["year"]
    assert [years["values"][i] for i in years["docs"][ref]] == []  # the data's release year: not stated


def _git(folder: Path, *args: str, when: str = "") -> None:
    # No user or system configuration: only what the test says.
    env = {"HOME": str(folder), "GIT_CONFIG_NOSYSTEM": "1", "PATH": os.environ.get("PATH", ""),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def test_git_dates_with_offsets_are_shown_and_sorted_in_utc(tmp_path: Path) -> None:
    """Committer dates carry the committer's offset: `early` was committed at 01:00 in Karachi
    (20:00 UTC the day before), `late` two hours after that, at 22:00 UTC."""
    source = (hostile_corpus.HOSTILE / "display" / "timestamp-with-offset.yaml").read_text(encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    for name, when in [("early", "2024-03-07T01:00:00+05:00"), ("late", "2024-03-06T22:00:00+00:00")]:
        folder = tmp_path / "datasets" / name
        folder.mkdir(parents=True)
        (folder / "1.0.yaml").write_text(source.replace("Nuclei in fluorescence images", f"Dataset {name}"),
                                         encoding="utf-8")
        _git(tmp_path, "add", ".")
        _git(tmp_path, "commit", "-q", "-m", name, when=when)
    result = build_site(tmp_path / "datasets", tmp_path / "_site")
    assert result.published
    site = tmp_path / "_site"
    dates = page(site, "datasets/early/index.html").select_one("p.dates")
    assert dates is not None and text(dates) == "In the catalogue since 2024-03-06 · last changed 2024-03-06"
    cards = page(site, "index.html").select("section[aria-labelledby=newest] a")
    assert [text(a) for a in cards if text(a).startswith("Dataset")] == ["Dataset late", "Dataset early"]


# ---- search ---------------------------------------------------------------------------------

def refs_of(site: Path) -> tuple[list[str], dict[str, str]]:
    """Every ref, and each ref's dataset id, from the display chunks."""
    manifest = json.loads(read(site, "search/manifest.json"))
    rows = [row for chunk in manifest["chunks"] for row in json.loads(read(site, "search/" + chunk))]
    return [str(i) for i in range(len(rows))], {str(i): row[1].split("/")[1] for i, row in enumerate(rows)}


def found(site: Path, query: str, *, with_text: bool = True) -> tuple[list[str], list[int], list[int]]:
    """Dataset ids a query finds, best first, as the browser runs it; and the shards it fetched
    (short fields, descriptions)."""
    refs, ids = refs_of(site)
    short, full_text = search_client.from_site(site, "short"), search_client.from_site(site, "text")
    hits = search_client.search(query, [short, full_text] if with_text else [short], refs)
    return [ids[ref] for ref, _ in hits], short.fetched, full_text.fetched


def shard_files(site: Path) -> dict[str, list[Path]]:
    return {kind: sorted((site / "search" / kind).glob("*.json")) for kind in ("t", "x")}


def assert_within_budget(site: Path) -> None:
    for kind, files in shard_files(site).items():
        assert files
        sizes = {f.name: f.stat().st_size for f in files}
        assert max(sizes.values()) <= SHARD_BYTES[kind], (kind, max(sizes.items(), key=lambda kv: kv[1]))


@pytest.fixture(scope="module")
def nonlatin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("nonlatin")
    nonlatin_catalogue(root, hostile_corpus.Ports(0, 0))
    result = build_site(root / "datasets", root / "_site")
    assert result.published, [p.message for p in result.report.errors]
    return root / "_site"


def test_60000_nonlatin_terms_are_spread_over_shards_within_budget(nonlatin_site: Path) -> None:
    assert_within_budget(nonlatin_site)
    terms = {term for f in shard_files(nonlatin_site)["x"]
             for term, _ in json.loads(f.read_text())["invertedIndex"]}
    assert len(terms) >= 60_000  # every generated word is indexed (plus a few English ones)
    assert all(word in terms for script in SCRIPTS for d in range(DATASETS_PER_SCRIPT)
               for word in script_words(script, d))
    assert len(shard_files(nonlatin_site)["x"]) >= 60_000 * 20 // SHARD_BYTES["x"]


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_query_in_each_script_finds_its_dataset_and_fetches_one_shard_per_word(
        nonlatin_site: Path, script: str) -> None:
    for dataset in range(DATASETS_PER_SCRIPT):
        wanted, other = f"{script}-{dataset}", (dataset + 1) % DATASETS_PER_SCRIPT
        keyword = script_keywords(script, dataset)[1]
        bounds = search_client.from_site(nonlatin_site, "short").bounds
        assert found(nonlatin_site, keyword, with_text=False)[:2] == ([wanted], [shard_of(keyword, bounds)])
        words = script_words(script, dataset)
        for word in (words[0], words[3_333], words[-1]):
            ids, short, full_text = found(nonlatin_site, word)
            assert ids == [wanted] and len(short) == 1 and len(full_text) == 1, word
        ids, _, full_text = found(nonlatin_site, f"{words[10]} {script_words(script, other)[20]}")
        assert sorted(ids) == sorted([wanted, f"{script}-{other}"]) and len(full_text) == 2
        ids, _, _ = found(nonlatin_site, f"+{words[10]} -{words[11]}")
        assert ids == []


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_prefix_query_in_each_script_fetches_only_the_shards_of_its_range(
        nonlatin_site: Path, script: str) -> None:
    word = script_words(script, 1)[500]
    prefix = word[:-1]
    expected = sorted({f"{script}-{d}" for d in range(DATASETS_PER_SCRIPT)
                       if any(w.startswith(prefix) for w in script_words(script, d))})
    ids, _, full_text = found(nonlatin_site, prefix + "*")
    assert sorted(ids) == expected == [f"{script}-1"]
    assert 1 <= len(full_text) <= 2


def build_one(tmp_path: Path, name: str) -> Path:
    prepared = hostile_corpus.prepare(name, tmp_path, hostile_corpus.Ports(0, 0))
    result = build_site(prepared.cwd / "datasets", tmp_path / "_site")
    assert result.published, [p.message for p in result.report.errors]
    return tmp_path / "_site"


def test_a_word_of_29000_letters_is_cut_to_64_and_still_found(tmp_path: Path) -> None:
    name = "display/word-of-29000-letters.yaml"
    site = build_one(tmp_path, name)
    assert_within_budget(site)
    dataset = hostile_corpus.slug(name)
    assert found(site, LONG_WORD)[0] == [dataset]
    assert found(site, LONG_WORD[:64])[0] == [dataset]
    assert found(site, LONG_WORD[:80] + "*")[0] == [dataset]
    assert found(site, "λλλ*")[0] == [dataset]
    assert found(site, LONG_WORD[:63])[0] == []
    terms = {t for f in shard_files(site)["x"] for t, _ in json.loads(f.read_text())["invertedIndex"]}
    assert LONG_WORD[:64] in terms and max(map(len, terms)) == 64


def holding(site: Path, kind: str, wanted: Callable[[str], bool]) -> list[int]:
    """The shards of one kind ("short", "text") that hold a term `wanted` accepts."""
    entries = json.loads(read(site, "search/manifest.json"))[kind]

    def terms(paths: list[str]) -> list[str]:
        files = [json.loads(read(site, "search/" + path)) for path in paths]
        return [term for index in files for term, _ in index["invertedIndex"]]

    return [number for number, (_, paths) in enumerate(entries) if any(map(wanted, terms(paths)))]


def test_twenty_thousand_keywords_sharing_a_60_letter_prefix_are_split_by_size(tmp_path: Path) -> None:
    name = "display/twenty-thousand-keywords-one-long-prefix.yaml"
    site = build_one(tmp_path, name)
    assert_within_budget(site)
    prefixed = holding(site, "short", lambda term: term.startswith(PREFIX))
    assert len(prefixed) > 20
    for word in (PREFIXED_WORDS[0], PREFIXED_WORDS[12_345], PREFIXED_WORDS[-1]):
        ids, short, _ = found(site, word, with_text=False)
        assert ids == [hostile_corpus.slug(name)] and len(short) == 1 and short[0] in prefixed
    ids, short, _ = found(site, PREFIX + "*", with_text=False)
    assert ids == [hostile_corpus.slug(name)] and short == prefixed


def test_60000_nonlatin_keywords_of_one_manifest_are_spread_over_shards_within_budget(tmp_path: Path) -> None:
    name = "display/nonlatin-keywords-60000.yaml"
    site = build_one(tmp_path, name)
    assert_within_budget(site)
    assert len(holding(site, "short", lambda term: not term.isascii())) >= 60_000 * 20 // SHARD_BYTES["t"]
    for script in SCRIPTS:
        for word in (script_word(script, 20_000), script_word(script, 34_999)):
            ids, short, _ = found(site, word, with_text=False)
            assert ids == [hostile_corpus.slug(name)] and len(short) == 1, word


def test_a_dataset_with_2000_formats_is_searchable_and_gives_the_facets_50(tmp_path: Path) -> None:
    name = "display/two-thousand-formats.yaml"
    site = build_one(tmp_path, name)
    assert_within_budget(site)
    manifest = json.loads(read(site, "search/manifest.json"))
    facets = {f["name"]: f for f in json.loads(read(site, "search/" + manifest["facets"]))}
    assert facets["format"]["values"] == FORMATS[:FACET_VALUES_PER_DOCUMENT]
    assert found(site, FORMATS[-1], with_text=False)[0] == [hostile_corpus.slug(name)]


def _document(number: int, title: str, description: str) -> SearchDocument:
    fields = {"title": title, "keywords": "", "organism": "", "method": "", "types": "", "people": "",
              "formats": "", "id": f"d{number}", "description": description}
    return SearchDocument(f"d{number}", f"datasets/d{number}/", fields, {}, title, "", (), ())


def test_a_word_in_every_one_of_1500_datasets_is_split_into_files_within_budget(tmp_path: Path) -> None:
    """One term's postings outgrow any budget: its shard is several files, fetched only for it."""
    documents = [_document(i, f"microscopy dataset{i}", f"images of cells number{i}") for i in range(1_500)]
    site = tmp_path / "_site"
    for path, data in search_files(documents).items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    assert_within_budget(site)
    manifest: dict[str, Any] = json.loads(read(site, "search/manifest.json"))
    split = [bound for bound, paths in manifest["short"] if len(paths) > 1]
    assert split == ["m"]  # "microscopi", after "dataset999"
    ids, short, _ = found(site, "microscopy", with_text=False)
    assert len(ids) == 1_500 and len(short) == 1
    assert found(site, "dataset777", with_text=False)[0] == ["d777"]
    ids, _, full_text = found(site, "+cells +number1234")
    assert ids == ["d1234"] and len(full_text) == 2
