"""The catalogue shipped in datasets/ is publishable: no errors, real version chains."""

from __future__ import annotations

import pytest

from site_builder import load_catalogue
from site_builder.settings import load_settings

from .conftest import REPO


@pytest.fixture(scope="module")
def bundled():  # type: ignore[no-untyped-def]
    return load_catalogue(REPO / "datasets")


def test_every_bundled_manifest_validates(bundled) -> None:  # type: ignore[no-untyped-def]
    assert [f"{p.file}:{p.line} {p.path} {p.message}" for p in bundled.report.errors] == []
    assert all(v.manifest is not None for d in bundled.datasets for v in d.versions)


def test_the_papers_datasets_are_there(bundled) -> None:  # type: ignore[no-untyped-def]
    ids = {d.id for d in bundled.datasets}
    assert {"s-biad634", "s-biad249", "empiar-11658", "s-biad463", "s-biad531", "s-biad300",
            "s-bsst734", "s-bsst323"} <= ids


def test_at_least_two_datasets_have_two_versions(bundled) -> None:  # type: ignore[no-untyped-def]
    chains = {d.id: [m.version.version for m in d.manifests] for d in bundled.datasets}
    assert chains["s-biad634"] == ["1.1", "1.2", "1.3", "1.4"]
    assert chains["s-biad249"] == ["1.0", "1.1", "1.2", "1.3"]


def test_no_email_address_is_published(bundled) -> None:  # type: ignore[no-untyped-def]
    for path in (REPO / "datasets").rglob("*.yaml"):
        assert "@" not in path.read_text(encoding="utf-8"), path


def test_catalogue_settings_are_valid() -> None:
    settings, problems = load_settings(REPO / "catalogue" / "catalogue.yaml")
    assert problems == [] and settings is not None
    assert settings.title == "MIFA Catalogue"
    assert settings.base_url.endswith("/")
