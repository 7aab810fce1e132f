"""Small helpers shared by the machine-readable outputs, so every format names things the same way."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import orjson

from ..identifiers import IdentifierError, doi_url, normalise_doi, orcid_url, ror_url
from ..licences import NOASSERTION, LicenceError, licence_info
from ..model import Author, Manifest
from ..render.times import utc_date
from ..settings import Settings

if TYPE_CHECKING:  # pages imports this package: annotation-only import avoids a cycle
    from ..render.pages import DatasetEntry

_URL_LIKE = re.compile(r"^https?://", re.IGNORECASE)
# Neither part may contain a bracket, so a match tried from one `[` stops before the next: linear
# time (the old `\[([^\]]*)\]\([^)]*\)` rescanned the rest of the text from every `[`).
_MARKDOWN_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\[\]]*\)")
_MARKDOWN_MARK = re.compile(r"(\*\*|__|`|^#+\s*)", re.MULTILINE)


def stable_json(value: Any) -> bytes:
    """Sorted keys, two-space indent, UTF-8 and a final newline: the same bytes for the same value.

    orjson is ~10x faster than the json module once an indent is asked for (which makes json
    fall back to pure Python), and gives the same bytes; json remains for what orjson refuses,
    such as integers over 64 bits."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    except TypeError:
        return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def absolute(settings: Settings, path: str = "") -> str:
    """A site-relative path as an absolute URL under base_url (which ends with a slash)."""
    base = str(settings.base_url)
    return (base if base.endswith("/") else base + "/") + path.lstrip("/")


def version_page(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str:
    """Absolute URL of the page of one version: the address citations should point to."""
    return absolute(settings, entry.url(manifest.version.version))


def label(manifest: Manifest) -> str:
    return manifest.version.version


def release_date(manifest: Manifest) -> str:
    """When the data were first made public: `study.release_date` at the precision its source gives
    (YYYY-MM-DD, YYYY-MM or YYYY), else the version's UTC date. Never the wall clock."""
    return manifest.study.release_date or utc_date(manifest.version.timestamp).isoformat()


def licence_url(spdx_id: str) -> str | None:
    """Link to the licence terms; None when the licence is not stated or not a single licence."""
    if spdx_id == NOASSERTION:
        return None
    try:
        url = licence_info(spdx_id).url
    except (LicenceError, KeyError):
        return None
    return url or None


def licence_urls(manifest: Manifest) -> list[str]:
    """Links to every distinct licence of the version: images first, then the annotations'."""
    ids = [manifest.image_licence, *manifest.annotation_licences]
    return list(dict.fromkeys(url for spdx_id in ids if (url := licence_url(spdx_id))))


def is_single_licence(spdx_id: str) -> bool:
    """A plain SPDX id (not NOASSERTION, not an expression): what CFF and Croissant can name."""
    return spdx_id != NOASSERTION and licence_url(spdx_id) is not None


def author_orcid_url(author: Author) -> str | None:
    return orcid_url(author.orcid_id) if author.orcid_id else None


def affiliations(author: Author) -> list[dict[str, Any]]:
    """schema.org Organization objects for an author's affiliations (ROR as @id when known)."""
    result: list[dict[str, Any]] = []
    for org in author.organisation:
        item: dict[str, Any] = {"@type": "Organization", "name": org.organisation_name}
        if org.ror_id:
            item["@id"] = ror_url(org.ror_id)
        result.append(item)
    return result


def person_jsonld(author: Author) -> dict[str, Any]:
    """A schema.org Person; the ORCID URL is its @id. E-mail addresses are never published."""
    person: dict[str, Any] = {"@type": "Person", "name": author.full_name,
                              "givenName": author.author_first_name, "familyName": author.author_last_name}
    orcid = author_orcid_url(author)
    if orcid:
        person["@id"] = orcid
        person["identifier"] = orcid
    orgs = affiliations(author)
    if orgs:
        person["affiliation"] = orgs
    return person


def annotators(manifest: Manifest) -> list[Author]:
    """Annotation-set authors who are not also study authors, first mention first."""
    seen = {(a.orcid_id or a.full_name.casefold()) for a in manifest.study.authors}
    found: list[Author] = []
    for annotation_set in manifest.annotations:
        for author in annotation_set.authors:
            key = author.orcid_id or author.full_name.casefold()
            if key not in seen:
                seen.add(key)
                found.append(author)
    return found


def publication_doi_urls(manifest: Manifest) -> list[str]:
    return [doi_url(p.publication_doi) for p in manifest.study.publications if p.publication_doi]


def previous_version_url(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str | None:
    """Where the previous version lives: its page when it is in the catalogue, else its own link."""
    previous = manifest.version.previous_version
    if not previous:
        return None
    labels = [label(m) for m in entry.versions]
    if previous in labels:
        return absolute(settings, entry.url(previous))
    if _URL_LIKE.match(previous):
        return previous
    if previous.lower().startswith("doi:"):
        try:
            return doi_url(normalise_doi(previous))
        except IdentifierError:
            return None
    return None


def first_paragraph(text: str, limit: int = 300) -> str:
    """The start of a Markdown description as plain text on one line, cut at a word boundary."""
    paragraph = _MARKDOWN_MARK.sub("", _MARKDOWN_LINK.sub(r"\1", text.strip().split("\n\n", 1)[0]))
    flat = " ".join(paragraph.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"
