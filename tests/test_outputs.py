"""Machine-readable outputs: parsed back as their consumers would (JSON, XML, YAML, mlcroissant)."""

from __future__ import annotations

import json
import logging
import socket
import textwrap
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import mlcroissant as mlc  # type: ignore[import-untyped]
import pytest
import yaml

from site_builder import validate_text
from site_builder.credits import Credit, Person
from site_builder.model import Manifest
from site_builder.outputs import (
    api_files,
    atom_feed,
    bibtex,
    citation_cff,
    croissant,
    dataset_api_files,
    dataset_jsonld,
    ris,
    robots,
    sitemap,
)
from site_builder.render.pages import DatasetEntry
from site_builder.schema import manifest_schema
from site_builder.settings import Settings
from site_builder.zoo.links import ModelLink, ZooLinks
from site_builder.zoo.snapshot import ZooItem

BASE = "https://catalogue.example.org/mifa/"
SETTINGS = Settings(title="MIFA Catalogue", description="Annotated bioimages for AI.", base_url=BASE)
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

KROMP = """\
study:
  title: Nuclei of neuroblastoma tumour touch imprints
  description: |
    Fluorescence images of **nuclei**, with expert masks.

    Second paragraph.
  keywords: [nucleus, segmentation]
  license: CC0-1.0
  accession: S-TEST1
  data_url: https://example.org/data/s-test1
  authors:
    - author_first_name: Ada
      author_last_name: Lovelace
      orcid_id: 0000-0002-1825-0097
      email: ada@example.org
      organisation:
        - {organisation_name: Example Institute, ror_id: 02catss52}
    - {author_first_name: Charles, author_last_name: Babbage, email: charles@example.net}
  publications:
    - publication_title: A nuclei dataset
      publication_authors: A. Lovelace
      publication_doi: 10.1038/s41597-020-00608-w
      publication_year: 2020
  funding_statement: Funded by the Example Foundation.
images:
  biosample:
    - organism:
        - {scientific_name: Homo sapiens, ncbi_taxon: 9606}
  image_acquisition:
    - imaging_method: {name: fluorescence microscopy, fbbi_id: "FBbi:00000246"}
annotations:
  - annotation_overview: Nuclei outlined by experts.
    annotation_type: segmentation_mask
    annotation_method: Drawn by hand in napari.
    annotation_format: [tiff]
    license: CC-BY-4.0
    authors:
      - {author_first_name: Grace, author_last_name: Hopper, orcid_id: 0000-0002-1694-233X,
         email: grace@example.com, role: data annotation}
    file_metadata:
      - {annotation_id: groundtruth/img_0.tif, annotation_type: segmentation_mask,
         source_image_id: images/img_0.tif}
      - {annotation_id: groundtruth/img_1.tif, annotation_type: [segmentation_mask],
         source_image_id: [images/img_1.tif, images/img_1b.tif]}
version:
  version: "1.0"
  timestamp: 2024-05-01T10:00:00+00:00
"""

KROMP_11 = KROMP.replace('version: "1.0"', 'version: "1.1"').replace(
    "timestamp: 2024-05-01T10:00:00+00:00",
    'timestamp: 2024-06-01T10:00:00+00:00\n  previous_version: "1.0"\n  changes: Reviewed the masks again.')

LEGACY = """\
study:
  title: Cells & {braces} at 100% of_the_time
  description: Old images, imported with a history that lives outside the catalogue.
  license: NOASSERTION
  authors:
    - {author_first_name: Émile, author_last_name: "O'Brien-Ça"}
  funding_statement: None stated.
annotations:
  - annotation_overview: Boxes around cells.
    annotation_type: [bounding_boxes]
    annotation_method: Software, then checked by eye.
version:
  version: "2.0"
  timestamp: 2023-01-15T08:30:00+00:00
  previous_version: https://example.org/legacy/v1
  changes: Imported into the catalogue.
"""


def manifest(text: str) -> Manifest:
    loaded = validate_text(textwrap.dedent(text)).manifest
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def entries() -> list[DatasetEntry]:
    return [DatasetEntry("kromp", [manifest(KROMP), manifest(KROMP_11)], fingerprint=""),
            DatasetEntry("legacy", [manifest(LEGACY)], fingerprint="")]


def every_version(entries: list[DatasetEntry]) -> list[tuple[DatasetEntry, Manifest]]:
    return [(e, m) for e in entries for m in e.versions]


