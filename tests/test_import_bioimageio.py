"""`mifa import bioimageio`: dataset RDFs of both formats become manifests, field by field.

The fixtures are written by the tests in the shapes of real RDFs (the legacy collection's
`rdf.yaml` files of Covid-IF and HyLFM, the current collection's `rdf_content` of
splendid-falafel and bountiful-paella, and its report `summary.json`), plus the messy cases
real RDFs have: authors as bare names or "Last, First", ORCIDs as URLs, no licence.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from site_builder import validate_text
from site_builder.importers.bioimageio import RdfImport, import_bioimageio

from .conftest import Result

NOW = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)

COVID_IF = """\
authors:
- name: Constantin Pape
cite:
- doi: https://doi.org/10.1002/bies.202000257
  text: Pape, Remme et al.
config:
  bioimageio:
    status: accepted
    version_id: latest
  default_type: model
  url_root: https://raw.githubusercontent.com/ilastik/bioimage-io-resources/main
covers:
- https://raw.githubusercontent.com/ilastik/bioimage-io-resources/main/dataset_src/covid-if-cover0.jpg
description: Training data for cell and nucleus segmentation as well as infection
  classification in IF data of Covid-19 infected cells.
documentation:
  https://raw.githubusercontent.com/ilastik/bioimage-io-resources/main/dataset_src/covid-if.md
format_version: 0.2.3
id: ilastik/covid_if_training_data/latest
license: CC-BY-4.0
maintainers:
- affiliation: EMBL Heidelberg
  github_user: constantinpape
  name: Constantin Pape
  orcid: 0000-0001-6562-7187
name: Covid-IF Training Data
rdf_source:
  https://bioimage-io.github.io/collection-bioimage-io/rdfs/ilastik/covid_if_training_data/latest/rdf.yaml
source: https://zenodo.org/record/5092850
tags:
- high-content-imaging
- 2D
- covid19
- instance-segmentation
type: dataset
"""

HYLFM = """\
authors:
- affiliation: EMBL Heidelberg
  name: Fynn Beuttenmueller
  orcid: 0000-0002-8567-6389
cite:
- doi: https://doi.org/10.1038/s41592-021-01136-0
  text: Beuttenmueller, Wagner, N., F., Norlin, N. et al. Deep learning-enhanced light-field
    imaging with continuous validation. Nat Methods 18, 557–563 (2021).
config:
  bioimageio:
    doi: 10.5281/zenodo.7612152
    status: accepted
covers:
- https://zenodo.org/api/records/7612152/files/cover.png/content
description: Light-sheet and light-field images of beating and arrested hatchling
  (8 dpf) medaka hearts.
format_version: 0.2.3
git_repo: https://github.com/kreshuklab/hylfm-net
id: 10.5281/zenodo.7612115/7612152
license: MIT
name: Hatchling Medaka Heart (HyLFM)
source: https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BSST604
tags:
- medaka
- oryzias latipes
type: dataset
version: 0.1.0
"""

# A 0.2.x RDF with no licence and the author and citation shapes hand-written RDFs have.
MESSY = """\
format_version: 0.2.0
type: dataset
id: messy-dataset
name: "Nuclei  in   zebrafish  embryos"
description: "Confocal stacks of zebrafish embryos with nuclei outlined by hand.\\\\n  \\\\n"
authors:
  - name: Constantin Pape
  - name: "Kreshuk, Anna"
  - name: "Jan van der Berg,"
  - name: Ada Lovelace
    orcid: https://orcid.org/0000-0002-1825-0097
    affiliation: [EMBL Heidelberg, Heidelberg University]
    github_user: adal
    email: ada@example.org
  - Grace Hopper
  - name: Hypatia
    affiliation: "Museion; Library of Alexandria"
cite:
  - text: Project page
    url: https://example.org/zebrafish-nuclei
  - "Lovelace, A. (2019). Counting nuclei by hand. Journal of Patience 3, 1-9."
