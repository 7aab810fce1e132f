"""Plan the site: every page as (path, template, context), gathered before anything renders.

Rendering never reads `datasets/`: everything a template shows comes from the
loaded catalogue, through the objects built here (mkdocs' gather-then-render).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from markupsafe import Markup

from ..catalogue import Catalogue
from ..completeness import completeness, most_often_missing
from ..credits import Person, collect_people, person_links
from ..derived import DerivedCache
from ..diff import VersionDiff, diff_manifests
from ..licences import licence_info
from ..model import Manifest
from ..names import person_page
from ..outputs import (
    api_files,
    atom_feed,
    bibtex,
    citation_cff,
    croissant,
    dataset_api_files,
    dataset_api_paths,
    dataset_jsonld,
    ris,
    robots,
    sitemap,
)
from ..outputs.common import stable_json
from ..people import mentions, person_key
from ..search.documents import SearchDocument, search_document
from ..search.related import related_datasets
from ..settings import Settings
from ..vocabularies import AnnotationType, annotation_type_terms, source_indicator_descriptions
from ..zoo.links import ZooLinks
from .badges import Badge, badges_for, licence_badge
from .facts import QuickFacts, quick_facts, type_label
from .summary import one_line_summary
from .times import iso_utc, utc_sort_key
from .use_panel import use_panel


@dataclass(frozen=True)
class Page:
    """One HTML page to render."""

    path: str
    template: str
    context: dict[str, Any]
    key: str | None = None
    """What the page depends on, beyond templates and settings; None means everything.
    A page whose key is unchanged since the last build is not rendered again."""


@dataclass(frozen=True)
class ThumbView:
    """A thumbnail as pages show it."""

    card: str
    page: str
    width: int
    height: int
    caption: str
    illustrative: bool
    placeholder: bool
    details: tuple[tuple[str, str], ...]
    digest: str
    """Hash of the image bytes: part of the page's incremental key."""
    plain: str | None = None
    """The page-size image without its annotation, the gallery's "image only" view; None when
    there is no annotation to hide (nothing was drawn, or a placeholder)."""


@dataclass
class DatasetEntry:
    """A dataset as the site shows it: its versions, newest facts and badges."""

    id: str
    versions: list[Manifest]
    """Valid versions, oldest first along the chain."""
    fingerprint: str = ""
    """Hash of the dataset's files: the key of its pages."""
    diffs: dict[str, VersionDiff] = field(default_factory=dict)
    """Diff into each version from the one before it, keyed by the newer label."""
    thumbnails: list[ThumbView] = field(default_factory=list)
    """Example images of the latest version, with annotations drawn."""
    git_dates: tuple[str, str] | None = None
    """(first added, last changed) from the repository's history, when it is available."""

    @property
    def sort_added(self) -> str:
        """When the dataset joined the catalogue, in UTC so it sorts by instant: git history
        (committer dates carry the committer's offset), else its first version's time."""
        return utc_sort_key(self.git_dates[0]) if self.git_dates else iso_utc(self.added)

    @property
    def released(self) -> str | None:
        """When the data were first made public (YYYY, YYYY-MM or YYYY-MM-DD), if the manifest says."""
        return self.latest.study.release_date

    @property
    def sort_released(self) -> str:
        """Newest-first order of the data: the release date, else when the dataset joined the catalogue
        (the best that is known). Partial dates sort before the full dates of their year or month."""
        return self.released or self.sort_added

    @property
    def latest(self) -> Manifest:
        return self.versions[-1]

    @property
    def title(self) -> str:
        return self.latest.study.title

    @property
    def added(self) -> datetime:
        return self.versions[0].version.timestamp

    @property
    def updated(self) -> datetime:
        return self.latest.version.timestamp

    @cached_property
    def facts(self) -> QuickFacts:
        return quick_facts(self.latest)

    @cached_property
    def badges(self) -> list[Badge]:
        return badges_for(self.latest.image_licence, self.latest.annotation_licences)

    def url(self, version: str | None = None) -> str:
        return f"datasets/{self.id}/" + (f"{version}/" if version else "")

    def diff_url(self, new_version: str) -> str:
        previous = self.versions[[m.version.version for m in self.versions].index(new_version) - 1]
        return f"datasets/{self.id}/changes/{previous.version.version}-to-{new_version}/"


def person_url(first: str, last: str, orcid: str | None) -> str:
    """Credit page of a person, keyed the same way as credits.collect_people."""
    return f"people/{person_page(person_key(first, last, orcid))}/"


