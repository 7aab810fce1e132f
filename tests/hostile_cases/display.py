"""Round two, class 7 ("Smaller"): what a reader is shown, and what a search downloads.

Times with an offset (the issue's `10:00+05:00` shown as "10:00 UTC"), offsets that move the
date or the year, the largest offset, none at all, and times whose UTC equivalent no date type
holds; and search input that made one shard grow without bound: 60,000 non-Latin terms
(the issue's 3.9 MB shard) in descriptions across datasets and as the keywords of one
manifest, a word of 29,000 letters, 20,000 keywords sharing a 60-letter prefix, and a
manifest listing 2,000 formats (the facet file). All of them build; what their pages, feeds,
citations and search files hold is checked in tests/test_hostile_display.py.
"""

from __future__ import annotations

from pathlib import Path

from ..conftest import MINIMAL
from ..hostile_corpus import Case, E, Ports

CATEGORY = "display"

SCRIPTS = {
    "greek": [chr(c) for c in range(0x3B1, 0x3CA) if c != 0x3C2],  # α-ω, no final sigma
    "cyrillic": [chr(c) for c in range(0x430, 0x450)],  # а-я
    "cjk": [chr(c) for c in range(0x4E00, 0x4E00 + 1000)],  # 一 onwards
    "arabic": [chr(c) for c in [*range(0x628, 0x63B), *range(0x641, 0x64B)]],  # ب-غ, ف-ي
}
TERMS_PER_SCRIPT = 15_000
DATASETS_PER_SCRIPT = 3
"""5,000 words of 2-4 letters per description: under the 30,000 characters a text may have."""
WORD_LETTERS = {"greek": 4, "cyrillic": 4, "cjk": 2, "arabic": 4}


def script_word(script: str, number: int) -> str:
    """The `number`th word of a script: distinct for every number below the alphabet's reach."""
    letters, out = SCRIPTS[script], []
    for _ in range(WORD_LETTERS[script]):
        number, digit = divmod(number, len(letters))
        out.append(letters[digit])
    return "".join(reversed(out))


def script_words(script: str, dataset: int) -> list[str]:
    """The distinct words of one dataset's description: 5,000, none shared with another dataset."""
    per = TERMS_PER_SCRIPT // DATASETS_PER_SCRIPT
    return [script_word(script, 1_000 + dataset * per + i) for i in range(per)]


def script_keywords(script: str, dataset: int) -> list[str]:
    """Two keywords of one dataset, in its script, found only in it."""
    return [script_word(script, 100 + 2 * dataset), script_word(script, 101 + 2 * dataset)]


def _manifest(title: str, description: str, keywords: list[str] | None = None, extra: str = "") -> bytes:
    text = MINIMAL.replace("Nuclei in fluorescence images", title).replace(
        "Fluorescence images of cell nuclei with expert segmentation masks.", description)
    if keywords:
        listed = ", ".join(keywords)
        text = text.replace("  license: CC0-1.0\n", f"  license: CC0-1.0\n  keywords: [{listed}]\n")
    return (text + extra).encode("utf-8")


def nonlatin_catalogue(root: Path, ports: Ports) -> None:
    """12 datasets, 3 per script (Greek, Cyrillic, CJK, Arabic), 60,000 distinct terms in all."""
    for script in SCRIPTS:
        for dataset in range(DATASETS_PER_SCRIPT):
            folder = root / "datasets" / f"{script}-{dataset}"
            folder.mkdir(parents=True)
            (folder / "1.0.yaml").write_bytes(_manifest(
                f"Images described in {script}, part {dataset}", " ".join(script_words(script, dataset)),
                script_keywords(script, dataset)))


def nonlatin_keywords() -> bytes:
    """One manifest whose 60,000 keywords are distinct words of four scripts (no text limit
    bounds how many keywords there are, only how long each is)."""
    words = [script_word(script, 20_000 + i) for script in SCRIPTS for i in range(TERMS_PER_SCRIPT)]
    return _manifest("Sixty thousand keywords", "Keywords in four scripts.", words)


LONG_WORD = "λ" * 29_000
"""One word as long as a description may be: 450 times the 64 characters an index term keeps."""
PREFIX = "ж" * 60
PREFIXED_WORDS = [PREFIX + script_word("cyrillic", i) for i in range(20_000)]


def long_word() -> bytes:
    return _manifest("One very long word", f"Before {LONG_WORD} after.")


def prefixed_keywords() -> bytes:
    return _manifest("Keywords sharing a long prefix", "Keywords that differ at their end.", PREFIXED_WORDS)


FORMATS = [f"fmt{i:04d}" for i in range(2_000)]


def many_formats() -> bytes:
    entries = "".join(f"    - format: {f}\n" for f in FORMATS)
    return _manifest("Two thousand formats", "Images in very many formats.",
                     extra=f"images:\n  image_data:\n{entries}")


SINGLE_FILES = {
    "display/nonlatin-keywords-60000.yaml": nonlatin_keywords,
    "display/word-of-29000-letters.yaml": long_word,
    "display/twenty-thousand-keywords-one-long-prefix.yaml": prefixed_keywords,
    "display/two-thousand-formats.yaml": many_formats,
}
GENERATED = {"display/nonlatin-terms-60000": nonlatin_catalogue}

TIMESTAMP = 17
"""The line of `timestamp:` in the committed inputs (a comment, then MINIMAL)."""

EXPECTED = {
    "display/timestamp-with-offset.yaml": Case((), builds=True),
    "display/timestamp-offset-crosses-new-year.yaml": Case((), builds=True),
    "display/timestamp-negative-offset.yaml": Case((), builds=True),
    "display/timestamp-largest-offset.yaml": Case((), builds=True),
    "display/timestamp-without-offset.yaml": Case((
        E("warning", TIMESTAMP, "version.timestamp", "has no UTC offset; it is read as UTC"),
    ), builds=True),
    "display/timestamp-far-future-with-offset.yaml": Case((
        E("warning", TIMESTAMP, "version.timestamp", "is in the future"),
    ), builds=True),
    "display/timestamp-year-one-with-offset.yaml": Case((), builds=True),
    "display/nonlatin-terms-60000": Case((), builds=True),
    "display/nonlatin-keywords-60000.yaml": Case((), builds=True),
    "display/word-of-29000-letters.yaml": Case((), builds=True),
    "display/twenty-thousand-keywords-one-long-prefix.yaml": Case((), builds=True),
    "display/two-thousand-formats.yaml": Case((), builds=True),
}

ISSUE = {
    "a time with an offset shown as UTC (10:00+05:00 as '10:00 UTC')": [
        "display/timestamp-with-offset.yaml", "display/timestamp-offset-crosses-new-year.yaml",
        "display/timestamp-negative-offset.yaml", "display/timestamp-largest-offset.yaml",
        "display/timestamp-without-offset.yaml", "display/timestamp-far-future-with-offset.yaml",
        "display/timestamp-year-one-with-offset.yaml"],
    "60,000 non-Latin terms in one 3.9 MB search shard": [
        "display/nonlatin-terms-60000", "display/nonlatin-keywords-60000.yaml",
        "display/word-of-29000-letters.yaml", "display/twenty-thousand-keywords-one-long-prefix.yaml",
        "display/two-thousand-formats.yaml"],
}