tags: [3D, 3d, instance segmentation, instance-segmentation, zebrafish]
"""

FALAFEL = {
    "authors": [{"affiliation": "MRC LMB", "github_user": "danifranco",
                 "name": "Daniel Franco-Barranco", "orcid": "0000-0002-1109-110X"}],
    "cite": [{
        "doi": "10.5281/zenodo.19085211",
        "text": "Arturo D’Angelo, Daniel Franco-Barranco, Elvan Böke (2026). Ovarian reserve oocyte "
                "segmentation dataset: 3D light-sheet fluorescence microscopy (1.0) [Data set]. Zenodo. "
                "https://doi.org/10.5281/zenodo.19085211",
        "url": "https://www.biorxiv.org/content/10.1101/2025.11.07.686728v1.abstract",
    }],
    "covers": ["raw_ovary_overview.png", "oocyte_seg1.png"],
    "description": "Seven whole-mount ovarian samples imaged by SPIM and stained for DDX4, with "
                   "manual instance segmentations of the oocytes.\\n    ",
    "documentation": "Oocytes.md",
    "format_version": "0.3.0",
    "id": "splendid-falafel",
    "id_emoji": "🧆",
    "license": "CC-BY-4.0",
    "name": "Ovarian reserve  oocyte segmentation dataset",
    "source": "https://zenodo.org/records/19085211",
    "tags": ["instance-segmentation", "3D", "oocyte", "mouse"],
    "type": "dataset",
    "uploader": {"email": "uploader@example.org"},
    "version": "1.0.0",
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(tmp_path: Path, name: str, text: str, **kwargs: object) -> RdfImport:
    result = import_bioimageio(_write(tmp_path, name, text), now=NOW, **kwargs)  # type: ignore[arg-type]
    return result


def _errors(result: RdfImport) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.column, p.path, p.message) for p in result.problems if p.severity == "error"]


def _line_of(text: str, fragment: str) -> int:
    """The number of the first line that starts (after its indentation) with `fragment`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(fragment))


def _summary(rdf: dict[str, object]) -> str:
    """The report bioimage.io publishes for each version: the RDF under rdf_content, sorted keys."""
    return json.dumps({"rdf_content": rdf, "rdf_yaml_sha256": "0" * 64, "status": "passed",
                       "scores": {"metadata_completeness": 0.8}, "tests": {}},
                      indent=4, sort_keys=True, ensure_ascii=False)


# --- the legacy collection (format 0.2.x) ------------------------------------------------------


def test_legacy_rdf_field_by_field(tmp_path: Path) -> None:
    result = _import(tmp_path, "rdf.yaml", COVID_IF)
    assert _errors(result) == []
    assert result.manifest is not None
    study = result.manifest.study
    assert study.title == "Covid-IF Training Data"
    assert study.description == ("Training data for cell and nucleus segmentation as well as infection "
                                 "classification in IF data of Covid-19 infected cells.")
    assert study.keywords == ["high-content-imaging", "2D", "covid19", "instance-segmentation"]
    assert study.license == "CC-BY-4.0"
    assert [(a.author_first_name, a.author_last_name) for a in study.authors] == [("Constantin", "Pape")]
    (paper,) = study.publications
    assert paper.publication_doi == "10.1002/bies.202000257"  # a doi.org URL, stored bare
    assert paper.publication_authors == "Pape, Remme et al."
    assert study.link_url == [
        "https://raw.githubusercontent.com/ilastik/bioimage-io-resources/main/dataset_src/covid-if.md"]
    assert study.link_description == ["Documentation"]
    assert study.data_url == "https://zenodo.org/record/5092850"
    assert study.accession == "zenodo.5092850"
    assert study.bioimageio_id == "ilastik/covid_if_training_data"  # the legacy id without /latest
    assert result.manifest.version.version == "1.0"
    assert result.manifest.version.timestamp == NOW