def test_jsonld_names_people_licence_history_and_papers(entries: list[DatasetEntry]) -> None:
    kromp = entries[0]
    data = json.loads(json.dumps(dataset_jsonld(kromp, kromp.latest, SETTINGS)))
    assert data["@context"] == "https://schema.org/" and data["@type"] == "Dataset"
    assert data["url"] == BASE + "datasets/kromp/1.1/"
    assert data["version"] == "1.1" and data["datePublished"] == "2024-06-01"
    assert data["identifier"] == "S-TEST1" and data["keywords"] == ["nucleus", "segmentation"]
    ada, charles = data["creator"]
    assert ada["@id"] == "https://orcid.org/0000-0002-1825-0097"
    assert (ada["givenName"], ada["familyName"]) == ("Ada", "Lovelace")
    assert ada["affiliation"][0]["name"] == "Example Institute"
    assert "@id" not in charles
    assert data["license"] == ["https://creativecommons.org/publicdomain/zero/1.0/",
                               "https://creativecommons.org/licenses/by/4.0/"]
    assert data["isBasedOn"] == BASE + "datasets/kromp/1.0/"
    assert data["citation"][0]["@id"] == "https://doi.org/10.1038/s41597-020-00608-w"
    assert data["citation"][0]["sameAs"] == data["citation"][0]["@id"]
    assert data["distribution"] == [{"@type": "DataDownload", "contentUrl": "https://example.org/data/s-test1"}]
    assert data["includedInDataCatalog"] == {"@type": "DataCatalog", "name": "MIFA Catalogue", "url": BASE}
    assert data["measurementTechnique"] == ["fluorescence microscopy"]
    assert data["contributor"][0]["@id"] == "https://orcid.org/0000-0002-1694-233X"
    assert "isBasedOn" not in dataset_jsonld(kromp, kromp.versions[0], SETTINGS)


def test_jsonld_without_licence_and_with_external_history(entries: list[DatasetEntry]) -> None:
    legacy = entries[1]
    data = json.loads(json.dumps(dataset_jsonld(legacy, legacy.latest, SETTINGS)))
    assert "license" not in data
    assert data["isBasedOn"] == "https://example.org/legacy/v1"
    assert "citation" not in data and "distribution" not in data


