"""Every output format neutralises text that would break it (issue 15, class 5), read back with a
real parser of that format.

Validation refuses control characters (tests/hostile_cases/formats.py), but warnings still
publish and not every path validates. So each format is also checked on a version built through
the model directly, validation bypassed, full of control characters, bidirectional controls,
line breaks and the format's own syntax, and the tests assert what a reader of the file gets.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from ruamel.yaml import YAML

from site_builder import Manifest, Problem, Report, Severity, validate_paths
from site_builder.build import build_site
from site_builder.diff import diff_manifests
from site_builder.outputs import atom_feed, bibtex, citation_cff, croissant, dataset_jsonld, ris, sitemap
from site_builder.outputs.common import stable_json
from site_builder.render.pages import DatasetEntry
from site_builder.report_format import format_github, format_human, format_json, format_markdown
from site_builder.settings import Settings

from .conftest import MINIMAL, REPO, Result
from .hostile_corpus import HOSTILE

Mifa = Callable[..., Result]

BASE = "https://catalogue.example.org/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ISSUE_CONTROLS = "\f\x1b\x7f\x85\x9b\x01\uffff"
"""The control characters of the issue, as `"\\f\\e\\x7f\\x85\\x9b\\x01\\uFFFF"` writes them."""
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
"""What no published file may contain (tab and line feed aside)."""
BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SETTINGS = Settings(title="MIFA\x1b[2J Catalogue\u202e", base_url=BASE)


def hostile_manifest(**changes: Any) -> Manifest:
    """A version no validation would pass: control characters, an unclosed override, line breaks
    and BibTeX, Markdown and HTML syntax in every text a citation or a feed prints."""
    data: dict[str, Any] = {
        "study": {
            "title": f"Nuclei{ISSUE_CONTROLS} in \u202efluorescence images",
            "description": "Fluorescence images of nuclei.\r\n## ✅ ready for review\r\n"
                           "<b>bold</b> {braces} 100% \\textbf{x}\x1b[2J",
            "keywords": ["nuclei\x1b[8m", "cells\r\nKW  - forged", "\u202cstray \u2067נוזל"],
            "license": "CC0-1.0",
            "authors": [
                {"author_first_name": "Sabine and Mallory, Eve", "author_last_name": "Lovelace",
                 "organisation": [{"organisation_name": "Institute\x00 of\u2028Optics"}]},
                {"author_first_name": "Grace\x1b]0;owned\x07", "author_last_name": "Hopper } and {Sons, Jr"},
            ],
            "funding_statement": "None.",
            "publications": [{"publication_title": "A paper\x0b with\x85breaks",
                              "publication_authors": "S. Lovelace\r\nand G. Hopper"}],
        },
        "annotations": [{"annotation_overview": "Nuclei outlined.", "annotation_type": "segmentation_mask",
                         "annotation_method": "By hand."}],
        "version": {"version": "1.0", "timestamp": "2024-05-01T10:00:00+00:00"},
    }
    data["study"].update(changes)
    return Manifest.model_validate(data)


TITLE = "Nuclei in \u202efluorescence images\u202c"
"""The title as published: control characters gone, NEL a space, the override closed."""
PEOPLE = [("Lovelace", "Sabine and Mallory, Eve"), ("Hopper } and {Sons, Jr", "Grace]0;owned")]
"""(family, given) as published: one person each, whatever `and`, commas and braces they hold."""


@pytest.fixture(scope="module")
def entry() -> DatasetEntry:
    return DatasetEntry("nuclei", [hostile_manifest()], fingerprint="")


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [*strings(k), *strings(v)]]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


# XML: feed.xml and sitemap.xml -----------------------------------------------------------

def test_feed_and_sitemap_are_well_formed_xml_with_the_text_readers_expect(entry: DatasetEntry) -> None:
    feed = ET.fromstring(atom_feed([entry], SETTINGS))
    assert feed.findtext(f"{ATOM}title") == "MIFA[2J Catalogue\u202e\u202c"
    (item,) = feed.findall(f"{ATOM}entry")
    assert item.findtext(f"{ATOM}title") == f"{TITLE}, version 1.0"
    assert [a.findtext(f"{ATOM}name") for a in item.iterfind(f"{ATOM}author")] == [
        "Sabine and Mallory, Eve Lovelace", "Grace]0;owned Hopper } and {Sons, Jr"]
    assert item.findtext(f"{ATOM}summary") == "Fluorescence images of nuclei. ✅ ready for review " \
                                              "<b>bold</b> {braces} 100% \\textbf{x}[2J"
    every_text = [t for element in feed.iter() for t in [element.text or "", *element.attrib.values()]]
    assert not [t for t in every_text if RAW.search(t)]

    urls = ET.fromstring(sitemap(["index.html", "datasets/a\x1b\uffff/index.html"], SETTINGS))
    assert [loc.text for loc in urls.iter(f"{SITEMAP}loc")] == [BASE, BASE + "datasets/a/"]


# YAML: citation.cff ----------------------------------------------------------------------

def test_citation_cff_is_valid_yaml_for_both_yaml_versions_and_follows_the_schema(
        entry: DatasetEntry) -> None:
    import check_jsonschema  # type: ignore[import-untyped]

    text = citation_cff(entry, entry.latest, SETTINGS)
    cff = yaml.safe_load(text)  # YAML 1.1, as PyYAML and most scripts read it
    assert YAML(typ="safe", pure=True).load(text) == cff  # YAML 1.2, as cffconvert reads it
    schema = json.loads((Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
                         / "citation-file-format.json").read_text(encoding="utf-8"))
    jsonschema.validate(cff, schema)
    assert cff["title"] == TITLE
    assert cff["abstract"] == ("Fluorescence images of nuclei.\n## ✅ ready for review\n"
                               "<b>bold</b> {braces} 100% \\textbf{x}[2J")
    # A terminator with nothing to close is dropped; an isolate left open is closed.
    assert cff["keywords"] == ["nuclei[8m", "cells KW - forged", "stray \u2067נוזל\u2069"]
    assert [(a["family-names"], a["given-names"]) for a in cff["authors"]] == PEOPLE
    assert cff["authors"][0]["affiliation"] == "Institute of Optics"
    assert cff["references"][0]["title"] == "A paper with breaks"
    assert cff["references"][0]["authors"] == [{"name": "S. Lovelace and G. Hopper"}]
    assert not RAW.search(text)


# BibTeX ----------------------------------------------------------------------------------

_FIELD = re.compile(r"\s*(\w+)\s*=\s*\{")
_MACROS = {r"\textbackslash{}": "\\", r"\textbraceleft{}": "{", r"\textbraceright{}": "}",
           r"\textasciitilde{}": "~", r"\textasciicircum{}": "^"}


def bibtex_fields(text: str) -> dict[str, str]:
    """The fields of one entry as BibTeX reads them: it counts every brace, escaped or not."""
    head = re.match(r"@misc\{([^,\s]+),", text)
    assert head, text
    fields, at = {}, head.end()
    while match := _FIELD.match(text, at):
        depth, end = 1, match.end()
        while depth:
            assert end < len(text), f"field {match.group(1)} never closes"
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        fields[match.group(1)] = text[match.end():end - 1]
        at = end + 1 if text[end:end + 1] == "," else end
    assert text[at:].strip() == "}", text[at:]
    return fields


def split_at_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split where BibTeX does: at a separator outside every brace group."""
    pieces, depth, start, at = [], 0, 0, 0
    while at < len(text):
        if text[at] in "{}":
            depth += 1 if text[at] == "{" else -1
        elif depth == 0 and (match := separator.match(text, at)):
            pieces.append(text[start:at])
            start = at = match.end()
            continue
        at += 1
    return [*pieces, text[start:]]


