"""The built site, read through the DOM as a reader (and a screen reader) would."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from site_builder.build import build_site

from .site_helpers import assert_licence_badge, facts, links, resolve, soup, text

KROMP = """\
study:
  title: Nuclei of neuroblastoma tumour touch imprints
  description: |
    Fluorescence images of **nuclei**, with expert masks.

    Second paragraph with a [link](https://example.org/more).
  keywords: [nucleus, segmentation]
  license: CC0-1.0
  accession: S-TEST1
  data_url: https://example.org/data/s-test1
  authors:
    - author_first_name: Ada
      author_last_name: Lovelace
      orcid_id: 0000-0002-1825-0097
      email: ada@example.org
      role: [conceptualization]
      organisation:
        - organisation_name: Example Institute
          ror_id: 02catss52
  publications:
    - publication_title: A nuclei dataset
      publication_authors: A. Lovelace
      publication_doi: 10.1038/s41597-020-00608-w
  funding_statement: Funded by the Example Foundation.
images:
  biosample:
    - organism:
        - {scientific_name: Homo sapiens, common_name: human, ncbi_taxon: 9606}
  image_acquisition:
    - imaging_method: {name: fluorescence microscopy, fbbi_id: "FBbi:00000246"}
  image_data:
    - format: tiff
  image_count: 79
  total_size_bytes: 123456789
annotations:
  - annotation_overview: Nuclei outlined by experts.
    annotation_type: segmentation_mask
    annotation_method: Drawn by hand in napari, then reviewed by a pathologist.
    annotation_format: [tiff]
    object_count: 7813
    license: CC-BY-4.0
    authors:
      - author_first_name: Grace
        author_last_name: Hopper
        orcid_id: 0000-0002-1694-233X
        role: data annotation
      - author_first_name: Inge
        author_last_name: Ambros
        role: data annotation
version:
  version: "1.0"
  timestamp: 2024-05-01T10:00:00+00:00
"""

KROMP_11 = (KROMP.replace('version: "1.0"', 'version: "1.1"')
            .replace("timestamp: 2024-05-01T10:00:00+00:00",
                     'timestamp: 2024-06-01T10:00:00+00:00\n  previous_version: "1.0"\n'
                     "  changes: Reviewed the masks again.\n"
                     "  preserved_credit:\n"
                     "    - {author_first_name: Inge, author_last_name: Ambros, role: data annotation,"
                     " version: '1.0'}")
            .replace("Fluorescence images of **nuclei**, with expert masks.",
                     "Fluorescence images of **cell nuclei**, with expert masks reviewed twice.")
            .replace("keywords: [nucleus, segmentation]", "keywords: [nucleus, segmentation, tumour]")
            .replace("      - author_first_name: Inge\n        author_last_name: Ambros\n"
                     "        role: data annotation\n", ""))

MOSQUITO = """\
study:
  title: Mosquito photos with species labels
  description: Citizen-science photos of mosquitoes, each with a species label.
  license: CC-BY-NC-4.0
  authors:
    - author_first_name: Grace
      author_last_name: Hopper
      orcid_id: 0000-0002-1694-233X
  funding_statement: None stated.
annotations:
  - annotation_overview: One species label per photo.
    annotation_type: [class_labels]
    annotation_method: Labelled by entomologists.
    authors:
      - {author_first_name: Grace, author_last_name: Hopper, orcid_id: 0000-0002-1694-233X,
         role: data annotation}
    classes:
      - {name: aedes_albopictus, count: 15598}
version:
  version: "1.0"
  timestamp: 2024-03-01T10:00:00+00:00
"""


def write_catalogue(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / "datasets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root / "datasets"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("catalogue")
    datasets = write_catalogue(root, {"kromp/1.0.yaml": KROMP, "kromp/1.1.yaml": KROMP_11,
                                      "mosquito/1.0.yaml": MOSQUITO})
    result = build_site(datasets, root / "_site")
    assert result.published, [p.message for p in result.report.errors]
    return root / "_site"


def test_home_page_counts_and_newest(site: Path) -> None:
    page = soup(site, "index.html")
    assert text(page.select_one("h1")) == "MIFA Catalogue"
    assert [text(li) for li in page.select("ul.counts li")] == [
        "2 datasets", "3 versions", "2 annotation sets", "2 annotators credited", "3 people credited"]
    cards = page.select(".cards .card h3 a")
    assert [a["href"] for a in cards] == ["datasets/kromp/index.html", "datasets/mosquito/index.html"]
    versions = [text(li.a) for li in page.select("section ol.plain li")]
    assert versions[0] == "Nuclei of neuroblastoma tumour touch imprints, version 1.1"


def test_browse_lists_every_dataset(site: Path) -> None:
    page = soup(site, "datasets/index.html")
    rows = page.select("table.datasets tbody tr")
    assert [links(row.th)[0] for row in rows] == [
        {"href": "mosquito/index.html", "text": "Mosquito photos with species labels"},
        {"href": "kromp/index.html", "text": "Nuclei of neuroblastoma tumour touch imprints"}]
    assert text(rows[1].select("td")[0]) == "Segmentation masks"


def test_dataset_page_quick_facts(site: Path) -> None:
    page = soup(site, "datasets/kromp/index.html")
    assert text(page.select_one("h1")) == "Nuclei of neuroblastoma tumour touch imprints"
    assert facts(page) == {
        "Annotation types": "Segmentation masks",
        "Annotated objects": "7,813",
        "Images": "79",
        "Image formats": "tiff",
        "Annotation formats": "tiff",
        "Organism": "Homo sapiens ( NCBITaxon:9606 )",
        "Imaging method": "fluorescence microscopy ( FBbi:00000246 )",
        "Images licence": "Creative Commons Zero v1.0 Universal",
        "Annotations licence": "Creative Commons Attribution 4.0 International",
        "Size": "123.5 MB",
        "File records": "none listed",
    }


def test_dataset_page_badges_differ_for_images_and_annotations(site: Path) -> None:
    header = soup(site, "datasets/kromp/index.html").select_one("article header")
    assert header is not None
    assert_licence_badge(header, "Images licence: CC0-1.0 (public-domain)",
                         "https://creativecommons.org/publicdomain/zero/1.0/")
    assert_licence_badge(header, "Annotations licence: CC-BY-4.0 (attribution)",
                         "https://creativecommons.org/licenses/by/4.0/")
    badge = site / "badges" / "images-CC0-1.0.svg"
    assert badge.read_text().startswith("<svg")


def test_dataset_page_people_publications_and_access(site: Path) -> None:
    page = soup(site, "datasets/kromp/index.html")
    authors = page.select_one("#study-title").find_parent("section")
    assert links(authors.select_one("ul.people")) == [
        {"href": "../../people/0000-0002-1825-0097/index.html", "text": "Ada Lovelace"},
        {"href": "https://orcid.org/0000-0002-1825-0097",
         "text": "ORCID 0000-0002-1825-0097 of Ada Lovelace"},
        {"href": "https://ror.org/02catss52", "text": "ROR 02catss52"}]
    assert {"href": "https://doi.org/10.1038/s41597-020-00608-w",
            "text": "doi:10.1038/s41597-020-00608-w"} in links(authors)
    assert text(page.select_one(".prose strong")) == "cell nuclei"
    where = page.select_one("section.use .use-where")
    rows = {text(dt): dd for dt in where.select("dt") for dd in [dt.find_next_sibling("dd")]}
    assert links(rows["Download location"]) == [{"href": "https://example.org/data/s-test1",
                                                 "text": "https://example.org/data/s-test1"}]
    assert text(rows["Files listed"]).startswith("none in this manifest")
    assert "ada@example.org" not in page.decode()


def test_older_version_points_to_the_latest(site: Path) -> None:
    page = soup(site, "datasets/kromp/1.0/index.html")
    notice = page.select_one("p.notice")
    assert text(notice) == "This is version 1.0. The latest version is 1.1 ."
    assert links(notice) == [{"href": "../1.1/index.html", "text": "1.1"}]
    history = [text(li.select_one("strong, a")) for li in page.select("ol.versions > li")]
    assert history == ["1.1", "1.0"]


def test_diff_page_shows_fields_words_and_credit(site: Path) -> None:
    page = soup(site, "datasets/kromp/changes/1.0-to-1.1/index.html")
    assert text(page.select_one("h1")) == "What changed from version 1.0 to 1.1"
    assert text(page.select_one(".credit-status")) == (
        "Credit preserved: everyone credited in version 1.0 is still credited.")
    assert "Kept as earlier contributors: Inge Ambros" in text(page.select_one("section.credit"))
    rows = {text(row.th.code): row for row in page.select("table.diff tbody tr")}
    assert "study.keywords" in rows and text(rows["study.keywords"].select_one("ins")) == "tumour"
    # The reader's name of each field comes first, the manifest path after it.
    assert text(rows["study.keywords"].th).startswith("Study › Keywords")
    description = rows["study.description"]
    assert [text(i) for i in description.select("ins")] and [text(d) for d in description.select("del")]
    assert "twice" in " ".join(text(i) for i in description.select("ins"))
    credit_rows = [path for path, row in rows.items() if "credit-change" in row.get("class", [])]
    assert credit_rows, "changes to people are highlighted"


def test_annotation_type_and_licence_pages(site: Path) -> None:
    page = soup(site, "annotation-types/segmentation_mask/index.html")
    assert text(page.select_one("h1")) == "Segmentation masks"
    assert text(page.select_one(".lead")).startswith("An image the size of its source")
    assert [a["href"] for a in page.select(".card h3 a")] == ["../../datasets/kromp/index.html"]
    index = soup(site, "annotation-types/index.html")
    assert len(index.select("dl.terms > div")) == 11
    licence = soup(site, "licences/CC-BY-NC-4.0/index.html")
    assert text(licence.select_one("h1")) == "Creative Commons Attribution Non Commercial 4.0 International"
    assert [a["href"] for a in licence.select(".card h3 a")] == ["../../datasets/mosquito/index.html"]


def test_credit_page_aggregates_one_orcid_across_datasets(site: Path) -> None:
    page = soup(site, "people/0000-0002-1694-233X/index.html")
    assert text(page.select_one("h1")) == "Grace Hopper"
    assert [text(li) for li in page.select("ul.counts li")] == ["2 datasets annotated",
                                                                 "2 datasets credited"]
    rows = [[text(cell) for cell in row.find_all(["th", "td"], recursive=False)]
            for row in page.select("table.credits tbody tr")]
    assert rows == [  # one row per dataset, however many versions credit the person
        ["Nuclei of neuroblastoma tumour touch imprints",
         "annotator of annotation set 1 in versions 1.0 , 1.1", "data annotation"],
        ["Mosquito photos with species labels",
         "annotator of annotation set 1 in version 1.0 dataset author in version 1.0", "data annotation"],
    ]


def test_name_keyed_person_is_flagged(site: Path) -> None:
    page = soup(site, "people/name-inge-ambros/index.html")
    assert text(page.select_one("p.notice")).startswith("No ORCID iD is given for this person")
    ways = [text(li) for li in page.select("table.credits tbody tr td li")]
    assert ways == ["annotator of annotation set 1 in version 1.0",
                    "earlier contributor (credit kept) in version 1.1"]
    assert [text(li) for li in page.select("ul.counts li")] == ["1 dataset annotated", "1 dataset credited"]


def test_people_index_ranks_annotators_first(site: Path) -> None:
    page = soup(site, "people/index.html")
    annotators = [text(row.th) for row in page.select("#annotators-title ~ div table tbody tr")]
    assert annotators == ["Grace Hopper", "Inge Ambros (no ORCID)"]
    everyone = [text(row.th) for row in page.select("#everyone-title ~ div table tbody tr")]
    assert everyone == ["Grace Hopper", "Inge Ambros (no ORCID)", "Ada Lovelace"]


def test_every_internal_link_is_relative_and_resolves(site: Path) -> None:
    for html in sorted(site.rglob("*.html")):
        page_path = html.relative_to(site).as_posix()
        if page_path == "404.html":
            continue
        page = soup(site, page_path)
        for element in page.select("[href], [src]"):
            target = str(element.get("href") or element.get("src"))
            if target.startswith(("https://", "http://", "#")):
                continue
            assert not target.startswith("/"), f"{page_path}: absolute link {target}"
            assert (site / resolve(page_path, target)).is_file(), f"{page_path}: broken {target}"


def test_pages_are_accessible_landmarks(site: Path) -> None:
    for page_path in ("index.html", "datasets/kromp/index.html", "people/index.html"):
        page = soup(site, page_path)
        assert page.select_one("html")["lang"] == "en"
        assert page.select_one("header") and page.select_one("nav[aria-label]")
        assert page.select_one("main#main") and page.select_one("footer")
        assert len(page.select("h1")) == 1
        assert all(img.get("alt") for img in page.select("img"))
        assert not page.select("link[href^='http'], script[src^='http'], img[src^='http']"), \
            "no request to another host"


def test_dataset_page_links_to_a_prefilled_improvement_issue(site: Path) -> None:
    page = soup(site, "datasets/kromp/1.0/index.html")
    link = page.select_one("p.improve a")
    assert link is not None and text(link) == "Propose an improvement or report a problem"
    assert link["href"] == ("https://github.com/mifa-catalogue/catalogue/issues/new?template=improve-dataset.yml"
                            "&dataset=kromp&version=1.0&title=%5Bkromp%201.0%5D%20")


def test_dataset_page_carries_structured_data_citation_and_score(site: Path) -> None:
    import json

    page = soup(site, "datasets/kromp/1.1/index.html")
    data = json.loads(page.select_one("script[type='application/ld+json']").string or "")
    assert data["@type"] == "Dataset" and data["version"] == "1.1"
    assert {"@id": "https://orcid.org/0000-0002-1825-0097"}.items() <= data["creator"][0].items()
    assert data["isBasedOn"].endswith("/datasets/kromp/1.0/")
    cite = page.select_one("section.cite")
    assert text(cite.select_one("pre")).startswith("@misc{kromp_1.1,")
    assert [a["href"] for a in cite.select("a")][:3] == ["citation.bib", "citation.ris", "citation.cff"]
    assert (site / "datasets" / "kromp" / "1.1" / "croissant.json").is_file()
    score = page.select_one("p.completeness a.score")
    assert score is not None and text(score).startswith("MIFA completeness ")
    assert score["href"] == "../../../completeness/index.html"


def test_completeness_page_lists_what_is_missing(site: Path) -> None:
    page = soup(site, "completeness/index.html")
    rows = {text(row.th): row for row in page.select("#missing-title ~ table tbody tr")}
    assert "study.publications" in rows
    assert [a["href"] for a in rows["study.publications"].select("a")] == ["../datasets/mosquito/index.html"]


def test_sitemap_robots_and_feed(site: Path) -> None:
    import xml.etree.ElementTree as ET

    urls = [e.text for e in ET.parse(site / "sitemap.xml").getroot()
            .iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/mifa-catalogue/datasets/kromp/1.1/" in urls
    assert "Sitemap: https://example.org/mifa-catalogue/sitemap.xml" in (site / "robots.txt").read_text()
    feed = ET.parse(site / "feed.xml").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Nuclei of neuroblastoma tumour touch imprints, version 1.1" in titles


def test_pages_forbid_inline_and_foreign_script(site: Path) -> None:
    for page_path in ("index.html", "datasets/kromp/index.html", "search/index.html"):
        meta = soup(site, page_path).select_one("meta[http-equiv='Content-Security-Policy']")
        assert meta is not None
        policy = dict(part.strip().split(" ", 1) for part in str(meta["content"]).split(";"))
        assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
        assert "unsafe-inline" not in str(meta["content"])
