"""Model-zoo links as a submitter and a reader meet them: validation messages and pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.build import build_site
from site_builder.zoo.snapshot import load_snapshot

from .conftest import REPO
from .site_helpers import soup, text
from .test_site import MOSQUITO, write_catalogue

SNAPSHOT = REPO / "catalogue" / "bioimageio-snapshot.json"


def settings_with_snapshot(tmp_path: Path, snapshot: bool = True) -> Path:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    shutil.copy(REPO / "catalogue" / "catalogue.yaml", folder / "catalogue.yaml")
    if snapshot:
        shutil.copy(SNAPSHOT, folder / "bioimageio-snapshot.json")
    return folder / "catalogue.yaml"


def dataset(models: str = "", own: str = "") -> str:
    extra = ""
    if models:
        extra += f"  ai_models_trained: [{models}]\n"
    if own:
        extra += f"  bioimageio_id: {own}\n"
    funding = "  funding_statement: None stated.\n"
    return MOSQUITO.replace(funding, funding + extra)


def build(tmp_path: Path, manifest: str, *, snapshot: bool = True):  # type: ignore[no-untyped-def]
    datasets = write_catalogue(tmp_path, {"mosquito/1.0.yaml": manifest})
    return build_site(datasets, tmp_path / "_site", settings_path=settings_with_snapshot(tmp_path, snapshot))


@pytest.mark.parametrize("reference", [
    "powerful-chipmunk", "bioimage-io/powerful-chipmunk", "https://bioimage.io/#/artifacts/powerful-chipmunk",
    "10.5281/zenodo.5847355", "https://doi.org/10.5281/zenodo.5847355"])
def test_each_id_form_links_the_model(tmp_path: Path, reference: str) -> None:
    result = build(tmp_path, dataset(models=f'"{reference}"'))
    assert result.published, [p.message for p in result.report.errors]
    page = soup(tmp_path / "_site", "datasets/mosquito/index.html")
    cards = page.select("section.models article.card")
    assert [text(card.h3) for card in cards] == [
        next(text(c.h3) for c in cards)]  # exactly one card
    assert cards[0].select_one("h3 a")["href"] == "https://bioimage.io/#/artifacts/powerful-chipmunk"


def test_a_typo_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    result = build(tmp_path, dataset(models='"powerful-chipmonk"'))
    assert not result.published
    (error,) = result.report.errors
    assert error.path == "study.ai_models_trained[0]"
    assert error.message == ("'powerful-chipmonk' matches no model in the BioImage Model Zoo snapshot; "
                             "did you mean 'powerful-chipmunk'?")


def test_case_only_match_and_placeholder_are_warnings(tmp_path: Path) -> None:
    result = build(tmp_path, dataset(models='"Powerful-Chipmunk", "0000"'))
    assert result.published
    messages = {p.path: p.message for p in result.report.warnings if p.path.startswith("study.ai_models")}
    assert messages["study.ai_models_trained[0]"].startswith("'Powerful-Chipmunk': ")
    assert messages["study.ai_models_trained[1]"] == "'0000' is a placeholder, not a model"


def test_a_dataset_listed_as_a_model_is_a_warning(tmp_path: Path) -> None:
    result = build(tmp_path, dataset(models='"spicy-cucumber"'))
    assert [p.message for p in result.report.warnings if p.path == "study.ai_models_trained[0]"] == [
        "'spicy-cucumber' is a dataset in the BioImage Model Zoo, not a model"]


def test_backlink_from_a_models_training_data(tmp_path: Path) -> None:
    result = build(tmp_path, dataset(own="fragrant-baguette"))
    assert result.published
    page = soup(tmp_path / "_site", "datasets/mosquito/index.html")
    (card,) = page.select("section.models article.card")
    assert card.select_one("h3 a")["href"] == "https://bioimage.io/#/artifacts/powerful-chipmunk"
    assert text(card.select_one("p.tag")).startswith("Not listed in the manifest: its training data is")
    notice = page.select_one("section.models p.notice")
    assert notice is not None and "CC-BY-NC-4.0" in text(notice)  # the licence sense warning
    models = soup(tmp_path / "_site", "models/index.html")
    rows = [[text(cell) for cell in row.select("th, td")] for row in models.select("tbody tr")]
    assert len(rows) == 1 and rows[0][0].startswith(text(card.h3)) and rows[0][2] == (
        "Mosquito photos with species labels")
    assert any("may restrict" in p.message for p in result.report.warnings)


def test_without_a_snapshot_model_references_are_warnings(tmp_path: Path) -> None:
    result = build(tmp_path, dataset(models='"powerful-chipmunk"'), snapshot=False)
    assert result.published
    assert [p.message for p in result.report.warnings if p.path == "study.ai_models_trained[0]"] == [
        "'powerful-chipmunk' was not checked: there is no BioImage Model Zoo snapshot"]


def test_external_model_links_are_shown_not_resolved(tmp_path: Path) -> None:
    result = build(tmp_path, dataset(models='"https://github.com/perlfloccri/NuclearSegmentationPipeline"'))
    assert result.published and not [p for p in result.report.warnings if "ai_models" in p.path]
    page = soup(tmp_path / "_site", "datasets/mosquito/index.html")
    assert [a["href"] for a in page.select("section.models h3 a")] == [
        "https://github.com/perlfloccri/NuclearSegmentationPipeline"]


def test_cli_sync_from_a_local_mirror_and_check(tmp_path: Path, mifa) -> None:  # type: ignore[no-untyped-def]
    settings = settings_with_snapshot(tmp_path, snapshot=False)
    mirror = REPO / "tests" / "fixtures" / "zoo-mirror"
    result = mifa("zoo", "sync", "--source", mirror, "--settings", settings)
    assert result.code == 0, result.err
    written = settings.parent / "bioimageio-snapshot.json"
    assert written.read_bytes() == SNAPSHOT.read_bytes()
    synced = load_snapshot(written)
    assert synced is not None
    assert result.out.startswith("wrote ") and f": {len(synced.items)} items from " in result.out
    write_catalogue(tmp_path, {"mosquito/1.0.yaml": dataset(models='"powerful-chipmonk"')})
    check = mifa("zoo", "check", "--settings", settings, "--datasets", tmp_path / "datasets")
    assert check.code == 1
    lines = check.out.splitlines()
    assert lines[0] == "dataset -> model: 1 dangling reference(s) in the catalogue's manifests"
    assert any("affable-shark: training_data 'ilastik/stradist_dsb_training_data' is dangling" in line
               for line in lines)
    offline = mifa("zoo", "sync", "--source", "http://127.0.0.1:9", "--timeout", "0.5",
                   "--settings", settings)
    assert offline.code == 1 and "cannot reach" in offline.err and "snapshot is kept" in offline.err
