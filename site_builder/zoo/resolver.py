"""Resolve references to BioImage Model Zoo items, following bioimageio.md §6.

Ids changed with every generation of the zoo (Zenodo DOIs, partner ids, nicknames), and
older ids survive inside newer files. A naive exact match fails on 13% of real
`training_data` links, so this module normalises the written forms, falls back to
legacy aliases and letter case, and for what still dangles says what was probably meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from .snapshot import Snapshot, ZooItem

ResolutionKind = Literal["nickname", "alias", "case", "placeholder", "ambiguous", "dangling", "external"]

_URL_PREFIXES = (
    re.compile(r"^https?://(?:www\.)?bioimage\.io/#/artifacts/", re.IGNORECASE),
    re.compile(r"^https?://(?:www\.)?bioimage\.io/#/\?(?:.*&)?id=", re.IGNORECASE),
)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ZENODO_URL = re.compile(r"^https?://(?:www\.)?zenodo\.org/records?/(\d+)/?$", re.IGNORECASE)
_CONCEPT_RECORD = re.compile(r"^10\.5281/zenodo\.(\d+)/(\d+)$", re.IGNORECASE)
_BARE_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_ZOO_ID = re.compile(r"^[\w.-]+(?:/[\w.-]+)?$")
_PLACEHOLDERS = frozenset({"", "none", "n/a", "na", "null"})


@dataclass(frozen=True)
class Resolution:
    """The outcome of one lookup; `note` and `suggestions` are for the build report."""

    reference: str
    kind: ResolutionKind
    item: ZooItem | None
    note: str
    suggestions: tuple[str, ...] = ()
    wrong_type: bool = False


def normalise(reference: str) -> str:
    """Strip the wrappers an id has been written in (URLs, `bioimage-io/`, DOI prefixes, `/latest`)."""
    text = reference.strip()
    for prefix in _URL_PREFIXES:
        match = prefix.match(text)
        if match:
            text = unquote(text[match.end():].split("&")[0]).strip()
            break
    text = text.removeprefix("bioimage-io/")
    text = _DOI_PREFIX.sub("", text).strip()
    text = text.rstrip("/").removesuffix("/latest")
    return text.rstrip("/")


def is_placeholder(normalised: str) -> bool:
    """`0000`, `none`, `n/a` and empty strings are written where no link exists."""
    return normalised.casefold() in _PLACEHOLDERS or set(normalised) == {"0"}


def is_zoo_reference(reference: str) -> bool:
    """Whether to resolve `reference` in the zoo; other URLs (code repositories…) are external links."""
    text = reference.strip()
    if any(prefix.match(text) for prefix in _URL_PREFIXES) or _ZENODO_URL.match(text):
        return True
    if re.match(r"^https?://", text, re.IGNORECASE):
        # a doi.org URL counts only for a Zenodo DOI: other DOIs there are papers, not zoo items
        return bool(_DOI_PREFIX.match(text)) and _DOI_PREFIX.sub("", text).lower().startswith("10.5281/")
    text = normalise(text)
    return bool(_BARE_DOI.match(text) or _ZOO_ID.match(text))


def osa_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein (optimal string alignment): a transposition such as `stradist` costs 1."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _zenodo_doi(value: str) -> str | None:
    """`https://zenodo.org/records/7612115` -> `10.5281/zenodo.7612115`."""
    match = _ZENODO_URL.match(value.strip())
    return f"10.5281/zenodo.{match.group(1)}" if match else None


class Resolver:
    """Lookup tables built once per snapshot: N (nickname -> item) and A (alias -> item)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.nicknames: dict[str, ZooItem] = {}
        for item in snapshot.items:
            self.nicknames.setdefault(item.id.removeprefix("bioimage-io/"), item)
        claims: dict[str, dict[str, ZooItem]] = {}
        for item in snapshot.items:
            record = _zenodo_doi(item.source or "")
            for alias in (*item.aliases, *([record] if record else [])):
                key = normalise(alias)
                if key and key != self._nick(item):
                    claims.setdefault(key, {})[item.id] = item
        # a cited DOI may be the paper several items cite: only an unclaimed, unshared one names an item
        cited: dict[str, dict[str, ZooItem]] = {}
        for item in snapshot.items:
            for doi in item.dois:
                key = normalise(doi)
                if key and key not in claims and key not in self.nicknames:
                    cited.setdefault(key, {})[item.id] = item
        claims.update(cited)
        self.aliases = {k: next(iter(v.values())) for k, v in claims.items() if len(v) == 1}
        self.ambiguous = {k: tuple(v.values()) for k, v in claims.items() if len(v) > 1}
        self._folded: dict[str, dict[str, tuple[str, ZooItem]]] = {}
        for key, item in (*self.nicknames.items(), *self.aliases.items()):
            self._folded.setdefault(key.casefold(), {}).setdefault(item.id, (key, item))
        for key, items in self.ambiguous.items():
            for item in items:
                self._folded.setdefault(key.casefold(), {}).setdefault(item.id, (key, item))
        self._backlinks: dict[str, list[tuple[ZooItem, Resolution]]] | None = None

    @staticmethod
    def _nick(item: ZooItem) -> str:
        return item.id.removeprefix("bioimage-io/")

    def _exact(self, key: str) -> tuple[ResolutionKind, ZooItem | None, str] | None:
        """Steps 3-4: nickname, then alias (recorded as legacy), then a known ambiguity."""
        if key in self.nicknames:
            return "nickname", self.nicknames[key], ""
        if key in self.aliases:
            return "alias", self.aliases[key], f"legacy id {key}"
        if key in self.ambiguous:
            names = ", ".join(self._nick(i) for i in self.ambiguous[key])
            return "ambiguous", None, f"{key} is claimed by several items: {names}"
        return None

    def _lookup(self, key: str) -> tuple[ResolutionKind, ZooItem | None, str] | None:
        """Steps 3-5: exact, then case-insensitive."""
        found = self._exact(key)
        if found is not None:
            return found
        hits = self._folded.get(key.casefold(), {})
        if len(hits) == 1:
            written, item = next(iter(hits.values()))
            return "case", item, f"letter case differs from {written}"
        if hits:
            names = ", ".join(sorted(self._nick(item) for _, item in hits.values()))
            return "ambiguous", None, f"{key} matches several items when letter case is ignored: {names}"
        return None

    def resolve(self, reference: str, *, expected_type: str | None = None,
                links: Sequence[str] = ()) -> Resolution:
        """Resolve one reference as written (a `training_data.id` or a manifest's model id)."""
        key = normalise(reference)
        if is_placeholder(key):
            shown = key or "an empty reference"
            return Resolution(reference, "placeholder", None, f"{shown} is a placeholder, not a link")
        if not is_zoo_reference(reference):
            return Resolution(reference, "external", None, "not a bioimage.io id; shown as an external link")
        found = self._lookup(key)
        if found is None:
            found = self._doi_forms(key)
        if found is None:
            suggestions = self._suggest(key, expected_type, links)
            hint = f"; did you mean {suggestions[0]}?" if suggestions else ""
            return Resolution(reference, "dangling", None, f"{key} matches no bioimage.io item{hint}",
                              suggestions)
        kind, item, note = found
        wrong = expected_type is not None and item is not None and item.type != expected_type
        if wrong and item is not None:
            note = "; ".join(n for n in (note, f"expected a {expected_type}, found a {item.type}") if n)
        return Resolution(reference, kind, item, note, (), wrong)

    def _doi_forms(self, key: str) -> tuple[ResolutionKind, ZooItem | None, str] | None:
        """Step 6: `10.5281/zenodo.C/V` tries the concept C, then the version V; Zenodo URLs as DOIs."""
        candidates: list[str] = []
        match = _CONCEPT_RECORD.match(key)
        if match:
            candidates = [f"10.5281/zenodo.{match.group(1)}", f"10.5281/zenodo.{match.group(2)}"]
        record = _zenodo_doi(key)
        if record:
            candidates = [record]
        for candidate in candidates:
            found = self._lookup(candidate)
            if found is not None:
                kind, item, note = found
                if kind == "nickname":
                    kind, note = "alias", f"legacy id {candidate}"
                return kind, item, f"{note} (from {key})"
        return None

    def _suggest(self, key: str, expected_type: str | None, links: Sequence[str]) -> tuple[str, ...]:
        """Step 7: keys within distance 2, then dataset ids the model names in `links`."""
        scored: list[tuple[int, str, ZooItem]] = []
        folded = key.casefold()
        for candidate, item in (*self.nicknames.items(), *self.aliases.items()):
            if abs(len(candidate) - len(key)) <= 2:
                distance = osa_distance(folded, candidate.casefold())
                if distance <= 2:
                    scored.append((distance, candidate, item))
        found: list[str] = []
        for _, candidate, item in sorted(scored, key=lambda s: (s[0], s[1])):
            found += [candidate, self._nick(item)]
        wanted = expected_type or "dataset"
        for link in links:
            if not is_zoo_reference(link):
                continue
            hit = self._lookup(normalise(link)) or self._doi_forms(normalise(link))
            if hit is not None and hit[1] is not None and hit[1].type == wanted:
                found += [normalise(link), self._nick(hit[1])]
        return tuple(dict.fromkeys(found))

    def training_links(self) -> list[tuple[ZooItem, Resolution]]:
        """Every model's `training_data`, resolved as a dataset (for backlinks and the build report)."""
        return [
            (item, self.resolve(item.training_data, expected_type="dataset", links=item.links))
            for item in self.snapshot.items
            if item.type == "model" and item.training_data is not None
        ]

    def backlinks(self) -> dict[str, list[tuple[ZooItem, Resolution]]]:
        """Dataset nickname -> models trained on it; bioimage.io stores only model -> dataset."""
        if self._backlinks is None:
            result: dict[str, list[tuple[ZooItem, Resolution]]] = {}
            for model, resolution in self.training_links():
                if resolution.item is not None and not resolution.wrong_type:
                    result.setdefault(self._nick(resolution.item), []).append((model, resolution))
            for models in result.values():
                models.sort(key=lambda pair: pair[0].id)
            self._backlinks = result
        return {key: list(value) for key, value in self._backlinks.items()}

    def datasets_for_catalogue(self, accession_or_dois: Iterable[str]) -> list[ZooItem]:
        """BMZ datasets whose source, cited DOIs or aliases name one of these accessions or DOIs."""
        wanted = [normalise(q).casefold() for q in accession_or_dois if q.strip()]
        found: list[ZooItem] = []
        for item in self.snapshot.items:
            if item.type != "dataset":
                continue
            record = _zenodo_doi(item.source or "")
            texts = [t.casefold() for t in (item.source or "", *item.dois, *item.aliases, record or "") if t]
            tokens = {normalise(t) for t in texts}
            haystack = " ".join(texts)
            for query in wanted:
                pattern = rf"(?<![\w.-]){re.escape(query)}(?![\w-])"
                if query in tokens or re.search(pattern, haystack):
                    found.append(item)
                    break
        return found
