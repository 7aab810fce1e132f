"""Citations cite the data (its authors, release year, DOI or archive accession), and the data's release
date, not the catalogue version's timestamp, drives the Year facet and the newest datasets."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml

from site_builder import validate_text
from site_builder.build import build_site
from site_builder.model import Manifest
from site_builder.outputs import bibtex, citation_cff, ris
from site_builder.render.pages import DatasetEntry
from site_builder.settings import Settings

from .conftest import MINIMAL
from .site_helpers import soup, text

BASE = "https://catalogue.example.org/"
SETTINGS = Settings(title="Test Catalogue", description="Annotated bioimages.", base_url=BASE)
SECOND_VERSION = ('  version: "1.1"\n  timestamp: 2026-11-23T12:00:00+00:00\n'
                  '  previous_version: "1.0"\n  changes: Added the class counts.\n')


def with_study(extra: str, *, timestamp: str = "2024-05-01T10:00:00+00:00", version: str = "1.0") -> str:
    """MINIMAL with more study fields (indented two spaces) and the version's label and time."""
    text = MINIMAL.replace("  funding_statement: No specific funding.\n",
                           "  funding_statement: No specific funding.\n" + textwrap.indent(extra, "  "))
    return text.replace("2024-05-01T10:00:00+00:00", timestamp).replace('version: "1.0"',
                                                                        f'version: "{version}"')


def versions(first: str) -> tuple[str, str]:
    """The manifest as version 1.0 and a version 1.1 of 2026."""
    return first, first.split("version:\n  version:")[0] + "version:\n" + SECOND_VERSION


def manifest(text: str) -> Manifest:
    loaded = validate_text(text).manifest
    assert loaded is not None
    return loaded


def parse_bibtex(entry: str) -> tuple[str, str, dict[str, str]]:
    """(type, key, fields) of one entry, reading braces as BibTeX does (a `\\{` is not a brace)."""
    assert entry.startswith("@") and entry.endswith("}\n"), entry
    kind, rest = entry[1:].split("{", 1)
    key, body = rest.split(",\n", 1)
    fields: dict[str, str] = {}
    position = 0
    body = body.rstrip().removesuffix("}").rstrip()  # the entry's closing brace
    while position < len(body):
        name = body[position:].partition(" = {")[0]
        start = position + len(name) + 4
        depth, index = 1, start
        while depth:
            char = body[index]
            if char == "\\":
                index += 2
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            index += 1
        fields[name.strip()] = body[start:index - 1]
        assert index == len(body) or body[index:index + 2] == ",\n", body[index:]
        position = index + 2
    return kind, key, fields


def parse_ris(record: str) -> list[tuple[str, str]]:
    lines = record.split("\r\n")
    assert lines[-1] == "" and lines[-2] == "ER  - "
    return [(line[:2], line[6:]) for line in lines[:-2]]


WITH_DOI = with_study("release_date: 2019-03-15\ndata_url: https://doi.org/10.5281/zenodo.1234567\n",
                      timestamp="2026-11-23T00:00:00+00:00")
WITH_ACCESSION = with_study("release_date: 2020\naccession: S-BIAD999\n"
                            "data_url: https://www.ebi.ac.uk/biostudies/files/S-BIAD999/\n",
                            timestamp="2025-02-01T00:00:00+00:00")
WITHOUT_DATE = with_study("accession: EMPIAR-10001\n", timestamp="2025-02-01T00:00:00+00:00")


@pytest.fixture(scope="module")
def entries() -> dict[str, DatasetEntry]:
    return {
        "doi": DatasetEntry("zen", [manifest(WITH_DOI)]),
        "accession": DatasetEntry("bia", [manifest(text) for text in versions(WITH_ACCESSION)]),
        "undated": DatasetEntry("empiar", [manifest(text) for text in versions(WITHOUT_DATE)]),
    }


def test_bibtex_of_a_dataset_with_a_doi(entries: dict[str, DatasetEntry]) -> None:
    entry = entries["doi"]
    assert parse_bibtex(bibtex(entry, entry.latest, SETTINGS)) == ("misc", "zen_1.0", {
        "author": "{Lovelace}, Ada",
        "title": "{Nuclei in fluorescence images}",
        "year": "2019",
        "version": "1.0",
        "doi": "10.5281/zenodo.1234567",
        "url": "https://doi.org/10.5281/zenodo.1234567",
        "note": f"Available in Test Catalogue, version 1.0: {BASE}datasets/zen/1.0/",
    })


def test_bibtex_of_a_dataset_with_only_an_accession(entries: dict[str, DatasetEntry]) -> None:
    entry = entries["accession"]
    kind, key, fields = parse_bibtex(bibtex(entry, entry.latest, SETTINGS))
    assert (kind, key) == ("misc", "bia_1.1")
    assert fields["year"] == "2020"  # the data's release, not the version's 2026
    assert fields["publisher"] == "BioImage Archive" and "doi" not in fields
    assert fields["url"] == "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BIAD999"
    assert fields["note"] == (f"BioImage Archive accession S-BIAD999. Available in Test Catalogue, "
                              f"version 1.1: {BASE}datasets/bia/1.1/")


