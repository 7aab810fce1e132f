"""What search knows about each dataset: text fields, facet values and display data.

One search document per dataset (its latest version). Organisms and imaging
methods are indexed with their names, ids and everyday synonyms from
`catalogue/vocabularies/synonyms.yaml`, so `human`, `9606` and `Homo sapiens`
all find the same datasets. Licences (SPDX id, common forms such as cc0 and ccby, name),
accessions, DOIs and ORCID iDs are indexed too (`terms.py` says how), so a pasted identifier
finds its dataset.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ..completeness import Completeness, completeness
from ..licence_verdicts import ATTRIBUTION, Verdict, licence_verdict
from ..licences import LicenceError, licence_info
from ..model import Manifest
from ..render.badges import badges_for
from ..render.facts import quick_facts, type_label
from ..vocabularies import VOCABULARY_DIR, annotation_type_terms
from .lunr_shards import SearchField
from .terms import accession_words, identifier_words, licence_words

SHORT_FIELDS = (
    SearchField("title", 10), SearchField("keywords", 5), SearchField("organism", 5),
    SearchField("method", 4), SearchField("types", 4), SearchField("people", 3),
    SearchField("formats", 2), SearchField("id", 2), SearchField("licence", 2),
)
"""Indexed in the shards fetched for the first results."""
TEXT_FIELDS = (SearchField("description", 1),)
"""Full text, in shards fetched after the first results."""

FACETS = (("completeness", "MIFA completeness"), ("type", "Annotation type"), ("method", "Imaging method"),
          ("organism", "Organism"), ("licence", "Licence"), ("format", "Format"), ("year", "Year"))


@cache
def _synonyms(directory: Path = VOCABULARY_DIR) -> dict[str, dict[str, list[str]]]:
    path = directory / "synonyms.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {group: {str(k): [str(v) for v in values] for k, values in (entries or {}).items()}
            for group, entries in (raw or {}).items()}


def _local_ids(curie: str | None) -> list[str]:
    """'FBbi:00000246' -> ['00000246', '246'], so either spelling of the number finds it."""
    if not curie or ":" not in curie:
        return []
    local = curie.split(":", 1)[1]
    return list(dict.fromkeys([local, local.lstrip("0") or local]))


_MARKUP = re.compile(r"[*`#>\[\]]+|(?<!\w)_+|_+(?!\w)")
"""Markdown emphasis, code, heading, quote and link markers; an underscore inside a word stays
(aedes_albopictus, stage1_train)."""


def passage_text(description: str, limit: int) -> str:
    """A description as snippets are cut from it: markup markers removed (an underscore inside a
    word stays, so aedes_albopictus is not run together),
    whitespace collapsed, at most `limit` characters, cut at the end of a word."""
    text = " ".join(_MARKUP.sub("", description).split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    return cut[: cut.rfind(" ")] if " " in cut else text[:limit]


@dataclass(frozen=True)
class SearchDocument:
    """One dataset as search sees it."""

    dataset_id: str
    url: str
    fields: dict[str, str]
    facets: dict[str, tuple[str, ...]]
    title: str
    snippet: str
    type_labels: tuple[str, ...]
    badges: tuple[tuple[str, str], ...]
    """(badge file name, alt text) pairs."""
    thumbnail: str | None = None
    """Site path of the card-size thumbnail, if the dataset has one."""
    score: int = 0
    """MIFA completeness score, 0-100."""
    image_licence: str = ""
    """SPDX id of the images' licence: each result says what it lets a user do."""
    annotation_licences: tuple[str, ...] = ()
    """SPDX ids of the annotation sets' licences, one per distinct licence."""