def test_legacy_rdf_reports_what_has_no_mifa_home(tmp_path: Path) -> None:
    notes = "\n".join(_import(tmp_path, "rdf.yaml", COVID_IF).notes)
    assert "maintainers" in notes and "Constantin Pape (constantinpape)" in notes
    assert "config (bioimageio, default_type, url_root)" in notes
    assert "rdf_source" in notes
    assert "covers are not imported as example images" in notes and "covid-if-cover0.jpg" in notes
    assert "'Pape, Remme et al.' does not give publication_title" in notes
    assert "no annotation metadata" in notes and "funding" in notes


def test_citation_title_and_year_are_read_from_the_text(tmp_path: Path) -> None:
    result = _import(tmp_path, "rdf.yaml", HYLFM)
    assert result.manifest is not None
    study = result.manifest.study
    (paper,) = study.publications
    assert paper.publication_title == "Deep learning-enhanced light-field imaging with continuous validation"
    assert paper.publication_authors == "Beuttenmueller, Wagner, N., F., Norlin, N. et al."
    assert paper.publication_year == 2021
    assert paper.publication_doi == "10.1038/s41592-021-01136-0"
    assert study.link_url == ["https://github.com/kreshuklab/hylfm-net"]
    assert study.link_description == ["Source code"]
    assert study.accession == "S-BSST604"
    assert study.data_url == "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BSST604"
    assert study.bioimageio_id is not None and study.bioimageio_id.endswith("10.5281/zenodo.7612115/7612152")
    assert study.authors[0].orcid_id == "0000-0002-8567-6389"
    assert study.authors[0].organisation[0].organisation_name == "EMBL Heidelberg"
    assert any("version '0.1.0'" in note for note in result.notes)


def test_licence_warnings_are_those_of_validate_and_point_into_the_rdf(tmp_path: Path) -> None:
    result = _import(tmp_path, "rdf.yaml", HYLFM)
    (warning,) = [p for p in result.problems if p.path == "license"]
    assert warning.severity == "warning"
    assert (warning.line, warning.column) == (_line_of(HYLFM, "license: MIT"), 10)
    manifest = HYLFM_AS_MANIFEST.replace("LICENCE", "MIT")
    validated = validate_text(manifest)
    assert warning.message in {p.message for p in validated.problems}


HYLFM_AS_MANIFEST = """\
study:
  title: Hatchling Medaka Heart
  description: Light-sheet and light-field images of medaka hearts.
  license: LICENCE
  authors:
    - author_first_name: Fynn
      author_last_name: Beuttenmueller
  funding_statement: EMBL.
annotations:
  - annotation_overview: Paired volumes.
    annotation_type: other
    annotation_method: Acquired on the same microscope.
version:
  version: "1.0"
  timestamp: 2024-05-01T10:00:00+00:00
"""


def test_licence_is_normalised_to_spdx(tmp_path: Path) -> None:
    text = COVID_IF.replace("license: CC-BY-4.0", "license: https://creativecommons.org/licenses/by-nc/4.0/")
    result = _import(tmp_path, "rdf.yaml", text)
    assert result.manifest is not None
    assert result.manifest.study.license == "CC-BY-NC-4.0"
    (warning,) = [p for p in result.problems if p.path == "license"]
    assert "forbids commercial reuse" in warning.message


# --- messy authors, no licence ---------------------------------------------------------------


@pytest.fixture
def messy(tmp_path: Path) -> RdfImport:
    return _import(tmp_path, "rdf.yaml", MESSY)


