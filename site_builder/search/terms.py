"""Biology-aware search terms: irregular plurals, compounds and citation words, read alike on both sides.

English stemming does not join nuclei and nucleus, splits cryo-ET into "cryo" and "et" (and
"et" then matches every "et al."), and never joins light-sheet and lightsheet. The words that
fix this are catalogue data (`catalogue/vocabularies/search-terms.yaml`); the build applies
them to every indexed field (`expand`) and writes them into the search manifest (`manifest`),
from which the browser reads a query the same way, so both sides meet on the same terms:

- a word is lower-cased and its ends trimmed of punctuation, as lunr's trimmer does;
- a hyphenated word is indexed whole (joined: "cryoet") and split ("cryo", "et");
- a word that is a listed compound written as one word also gives its parts, and a compound's
  parts written as separate words ("light sheet") also give the joined word;
- each resulting word is replaced by its canonical form (variants: nuclei -> nucleus);
- stop words ("et", "al") are dropped.

lunr's own pipeline (stop words, stemmer) runs after, on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from lunr.stop_word_filter import stop_word_filter as _lunr_stop_word_filter  # type: ignore[import-untyped]
from lunr.token import Token as _LunrToken  # type: ignore[import-untyped]

from ..problems import Problem
from ..vocabularies import VOCABULARY_DIR
from ..yaml_loader import YamlDocument, load_yaml

TERMS_FILE = VOCABULARY_DIR / "search-terms.yaml"

_WORD = re.compile(r"[^\s\-]+")
"""A word as the file must write it: one lunr token, neither whitespace nor hyphen inside."""
_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")
"""lunr.js's separator without the hyphen (JavaScript's \\s): hyphens are handled here."""
_ENDS = re.compile(r"^\W+|\W+$")
_ID_HYPHENS = re.compile(r"-")
_QUERY_WORD = re.compile(r"([+-]?)(?:([A-Za-z][A-Za-z_]*):(?!//))?(.*?)((?:[~^]\d+)*)", re.DOTALL)
"""search.js `words`: operator, field, the word, its boost or edit distance."""
_QUERY_ENDS = re.compile(r"^[^\w*]+|[^\w*]+$", re.ASCII)
"""search.js `trimWord`: lunr.js's trimmer (ASCII \\w), sparing a wildcard."""
_TRAILING_NUMBER = re.compile(r"(\d+)$")