def bibtex_people(author_field: str) -> list[tuple[str, str]]:
    """(family, given) of each name in an author field, parsed the way BibTeX parses it."""
    people = []
    for name in split_at_top_level(author_field, re.compile(r"\s+and\s+", re.IGNORECASE)):
        parts = split_at_top_level(name, re.compile(","))
        assert len(parts) == 2, f"{name!r} is not `family, given`: {len(parts)} parts"
        people.append((as_printed(parts[0]), as_printed(parts[1])))
    return people


def as_printed(value: str) -> str:
    """What LaTeX prints for a value the site wrote: its escapes undone, grouping braces dropped."""
    out, at = [], 0
    while at < len(value):
        macro = next((m for m in _MACROS if value.startswith(m, at)), None)
        if macro:
            out.append(_MACROS[macro])
            at += len(macro)
        elif value[at] == "\\" and value[at + 1:at + 2] in set("&%$#_"):
            out.append(value[at + 1])
            at += 2
        else:
            out.append("" if value[at] in "{}" else value[at])
            at += 1
    return "".join(out).strip()


def test_bibtex_keeps_each_person_one_author_and_every_field_closed(entry: DatasetEntry) -> None:
    text = bibtex(entry, entry.latest, SETTINGS)
    fields = bibtex_fields(text)
    assert bibtex_people(fields["author"]) == PEOPLE
    assert as_printed(fields["title"]) == TITLE
    assert "Available in MIFA[2J Catalogue\u202e\u202c, version" in as_printed(fields["note"])
    assert not RAW.search(text)