def test_messy_authors_are_split_sensibly(messy: RdfImport) -> None:
    assert messy.manifest is not None
    authors = messy.manifest.study.authors
    assert [(a.author_first_name, a.author_last_name) for a in authors][:5] == [
        ("Constantin", "Pape"),         # a name only
        ("Anna", "Kreshuk"),            # "Last, First"
        ("Jan", "van der Berg"),        # a trailing comma, a particle
        ("Ada", "Lovelace"),
        ("Grace", "Hopper"),            # a bare string instead of a mapping
    ]
    ada = authors[3]
    assert ada.orcid_id == "0000-0002-1825-0097"  # given as an orcid.org URL
    assert [o.organisation_name for o in ada.organisation] == ["EMBL Heidelberg", "Heidelberg University"]
    assert ada.email is None
    assert [o.organisation_name for o in authors[5].organisation] == ["Museion", "Library of Alexandria"]
    notes = "\n".join(messy.notes)
    assert "'Kreshuk, Anna' read as first name 'Anna', last name 'Kreshuk'" in notes
    assert "Ada Lovelace (adal)" in notes  # GitHub user names have no MIFA field
    assert "dropped 1 e-mail addresses" in notes
    assert "ada@example.org" not in notes


def test_one_word_name_and_missing_licence_are_left_to_fill_in(messy: RdfImport) -> None:
    assert "study.license" in messy.to_fill
    assert "study.authors[5].author_first_name" in messy.to_fill
    assert messy.data is not None
    study = messy.data["study"]
    assert study["license"] is None
    assert study["authors"][5]["author_first_name"] is None
    assert study["authors"][5]["author_last_name"] == "Hypatia"
    notes = "\n".join(messy.notes)
    assert "states no licence" in notes and "NOASSERTION if no source states one" in notes
    assert "'Hypatia' is one word" in notes
    assert not [p for p in messy.problems if p.path == "license"], "no warning about a stand-in licence"


def test_messy_text_fields_are_tidied(messy: RdfImport) -> None:
    assert messy.manifest is not None
    study = messy.manifest.study
    assert study.title == "Nuclei in zebrafish embryos"
    assert study.description == "Confocal stacks of zebrafish embryos with nuclei outlined by hand."
    assert study.keywords == ["3D", "instance segmentation", "zebrafish"]
    assert "'3d' (as '3D')" in "\n".join(messy.notes)
    assert study.bioimageio_id == "messy-dataset"


def test_url_citations_become_links_and_text_citations_publications(messy: RdfImport) -> None:
    assert messy.manifest is not None
    study = messy.manifest.study
    assert study.link_url == ["https://example.org/zebrafish-nuclei"]
    assert study.link_description == ["Project page"]
    (paper,) = study.publications
    assert paper.publication_title == "Counting nuclei by hand"
    assert paper.publication_authors == "Lovelace, A."
    assert paper.publication_year == 2019
    assert paper.publication_doi is None
    assert ("cite[1].doi", "missing recommended field 'publication_doi'") in {
        (p.path, p.message) for p in messy.problems}


def test_keep_emails_keeps_them(tmp_path: Path) -> None:
    result = _import(tmp_path, "rdf.yaml", MESSY, keep_emails=True)
    assert result.manifest is not None
    assert result.manifest.study.authors[3].email == "ada@example.org"


def test_missing_orcids_are_located_at_the_author(messy: RdfImport) -> None:
    (warning,) = [p for p in messy.problems if p.path == "authors[1].orcid"]
    assert warning.message == "missing recommended field 'orcid_id'"
    assert warning.line == _line_of(MESSY, '- name: "Kreshuk, Anna"')


# --- the current collection (format 0.3.x), bare and in summary.json ----------------------------


