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

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
"""Arabic vowel signs, Quranic marks and the tatweel: optional in writing a name, so a name
written with them and without them is one name."""


def _fold(text: str) -> str:
    """NFKC (NFC, and full-width or ligature letters as plain ones), case folded, accents
    dropped from Latin letters only.

    Marks on other scripts are letters of their own (Cyrillic Й is not И, Japanese が is not
    か), so they stay; Arabic vowel signs are optional and go."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    out: list[str] = []
    latin = False
    for ch in unicodedata.normalize("NFD", _ARABIC_MARKS.sub("", text)):
        if unicodedata.combining(ch):
            if not latin:  # é -> e, İ -> i: the spelling without accents is the same name
                out.append(ch)
            continue
        latin = ch.isascii() and ch.isalpha()
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _words(text: str) -> list[str]:
    """Runs of letters, marks and digits of any script (a mark belongs to its letter)."""
    return "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text).split()


@lru_cache(maxsize=65536)  # the same people are credited across many datasets and versions
def name_key(first: str, last: str) -> str:
    """'Inge M.', 'Ambros' -> 'name:inge-m-ambros'; '小明', '王' -> 'name:小明-王'.

    Letters and digits of every script are kept (so 王小明 and Иван Петров stay two people),
    Unicode forms (NFC/NFD) and letter case do not matter, and Latin accents and punctuation
    are folded."""
    text = _fold(f"{first} {last}")
    return "name:" + "-".join(_words(text))


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
        """The name as written, in NFC so that NFC and NFD spellings display as one."""
        return unicodedata.normalize("NFC", f"{self.first_name} {self.last_name}")

    @property
    def name_key(self) -> str:
        return name_key(self.first_name, self.last_name)

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