class SearchTermsError(Exception):
    """The search terms file cannot be used; the message says where (file:line:column) and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(f"{p.file}:{p.line}:{p.column}: {p.message}"
                                   + (f" ({p.hint})" if p.hint else "") for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class SearchTerms:
    """The three tables, checked: every key and value one lower-case word."""

    variants: dict[str, str] = field(default_factory=dict)
    """word -> canonical word."""
    compounds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """joined word -> its parts, e.g. cryoet -> (cryo, et)."""
    stop: frozenset[str] = frozenset()
    """Words never indexed or searched on their own."""

    def manifest(self) -> dict[str, Any]:
        """The manifest's `terms` entry: what the browser needs to read a query the same way."""
        return {"variants": dict(sorted(self.variants.items())), "stop": sorted(self.stop),
                "compounds": {joined: list(parts) for joined, parts in sorted(self.compounds.items())}}

    def key(self) -> str:
        """A stable text of the tables, for cache keys: an edited file changes the index."""
        return repr(self.manifest())

    def word(self, word: str) -> str | None:
        """One word's canonical form, or None for a stop word (or nothing left after trimming)."""
        canonical = self.variants.get(word, word)
        return None if not canonical or canonical in self.stop else canonical

    @cached_property
    def _by_end(self) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
        """Compounds by their last part: where a run of separate words may end one."""
        ends: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for joined, parts in self.compounds.items():
            ends.setdefault(parts[-1], []).append((joined, parts))
        return ends

    def _pieces(self, raw: str) -> tuple[str, list[str]]:
        """One whitespace-separated word: its joined form and the canonical words it indexes."""
        # A part that is all symbols (an emoji word) is left whole: lunr's own pipeline decides.
        parts = [trimmed for part in raw.split("-") if (trimmed := _ENDS.sub("", part) or part)]
        joined = "".join(parts)
        words = [joined, *parts] if len(parts) > 1 else [*parts, *self.compounds.get(joined, ())]
        return joined, [c for w in words if (c := self.word(w)) is not None]

    def expand(self, text: str, memo: dict[str, tuple[str, list[str]]] | None = None) -> str:
        """The text the index holds for a field: words expanded and normalised, separated by spaces.

        lunr then tokenises it as it would the original (no word holds a space or hyphen).
        `memo` (word -> its expansion) may be shared by the calls of one build: words repeat."""
        out: list[str] = []
        recent: list[str] = []
        memo = {} if memo is None else memo
        by_end, pieces = self._by_end, self._pieces
        for raw in _SPACE.split(text.lower()):
            if not raw:
                continue
            found = memo.get(raw)
            if found is None:
                found = memo[raw] = pieces(raw)
            joined, words = found
            out += words
            if by_end:
                recent = [*recent[-7:], joined]
                for whole, parts in by_end.get(joined, ()):
                    if len(parts) <= len(recent) and tuple(recent[-len(parts):]) == parts:
                        canonical = self.word(whole)
                        if canonical is not None:
                            out.append(canonical)
        return " ".join(out)

    def query(self, query: str) -> str:
        """A query as the browser rewrites it before searching (search.js `termsOf` and `analyse`).

        Words are split at whitespace; an operator (+, -), a field (`title:`) and a boost or
        edit distance (`^10`, `~1`) stay with the word's first term; a fuzzy or wildcard word is
        searched as typed; otherwise a hyphenated word searches its joined form (carrying the
        operator; every term keeps the boost) and its parts (optional; none for a prohibited
        word), a compound typed joined also its parts, each through the variants; stop words
        (these and lunr's English ones) are dropped unless nothing else is left. Returns lunr query syntax."""
        clauses: list[tuple[str, bool]] = []
        for raw in _SPACE.split(query.strip()):
            match = _QUERY_WORD.fullmatch(raw)
            if not raw or match is None:
                continue
            operator, field_name, body, suffix = match.groups()
            prefix = f"{field_name.lower()}:" if field_name else ""
            lowered = body.lower()
            if not lowered:
                continue
            if "*" in lowered or "~" in suffix:
                clauses.append((f"{operator}{prefix}{lowered}{suffix}", False))
                continue
            parts = [trimmed for part in lowered.split("-") if (trimmed := _QUERY_ENDS.sub("", part))]
            if not parts:
                continue
            joined = "".join(parts)
            words = [joined, *parts] if len(parts) > 1 else [joined, *self.compounds.get(joined, ())]
            seen: set[str] = set()
            for position, word in enumerate(words):
                canonical = self.variants.get(word, word)
                if canonical in seen or (position and operator == "-"):
                    continue
                seen.add(canonical)
                main = position == 0
                stop = canonical in self.stop or _lunr_stop_word_filter(_LunrToken(canonical)) is None
                clauses.append((f"{operator if main else ''}{prefix}{canonical}{suffix}", stop))
        kept = [text for text, stop in clauses if not stop] or [text for text, _ in clauses]
        return " ".join(kept)


def _problem(doc: YamlDocument, path: tuple[str | int, ...], message: str, hint: str = "") -> Problem:
    return doc.problem(path, message, hint)