def test_rdf_content_inside_a_summary_json(tmp_path: Path) -> None:
    text = _summary(FALAFEL)
    result = _import(tmp_path, "summary.json", text)
    assert _errors(result) == []
    assert result.manifest is not None
    study = result.manifest.study
    assert study.title == "Ovarian reserve oocyte segmentation dataset"  # double space collapsed
    assert study.description == ("Seven whole-mount ovarian samples imaged by SPIM and stained for DDX4, "
                                 "with manual instance segmentations of the oocytes.")
    assert study.bioimageio_id == "splendid-falafel"
    assert study.accession == "zenodo.19085211"
    assert study.data_url == "https://zenodo.org/records/19085211"
    assert study.license == "CC-BY-4.0"
    author = study.authors[0]
    assert (author.author_first_name, author.author_last_name, author.orcid_id) == (
        "Daniel", "Franco-Barranco", "0000-0002-1109-110X")
    (paper,) = study.publications
    assert paper.publication_title == ("Ovarian reserve oocyte segmentation dataset: 3D light-sheet "
                                       "fluorescence microscopy")
    assert paper.publication_authors == "Arturo D’Angelo, Daniel Franco-Barranco, Elvan Böke"
    assert paper.publication_year == 2026
    assert paper.publication_doi == "10.5281/zenodo.19085211"
    assert study.link_url == ["https://www.biorxiv.org/content/10.1101/2025.11.07.686728v1.abstract"]
    assert study.link_description == [f"Cited with: {paper.publication_title}"]
    notes = "\n".join(result.notes)
    assert "rdf_content of a bioimage.io report" in notes and "scores" in notes and "tests" in notes
    assert "'Oocytes.md' is a file inside the bioimage.io record" in notes
    assert "'raw_ovary_overview.png'" in notes
    assert "id_emoji" in notes and "uploader" in notes
    assert "uploader@example.org" not in notes


def test_problems_in_a_summary_json_point_at_its_lines(tmp_path: Path) -> None:
    rdf = dict(FALAFEL, authors=[{"name": "Daniel Franco-Barranco", "orcid": "0000-0002-1109-1101"}])
    text = _summary(rdf)
    result = _import(tmp_path, "summary.json", text)
    assert result.manifest is None
    ((line, column, path, message),) = _errors(result)
    assert path == "rdf_content.authors[0].orcid"
    assert line == _line_of(text, '"orcid": "0000-0002-1109-1101"')
    assert text.splitlines()[line - 1][column - 1:].startswith('"0000-0002-1109-1101"')
    assert "checksum" in message


def test_json_with_escaped_emoji_keeps_its_positions(tmp_path: Path) -> None:
    """json.dumps writes the emoji of id_emoji as a surrogate pair, which YAML alone refuses."""
    rdf = dict(FALAFEL, authors=[{"name": "Daniel Franco-Barranco", "orcid": "not an orcid"}])
    text = json.dumps({"rdf_content": rdf}, indent=2)  # ensure_ascii: "\\ud83e\\uddc6"
    assert "\\ud83e" in text
    result = _import(tmp_path, "summary.json", text)
    ((line, _, path, _),) = _errors(result)
    assert (line, path) == (_line_of(text, '"orcid": "not an orcid"'), "rdf_content.authors[0].orcid")


def test_json_that_yaml_cannot_read_is_read_without_positions(tmp_path: Path) -> None:
    text = json.dumps(dict(FALAFEL, id_emoji="\ud83e"), indent=2)  # a lone surrogate: JSON only
    result = _import(tmp_path, "rdf.json", text)
    assert result.manifest is not None
    assert result.manifest.study.bioimageio_id == "splendid-falafel"
    assert any("could not be read with positions" in note for note in result.notes)


def test_json_read_without_positions_is_still_bounded(tmp_path: Path) -> None:
    deep: object = "x"
    for _ in range(500):
        deep = [deep]
    # the lone surrogate comes first, so YAML stops there and the JSON reader sees the nesting
    rest = {key: value for key, value in FALAFEL.items() if key != "id_emoji"}
    rdf = {"id_emoji": "\ud83e"} | rest | {"authors": [{"name": "A B", "orcid": deep}]}
    result = _import(tmp_path, "rdf.json", json.dumps(rdf))
    ((line, column, _, message),) = _errors(result)
    assert (line, column, message) == (1, 1, "nesting is deeper than 40 levels")