def test_bibtex_braces_and_backslashes_in_a_title_stay_text() -> None:
    one = DatasetEntry("x", [hostile_manifest(title="Cells } { \\} 100% & $x$ ~^ #1_a")], fingerprint="")
    fields = bibtex_fields(bibtex(one, one.latest, SETTINGS))
    assert as_printed(fields["title"]) == "Cells } { \\} 100% & $x$ ~^ #1_a"
    assert set(fields) == {"author", "title", "year", "version", "url", "note"}


# RIS -------------------------------------------------------------------------------------

def test_ris_has_one_line_per_value_and_one_author_line_per_person(entry: DatasetEntry) -> None:
    text = ris(entry, entry.latest, SETTINGS)
    assert text.endswith("ER  - \r\n")
    lines = text.removesuffix("\r\n").split("\r\n")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - [^\r\n]*", line) for line in lines), lines
    tags = [(line[:2], line[6:]) for line in lines]
    assert tags[0] == ("TY", "DATA") and tags[-1] == ("ER", "")
    assert [value for tag, value in tags if tag == "AU"] == [
        "Lovelace, Sabine and Mallory Eve", "Hopper } and {Sons Jr, Grace]0;owned"]
    assert [value for tag, value in tags if tag == "TI"] == [TITLE]
    assert [value for tag, value in tags if tag == "KW"] == ["nuclei[8m", "cells KW - forged",
                                                             "stray \u2067נוזל\u2069"]
    assert not RAW.search(text.replace("\r\n", ""))


# JSON: JSON-LD and Croissant -------------------------------------------------------------

def test_json_ld_and_croissant_carry_clean_text(entry: DatasetEntry) -> None:
    jsonld = json.loads(stable_json(dataset_jsonld(entry, entry.latest, SETTINGS)))
    crate = json.loads(stable_json(croissant(entry, entry.latest, SETTINGS)))
    assert jsonld["name"] == TITLE and crate["alternateName"] == TITLE
    assert [(p["familyName"], p["givenName"]) for p in jsonld["creator"]] == PEOPLE
    assert crate["keywords"] == ["nuclei[8m", "cells\nKW  - forged", "stray \u2067נוזל\u2069"]
    assert jsonld["includedInDataCatalog"]["name"] == "MIFA[2J Catalogue\u202e\u202c"
    assert not [text for text in strings(jsonld) + strings(crate) if RAW.search(text)]


# Markdown: the pull-request summary ------------------------------------------------------

def rendered(text: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.markdown(text, extensions=["tables"]), "html.parser")


