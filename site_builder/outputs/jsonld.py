"""schema.org Dataset JSON-LD for a dataset version, so search engines (Google Dataset Search) index it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..identifiers import doi_url
from ..model import Manifest
from ..render.facts import quick_facts, type_label
from ..render.times import iso_utc
from ..settings import Settings
from ..text_safety import clean_strings, one_line
from .common import (
    absolute,
    annotators,
    label,
    licence_urls,
    person_jsonld,
    previous_version_url,
    release_date,
    version_page,
)

if TYPE_CHECKING:  # pages imports this package: annotation-only import avoids a cycle
    from ..render.pages import DatasetEntry


def _citations(manifest: Manifest) -> list[dict[str, Any]]:
    citations: list[dict[str, Any]] = []
    for publication in manifest.study.publications:
        item: dict[str, Any] = {"@type": "ScholarlyArticle", "name": publication.publication_title,
                                "author": publication.publication_authors}
        if publication.publication_doi:
            url = doi_url(publication.publication_doi)
            item["@id"] = url
            item["sameAs"] = url
        if publication.publication_year is not None:
            item["datePublished"] = str(publication.publication_year)
        citations.append(item)
    return citations


def _variables(manifest: Manifest) -> list[dict[str, Any]]:
    """The annotation types as measured variables: what a model could learn from the data."""
    variables: list[dict[str, Any]] = []
    for value in quick_facts(manifest).annotation_types:
        try:
            name = type_label(value)
        except (KeyError, ValueError, OSError):
            name = value.value
        variables.append({"@type": "PropertyValue", "name": name, "propertyID": value.value})
    return variables


def dataset_jsonld(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> dict[str, Any]:
    """The schema.org Dataset of one version: people by ORCID, licence by URL, papers by DOI."""
    study = manifest.study
    facts = quick_facts(manifest)
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": version_page(entry, manifest, settings),
        "name": one_line(study.title),
        "description": study.description.strip(),
        "url": version_page(entry, manifest, settings),
        "version": label(manifest),
        "datePublished": release_date(manifest),
        "dateModified": iso_utc(manifest.version.timestamp),
        "creator": [person_jsonld(a) for a in study.authors],
        "includedInDataCatalog": {"@type": "DataCatalog", "name": settings.title,
                                  "url": absolute(settings)},
        "isAccessibleForFree": True,
    }
    if study.keywords:
        data["keywords"] = list(study.keywords)
    if study.accession:
        data["identifier"] = study.accession
    licences = licence_urls(manifest)
    if licences:
        data["license"] = licences[0] if len(licences) == 1 else licences
    contributors = annotators(manifest)
    if contributors:
        data["contributor"] = [person_jsonld(a) for a in contributors]
    previous = previous_version_url(entry, manifest, settings)
    if previous:
        data["isBasedOn"] = previous
    if study.data_url:
        data["distribution"] = [{"@type": "DataDownload", "contentUrl": study.data_url}]
    citations = _citations(manifest)
    if citations:
        data["citation"] = citations
    methods = [m.name for m in facts.imaging_methods]
    if methods:
        data["measurementTechnique"] = methods
    variables = _variables(manifest)
    if variables:
        data["variableMeasured"] = variables
    if study.grants:
        data["funder"] = [{"@type": "Organization", "name": g.funder} for g in study.grants]
    cleaned: dict[str, Any] = clean_strings(data)  # control characters out, bidi closed (text_safety)
    return cleaned