def test_bare_rdf_content_json(tmp_path: Path) -> None:
    rdf = dict(FALAFEL, id="bountiful-paella", name="SpineDL", cite=[{
        "doi": "10.5281/zenodo.17829532",
        "text": "Ruíz Amezcua, P., Franco-Barranco, D., & Nieto-Diaz, M. (2025). SpineDL dataset: Spinal "
                "Cord Cross-Sections from C57BL/6J Mice (1.0) [Data set]. Zenodo. "
                "https://doi.org/10.5281/zenodo.17829532"}])
    result = _import(tmp_path, "rdf_content.json", json.dumps(rdf, indent=4))
    assert result.manifest is not None
    assert result.manifest.study.bioimageio_id == "bountiful-paella"
    (paper,) = result.manifest.study.publications
    assert paper.publication_title == "SpineDL dataset: Spinal Cord Cross-Sections from C57BL/6J Mice"
    assert paper.publication_authors == "Ruíz Amezcua, P., Franco-Barranco, D., & Nieto-Diaz, M."
    assert not any("rdf_content of a bioimage.io report" in note for note in result.notes)


# --- the written manifest -------------------------------------------------------------------


def test_cli_writes_a_manifest_that_asks_for_what_the_rdf_lacks(
        mifa: Callable[..., Result], tmp_path: Path) -> None:
    source = _write(tmp_path, "rdf.yaml", COVID_IF)
    out = tmp_path / "datasets" / "covid-if" / "1.0.yaml"
    result = mifa("import", "bioimageio", source, "--out", out, "--now", "2024-05-01T10:00:00+00:00")
    assert result.code == 0, result.err
    assert "note: maintainers" in result.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../catalogue/manifest.schema.json\n")
    assert "Imported from the bioimage.io dataset RDF rdf.yaml" in text
    data = yaml.safe_load(text)
    assert data["study"]["funding_statement"] is None
    assert data["annotations"] == [{"annotation_overview": None, "annotation_type": [],
                                    "annotation_method": None}]
    checked = validate_text(text)
    errors = {(p.path, p.message) for p in checked.problems if p.severity == "error"}
    assert errors == {
        ("study.publications[0].publication_title", "required field is empty"),
        ("study.funding_statement", "required field is empty"),
        ("annotations[0].annotation_overview", "required field is empty"),
        ("annotations[0].annotation_type", "required field is empty"),
        ("annotations[0].annotation_method", "required field is empty"),
    }
    data["study"]["funding_statement"] = "Funded by EMBL."
    data["study"]["publications"][0]["publication_title"] = "Microscopy-based assay for SARS-CoV-2"
    data["annotations"] = [{"annotation_overview": "Cells and nuclei outlined.",
                            "annotation_type": ["segmentation_mask"],
                            "annotation_method": "Drawn by hand, corrected by an expert."}]
    filled = validate_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    assert filled.valid, filled.problems
    imported = import_bioimageio(source, now=NOW).manifest
    assert imported is not None and filled.manifest is not None
    assert filled.manifest.study.model_dump(exclude={"funding_statement", "publications"}) == \
        imported.study.model_dump(exclude={"funding_statement", "publications"})


def test_cli_never_overwrites(mifa: Callable[..., Result], tmp_path: Path) -> None:
    source = _write(tmp_path, "rdf.yaml", COVID_IF)
    out = _write(tmp_path, "1.0.yaml", "curated: true\n")
    result = mifa("import", "bioimageio", source, "--out", out)
    assert result.code == 2
    assert "already exists" in result.err
    assert out.read_text(encoding="utf-8") == "curated: true\n"


def test_cli_prints_to_standard_output_without_out(mifa: Callable[..., Result], tmp_path: Path) -> None:
    result = mifa("import", "bioimageio", _write(tmp_path, "rdf.yaml", HYLFM))
    assert result.code == 0
    assert yaml.safe_load(result.out)["study"]["accession"] == "S-BSST604"


def test_cli_refuses_a_bad_now(mifa: Callable[..., Result], tmp_path: Path) -> None:
    result = mifa("import", "bioimageio", _write(tmp_path, "rdf.yaml", HYLFM), "--now", "yesterday")
    assert result.code == 2 and "--now yesterday" in result.err


