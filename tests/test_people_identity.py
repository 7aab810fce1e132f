"""Who is who across scripts, Unicode forms and ORCID iDs (issue 19, Credit).

A person's key keeps the letters of every script, so 王小明 and Иван Петров are two people with two
credit pages and replacing one by another is a dropped credit; NFC and NFD spellings of a name
are one person; a credit without an ORCID iD joins the person who has one under the same name.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder import load_catalogue
from site_builder.build import build_site

from .site_helpers import resolve, soup, text

Writer = Callable[[dict[str, str]], Path]
Author = tuple[str, str, str | None]

ADA = "0000-0002-1825-0097"
GRACE = "0000-0002-1694-233X"
OTHER = "0000-0001-5109-3700"

NFD_JOSE = unicodedata.normalize("NFD", "José")
NFD_MULLER = unicodedata.normalize("NFD", "Müller")


def manifest(label: str, authors: list[Author], *, previous: str | None = None,
             title: str = "Nuclei in fluorescence images", kind: str = "segmentation_mask") -> str:
    """A valid manifest crediting `authors` (first, last, ORCID or None) as dataset authors."""
    people = "".join(f"    - author_first_name: {json.dumps(first, ensure_ascii=False)}\n"
                     f"      author_last_name: {json.dumps(last, ensure_ascii=False)}\n"
                     + (f"      orcid_id: {orcid}\n" if orcid else "")
                     for first, last, orcid in authors)
    month = 5 + int(label.split(".")[1])
    text = (f"study:\n  title: {title}\n"
            "  description: Fluorescence images of cell nuclei with expert segmentation masks.\n"
            "  license: CC0-1.0\n  authors:\n" + people +
            "  funding_statement: No specific funding.\n"
            "annotations:\n  - annotation_overview: Nuclei outlined by hand.\n"
            f"    annotation_type: {kind}\n"
            "    annotation_method: Drawn by one expert in napari.\n"
            f'version:\n  version: "{label}"\n  timestamp: 2024-{month:02d}-01T10:00:00+00:00\n')
    if previous:
        text += f'  previous_version: "{previous}"\n  changes: Corrected the credits.\n'
    return text


def errors(root: Path) -> list[tuple[str, str, str]]:
    report = load_catalogue(root).report
    return [(Path(p.file).name, p.path, p.message) for p in report.errors]


def build(root: Path) -> Path:
    result = build_site(root, root.parent / "_site")
    assert result.published, [p.message for p in result.report.errors]
    return root.parent / "_site"


def person_pages(site: Path) -> dict[str, str]:
    """{page path: the name in its heading} for every person page."""
    return {p.relative_to(site).as_posix(): text(soup(site, p.relative_to(site).as_posix()).select_one("h1"))
            for p in sorted((site / "people").glob("*/index.html"))}


def credit_links(site: Path, page: str) -> dict[str, str]:
    """{credited name: the person page it links to} on a dataset page (the folder, no index.html)."""
    html = soup(site, page)
    targets = {text(a): resolve(page, str(a["href"])).removesuffix("/index.html")
               for a in html.select("a[href*='people/']")}
    return {name: target for name, target in targets.items() if target.startswith("people/")}


# Every script keeps its letters ------------------------------------------------------------

SCRIPTS: list[tuple[str, Author, Author]] = [
    # (script, the person in version 1.0, someone else who replaces them in 1.1)
    ("Chinese", ("小明", "王", None), ("四", "李", None)),
    ("Cyrillic", ("Иван", "Петров", None), ("Пётр", "Иванов", None)),
    ("Arabic", ("محمد", "علي", None), ("أحمد", "حسن", None)),
    ("accented Latin", ("José", "Müller", None), ("Josefa", "Müller", None)),
]


@pytest.mark.parametrize(("script", "before", "after"), SCRIPTS, ids=[s[0] for s in SCRIPTS])
def test_replacing_a_person_is_a_dropped_credit_in_every_script(
        catalogue: Writer, script: str, before: Author, after: Author) -> None:
    root = catalogue({"nuclei/1.0.yaml": manifest("1.0", [before]),
                      "nuclei/1.1.yaml": manifest("1.1", [after], previous="1.0")})
    assert errors(root) == [("1.1.yaml", "version.preserved_credit",
                             f"credit from version '1.0' is dropped: {before[0]} {before[1]}")]


def test_wang_xiaoming_replaced_by_li_si_is_caught(catalogue: Writer) -> None:
    """The case from the issue: every name in Chinese once folded to the same empty key."""
    root = catalogue({"nuclei/1.0.yaml": manifest("1.0", [("小明", "王", None)]),
                      "nuclei/1.1.yaml": manifest("1.1", [("四", "李", None)], previous="1.0")})
    assert errors(root) == [("1.1.yaml", "version.preserved_credit",
                             "credit from version '1.0' is dropped: 小明 王")]


SAME_PERSON: list[tuple[str, Author, Author]] = [
    ("NFD then NFC", (NFD_JOSE, NFD_MULLER, None), ("José", "Müller", None)),
    ("NFC then NFD", ("José", "Müller", None), (NFD_JOSE, NFD_MULLER, None)),
    ("accents left out", ("José", "Müller", None), ("Jose", "Muller", None)),
    ("letter case", ("Иван", "Петров", None), ("ИВАН", "ПЕТРОВ", None)),
    ("full-width letters", ("Ａｄａ", "Lovelace", None), ("Ada", "Lovelace", None)),
    ("Arabic vowel signs", ("محمد", "عَلِيّ", None), ("محمد", "علي", None)),
    ("ORCID iD added", ("小明", "王", None), ("小明", "王", ADA)),
    ("ORCID iD removed", ("Иван", "Петров", ADA), ("Иван", "Петров", None)),
]


@pytest.mark.parametrize(("case", "before", "after"), SAME_PERSON, ids=[s[0] for s in SAME_PERSON])
def test_the_same_person_written_another_way_keeps_their_credit(
        catalogue: Writer, case: str, before: Author, after: Author) -> None:
    root = catalogue({"nuclei/1.0.yaml": manifest("1.0", [before]),
                      "nuclei/1.1.yaml": manifest("1.1", [after], previous="1.0")})
    assert errors(root) == []


def test_each_script_has_its_own_credit_page(catalogue: Writer) -> None:
    """Eight people in four scripts, none with an ORCID iD: eight pages, each where the dataset
    page links to, with ASCII folder names (a digest of the name when it has no ASCII letters)."""
    people = [author for _, before, after in SCRIPTS for author in (before, after)]
    site = build(catalogue({"nuclei/1.0.yaml": manifest("1.0", people)}))
    pages = person_pages(site)
    assert sorted(pages.values()) == sorted(f"{first} {last}" for first, last, _ in people)
    assert all(path.isascii() for path in pages)
    assert "people/name-jose-muller/index.html" in pages
    links = credit_links(site, "datasets/nuclei/index.html")
    assert {name: f"{path}/index.html" for name, path in links.items()} == \
        {name: path for path, name in pages.items()}
    assert all((site / path).is_file() for path in pages)


def test_nfc_and_nfd_spellings_are_one_person_with_one_page(catalogue: Writer) -> None:
    site = build(catalogue({"nuclei/1.0.yaml": manifest("1.0", [(NFD_JOSE, NFD_MULLER, None)]),
                            "nuclei/1.1.yaml": manifest("1.1", [("José", "Müller", None)], previous="1.0")}))
    assert person_pages(site) == {"people/name-jose-muller/index.html": "José Müller"}
    page = soup(site, "people/name-jose-muller/index.html")
    assert [text(li) for li in page.select("table.credits tbody tr td li")] == \
        ["dataset author in versions 1.0 , 1.1"]


# An ORCID iD joins a credit given by name only ----------------------------------------------

def test_an_orcid_added_in_a_later_version_does_not_split_the_credit(catalogue: Writer) -> None:
    site = build(catalogue({
        "nuclei/1.0.yaml": manifest("1.0", [("小明", "王", None)]),
        "nuclei/1.1.yaml": manifest("1.1", [("小明", "王", GRACE)], previous="1.0"),
    }))
    assert person_pages(site) == {f"people/{GRACE}/index.html": "小明 王"}
    page = soup(site, f"people/{GRACE}/index.html")
    assert [text(li) for li in page.select("table.credits tbody tr td li")] == \
        ["dataset author in versions 1.0 , 1.1"]
    notice = page.select_one("p.orcid-added")
    assert notice is not None and " ".join(notice.get_text().split()) == (
        "Credited by name only, without the ORCID iD, in Nuclei in fluorescence images version 1.0: "
        "the iD was added later or given elsewhere, and these credits are counted here.")
    for version in ("1.0", "1.1"):  # the older version links to the one page too
        assert credit_links(site, f"datasets/nuclei/{version}/index.html") == \
            {"小明 王": f"people/{GRACE}"}


def test_a_name_only_credit_in_another_dataset_joins_the_orcid_holder(catalogue: Writer) -> None:
    site = build(catalogue({
        "nuclei/1.0.yaml": manifest("1.0", [("Иван", "Петров", GRACE)]),
        "cells/1.0.yaml": manifest("1.0", [(unicodedata.normalize("NFD", "Иван"), "Петров", None)],
                                   title="Cells in phase contrast"),
    }))
    assert person_pages(site) == {f"people/{GRACE}/index.html": "Иван Петров"}
    page = soup(site, f"people/{GRACE}/index.html")
    assert [text(li) for li in page.select("ul.counts li")] == ["0 datasets annotated",
                                                                 "2 datasets credited"]


def test_a_name_credited_with_two_orcids_is_not_given_to_either(catalogue: Writer) -> None:
    """Two people share the name; a credit without an iD cannot be placed, so it keeps a page of
    its own that names both iDs, and neither ORCID holder is credited with that dataset."""
    site = build(catalogue({
        "nuclei/1.0.yaml": manifest("1.0", [("Wei", "Zhang", GRACE)]),
        "cells/1.0.yaml": manifest("1.0", [("Wei", "Zhang", OTHER)], title="Cells in phase contrast"),
        "tissue/1.0.yaml": manifest("1.0", [("Wei", "Zhang", None)], title="Tissue sections"),
    }))
    assert person_pages(site) == {f"people/{GRACE}/index.html": "Wei Zhang",
                                  f"people/{OTHER}/index.html": "Wei Zhang",
                                  "people/name-wei-zhang/index.html": "Wei Zhang"}
    page = soup(site, "people/name-wei-zhang/index.html")
    notice = page.select_one("p.ambiguous")
    assert notice is not None and " ".join(notice.get_text().split()) == (
        f"This name is credited with several ORCID iDs elsewhere in the catalogue ({OTHER}, {GRACE}), "
        "so these credits cannot be given to one of them: add the right iD to the manifest.")
    assert [text(a) for a in page.select("table.credits tbody th a")] == ["Tissue sections"]
    for orcid in (GRACE, OTHER):
        assert len(soup(site, f"people/{orcid}/index.html").select("table.credits tbody tr")) == 1
    assert credit_links(site, "datasets/tissue/index.html") == {"Wei Zhang": "people/name-wei-zhang"}


def test_a_rebuild_moves_the_link_when_another_dataset_adds_the_orcid(catalogue: Writer) -> None:
    """The dataset crediting by name only is unchanged (and not related to the other one), yet
    its page now links to the ORCID holder: its page depends on where its credits link, and no
    link is left broken."""
    root = catalogue({"nuclei/1.0.yaml": manifest("1.0", [("محمد", "علي", None)]),
                      "cells/1.0.yaml": manifest("1.0", [("Ada", "Lovelace", None)],
                                                 title="Cells in phase contrast", kind="class_labels")})
    site = build(root)
    pages = {name: path.removesuffix("/index.html") for path, name in person_pages(site).items()}
    name_page = pages["محمد علي"]
    assert credit_links(site, "datasets/nuclei/index.html") == {"محمد علي": name_page}
    (root / "cells" / "1.0.yaml").write_text(
        manifest("1.0", [("Ada", "Lovelace", None), ("محمد", "علي", ADA)], title="Cells in phase contrast",
                 kind="class_labels"),
        encoding="utf-8")
    site = build(root)
    assert credit_links(site, "datasets/nuclei/index.html") == {"محمد علي": f"people/{ADA}"}
    assert not (site / name_page).exists()