def dataset_entries(catalogue: Catalogue, thumbnails: dict[str, list[ThumbView]] | None = None,
                    derived: DerivedCache | None = None) -> list[DatasetEntry]:
    """Datasets with at least one valid version, in title order."""
    derived = derived or DerivedCache()
    entries = []
    for dataset in catalogue.datasets:
        if not dataset.manifests:
            continue
        entry = DatasetEntry(dataset.id, list(dataset.manifests), dataset.fingerprint,
                             thumbnails=(thumbnails or {}).get(dataset.id, []))
        # Filled in ahead of the cached properties: the same values as computing them.
        entry.__dict__["facts"] = derived.get(f"facts:{entry.fingerprint}",
                                              lambda e=entry: quick_facts(e.latest))  # type: ignore[misc]
        entry.__dict__["badges"] = derived.get(f"badges:{entry.fingerprint}",
                                               lambda e=entry: badges_for(  # type: ignore[misc]
                                                   e.latest.image_licence, e.latest.annotation_licences))
        for older, newer in zip(entry.versions, entry.versions[1:], strict=False):
            key = f"diff:{entry.fingerprint}:{older.version.version}:{newer.version.version}"
            entry.diffs[newer.version.version] = derived.get(
                key, lambda older=older, newer=newer: diff_manifests(older, newer))  # type: ignore[misc]
        entries.append(entry)
    return sorted(entries, key=lambda e: (e.title.lower(), e.id))


@dataclass(frozen=True)
class FileGroup:
    """Files made together from one dataset, only when `key` (its inputs) changed since the last build."""

    key: str
    paths: tuple[str, ...]
    make: Callable[[], dict[str, bytes]]


@dataclass
class SitePlan:
    """Everything a build writes, gathered before anything is rendered."""

    pages: list[Page]
    badges: list[Badge]
    search_documents: list[SearchDocument]
    files: dict[str, bytes] = field(default_factory=dict)
    """Catalogue-wide machine-readable outputs: API indexes, sitemap, feed."""
    groups: list[FileGroup] = field(default_factory=list)
    """Each dataset's machine-readable outputs: Croissant, citations, API manifests."""


def _json_ld_markup(data: dict[str, Any]) -> Markup:
    """JSON-LD safe inside <script>: '<' is escaped, so no text can close the element."""
    text = stable_json(data).decode("utf-8").rstrip("\n").replace("<", "\\u003c")
    return Markup(text)


_VERSION_FILES: dict[str, Callable[[DatasetEntry, Manifest, Settings], bytes]] = {
    "croissant.json": lambda entry, manifest, settings: stable_json(croissant(entry, manifest, settings)),
    "citation.cff": lambda entry, manifest, settings: citation_cff(entry, manifest, settings).encode(),
    "citation.bib": lambda entry, manifest, settings: bibtex(entry, manifest, settings).encode(),
    "citation.ris": lambda entry, manifest, settings: ris(entry, manifest, settings).encode(),
}
"""The files beside each version's page, by name."""


def dataset_files(entry: DatasetEntry, settings: Settings) -> dict[str, bytes]:
    """One dataset's machine-readable files: per version, its Croissant, citations and API manifest."""
    files = dataset_api_files(entry)
    for manifest in entry.versions:
        for name, make in _VERSION_FILES.items():
            files[f"{entry.url(manifest.version.version)}{name}"] = make(entry, manifest, settings)
    return files


def catalogue_files(entries: list[DatasetEntry], people: list[Person], zoo: ZooLinks | None,
                    settings: Settings, page_paths: list[str]) -> dict[str, bytes]:
    """The catalogue-wide machine-readable files: API indexes, sitemap, robots.txt and the feed."""
    files = dict(api_files(entries, people, zoo, settings))
    files["sitemap.xml"] = sitemap(page_paths, settings)
    files["robots.txt"] = robots(settings)
    files["feed.xml"] = atom_feed(entries, settings)
    return files


def _remembered_scores(entries: list[DatasetEntry], derived: DerivedCache) -> Callable[[Manifest], Any]:
    """Completeness per manifest, computed once and remembered by its dataset's fingerprint."""
    keys = {id(m): f"score:{e.fingerprint}:{m.version.version}" for e in entries for m in e.versions}
    held = [m for e in entries for m in e.versions]  # keeps every id above unique while planning

    def score_of(manifest: Manifest) -> Any:
        key = keys.get(id(manifest))
        if key is None or not held:
            return completeness(manifest)
        return derived.get(key, lambda: completeness(manifest))

    return score_of