def test_croissant_validates_offline_with_mlcroissant(
    entries: list[DatasetEntry], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("mlcroissant tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for entry, version in every_version(entries):
        data = croissant(entry, version, SETTINGS)
        assert data["conformsTo"] == "http://mlcommons.org/croissant/1.0"
        with caplog.at_level(logging.WARNING):
            dataset = mlc.Dataset(jsonld=json.loads(json.dumps(data)))
        issues = dataset.metadata.ctx.issues
        assert not issues.errors, issues.report()
        assert "@context` is not standard" not in caplog.text
        rows = list(dataset.records("annotation_sets"))
        assert len(rows) == len(version.annotations)


def test_croissant_describes_annotation_files(entries: list[DatasetEntry]) -> None:
    kromp = entries[0]
    data = croissant(kromp, kromp.latest, SETTINGS)
    assert data["name"] == "kromp-1.1"
    assert data["license"] == ["https://creativecommons.org/publicdomain/zero/1.0/",
                               "https://creativecommons.org/licenses/by/4.0/"]
    assert data["creator"][0]["@id"] == "https://orcid.org/0000-0002-1825-0097"
    assert data["citeAs"].startswith("@misc{kromp_1.1,")
    (files,) = data["distribution"]
    assert files["@type"] == "cr:FileSet" and files["includes"] == ["groundtruth/*.tif"]
    assert files["encodingFormat"] == "image/tiff"
    records = list(mlc.Dataset(jsonld=data).records("annotation_files"))
    assert [r["annotation_files/annotation_id"] for r in records] == ["groundtruth/img_0.tif",
                                                                      "groundtruth/img_1.tif"]
    assert records[1]["annotation_files/source_image_id"] == ["images/img_1.tif", "images/img_1b.tif"]
    legacy = entries[1]
    assert "distribution" not in croissant(legacy, legacy.latest, SETTINGS)


def test_citation_cff_parses_and_follows_the_schema(entries: list[DatasetEntry]) -> None:
    import check_jsonschema  # type: ignore[import-untyped]

    schema_path = (Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
                   / "citation-file-format.json")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for entry, version in every_version(entries):
        cff = yaml.safe_load(citation_cff(entry, version, SETTINGS))
        jsonschema.validate(cff, schema)
        assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
        assert cff["version"] == version.version.version
    kromp = entries[0]
    cff = yaml.safe_load(citation_cff(kromp, kromp.latest, SETTINGS))
    assert cff["title"] == "Nuclei of neuroblastoma tumour touch imprints"
    assert cff["date-released"] == "2024-05-01" and cff["license"] == "CC0-1.0"  # first version's date
    assert cff["url"] == "https://example.org/data/s-test1"
    assert cff["preferred-citation"]["year"] == 2024 and cff["preferred-citation"]["month"] == 5
    assert cff["identifiers"][-1]["value"] == BASE + "datasets/kromp/1.1/"
    assert cff["authors"][0] == {"family-names": "Lovelace", "given-names": "Ada",
                                 "orcid": "https://orcid.org/0000-0002-1825-0097",
                                 "affiliation": "Example Institute"}
    assert cff["references"][0]["doi"] == "10.1038/s41597-020-00608-w"
    legacy = yaml.safe_load(citation_cff(entries[1], entries[1].latest, SETTINGS))
    assert "license" not in legacy and legacy["authors"][0]["family-names"] == "O'Brien-Ça"


def unescaped_braces_balance(text: str) -> bool:
    depth, escaped = 0, False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "{}":
            depth += 1 if char == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def test_bibtex_key_authors_and_escaping(entries: list[DatasetEntry]) -> None:
    kromp = entries[0]
    text = bibtex(kromp, kromp.latest, SETTINGS)
    assert text.startswith("@misc{kromp_1.1,\n") and text.endswith("}\n")
    assert "author = {{Lovelace}, Ada and {Babbage}, Charles}" in text
    assert "year = {2024}" in text and "version = {1.1}" in text
    assert "url = {https://example.org/data/s-test1}" in text
    assert (f"note = {{Archive accession S-TEST1. Release date not stated; 2024 is the year the dataset "
            f"entered MIFA Catalogue. Available in MIFA Catalogue, version 1.1: {BASE}datasets/kromp/1.1/}}"
            ) in text
    legacy = bibtex(entries[1], entries[1].latest, SETTINGS)
    assert r"Cells \& \textbraceleft{}braces\textbraceright{} at 100\% of\_the\_time" in legacy
    for entry, version in every_version(entries):
        assert unescaped_braces_balance(bibtex(entry, version, SETTINGS))


def test_ris_record(entries: list[DatasetEntry]) -> None:
    kromp = entries[0]
    text = ris(kromp, kromp.latest, SETTINGS)
    lines = text.split("\r\n")
    assert lines[0] == "TY  - DATA" and lines[-2] == "ER  - " and lines[-1] == ""
    assert "AU  - Lovelace, Ada" in lines and "AU  - Babbage, Charles" in lines
    assert "DA  - 2024/05/01" in lines and "UR  - https://example.org/data/s-test1" in lines
    assert all(line[2:6] == "  - " for line in lines[:-1])


def test_sitemap_and_robots() -> None:
    root = ET.fromstring(sitemap(["index.html", "datasets/kromp/index.html", "404.html",
                                  "datasets/kromp/1.0/index.html", "datasets/index.html"], SETTINGS))
    assert root.tag == f"{SITEMAP}urlset"
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    assert locs == [BASE, BASE + "datasets/", BASE + "datasets/kromp/", BASE + "datasets/kromp/1.0/"]
    text = robots(SETTINGS).decode()
    assert "User-agent: *" in text and f"Sitemap: {BASE}sitemap.xml" in text.splitlines()


def test_atom_feed_entries_are_versions_newest_first(entries: list[DatasetEntry]) -> None:
    root = ET.fromstring(atom_feed(entries, SETTINGS))
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated") == "2024-06-01T10:00:00+00:00"
    assert root.findtext(f"{ATOM}id") == BASE
    items = root.findall(f"{ATOM}entry")
    for item in items:
        for tag in ("id", "title", "updated"):
            assert item.findtext(f"{ATOM}{tag}")
        assert item.find(f"{ATOM}link") is not None and item.find(f"{ATOM}author") is not None
    updated = [item.findtext(f"{ATOM}updated") or "" for item in items]
    expected = sorted((m.version.timestamp for _, m in every_version(entries)), reverse=True)
    assert [datetime.fromisoformat(u) for u in updated] == expected
    assert items[0].findtext(f"{ATOM}title") == "Nuclei of neuroblastoma tumour touch imprints, version 1.1"
    link = items[0].find(f"{ATOM}link")
    assert link is not None and link.get("href") == BASE + "datasets/kromp/1.1/"
    assert items[0].findtext(f"{ATOM}summary") == "Reviewed the masks again."
    assert items[1].findtext(f"{ATOM}summary") == "Fluorescence images of nuclei, with expert masks."
    assert len(ET.fromstring(atom_feed(entries, SETTINGS, limit=1)).findall(f"{ATOM}entry")) == 1
    empty = ET.fromstring(atom_feed([], SETTINGS))
    assert empty.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00+00:00"


def people() -> list[Person]:
    credit = Credit("kromp", "Nuclei", "1.1", "annotator", ("data annotation",), 0, "Nuclei outlined.")
    return [Person("orcid:0000-0002-1694-233X", "Grace Hopper", "0000-0002-1694-233X", [credit]),
            Person("name:charles babbage", "Charles Babbage", None,
                   [Credit("kromp", "Nuclei", "1.1", "author", (), None, None)])]


def zoo() -> ZooLinks:
    item = ZooItem(id="affable-shark", type="model", name="Nuclei U-Net", description="", covers=(),
                   license="CC-BY-4.0", tags=(), aliases=(), dois=(), training_data=None, links=(),
                   versions=(), source=None, page="https://bioimage.io/#/?id=affable-shark")
    return ZooLinks(None, {"kromp": [ModelLink("affable-shark", item, True),
                                     ModelLink("https://github.com/x/y", None, True)]},
                    {"affable-shark": ["kromp"]})


def test_api_files(entries: list[DatasetEntry]) -> None:
    files = api_files(entries, people(), zoo(), SETTINGS)
    files |= {path: data for entry in entries for path, data in dataset_api_files(entry).items()}
    assert set(files) == {"api/datasets.json", "api/people.json", "api/models.json",
                          "api/manifest.schema.json", "api/datasets/kromp/1.0.json",
                          "api/datasets/kromp/1.1.json", "api/datasets/legacy/2.0.json"}
    for path, content in files.items():
        for address in ("ada@example.org", "charles@example.net", "grace@example.com"):
            assert address.encode() not in content
        assert path.endswith("schema.json") or b'"email"' not in content
    assert json.loads(files["api/manifest.schema.json"]) == manifest_schema()
    datasets: list[dict[str, Any]] = json.loads(files["api/datasets.json"])
    assert datasets[0] == {
        "id": "kromp", "title": "Nuclei of neuroblastoma tumour touch imprints", "latest_version": "1.1",
        "image_licence": "CC0-1.0", "annotation_licences": ["CC-BY-4.0"],
        "annotation_types": ["segmentation_mask"], "organisms": ["Homo sapiens"],
        "imaging_methods": ["fluorescence microscopy"], "thumbnail": None,
        "page": BASE + "datasets/kromp/", "versions": ["1.0", "1.1"]}
    assert datasets[1]["image_licence"] == "NOASSERTION"
    version = json.loads(files["api/datasets/kromp/1.1.json"])
    assert version["study"]["authors"][0]["orcid_id"] == "0000-0002-1825-0097"
    assert version["version"]["previous_version"] == "1.0"
    grace = next(p for p in json.loads(files["api/people.json"]) if p["name"] == "Grace Hopper")
    assert grace["annotated_datasets"] == ["kromp"] and grace["roles"] == ["data annotation"]
    assert grace["orcid"] == "0000-0002-1694-233X"
    assert json.loads(files["api/models.json"]) == [{
        "id": "affable-shark", "name": "Nuclei U-Net", "page": "https://bioimage.io/#/?id=affable-shark",
        "licence": "CC-BY-4.0", "datasets": ["kromp"]}]
    assert json.loads(api_files(entries, [], None, SETTINGS)["api/models.json"]) == []


def test_outputs_are_deterministic(entries: list[DatasetEntry]) -> None:
    again = [DatasetEntry(e.id, [manifest(t) for t in texts], fingerprint="")
             for e, texts in zip(entries, [[KROMP, KROMP_11], [LEGACY]], strict=True)]
    assert api_files(entries, people(), zoo(), SETTINGS) == api_files(list(reversed(again)), people(), zoo(),
                                                                        SETTINGS)
    assert atom_feed(entries, SETTINGS) == atom_feed(again, SETTINGS)
    assert sitemap(["b/index.html", "a/index.html"], SETTINGS) == sitemap(["a/index.html", "b/index.html"],
                                                                           SETTINGS)
    pairs = zip(every_version(entries), every_version(again), strict=True)
    for (entry, version), (entry2, version2) in pairs:
        for render in (dataset_jsonld, croissant):
            first = json.dumps(render(entry, version, SETTINGS), sort_keys=True)
            assert first == json.dumps(render(entry2, version2, SETTINGS), sort_keys=True)
        for text in (citation_cff, bibtex, ris):
            assert text(entry, version, SETTINGS) == text(entry2, version2, SETTINGS)
