"""A static JSON API of the catalogue: datasets, manifests, people, models and the manifest schema.

Scripts and AI pipelines read these files instead of scraping pages. E-mail addresses
are contact data for maintainers, never published: they are removed from every manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..credits import Person
from ..identifiers import orcid_url
from ..model import Manifest
from ..schema import manifest_schema
from ..settings import Settings
from ..zoo.links import ZooLinks
from .common import absolute, label, stable_json

if TYPE_CHECKING:  # pages imports this package: annotation-only import avoids a cycle
    from ..render.pages import DatasetEntry

_PRIVATE_KEYS = frozenset({"email", "e-mail", "e_mail", "mail"})


_json = stable_json


def _emails(manifest: Manifest) -> set[str]:
    people = [*manifest.study.authors, *(a for s in manifest.annotations for a in s.authors)]
    return {p.email.casefold() for p in people if p.email}


def _scrub(value: Any, emails: set[str]) -> Any:
    """Drop e-mail keys anywhere (config included), and any text holding a known author e-mail."""
    if isinstance(value, dict):
        return {k: _scrub(v, emails) for k, v in value.items()
                if k.casefold() not in _PRIVATE_KEYS and not _holds_email(v, emails)}
    if isinstance(value, list):
        return [_scrub(v, emails) for v in value if not _holds_email(v, emails)]
    return value


def _holds_email(value: Any, emails: set[str]) -> bool:
    return isinstance(value, str) and any(e in value.casefold() for e in emails)


def public_manifest(manifest: Manifest) -> dict[str, Any]:
    """The normalised manifest as JSON, without author e-mail addresses."""
    dumped: dict[str, Any] = _scrub(manifest.model_dump(mode="json", exclude_none=True), _emails(manifest))
    return dumped


def _dataset_row(entry: DatasetEntry, settings: Settings) -> dict[str, Any]:
    facts = entry.facts
    return {
        "id": entry.id,
        "title": entry.title,
        "latest_version": label(entry.latest),
        "image_licence": facts.image_licence,
        "annotation_licences": list(facts.annotation_licences),
        "annotation_types": [t.value for t in facts.annotation_types],
        "organisms": [o.name for o in facts.organisms],
        "imaging_methods": [m.name for m in facts.imaging_methods],
        "thumbnail": entry.thumbnails[0].card if entry.thumbnails else None,
        "page": absolute(settings, entry.url()),
        "versions": [label(m) for m in entry.versions],
    }


def _person_row(person: Person, settings: Settings) -> dict[str, Any]:
    return {
        "key": person.key,
        "name": person.name,
        "orcid": person.orcid,
        "orcid_url": orcid_url(person.orcid) if person.orcid else None,
        "page": absolute(settings, f"people/{person.slug}/"),
        "datasets": person.datasets,
        "annotated_datasets": person.annotated_datasets,
        "roles": person.roles,
    }


def _model_rows(zoo: ZooLinks | None, dataset_ids: set[str]) -> list[dict[str, Any]]:
    """Zoo models linked to catalogue datasets; external links (no zoo item) are not models here."""
    if zoo is None:
        return []
    items = {link.item.id: link.item for dataset_id, links in zoo.models.items() if dataset_id in dataset_ids
             for link in links if link.item is not None}
    rows = []
    for model_id in sorted(items):
        item = items[model_id]
        linked = {d for d in zoo.datasets_of_model.get(model_id, []) if d in dataset_ids}
        linked |= {d for d, links in zoo.models.items() if d in dataset_ids
                   and any(link.item is not None and link.item.id == model_id for link in links)}
        rows.append({"id": item.id, "name": item.name, "page": item.page, "licence": item.license,
                     "datasets": sorted(linked)})
    return rows


def api_files(entries: Sequence[DatasetEntry], people: Sequence[Person], zoo: ZooLinks | None,
              settings: Settings) -> dict[str, bytes]:
    """The catalogue-wide API files by site path (see `dataset_api_files` for the rest)."""
    ordered = sorted(entries, key=lambda e: e.id)
    files: dict[str, bytes] = {
        "api/datasets.json": _json([_dataset_row(e, settings) for e in ordered]),
        "api/people.json": _json([_person_row(p, settings) for p in sorted(people, key=lambda p: p.key)]),
        "api/models.json": _json(_model_rows(zoo, {e.id for e in ordered})),
        "api/manifest.schema.json": _json(manifest_schema()),
    }
    return files


def dataset_api_paths(entry: DatasetEntry) -> list[str]:
    """Where `dataset_api_files` puts each version's manifest, in version order."""
    return [f"api/datasets/{entry.id}/{label(manifest)}.json" for manifest in entry.versions]


def dataset_api_files(entry: DatasetEntry) -> dict[str, bytes]:
    """One dataset's files in the API: each version's public manifest."""
    return {path: _json(public_manifest(manifest))
            for path, manifest in zip(dataset_api_paths(entry), entry.versions, strict=True)}
