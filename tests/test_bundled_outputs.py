"""The bundled catalogue's machine-readable files, read back as their consumers would."""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import mlcroissant as mlc  # type: ignore[import-untyped]
import pytest
import yaml
from bs4 import BeautifulSoup

from site_builder.build import build_site

from .conftest import REPO


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "_site"
    assert build_site(REPO / "datasets", out).published
    return out


def test_every_json_ld_block_parses(site: Path) -> None:
    blocks = 0
    for page in sorted((site / "datasets").rglob("index.html")):
        for script in BeautifulSoup(page.read_text(), "html.parser").select(
                "script[type='application/ld+json']"):
            data = json.loads(script.string or "")
            assert data["@type"] == "Dataset" and data["name"], page
            blocks += 1
    assert blocks >= 18  # a latest page and a page per version for each dataset


def test_every_croissant_file_validates_offline(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("mlcroissant tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    files = sorted((site / "datasets").rglob("croissant.json"))
    assert len(files) == len(list((REPO / "datasets").glob("*/*.yaml")))  # one per version
    for path in files:
        dataset = mlc.Dataset(jsonld=json.loads(path.read_text()))
        assert not dataset.metadata.ctx.issues.errors, (path, dataset.metadata.ctx.issues.report())


def test_every_citation_file_reads_back(site: Path) -> None:
    for cff in sorted((site / "datasets").rglob("citation.cff")):
        data = yaml.safe_load(cff.read_text())
        assert data["cff-version"] == "1.2.0" and data["authors"] and data["title"], cff
        bib = (cff.parent / "citation.bib").read_text()
        assert bib.startswith("@misc{") and bib.count("{") == bib.count("}"), cff
        ris = (cff.parent / "citation.ris").read_text().strip().splitlines()
        assert ris[0].startswith("TY  - ") and ris[-1].startswith("ER  -"), cff


def test_sitemap_and_feed_parse(site: Path) -> None:
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locations = [e.text or "" for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locations) >= 90 and all(loc.startswith("https://") for loc in locations)
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == len(list((REPO / "datasets").glob("*/*.yaml")))  # one per version


def test_bundled_citations_give_the_datas_release_year_and_archive(site: Path) -> None:
    from .test_data_citations import parse_bibtex

    kromp = parse_bibtex((site / "datasets/s-biad634/1.3/citation.bib").read_text())[2]
    assert (kromp["year"], kromp["publisher"], kromp["url"]) == (
        "2020", "BioImage Archive", "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BIAD634")
    mosquito = parse_bibtex((site / "datasets/s-biad249/1.2/citation.bib").read_text())[2]
    assert mosquito["year"] == "2021"
    # The release date added in 1.2 dates the data whichever version is cited.
    assert parse_bibtex((site / "datasets/s-biad249/1.0/citation.bib").read_text())[2]["year"] == "2021"
    empiar = parse_bibtex((site / "datasets/empiar-11658/1.0/citation.bib").read_text())[2]
    assert (empiar["year"], empiar["url"]) == ("2026", "https://www.ebi.ac.uk/empiar/EMPIAR-11658/")
    assert empiar["note"].startswith("EMPIAR accession EMPIAR-11658. Release date not stated; 2026 is")
    header = BeautifulSoup((site / "datasets/s-biad634/index.html").read_text(), "html.parser")
    released = header.select_one("header p.released")
    assert released is not None and released.get_text(" ", strip=True) == "Data released 2020"


def test_no_quick_fact_of_a_bundled_dataset_is_a_bare_dash(site: Path) -> None:
    """A missing fact says "not stated" (and how to add it); a derivable one is derived."""
    from .site_helpers import facts

    pages = sorted(site.glob("datasets/*/index.html")) + sorted(site.glob("datasets/*/*/index.html"))
    checked = 0
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if page.select_one("section.facts") is None:
            continue
        checked += 1
        for label, value in facts(page).items():
            assert value.strip() not in ("", "–", "-", "—"), (path.relative_to(site).as_posix(), label)
    assert checked >= 8


@pytest.mark.parametrize("listing", ["index.html", "datasets/index.html", "licences/CC0-1.0/index.html",
                                     "annotation-types/segmentation_mask/index.html"])
def test_dataset_cards_show_the_first_example_image(site: Path, listing: str) -> None:
    """Every list of datasets shows each dataset's picture; the title link says what it is."""
    import posixpath

    page = BeautifulSoup((site / listing).read_text(encoding="utf-8"), "html.parser")
    cards = page.select("article.card") or page.select("table.datasets tbody tr")  # browse is a table
    assert cards, listing
    for card in cards:
        image = card.select_one("img.card-thumb, img.row-thumb")
        assert image is not None, card.select_one("a").get_text()
        assert image["alt"] == "" and card.select_one("a").get_text().strip()
        target = posixpath.normpath(posixpath.join(posixpath.dirname(listing), str(image["src"])))
        assert (site / target).is_file(), target
