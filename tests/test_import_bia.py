"""`mifa import bia`: the S-BIAD634 example files become one manifest, field by field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from site_builder import validate_text
from site_builder.importers.bia import import_bia
from site_builder.model import Manifest

from .conftest import EXAMPLES, Result

BIA = EXAMPLES / "bia-mifa"
pytestmark = pytest.mark.skipif(not BIA.exists(), reason="../shared/reference/examples is absent")


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    result = import_bia(BIA / "Study_S-BIAD634.yaml", BIA / "Annotations_S-BIAD634.yaml",
                        BIA / "Version_S-BIAD634.yaml")
    assert result.manifest is not None
    assert [p for p in result.problems if p.severity == "error"] == []
    return result.manifest


def test_study_fields(manifest: Manifest) -> None:
    study = manifest.study
    assert study.title == ("An annotated fluorescence image dataset for training nuclear "
                           "segmentation methods")
    assert study.description.startswith("This dataset contains annotated fluorescent nuclear images")
    assert study.description.endswith("(HaCaT) (41 images/2222 nuclei).")
    assert study.keywords == ["AI", "segmentation", "nucleus", "fluorescence"]
    assert study.license == "CC0-1.0"
    assert study.ai_models_trained == ["https://github.com/perlfloccri/NuclearSegmentationPipeline"]
    assert study.funding_statement.startswith("This work was facilitated by an EraSME grant")
    assert study.link_url == ["https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BSST265"]
    assert study.link_description == ["Original submission (not curated)"]
    assert study.accession == "S-BIAD634"
    assert study.data_url == "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BIAD634"
    assert study.grants == [] and study.acknowledgements is None


def test_study_authors(manifest: Manifest) -> None:
    authors = manifest.study.authors
    assert len(authors) == 12
    assert [a.full_name for a in authors][:3] == ["Sabine Taschner-Mandl", "Inge M. Ambros",
                                                   "Peter F. Ambros"]
    assert sum(1 for a in authors if a.orcid_id) == 7
    first = authors[0]
    assert first.orcid_id == "0000-0002-1439-5301"
    assert first.role == ["conceptualization", "data acquisition"]
    assert first.organisation[0].organisation_name == "Children's Cancer Research Institute"
    assert first.organisation[0].address == "Zimmermannplatz 10, 1090 Vienna, Austria"
    assert authors[3].role == ["data annotation"]  # a scalar role, wrapped
    assert authors[4].author_first_name == "Allan"  # trailing spaces stripped
    assert authors[8].role == ["data acquisition"]
    assert authors[11].organisation[0].organisation_name == "European Bioinformatics Institute (EMBL-EBI)"
    assert all(a.email is None for a in authors), "e-mail addresses are not copied by default"


def test_publication(manifest: Manifest) -> None:
    (publication,) = manifest.study.publications
    assert publication.publication_title == ("An annotated fluorescence image dataset for training "
                                             "nuclear segmentation methods")
    assert publication.publication_authors.startswith("Florian Kromp, Eva Bozsaky")
    assert "Wolfgang Dörr" in publication.publication_authors
    assert publication.publication_doi == "10.1038/s41597-020-00608-w"
    assert publication.publication_year is None and publication.pubmed_id is None


def test_annotation_set(manifest: Manifest) -> None:
    (annotations,) = manifest.annotations
    assert annotations.annotation_overview == ("Segmentations masks of human cell nuclei curated by "
                                               "experts from a model prediction")
    assert annotations.annotation_type == ["segmentation_mask"]  # derived from the file records
    assert annotations.annotation_method.startswith("Nuclei image annotation was performed")
    assert annotations.annotation_criteria is not None
    assert annotations.annotation_criteria.startswith("The annotation of nuclei in tissue sections")
    assert annotations.annotation_confidence_level is None
    assert annotations.annotation_coverage is None
    assert [a.full_name for a in annotations.authors] == [
        "Inge M. Ambros", "Klaus Beiske", "Tamara Weiss", "Eva Bozsaky", "Florian Kromp"]
    assert [a.orcid_id for a in annotations.authors] == [
        None, None, "0000-0001-7046-3412", None, "0000-0003-4557-5652"]
    assert all(a.role == ["data annotation"] for a in annotations.authors)


def test_file_records(manifest: Manifest) -> None:
    records = manifest.annotations[0].file_metadata
    assert len(records) == 79
    assert records[0].annotation_id == "dataset/groundtruth/Ganglioneuroblastoma_0.tif"
    assert records[0].source_image_id == ["dataset/rawimages/Ganglioneuroblastoma_0.tif"]
    assert {tuple(r.annotation_type) for r in records} == {("segmentation_mask",)}
    assert len({r.annotation_id for r in records}) == 79


def test_version(manifest: Manifest) -> None:
    version = manifest.version
    assert version.version == "1.1"
    assert version.timestamp == datetime(2023, 3, 7, 14, 37, tzinfo=UTC)
    assert version.changes is not None and version.changes.startswith("The new version")
    assert version.previous_version == "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BSST265"


def test_import_warns_about_what_upstream_leaves_out() -> None:
    result = import_bia(BIA / "Study_S-BIAD634.yaml", BIA / "Annotations_S-BIAD634.yaml",
                        BIA / "Version_S-BIAD634.yaml")
    warnings = {(Path(p.file).name, p.path, p.message) for p in result.problems}
    assert ("Annotations_S-BIAD634.yaml", "annotation_type",
            "missing; derived from file records: segmentation_mask") in warnings
    assert ("Annotations_S-BIAD634.yaml", "annotation_coverage",
            "missing recommended field 'annotation_coverage'") in warnings
    assert ("Study_S-BIAD634.yaml", "authors[1].orcid_id",
            "missing recommended field 'orcid_id'") in warnings


def test_cli_writes_a_manifest_that_validates(mifa: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "datasets" / "s-biad634" / "1.1.yaml"
    result = mifa("import", "bia", BIA / "Study_S-BIAD634.yaml", BIA / "Annotations_S-BIAD634.yaml",
                  BIA / "Version_S-BIAD634.yaml", "--out", out)
    assert result.code == 0
    assert "note: dropped 17 e-mail addresses" in result.err
    text = out.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../catalogue/manifest.schema.json\n")
    assert "@" not in text
    reloaded = validate_text(text)
    assert reloaded.manifest is not None
    assert reloaded.manifest.model_dump() == import_bia(
        BIA / "Study_S-BIAD634.yaml", BIA / "Annotations_S-BIAD634.yaml",
        BIA / "Version_S-BIAD634.yaml").manifest.model_dump()  # type: ignore[union-attr]
    assert yaml.safe_load(text)["study"]["license"] == "CC0-1.0"


def test_keep_emails_keeps_them() -> None:
    result = import_bia(BIA / "Study_S-BIAD634.yaml", BIA / "Annotations_S-BIAD634.yaml",
                        keep_emails=True, now=datetime(2024, 1, 1, tzinfo=UTC))
    assert result.manifest is not None
    assert result.manifest.study.authors[0].email == "sabine.taschner@ccri.at"
    assert result.manifest.version.version == "1.0"
    assert result.notes == ["no Version file: wrote version 1.0 dated 2024-01-01T00:00:00+00:00"]


def test_empty_templates_report_each_missing_field_and_no_manifest() -> None:
    result = import_bia(BIA / "Study_template.yaml", BIA / "Annotations_template.yaml",
                        BIA / "Version_template.yaml")
    assert result.manifest is None
    errors = sorted((Path(p.file).name, p.path) for p in result.problems if p.severity == "error")
    assert ("Study_template.yaml", "title") in errors
    assert ("Study_template.yaml", "license") in errors
    assert ("Annotations_template.yaml", "annotation_overview") in errors
    assert ("Version_template.yaml", "version") in errors
    assert ("Version_template.yaml", "timestamp") in errors