def test_without_a_release_date_the_year_is_the_first_versions_and_the_note_says_so(
        entries: dict[str, DatasetEntry]) -> None:
    entry = entries["undated"]
    fields = parse_bibtex(bibtex(entry, entry.latest, SETTINGS))[2]
    assert fields["year"] == "2025"  # the first version (2025-02-01), not the latest (2026-11-23)
    assert fields["publisher"] == "EMPIAR" and fields["url"] == "https://www.ebi.ac.uk/empiar/EMPIAR-10001/"
    assert fields["note"] == ("EMPIAR accession EMPIAR-10001. Release date not stated; 2025 is the year the "
                              f"dataset entered Test Catalogue. Available in Test Catalogue, version 1.1: "
                              f"{BASE}datasets/empiar/1.1/")
    assert dict(parse_ris(ris(entry, entry.latest, SETTINGS)))["PY"] == "2025"
    cff = yaml.safe_load(citation_cff(entry, entry.latest, SETTINGS))
    assert cff["date-released"] == "2025-02-01" and cff["preferred-citation"]["year"] == 2025
    assert cff["preferred-citation"]["notes"].startswith("Release date not stated; 2025 is the year")


def test_a_release_date_stated_in_a_later_version_dates_the_earlier_ones() -> None:
    first, second = versions(WITHOUT_DATE)
    entry = DatasetEntry("empiar", [manifest(first), manifest(second.replace(
        "  accession: EMPIAR-10001\n", "  accession: EMPIAR-10001\n  release_date: 2018-11\n"))])
    fields = parse_bibtex(bibtex(entry, entry.versions[0], SETTINGS))[2]
    assert (fields["year"], fields["note"]) == ("2018", "EMPIAR accession EMPIAR-10001. Available in Test "
                                                f"Catalogue, version 1.0: {BASE}datasets/empiar/1.0/")
    assert dict(parse_ris(ris(entry, entry.versions[0], SETTINGS)))["DA"] == "2018/11/"


def test_a_manifest_without_a_release_date_is_valid_with_a_warning() -> None:
    report = validate_text(WITHOUT_DATE)
    assert report.manifest is not None and report.manifest.study.release_date is None
    assert [(p.severity.value, p.path, p.message) for p in report.problems if "release" in p.path] == [
        ("warning", "study.release_date", "missing recommended field 'release_date'")]


def test_ris_of_both(entries: dict[str, DatasetEntry]) -> None:
    entry = entries["doi"]
    assert parse_ris(ris(entry, entry.latest, SETTINGS)) == [
        ("TY", "DATA"), ("TI", "Nuclei in fluorescence images"), ("AU", "Lovelace, Ada"),
        ("PY", "2019"), ("DA", "2019/03/15"), ("ET", "1.0"), ("DO", "10.5281/zenodo.1234567"),
        ("UR", "https://doi.org/10.5281/zenodo.1234567"),
        ("AB", "Fluorescence images of cell nuclei with expert segmentation masks."),
        ("N1", f"Available in Test Catalogue, version 1.0: {BASE}datasets/zen/1.0/")]
    entry = entries["accession"]
    tags = parse_ris(ris(entry, entry.latest, SETTINGS))
    assert ("PY", "2020") in tags and "DA" not in dict(tags) and "DO" not in dict(tags)
    assert ("PB", "BioImage Archive") in tags and ("AN", "S-BIAD999") in tags
    assert ("UR", "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BIAD999") in tags


def test_citation_cff_of_both(entries: dict[str, DatasetEntry]) -> None:
    import check_jsonschema  # type: ignore[import-untyped]
    import jsonschema  # type: ignore[import-untyped]

    schema = json.loads((Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
                         / "citation-file-format.json").read_text(encoding="utf-8"))
    entry = entries["doi"]
    written = citation_cff(entry, entry.latest, SETTINGS)
    assert "&id" not in written and "*id" not in written  # authors written out, not as YAML aliases
    cff = yaml.safe_load(written)
    jsonschema.validate(cff, schema)
    assert (cff["doi"], cff["date-released"], cff["url"]) == (
        "10.5281/zenodo.1234567", "2019-03-15", "https://doi.org/10.5281/zenodo.1234567")
    assert cff["preferred-citation"] == {
        "type": "data", "title": "Nuclei in fluorescence images",
        "authors": [{"family-names": "Lovelace", "given-names": "Ada",
                     "orcid": "https://orcid.org/0000-0002-1825-0097"}],
        "year": 2019, "month": 3, "doi": "10.5281/zenodo.1234567",
        "url": "https://doi.org/10.5281/zenodo.1234567", "version": "1.0",
        "notes": f"Available in Test Catalogue, version 1.0: {BASE}datasets/zen/1.0/"}
    entry = entries["accession"]
    cff = yaml.safe_load(citation_cff(entry, entry.latest, SETTINGS))
    jsonschema.validate(cff, schema)
    assert "doi" not in cff and "date-released" not in cff  # a year is not a CFF date
    assert cff["url"] == "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BIAD999"
    preferred = cff["preferred-citation"]
    assert (preferred["year"], preferred["publisher"], "month" in preferred) == (
        2020, {"name": "BioImage Archive"}, False)
    assert cff["identifiers"] == [
        {"type": "other", "value": "S-BIAD999", "description": "BioImage Archive accession"},
        {"type": "url", "value": "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BIAD999",
         "description": "BioImage Archive landing page"},
        {"type": "url", "value": f"{BASE}datasets/bia/1.1/",
         "description": "Test Catalogue page of version 1.1"}]