def search_document(dataset_id: str, manifest: Manifest, thumbnail: str | None = None, *,
                    score_of: Callable[[Manifest], Completeness] = completeness) -> SearchDocument:
    """Fields, facets and display data of one dataset's latest version (`score_of` may be memoised)."""
    facts = quick_facts(manifest)
    synonyms = _synonyms()
    organism_words = []
    for organism in facts.organisms:
        organism_words += [organism.name, *_local_ids(organism.id),
                           *synonyms.get("organisms", {}).get(organism.id or "", [])]
    for sample in manifest.images.biosample if manifest.images else []:
        organism_words += [o.common_name or "" for o in sample.organism]
    method_words = []
    for method in facts.imaging_methods:
        method_words += [method.name, *_local_ids(method.id),
                         *synonyms.get("imaging_methods", {}).get(method.id or "", [])]
    terms = annotation_type_terms()
    type_words = []
    for value in facts.annotation_types:
        type_words += [terms[value].label, value.value.replace("_", " "), *terms[value].aliases]
    authors = [*manifest.study.authors, *(a for s in manifest.annotations for a in s.authors)]
    people = [f"{a.author_first_name} {a.author_last_name}" for a in authors]
    people += [identifier_words(a.orcid_id) for a in authors if a.orcid_id]
    formats = [*facts.image_formats, *facts.annotation_formats]
    study = manifest.study
    licences = tuple(dict.fromkeys([facts.image_licence, *facts.annotation_licences]))
    identifiers = [dataset_id, accession_words(study.accession or ""), _reference(study.bioimageio_id),
                   *(identifier_words(p.publication_doi) for p in study.publications if p.publication_doi)]
    fields = {
        "title": study.title,
        "keywords": " ".join(study.keywords),
        "organism": " ".join(w for w in organism_words if w),
        "method": " ".join(w for w in method_words if w),
        "types": " ".join(type_words),
        "people": " ".join(dict.fromkeys(people)),
        "formats": " ".join(formats),
        "id": " ".join(dict.fromkeys(w for w in identifiers if w)),
        "licence": " ".join(licence_words(spdx, _licence_name(spdx)) for spdx in licences if spdx),
        "description": study.description,
    }
    score = score_of(manifest).score
    facets = {
        "completeness": (_score_band(score),),
        "type": tuple(v.value for v in facts.annotation_types),
        "method": tuple(m.name for m in facts.imaging_methods),
        "organism": tuple(o.name for o in facts.organisms),
        "licence": licences,
        "format": tuple(dict.fromkeys(formats)),
        # The data's release year; none rather than the catalogue version's year when not stated.
        "year": (study.release_date[:4],) if study.release_date else (),
    }
    snippet = passage_text(study.description, 360)
    badges = tuple((b.filename, b.alt)
                   for b in badges_for(facts.image_licence, list(facts.annotation_licences)))
    return SearchDocument(dataset_id, f"datasets/{dataset_id}/", fields, facets, study.title, snippet,
                          tuple(type_label(v) for v in facts.annotation_types), badges, thumbnail, score,
                          facts.image_licence, tuple(facts.annotation_licences))


def _reference(reference: str | None) -> str:
    """A bioimage.io id as written (ilastik/tnbc), a DOI as its bare joined form."""
    if not reference:
        return ""
    return identifier_words(reference[4:]) if reference.lower().startswith("doi:") else reference


def _licence_name(spdx_id: str) -> str:
    """The licence's name ("Creative Commons Zero v1.0 Universal"), none for an unknown id."""
    if spdx_id == "NOASSERTION":
        return ""
    try:
        return licence_info(spdx_id).name
    except LicenceError:
        return ""


def _score_band(score: int) -> str:
    """Completeness facet values that sort in a meaningful order."""
    for floor, band in ((90, "90–100 %"), (70, "70–89 %"), (50, "50–69 %")):
        if score >= floor:
            return band
    return "under 50 %"


_KIND_ORDER = {"open": 0, "conditions": 1, "unknown": 2}


def _verdict_order(verdict: Verdict) -> tuple[int, bool, int, str]:
    """Most reusable first: open without, then with, attribution; conditions, fewest first, and
    custom terms (no attribution clause: their own text decides) after them; not stated last."""
    attribution = ATTRIBUTION in verdict.conditions
    return (_KIND_ORDER[verdict.kind], attribution if verdict.kind == "open" else not attribution,
            len(verdict.conditions), verdict.headline)


def verdict_table(spdx_ids: Iterable[str]) -> tuple[tuple[Verdict, ...], dict[str, int]]:
    """The distinct verdicts of these licences, most reusable first, and each licence's position.

    The search bundle ships the table once and refers to it by position from every result and
    facet value: the same words as the dataset and licence pages, at a few bytes per dataset.
    """
    of = {spdx: licence_verdict(spdx) for spdx in dict.fromkeys(spdx_ids) if spdx}
    table = tuple(sorted(set(of.values()), key=_verdict_order))
    return table, {spdx: table.index(verdict) for spdx, verdict in of.items()}


def facet_label(name: str, value: str) -> str:
    """How a facet value is shown: annotation types by their label, the rest as they are."""
    if name == "type":
        return type_label(value)
    if name == "licence" and value == "NOASSERTION":
        return "Not stated"
    return value
