"""Who is credited in a manifest, and how a person is recognised across files.

A person is keyed by ORCID when one is given, else by a slug of their name
(flagged as name-keyed). Credit pages and the preserved-credit rule both use
these keys, so both agree on who is who.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .model import Manifest
from .problems import Path_
from .vocabularies import is_annotator_role


@lru_cache(maxsize=65536)  # the same people are credited across many datasets and versions
def name_key(first: str, last: str) -> str:
    """'Inge M.', 'Ambros' -> 'name:inge-m-ambros' (accents and punctuation folded)."""
    text = f"{first} {last}"
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    return "name:" + re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class Mention:
    """One place a person is credited in one manifest."""

    key: str
    """'orcid:0000-…' or 'name:first-last'."""
    first_name: str
    last_name: str
    orcid: str | None
    roles: tuple[str, ...]
    kind: str
    """'author', 'annotator' (listed in an annotation set) or 'preserved'."""
    path: Path_

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_annotator(self) -> bool:
        return self.kind == "annotator" or any(is_annotator_role(r) for r in self.roles)


def person_key(first: str, last: str, orcid: str | None) -> str:
    return f"orcid:{orcid}" if orcid else name_key(first, last)


def mentions(manifest: Manifest) -> Iterator[Mention]:
    """Every credited person in a manifest, with where they are listed."""
    for i, author in enumerate(manifest.study.authors):
        yield Mention(person_key(author.author_first_name, author.author_last_name, author.orcid_id),
                      author.author_first_name, author.author_last_name, author.orcid_id,
                      tuple(author.role), "author", ("study", "authors", i))
    for j, annotation_set in enumerate(manifest.annotations):
        for i, author in enumerate(annotation_set.authors):
            yield Mention(
                person_key(author.author_first_name, author.author_last_name, author.orcid_id),
                author.author_first_name, author.author_last_name, author.orcid_id,
                tuple(author.role), "annotator", ("annotations", j, "authors", i))
    for i, credit in enumerate(manifest.version.preserved_credit):
        yield Mention(person_key(credit.author_first_name, credit.author_last_name, credit.orcid_id),
                      credit.author_first_name, credit.author_last_name, credit.orcid_id,
                      tuple(credit.role), "preserved", ("version", "preserved_credit", i))


def credited_keys(manifest: Manifest) -> set[str]:
    """Keys of everyone credited, by ORCID and by name, so either form matches."""
    keys: set[str] = set()
    for mention in mentions(manifest):
        keys.add(mention.key)
        keys.add(name_key(mention.first_name, mention.last_name))
    return keys