def _one_word(value: object) -> str | None:
    """The value as a lower-case word, or None when it is not one."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text if _WORD.fullmatch(text) and text == text.lower() else None


def parse_search_terms(doc: YamlDocument) -> SearchTerms:
    """The tables of a parsed file; SearchTermsError lists every mistake with its line."""
    problems: list[Problem] = []
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise SearchTermsError([_problem(doc, (), "the file must be a mapping of variants, compounds, stop")])
    for unknown in sorted(set(data) - {"variants", "compounds", "stop"}):
        problems.append(doc.problem((unknown,), f"unknown section {unknown!r}",
                                    "the sections are variants, compounds and stop", key=True))
    hint = "write lower-case words without spaces or hyphens"
    variants: dict[str, str] = {}
    raw_variants = data.get("variants") or {}
    if not isinstance(raw_variants, dict):
        problems.append(_problem(doc, ("variants",), "variants must map a word to its canonical word"))
        raw_variants = {}
    for key, value in raw_variants.items():
        word, canonical = _one_word(key), _one_word(value)
        if word is None:
            problems.append(doc.problem(("variants", key), f"{key!r} is not one lower-case word", hint,
                                        key=True))
        elif canonical is None:
            problems.append(_problem(doc, ("variants", key), f"{value!r} is not one lower-case word", hint))
        elif canonical == word:
            problems.append(_problem(doc, ("variants", key), f"{word!r} is mapped to itself"))
        else:
            variants[word] = canonical
    for word, canonical in variants.items():
        if canonical in variants:
            problems.append(_problem(doc, ("variants", word), f"{canonical!r} is itself a variant of "
                                     f"{variants[canonical]!r}", f"map {word!r} to {variants[canonical]!r}"))
    compounds: dict[str, tuple[str, ...]] = {}
    raw_compounds = data.get("compounds") or []
    if not isinstance(raw_compounds, list):
        problems.append(_problem(doc, ("compounds",), "compounds must be a list of hyphenated words"))
        raw_compounds = []
    for position, entry in enumerate(raw_compounds):
        text = str(entry).strip() if isinstance(entry, str) else ""
        parts = text.split("-")
        if not text or text != text.lower() or len(parts) < 2 or not all(_WORD.fullmatch(p) for p in parts):
            problems.append(_problem(doc, ("compounds", position),
                                     f"{entry!r} is not a lower-case hyphenated word",
                                     "write the compound with hyphens between its parts: light-sheet"))
            continue
        compounds["".join(parts)] = tuple(parts)
    raw_stop = data.get("stop") or []
    if not isinstance(raw_stop, list):
        problems.append(_problem(doc, ("stop",), "stop must be a list of words"))
        raw_stop = []
    stop: set[str] = set()
    for position, entry in enumerate(raw_stop):
        word = _one_word(entry)
        if word is None:
            problems.append(_problem(doc, ("stop", position), f"{entry!r} is not one lower-case word", hint))
        elif word in set(variants.values()) or word in compounds:
            problems.append(_problem(doc, ("stop", position), f"{word!r} is a search term of the other "
                                     "sections, so it cannot be a stop word"))
        else:
            stop.add(word)
    if problems:
        raise SearchTermsError(problems)
    return SearchTerms(variants, compounds, frozenset(stop))


@cache
def search_terms(path: Path = TERMS_FILE) -> SearchTerms:
    """The checked tables of `path`; empty when the file does not exist (hyphenated words are still
    indexed joined and split, nothing else changes)."""
    if not path.exists():
        return SearchTerms()
    doc, problems = load_yaml(path)
    if doc is None:
        raise SearchTermsError(problems)
    return parse_search_terms(doc)


_VERSION = re.compile(r"^[\d.]+$")


def licence_words(spdx_id: str, name: str = "") -> str:
    """What finds a licence: its id (cc-by-4.0 indexes as ccby4.0, cc, by, 4.0), every run of its
    parts joined without the version (cc0; ccby, bync, ccbync, ncsa...: "cc by-nc" finds CC-BY-NC
    licences) and its name's words ("creative commons attribution")."""
    if not spdx_id:
        return ""
    lowered = spdx_id.lower().replace("_", "-")
    parts = [p for p in lowered.split("-") if p and not _VERSION.match(p)]
    runs = ["".join(parts[start:end]) for start in range(len(parts))
            for end in range(start + 1, len(parts) + 1) if end - start > 1 or start == 0]
    return " ".join(dict.fromkeys([lowered, *runs, name]))


def identifier_words(identifier: str) -> str:
    """An identifier as one searchable word: hyphens dropped (ORCIDs, DOIs), so the parts of one
    identifier never match another's; a query's hyphenated word is joined the same way."""
    return _ID_HYPHENS.sub("", identifier.strip().lower())


def accession_words(accession: str) -> str:
    """An accession (S-BIAD634, EMPIAR-11658, zenodo.5092850) and its record number on its own."""
    words = [accession]
    number = _TRAILING_NUMBER.search(accession)
    if number:
        words.append(number.group(1))
    return " ".join(dict.fromkeys(words))