FORGERY = "\r\n## ✅ ready for review\r\n\r\n| ⚠️ | 1 | `x` | forged | row |\r\n<img src=x onerror=alert(1)>"
SHOWN = FORGERY.replace("\r", "\\r").replace("\n", "\\n")
"""What a reader of the rendered summary sees of it: one line, its line breaks as escapes."""


def test_markdown_summary_values_cannot_start_headings_rows_or_html() -> None:
    old = hostile_manifest(title="Nuclei in fluorescence images")
    new = Manifest.model_validate(old.model_dump() | {
        "study": old.study.model_dump() | {"title": "Nuclei" + FORGERY, "keywords": ["# kw |" + FORGERY]},
        "version": {"version": "1.1", "timestamp": "2024-06-01T00:00:00+00:00", "previous_version": "1.0",
                    "changes": "x" + FORGERY}})
    report = Report([
        Problem("datasets/nuclei/1.1.yaml" + FORGERY, 3, 1, "study.title" + FORGERY, Severity.ERROR,
                "'" + FORGERY + "' is not a title", "- write" + FORGERY),
        Problem("datasets/nuclei/1.1.yaml", 4, 1, "study.`x`|y", Severity.WARNING, "**a** [b](c) ~~d~~", ""),
    ])
    text = format_markdown(report, [("nuclei" + FORGERY, diff_manifests(old, new))])
    page = rendered(text)
    assert [h.get_text() for h in page.select("h1, h2, h3, h4, h5, h6")] == [
        "MIFA manifest check: ❌ fix the errors below",
        "datasets/nuclei/1.1.yaml",
        "datasets/nuclei/1.1.yaml" + SHOWN,
        "What version 1.1 of nuclei" + SHOWN + " changes (from 1.0)",
    ]
    assert {tag.name for tag in page.find_all(True)} <= {
        "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "ul", "li"}
    problems, changes = page.select("table")[:2], page.select("table")[2:]
    assert [[td.get_text() for td in row.select("td")] for t in problems for row in t.select("tbody tr")] == [
        # Python-Markdown keeps the backslash of `\~`, which GitHub reads as `~`: no strikethrough either way.
        ["⚠️", "4", "study.`x`|y", "**a** [b](c) \\~\\~d\\~\\~", ""],
        ["❌", "3", "study.title" + SHOWN, f"'{SHOWN}' is not a title", "- write" + SHOWN],
    ]
    (table,) = changes
    assert [[td.get_text() for td in row.select("td")] for row in table.select("tbody tr")] == [
        ["study.title", "changed", "Nuclei in fluorescence images", "Nuclei" + SHOWN],
        ["study.keywords", "removed", "nuclei\\x1b[8m", ""],
        ["study.keywords", "removed", "cells\\r\\nKW - forged", ""],
        ["study.keywords", "removed", "\\u202cstray \\u2067נוזל", ""],
        ["study.keywords", "added", "", "# kw |" + SHOWN],
    ]
    assert [li.get_text() for li in page.select("li")] == [
        "+1 keyword", "−3 keywords", "1 other field changed", "credit preserved"]


def test_pull_request_summary_of_a_carriage_return_input_has_one_heading(
        mifa: Mifa, tmp_path: Path) -> None:
    """The corpus input of the issue, through `mifa validate --format markdown` as the CI job runs it."""
    folder = tmp_path / "datasets" / "nuclei"
    folder.mkdir(parents=True)
    shutil.copyfile(HOSTILE / "formats" / "carriage-return-forges-a-heading.yaml", folder / "1.0.yaml")
    (folder / "1.0.yaml").write_text((folder / "1.0.yaml").read_text().replace(
        "orcid_id: 0000-0002-1825-0097", r'orcid_id: "\r\n## ✅ ready for review\r\n| | 1 | x | y | z |"'))
    result = mifa("validate", "--format", "markdown", "datasets", cwd=tmp_path)
    assert result.code == 1
    problems = json.loads(mifa("validate", "--format", "json", "datasets").out)["problems"]
    page = rendered(result.out)
    assert [h.get_text() for h in page.select("h2, h3")] == [
        "MIFA manifest check: ❌ fix the errors below", "datasets/nuclei/1.0.yaml"]
    rows = page.select("tbody tr")
    assert len(rows) == len(problems) and all(len(row.select("td")) == 5 for row in rows)
    orcid = [row.select("td")[3].get_text() for row in rows if "orcid_id" in row.get_text()]
    assert orcid == ["'## ✅ ready for review\\x0d\\x0a| | 1 | x | y | z |' is not an ORCID iD",
                     "2 control characters: U+000D (CARRIAGE RETURN); the first at character 1"]


# The terminal and GitHub workflow commands -----------------------------------------------

_PROBLEM_LINE = re.compile(r"  (error|warning) +\d+:\d+  \S.*")
_HINT_LINE = re.compile(r" {20,}-> \S.*")


def test_terminal_report_shows_escapes_and_keeps_one_line_per_problem(mifa: Mifa) -> None:
    target = "tests/fixtures/hostile/formats/terminal-escape-sequences.yaml"
    result = mifa("validate", target, cwd=REPO)
    problems = json.loads(mifa("validate", "--format", "json", target).out)["problems"]
    assert not RAW.search(result.out) and not BIDI.search(result.out)
    lines = result.out.splitlines()  # splitlines also breaks at \x1c-\x1e, \x85, \u2028
    assert lines[0] == target and lines[-1].endswith(" in 1 file") and lines[-2] == ""
    assert len([line for line in lines if _PROBLEM_LINE.fullmatch(line)]) == len(problems)
    assert all(_PROBLEM_LINE.fullmatch(line) or _HINT_LINE.fullmatch(line) for line in lines[1:-2])
    title = next(line for line in lines if " study.title " in line)
    assert title.endswith("2 control characters: U+001B (ESCAPE), U+0007 (BELL); the first at character 1")


def test_terminal_report_escapes_what_problems_quote() -> None:
    """Messages and paths quote values, and files have names: all shown, none obeyed."""
    report = Report([Problem("datasets/a\x1b[2J/1.0.yaml", 1, 1, "study.\u202etitle", Severity.ERROR,
                             "'\x1b]0;owned\x07' is not\r\nfine\x85", "write \x9b31m text")],
                    files_checked=1)
    for colour in (False, True):
        text = format_human(report, colour=colour)
        ours = re.sub(r"\x1b\[(?:0|1|2|31|33)m", "", text) if colour else text
        assert not RAW.search(ours) and not BIDI.search(ours)
        assert ours.splitlines() == [
            "datasets/a\\x1b[2J/1.0.yaml",
            "  error        1:1  study.\\u202etitle  '\\x1b]0;owned\\x07' is not\\r\\nfine\\x85",
            " " * 39 + "-> write \\x9b31m text",
            "",
            "1 problem (1 error, 0 warnings) in 1 file",
        ]


def test_github_workflow_commands_stay_one_per_line_and_show_escapes() -> None:
    problem = Problem("datasets/a\x1b/1.0.yaml", 2, 3, "study.title\r\n::error::forged", Severity.WARNING,
                      "50% \u202e\x1b[31m\r\n::error file=x::forged", "fix, then: push")
    lines = format_github(Report([problem], files_checked=1)).split("\n")
    assert lines == [
        "::warning file=datasets/a\\x1b/1.0.yaml,line=2,col=3,title=study.title\\r\\n%3A%3Aerror%3A%3Aforged"
        "::50%25 \\u202e\\x1b[31m\\r\\n::error file=x::forged. Fix: fix, then: push",
        "1 problem (0 errors, 1 warning) in 1 file",
        "",
    ]


# JSON report -----------------------------------------------------------------------------

def test_json_report_round_trips_every_character_and_encodes_as_utf8() -> None:
    """For programs: exact text, escaped by JSON; a file name that is not UTF-8 cannot crash it."""
    problem = Problem("datasets/\udcff.yaml", 1, 1, "study.title", Severity.ERROR, "'\x1b[2J\u202e\x85'", "")
    text = format_json(Report([problem]))
    assert text.encode("utf-8") and not RAW.search(text)
    assert json.loads(text)["problems"][0] == problem.as_dict()


# End to end: inputs of the corpus that publish -------------------------------------------

def bidi_closed(text: str) -> bool:
    """Whether every embedding, override and isolate the text opens is closed by its end."""
    depth = 0
    for char in text:
        if char in "\u202a\u202b\u202d\u202e\u2066\u2067\u2068":
            depth += 1
        elif char in "\u202c\u2069" and depth:
            depth -= 1
    return depth == 0


def test_published_files_of_the_bidi_and_bibtex_inputs(tmp_path: Path) -> None:
    """What `mifa build` writes for the corpus inputs that publish with warnings (or none)."""
    inputs = {"override": "bidi-override-warns.yaml", "and-name": "and-in-a-first-name-builds.yaml"}
    for dataset, name in inputs.items():
        (tmp_path / "datasets" / dataset).mkdir(parents=True)
        shutil.copyfile(HOSTILE / "formats" / name, tmp_path / "datasets" / dataset / "1.0.yaml")
    assert not validate_paths([tmp_path / "datasets"]).errors
    assert build_site(tmp_path / "datasets", tmp_path / "_site").published
    site = tmp_path / "_site"

    feed = ET.parse(site / "feed.xml").getroot()
    titles = sorted(e.findtext(f"{ATOM}title") or "" for e in feed.iter(f"{ATOM}entry"))
    assert titles == ["Nuclei in fluorescence images, version 1.0",
                      "Nuclei in \u202eegami ecnecseroulf\u202c, version 1.0"]
    override = site / "datasets" / "override" / "1.0"
    cff = yaml.safe_load((override / "citation.cff").read_text(encoding="utf-8"))
    assert cff["title"] == "Nuclei in \u202eegami ecnecseroulf\u202c"
    assert cff["authors"][0]["family-names"] == "Love\u202elace\u202c"
    people = bibtex_people(bibtex_fields((override / "citation.bib").read_text(encoding="utf-8"))["author"])
    assert people == [("Love\u202elace\u202c", "Ada")]

    # In every page, each text an override opens is closed within that same text: the page's
    # own words after it keep their order.
    pages = sorted(site.rglob("*.html"))
    opened = [(page.relative_to(site).as_posix(), text) for page in pages
              for text in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find_all(string=True)
              if not bidi_closed(str(text))]
    assert opened == []
    assert any("\u202e" in page.read_text(encoding="utf-8") for page in pages), "the override is kept, closed"

    named = site / "datasets" / "and-name" / "1.0"
    bib = bibtex_fields((named / "citation.bib").read_text(encoding="utf-8"))
    assert bibtex_people(bib["author"]) == [("Lovelace", "Sabine and Mallory, Eve")]
    ris_lines = (named / "citation.ris").read_bytes().decode("utf-8").split("\r\n")
    assert [line for line in ris_lines if line.startswith("AU  - ")] == [
        "AU  - Lovelace, Sabine and Mallory Eve"]
    cff = yaml.safe_load((named / "citation.cff").read_text(encoding="utf-8"))
    assert [(a["family-names"], a["given-names"]) for a in cff["authors"]] == [
        ("Lovelace", "Sabine and Mallory, Eve")]


def test_minimal_manifest_citations_are_unchanged_by_the_guards() -> None:
    """Ordinary text passes through every guard untouched."""
    plain = DatasetEntry("nuclei", [Manifest.model_validate(yaml.safe_load(MINIMAL))], fingerprint="")
    settings = Settings(base_url=BASE)
    cff = yaml.safe_load(citation_cff(plain, plain.latest, settings))
    assert cff["title"] == "Nuclei in fluorescence images"
    assert cff["abstract"] == "Fluorescence images of cell nuclei with expert segmentation masks."
    assert "author = {{Lovelace}, Ada}" in bibtex(plain, plain.latest, settings)