# --- bad input: located problems, no manifest, no traceback -------------------------------------

BAD = [
    pytest.param("rdf.yaml", "name: x\n  description: [\n", (2, None), "this is not valid YAML",
                 id="not-yaml"),
    pytest.param("rdf.json", '{\n  "name": "x",\n  "type": "dataset"\n  "tags": []\n}\n', (4, 3),
                 "this is not valid JSON", id="not-json"),
    pytest.param("rdf.yaml", "- name: x\n- name: y\n", (1, 1), "must be a mapping", id="a-list"),
    pytest.param("rdf.yaml", "", (1, 1), "the file is empty", id="empty"),
    pytest.param("rdf.yaml", COVID_IF.replace("type: dataset", "type: model"), ("type: model", 7),
                 "this RDF describes 'model', not a dataset", id="a-model"),
    pytest.param("rdf.yaml", COVID_IF.replace("name: Covid-IF Training Data", "name: 42"), ("name: 42", 7),
                 "the name must be text, not the number 42", id="name-not-text"),
    pytest.param("rdf.yaml", COVID_IF.replace("name: Covid-IF Training Data\n", ""), (1, 1),
                 "the RDF has no name", id="no-name"),
    pytest.param("rdf.yaml", COVID_IF.replace("license: CC-BY-4.0", "license: CC BY 4.0"),
                 ("license: CC BY 4.0", 10), "did you mean 'CC-BY-4.0'?", id="licence-not-spdx"),
    pytest.param("summary.json", '{"rdf_content": "dataset", "status": "passed"}', (1, 17),
                 "rdf_content must be the RDF", id="wrapper-without-rdf"),
]


@pytest.mark.parametrize(("name", "text", "where", "message"), BAD)
def test_bad_input_gives_located_errors(mifa: Callable[..., Result], tmp_path: Path, name: str,
                                        text: str, where: tuple[int | str, int | None],
                                        message: str) -> None:
    result = _import(tmp_path, name, text)
    assert result.manifest is None and result.data is None
    errors = _errors(result)
    assert any(message in m for _, _, _, m in errors), errors
    line, column = where
    expected_line = _line_of(text, line) if isinstance(line, str) else line
    assert any(found == expected_line and (column is None or col == column)
               for found, col, _, m in errors if message in m), errors
    out = tmp_path / "out" / "1.0.yaml"
    cli = mifa("import", "bioimageio", tmp_path / name, "--out", out)
    assert cli.code == 1
    assert "Traceback" not in cli.err and message.split("'")[0] in cli.err
    assert not out.exists()


def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "rdf.yaml"
    with path.open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: nothing is written, nothing should be read
    result = import_bioimageio(path)
    assert result.manifest is None
    ((line, column, _, message),) = _errors(result)
    assert (line, column) == (1, 1) and "over the" in message


def test_wrong_shapes_of_optional_parts_are_warned_and_skipped(tmp_path: Path) -> None:
    text = (COVID_IF + "git_repo: 17\n").replace("tags:\n- high", "tags:\n- {a: b}\n- high")
    text = text.replace("cite:\n- doi:", "cite:\n- 12\n- doi:")
    result = _import(tmp_path, "rdf.yaml", text)
    assert result.manifest is not None
    warnings = {(p.path, p.message) for p in result.problems if p.severity == "warning"}
    assert ("tags[0]", "the tag is a mapping, not text; it is not carried over") in warnings
    assert ("cite[0]", "this citation is the number 12, not a mapping; not carried over") in warnings
    assert ("git_repo", "git_repo is the number 17, not a link; not carried over") in warnings
    assert result.manifest.study.keywords[0] == "high-content-imaging"


def test_missing_file_is_a_usage_error(mifa: Callable[..., Result], tmp_path: Path) -> None:
    result = mifa("import", "bioimageio", tmp_path / "nope.yaml")
    assert result.code == 2 and "no such file" in result.err