def plan_pages(catalogue: Catalogue, settings: Settings,
               thumbnails: dict[str, list[ThumbView]] | None = None, zoo: ZooLinks | None = None,
               dates: dict[str, tuple[str, str]] | None = None,
               derived: DerivedCache | None = None,
               example_stores: dict[str, frozenset[str]] | None = None) -> SitePlan:
    """Every page of the site, every badge file it links to, and the search documents.

    Values derived from one dataset alone come from `derived` when its files are unchanged."""
    derived = derived or DerivedCache()
    entries = dataset_entries(catalogue, thumbnails, derived)
    for entry in entries:
        entry.git_dates = (dates or {}).get(entry.id)
    people = collect_people(catalogue.datasets)
    person_url = person_links(people)
    score_of = _remembered_scores(entries, derived)
    documents = []
    for e in entries:
        card = e.thumbnails[0].card if e.thumbnails else None
        documents.append(derived.get(f"search:{e.fingerprint}:{card}", lambda e=e, card=card: search_document(
            e.id, e.latest, card, score_of=score_of)))  # type: ignore[misc]
    related = related_datasets(documents)
    by_id = {e.id: e for e in entries}
    site = {
        "settings": settings,
        "counts": {
            "datasets": len(entries),
            "versions": sum(len(e.versions) for e in entries),
            "annotation_sets": sum(len(e.latest.annotations) for e in entries),
            "people": len(people),
            "annotators": sum(1 for p in people if p.annotated_datasets),
        },
        "person_url": person_url,
        "type_label": type_label,
        "licence_info": licence_info,
        "licence_badge": licence_badge,
        "badges_for": badges_for,
        "quick_facts": quick_facts,
        "one_line_summary": one_line_summary,
        "completeness": score_of,
        "json_ld": lambda entry, manifest: _json_ld_markup(dataset_jsonld(entry, manifest, settings)),
        "bibtex": lambda entry, manifest: bibtex(entry, manifest, settings),
        "indicators": source_indicator_descriptions(),
        "use_panel": lambda entry, manifest: use_panel(entry, manifest, settings,
                                                       (example_stores or {}).get(entry.id, frozenset())),
    }

    def page(path: str, template: str, key: str | None = None, **context: Any) -> Page:
        return Page(path, template, {**site, **context, "page_path": path}, key)

    newest_versions = sorted(((m, e) for e in entries for m in e.versions),
                             key=lambda pair: (pair[0].version.timestamp, pair[1].id), reverse=True)
    pages = [
        page("index.html", "home.html", newest=sorted(entries, key=lambda e: (e.sort_released, e.id),
                                                       reverse=True)[:6],
             newest_versions=newest_versions[:8]),
        page("datasets/index.html", "browse.html", entries=entries),
        page("search/index.html", "search.html"),
        page("404.html", "404.html"),
    ]
    dataset_keys: dict[str, str] = {}
    for entry in entries:
        similar = [by_id[i] for i in related.get(entry.id, [])]
        models = zoo.models.get(entry.id, []) if zoo is not None else []
        key = ":".join(["dataset", entry.fingerprint,
                        ",".join(f"{e.id}={e.fingerprint[:12]}" for e in similar),
                        ",".join(t.digest for t in entry.thumbnails), repr(entry.git_dates),
                        hashlib.sha256(repr(models).encode()).hexdigest()[:12],
                        _credit_links_digest(entry, person_url)])
        dataset_keys[entry.id] = key
        pages.append(page(f"{entry.url()}index.html", "dataset.html", key, entry=entry,
                          manifest=entry.latest, canonical=True, related=similar, models=models))
        for manifest in entry.versions:
            pages.append(page(f"{entry.url(manifest.version.version)}index.html", "dataset.html", key,
                              entry=entry, manifest=manifest, canonical=False, related=similar,
                              models=models))
        for newer, diff in entry.diffs.items():
            pages.append(page(f"{entry.diff_url(newer)}index.html", "diff.html", "diff:" + entry.fingerprint,
                              entry=entry, diff=diff,
                              old=next(m for m in entry.versions if m.version.version == diff.old_version),
                              new=next(m for m in entry.versions if m.version.version == newer)))
    pages += _annotation_type_pages(entries, page)
    pages += _licence_pages(entries, page)
    pages += _people_pages(people, page)
    pages.append(page("completeness/index.html", "completeness.html",
                      missing=most_often_missing([(e.id, e.latest) for e in entries], score_of=score_of),
                      scores=sorted(((score_of(e.latest).score, e) for e in entries),
                                    key=lambda pair: (pair[0], pair[1].id)),
                      by_id=by_id))
    pages.append(_models_page(zoo, by_id, page))
    badges = {b.filename: b for e in entries for b in e.badges}
    for spdx_id in _licences_in_use(entries):
        badge = licence_badge(spdx_id)
        badges[badge.filename] = badge
    files = catalogue_files(entries, people, zoo, settings, [p.path for p in pages])
    groups = [_file_group(entry, settings, dataset_keys[entry.id]) for entry in entries]
    return SitePlan(pages, [badges[name] for name in sorted(badges)], documents, files, groups)