@pytest.mark.parametrize(("written", "kept"), [
    ("2020", "2020"), ('"2020"', "2020"), ("2020-08", "2020-08"), ("2020-08-07", "2020-08-07"),
    ("'2020-08-07'", "2020-08-07"), ("2020-08-07T23:30:00-05:00", "2020-08-08"),
])
def test_release_date_keeps_the_precision_the_source_gives(written: str, kept: str) -> None:
    report = validate_text(with_study(f"release_date: {written}\n"))
    assert report.manifest is not None and report.manifest.study.release_date == kept
    assert [p for p in report.problems if p.path == "study.release_date"] == []


@pytest.mark.parametrize(("written", "severity", "message"), [
    ('"2020-13"', "error", "'2020-13' is not a date in the calendar"),
    ('"2021-02-29"', "error", "'2021-02-29' is not a date in the calendar"),
    ("soon", "error", "'soon' is not a release date"),
    ("1700", "error", "'1700' is not a plausible release year"),
    ("true", "error", "'true' is not a release date"),
    ("[2020]", "error", "'[2020]' is not a release date"),
    ("2200-01-01", "warning", "the release date '2200-01-01' is in the future"),
])
def test_a_wrong_release_date_is_located_with_a_hint(written: str, severity: str, message: str) -> None:
    source = with_study(f"release_date: {written}\n")
    report = validate_text(source)
    line = source.splitlines().index(f"  release_date: {written}") + 1
    found = [(p.severity.value, p.line, p.message) for p in report.problems if p.path == "study.release_date"]
    assert found == [(severity, line, message)]
    assert all(p.hint for p in report.problems if p.path == "study.release_date")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three datasets whose release order is the reverse of their catalogue order."""
    root = tmp_path_factory.mktemp("released")
    files = {
        "old/1.0.yaml": with_study("release_date: 2019-03-15\n", timestamp="2026-11-23T00:00:00+00:00"),
        "mid/1.0.yaml": with_study("release_date: 2021-06\n", timestamp="2025-01-01T00:00:00+00:00"),
        "undated/1.0.yaml": with_study("", timestamp="2020-01-01T00:00:00+00:00"),
    }
    for name, content in files.items():
        path = root / "datasets" / name
        path.parent.mkdir(parents=True)
        path.write_text(content.replace("Nuclei in", name.split("/")[0].capitalize() + " nuclei in"),
                        encoding="utf-8")
    assert build_site(root / "datasets", root / "_site").published
    return root / "_site"


def test_the_year_facet_is_the_release_year(site: Path) -> None:
    search = site / "search"
    manifest = json.loads((search / "manifest.json").read_text())
    facets = {f["name"]: f for f in json.loads((search / manifest["facets"]).read_text())}
    chunk = json.loads((search / manifest["chunks"][0]).read_text())
    year = facets["year"]
    assert year["values"] == ["2021", "2019"]  # none for the undated dataset, not its catalogue year
    by_title = {row[0].split()[0]: [year["values"][i] for i in docs]
                for row, docs in zip(chunk, year["docs"], strict=True)}
    assert by_title == {"Old": ["2019"], "Mid": ["2021"], "Undated": []}


def test_newest_datasets_are_ordered_by_release(site: Path) -> None:
    home = soup(site, "index.html")
    section = home.select_one("section[aria-labelledby=newest]")
    assert section is not None
    titles = [text(h) for h in section.select("h3")]
    # mid: released 2021-06; undated: entered the catalogue 2020-01-01; old: released 2019-03-15,
    # though its catalogue version (2026) is the newest.
    assert titles == ["Mid nuclei in fluorescence images", "Undated nuclei in fluorescence images",
                      "Old nuclei in fluorescence images"]


def test_the_dataset_page_shows_the_release_apart_from_the_catalogue_version(site: Path) -> None:
    page = soup(site, "datasets/mid/index.html")
    released = page.select_one("header p.released")
    assert text(released) == "Data released 2021-06"
    assert released is not None and released.time is not None and released.time["datetime"] == "2021-06"
    assert [text(p) for p in page.select("header p.meta") if text(p).startswith("Version")] == [
        "Version 1.0 · 2025-01-01 00:00 UTC"]
    assert text(soup(site, "datasets/undated/index.html").select_one("header p.released")) == \
        "Data release date not stated"
    shown = text(page.select_one("section.cite pre"))
    assert "year = {2021}" in shown and "year = {2025}" not in shown
    assert parse_bibtex((site / "datasets/mid/1.0/citation.bib").read_text())[2]["year"] == "2021"