def _file_group(entry: DatasetEntry, settings: Settings, key: str) -> FileGroup:
    paths = [*dataset_api_paths(entry),
             *(f"{entry.url(m.version.version)}{name}" for m in entry.versions for name in _VERSION_FILES)]
    return FileGroup("files:" + key, tuple(paths), lambda: dataset_files(entry, settings))


def _annotation_type_pages(entries: list[DatasetEntry], page: Any) -> list[Page]:
    by_type: dict[AnnotationType, list[DatasetEntry]] = defaultdict(list)
    for entry in entries:
        for value in entry.facts.annotation_types:
            by_type[value].append(entry)
    terms = annotation_type_terms()
    pages = [page("annotation-types/index.html", "annotation_types.html", terms=list(terms.values()),
                  by_type=by_type)]
    for value, term in terms.items():
        pages.append(page(f"annotation-types/{value.value}/index.html", "annotation_type.html",
                          term=term, entries=by_type.get(value, [])))
    return pages


def _licences_in_use(entries: list[DatasetEntry]) -> list[str]:
    found = {e.facts.image_licence for e in entries}
    found |= {lic for e in entries for lic in e.facts.annotation_licences}
    return sorted(found)


def _licence_pages(entries: list[DatasetEntry], page: Any) -> list[Page]:
    by_licence: dict[str, list[DatasetEntry]] = defaultdict(list)
    for entry in entries:
        for spdx_id in dict.fromkeys([entry.facts.image_licence, *entry.facts.annotation_licences]):
            by_licence[spdx_id].append(entry)
    licences = [licence_info(spdx_id) for spdx_id in _licences_in_use(entries)]
    pages = [page("licences/index.html", "licences.html", licences=licences, by_licence=by_licence)]
    for info in licences:
        pages.append(page(f"licences/{info.spdx_id}/index.html", "licence.html", licence=info,
                          badge=licence_badge(info.spdx_id), entries=by_licence[info.spdx_id]))
    return pages


def _models_page(zoo: ZooLinks | None, by_id: dict[str, DatasetEntry], page: Any) -> Page:
    """Every model linked to a catalogue dataset, with its datasets."""
    rows = []
    if zoo is not None:
        items = {link.item.id: link.item for links in zoo.models.values() for link in links if link.item}
        for model_id in sorted(items):
            datasets = [by_id[d] for d in zoo.datasets_of_model.get(model_id, []) if d in by_id]
            rows.append((items[model_id], datasets))
    shown = zoo.models if zoo is not None else {}
    external = sorted({(link.reference, dataset_id) for dataset_id, links in shown.items()
                       for link in links if link.item is None and dataset_id in by_id})
    result: Page = page("models/index.html", "models.html", rows=rows,
                        external=[(reference, by_id[d]) for reference, d in external],
                        snapshot=zoo.snapshot if zoo else None)
    return result


def _credit_links_digest(entry: DatasetEntry, person_url: Callable[[str, str, str | None], str]) -> str:
    """Where the page's credits link to: a name-only credit links to the ORCID holder's page
    when another dataset gives the iD (credits.collect_people), so the page depends on that."""
    urls = sorted({person_url(m.first_name, m.last_name, m.orcid)
                   for manifest in entry.versions for m in mentions(manifest) if not m.orcid})
    return hashlib.sha256(repr(urls).encode()).hexdigest()[:12]


def _people_pages(people: list[Person], page: Any) -> list[Page]:
    pages = [page("people/index.html", "people.html", people=people,
                  annotators=[p for p in people if p.annotated_datasets])]
    for person in people:
        credits = repr((person.name, person.orcid, person.credits, person.other_orcids)).encode()
        key = "person:" + hashlib.sha256(credits).hexdigest()
        pages.append(page(f"people/{person.slug}/index.html", "person.html", key, person=person))
    return pages
