"""One untrusted field that stalled or crashed a build validation had passed (issue 15, class 1).

Free text is bounded at validation (site_builder/text_limits.py): over 30,000 characters (1,000
for a name, title or label) it is an error, whatever stage would have read it. Within that,
Markdown whose shape makes the renderer super-linear or recursive (markdown_bounds.py) is shown
as plain text with a warning, and the version still publishes. Typed fields (licences,
identifiers, URLs, annotation types) of 60,000 characters are refused by their types in linear
time, and the word diff between versions stays within a budget (diff.py). The inputs are
generated (they are long and repetitive) but two small ones. Rendered pages, the version diff
page and the pull-request summary of these inputs are checked in tests/test_hostile_fields.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..conftest import MINIMAL
from ..hostile_corpus import Case, E, Ports

CATEGORY = "fields"

DESCRIPTION_LINE = 3
LICENCE_LINE = 4
PROSE_LIMIT, ONE_LINE_LIMIT = 30_000, 1_000

# The texts ---------------------------------------------------------------------------------

BRACKETS_60000 = "[" * 60_000
LINK_OPENERS_30000 = "[a](" * 30_000
LIST_600_DEEP = "".join("  " * level + "- a\n" for level in range(600))
"""The issue's list nested 600 deep, indented as Markdown nests lists: 360,000 characters."""
LIST_600_DEEP_ON_ONE_LINE = "- " * 600 + "a"
"""The same nesting in 1,201 characters: Python-Markdown raised RecursionError on it."""
QUOTES_600_DEEP = "> " * 600 + "a"
BRACKETS_25000 = "[" * 25_000
LINK_OPENERS_6000 = "[a](" * 6_000
UNCLOSED_TAGS_8000 = "<a " * 8_000
BACKTICK_RUNS = "".join("`" * run + "a" for run in range(1, 240))
HEADINGS_6000 = "# a\n" * 6_000
LICENCE_OF_SPACES = "CC" + " " * 60_000 + "BY"


def sentence(number: int) -> str:
    """A sentence of real-looking prose, different for each number."""
    return (f"Image series {number} shows nuclei of cell line {number % 7} stained with DAPI and "
            f"imaged at {20 + number % 3 * 20}x magnification. ")


def long_markdown() -> str:
    """About 4,000 words of ordinary Markdown, under the limit: headings, paragraphs with links
    and emphasis, nested lists, a table and code spans; it must render as Markdown."""
    parts = ["# About the data", ""]
    for section in range(12):
        parts += [f"## Part {section + 1}", ""]
        for paragraph in range(3):
            number = section * 10 + paragraph
            parts += [
                "".join(sentence(number * 5 + i) for i in range(4))
                + f"See [the protocol](https://example.org/protocol/{number}) and *the* "
                f"**masks** in `masks/{number}.tif`, or [^{number}] for details.", ""]
        parts += ["- acquisition", "    - widefield", "        - 40x objective", "- annotation", ""]
    parts += ["| image | nuclei |", "|---|---|", *[f"| img_{n}.tif | {n * 7} |" for n in range(40)], ""]
    return "\n".join(parts)


def two_texts_every_other_word_edited(words: int) -> tuple[str, str]:
    old = " ".join(f"w{i}" for i in range(words))
    new = " ".join(f"w{i}" if i % 2 else f"x{i}" for i in range(words))
    return old, new


# Manifests ---------------------------------------------------------------------------------

def manifest(description: str | None = None, licence: str | None = None, *, version: str = "1.0",
             previous: str | None = None, extra: str = "", extra_study: str = "") -> str:
    """MINIMAL with one value replaced, written on its own line (a JSON string is a YAML one), and
    `extra_study` lines after the study's funding statement."""
    text = MINIMAL.replace("  funding_statement: No specific funding.\n",
                           "  funding_statement: No specific funding.\n" + extra_study)
    if description is not None:
        text = text.replace("Fluorescence images of cell nuclei with expert segmentation masks.",
                            json.dumps(description))
    if licence is not None:
        text = text.replace("license: CC0-1.0", "license: " + json.dumps(licence))
    if version != "1.0":
        text = text.replace('version: "1.0"', f'version: "{version}"').replace(
            "timestamp: 2024-05-01T10:00:00+00:00", "timestamp: 2024-06-01T10:00:00+00:00")
    if previous is not None:
        text += f'  previous_version: "{previous}"\n  changes: Every other word edited.\n'
    return text + extra


def _file(text: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: text().encode("utf-8")


# Every free-text field, one per line: (line prefix, value kind, its path). The kinds: "prose"
# may hold 30,000 characters, "line" 1,000; "" is a line of the manifest's own.
FREE_TEXT: tuple[tuple[str, str, str], ...] = (
    ("study:", "", ""),
    ("  title: Nuclei in fluorescence images", "", ""),
    ("  description: ", "prose", "study.description"),
    ("  keywords: [nucleus, ", "line", "study.keywords[1]"),
    ("  license: CC0-1.0", "", ""),
    ("  authors:", "", ""),
    ("    - author_first_name: ", "line", "study.authors[0].author_first_name"),
    ("      author_last_name: ", "line", "study.authors[0].author_last_name"),
    ("      role: [", "line", "study.authors[0].role[0]"),
    ("      organisation:", "", ""),
    ("        - organisation_name: ", "line", "study.authors[0].organisation[0].organisation_name"),
    ("          address: ", "prose", "study.authors[0].organisation[0].address"),
    ("  publications:", "", ""),
    ("    - publication_title: ", "line", "study.publications[0].publication_title"),
    ("      publication_authors: ", "prose", "study.publications[0].publication_authors"),
    ("  funding_statement: ", "prose", "study.funding_statement"),
    ("  grants:", "", ""),
    ("    - grant_id: ", "line", "study.grants[0].grant_id"),
    ("      funder: ", "line", "study.grants[0].funder"),
    ("  acknowledgements: ", "prose", "study.acknowledgements"),
    ("  link_url: [https://example.org/code]", "", ""),
    ("  link_description: [", "line", "study.link_description[0]"),
    ("images:", "", ""),
    ("  biosample:", "", ""),
    ("    - organism:", "", ""),
    ("        - scientific_name: ", "line", "images.biosample[0].organism[0].scientific_name"),
    ("      description: ", "prose", "images.biosample[0].description"),
    ("  specimen:", "", ""),
    ("    - sample_preparation: ", "prose", "images.specimen[0].sample_preparation"),
    ("  image_acquisition:", "", ""),
    ("    - imaging_method:", "", ""),
    ("        name: ", "line", "images.image_acquisition[0].imaging_method.name"),
    ("      acquisition_parameters: ", "prose", "images.image_acquisition[0].acquisition_parameters"),
    ("annotations:", "", ""),
    ("  - annotation_overview: ", "prose", "annotations[0].annotation_overview"),
    ("    annotation_type: segmentation_mask", "", ""),
    ("    annotation_method: ", "prose", "annotations[0].annotation_method"),
    ("    classes:", "", ""),
    ("      - name: ", "line", "annotations[0].classes[0].name"),
    ("        description: ", "prose", "annotations[0].classes[0].description"),
    ("version:", "", ""),
    ('  version: "1.0"', "", ""),
    ("  timestamp: 2024-05-01T10:00:00+00:00", "", ""),
    ("  changes: ", "prose", "version.changes"),
    ("  preserved_credit:", "", ""),
    ("    - author_first_name: Grace", "", ""),
    ("      author_last_name: Hopper", "", ""),
    ("      contribution: ", "prose", "version.preserved_credit[0].contribution"),
    ("  original_images:", "", ""),
    ("    url: https://example.org/images", "", ""),
    ("    creators: [", "line", "version.original_images.creators[0]"),
    ("config:", "", ""),
    ("  notes: ", "prose", "config.notes"),
)


def every_free_text_field(over: Callable[[str], bool] = lambda path: False) -> Callable[[], bytes]:
    """Every free-text field at its limit (words, as real text has), one character over where `over`
    says so (a file lists 20 such errors, so the study's and the others' are two inputs)."""
    def make() -> bytes:
        lines = []
        for prefix, kind, path in FREE_TEXT:
            if not kind:
                lines.append(prefix)
                continue
            limit = PROSE_LIMIT if kind == "prose" else ONE_LINE_LIMIT
            value = json.dumps(("word " * limit)[:limit - 1] + "x" * (1 + over(path)))
            lines.append(prefix + value + ("]" if prefix.endswith("[") or prefix.endswith(", ") else ""))
        return ("\n".join(lines) + "\n").encode("utf-8")
    return make


def _too_long(kind: str) -> str:
    if kind == "prose":
        return _length(PROSE_LIMIT + 1)
    return (f"the text is {ONE_LINE_LIMIT + 1:,} characters long, over the limit of {ONE_LINE_LIMIT:,} "
            "for a name, title or label")


TYPED: tuple[tuple[str, str, str], ...] = (
    ("study:", "", ""),
    ("  title: Nuclei in fluorescence images", "", ""),
    ("  description: Fluorescence images of cell nuclei with expert segmentation masks.", "", ""),
    ("  license: ", "CC BY ", "study.license"),
    ("  authors:", "", ""),
    ("    - author_first_name: Ada", "", ""),
    ("      author_last_name: Lovelace", "", ""),
    ("      orcid_id: ", "0000-", "study.authors[0].orcid_id"),
    ("      organisation:", "", ""),
    ("        - organisation_name: Example Institute", "", ""),
    ("          ror_id: ", "02catss52", "study.authors[0].organisation[0].ror_id"),
    ("  publications:", "", ""),
    ("    - publication_title: A nuclei dataset", "", ""),
    ("      publication_authors: A. Lovelace", "", ""),
    ("      publication_doi: 10.1038/s41597-020-00608-w", "", ""),
    ("  funding_statement: No specific funding.", "", ""),
    ("  data_url: ", "https://example.org/a", "study.data_url"),
    ("annotations:", "", ""),
    ("  - annotation_overview: Nuclei outlined by hand.", "", ""),
    ("    annotation_type: ", "segmentation ", "annotations[0].annotation_type[0]"),
    ("    annotation_method: Drawn by one expert in napari.", "", ""),
    ("    license: ", "MIT OR ", "annotations[0].license"),
    ("version:", "", ""),
    ('  version: "1.0"', "", ""),
    ("  timestamp: 2024-05-01T10:00:00+00:00", "", ""),
)
TYPED_LENGTH = 60_000


def every_typed_field() -> bytes:
    """Identifiers, licences, URLs and vocabulary terms of 60,000 characters each."""
    lines = []
    for prefix, unit, _ in TYPED:
        value = (unit * (TYPED_LENGTH // len(unit) + 1))[:TYPED_LENGTH] if unit else ""
        lines.append(prefix + (json.dumps(value) if unit else ""))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _in_study(path: str) -> bool:
    return path.startswith("study.")


def _not_in_study(path: str) -> bool:
    return not _in_study(path)


KEYWORDS_LINE = 11
"""Where the first of KEYWORDS_OVER is, after MINIMAL's funding statement."""
KEYWORDS_OVER = "  keywords:\n" + "".join(
    f"    - {json.dumps(f'keyword {i:02d} ' + 'k' * 990)}\n" for i in range(25))
"""25 keywords of 1,001 characters: 20 errors are listed, the other five counted."""


def _line(table: tuple[tuple[str, str, str], ...], path: str) -> int:
    return next(n for n, (_, _, p) in enumerate(table, start=1) if p == path)


SINGLE_FILES: dict[str, Callable[[], bytes]] = {
    # The issue's examples, as written: over the length limit, refused at validation.
    "fields/description-60000-brackets.yaml": _file(lambda: manifest(BRACKETS_60000)),
    "fields/description-30000-link-openers.yaml": _file(lambda: manifest(LINK_OPENERS_30000)),
    "fields/description-list-nested-600-deep.yaml": _file(lambda: manifest(LIST_600_DEEP)),
    "fields/licence-cc-60000-spaces-by.yaml": _file(lambda: manifest(licence=LICENCE_OF_SPACES)),
    # Their siblings within the limit: shown as plain text, with a warning; the version publishes
    # (committed: the list and the quotes nested 600 deep on one line).
    "fields/description-25000-brackets-warns.yaml": _file(lambda: manifest(BRACKETS_25000)),
    "fields/description-6000-link-openers-warns.yaml": _file(lambda: manifest(LINK_OPENERS_6000)),
    "fields/description-8000-unclosed-html-tags-warns.yaml": _file(lambda: manifest(UNCLOSED_TAGS_8000)),
    "fields/description-backtick-runs-warns.yaml": _file(lambda: manifest(BACKTICK_RUNS)),
    "fields/description-6000-headings-without-blank-lines-warns.yaml":
        _file(lambda: manifest(HEADINGS_6000)),
    # Long, ordinary Markdown renders as Markdown.
    "fields/description-of-4000-words-builds.yaml": _file(lambda: manifest(long_markdown())),
    # Every free-text field, and every typed field.
    "fields/every-study-text-field-over-its-limit.yaml": every_free_text_field(_in_study),
    "fields/every-other-text-field-over-its-limit.yaml": every_free_text_field(_not_in_study),
    "fields/every-free-text-field-at-its-limit-builds.yaml": every_free_text_field(),
    "fields/25-keywords-over-their-limit.yaml": _file(lambda: manifest(extra_study=KEYWORDS_OVER)),
    "fields/every-typed-field-of-60000-characters.yaml": every_typed_field,
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / "datasets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _two_versions(words: int) -> Callable[[Path, Ports], None]:
    def make(root: Path, ports: Ports) -> None:
        old, new = two_texts_every_other_word_edited(words)
        _write(root, {"nuclei/1.0.yaml": manifest(old),
                      "nuclei/1.1.yaml": manifest(new, version="1.1", previous="1.0")})
    return make


CONFIG_KEYS = 50_000


def _config_of_many_keys(root: Path, ports: Ports) -> None:
    """Two versions whose `config` holds 50,000 keys, none shared: ordering the keys of both
    for the diff was quadratic (30 s)."""
    def config(prefix: str) -> str:
        return "config:\n" + "".join(f"  {prefix}{i}: {i}\n" for i in range(CONFIG_KEYS))
    _write(root, {"nuclei/1.0.yaml": manifest(extra=config("old")),
                  "nuclei/1.1.yaml": manifest(version="1.1", previous="1.0", extra=config("new"))})


DIFF_40000 = "fields/word-diff-two-40000-word-descriptions"
DIFF_4500 = "fields/word-diff-4500-words-every-other-edited"
GENERATED: dict[str, Callable[[Path, Ports], None]] = {
    DIFF_40000: _two_versions(40_000),
    DIFF_4500: _two_versions(4_500),
    "fields/config-of-50000-keys-in-two-versions": _config_of_many_keys,
}

_PLAIN = "shown as plain text, not as Markdown: "
_OPENERS = "it has more of '[', '`', '_' and '*' than its paragraphs can hold: "


def _description(message: str, severity: str = "warning", line: int = DESCRIPTION_LINE) -> Case:
    return Case((E(severity, line, "study.description", message),), builds=severity == "warning")


def _length(characters: int) -> str:
    return f"the text is {characters:,} characters long, over the limit of 30,000 for one text"


EXPECTED: dict[str, Case] = {
    "fields/description-60000-brackets.yaml": _description(_length(60_000), "error"),
    "fields/description-30000-link-openers.yaml": _description(_length(120_000), "error"),
    "fields/description-list-nested-600-deep.yaml":
        _description(_length(len(LIST_600_DEEP.strip())), "error"),
    "fields/licence-cc-60000-spaces-by.yaml": Case((
        E("error", LICENCE_LINE, "study.license", "...' is not an SPDX licence id"),
    )),
    "fields/description-list-nested-600-deep-on-one-line-warns.yaml": _description(
        _PLAIN + "lists or quotes are nested 600 deep at line 1 of the text, over the limit of 10", line=4),
    "fields/description-quotes-nested-600-deep-warns.yaml": _description(
        _PLAIN + "lists or quotes are nested 600 deep at line 1 of the text, over the limit of 10", line=4),
    "fields/description-25000-brackets-warns.yaml": _description(
        _PLAIN + _OPENERS + "25,000 in the paragraph of 25,001 characters ending at line 1 of the text"),
    "fields/description-6000-link-openers-warns.yaml": _description(
        _PLAIN + _OPENERS + "6,000 in the paragraph of 24,001 characters ending at line 1 of the text"),
    "fields/description-8000-unclosed-html-tags-warns.yaml": _description(
        _PLAIN + "it has 8,000 HTML tags, where at most 83 fit a text of 23,999 characters"),
    "fields/description-backtick-runs-warns.yaml": _description(
        _PLAIN + _OPENERS + f"{BACKTICK_RUNS.count('`'):,} in the paragraph of {len(BACKTICK_RUNS) + 1:,} "
        "characters ending at line 1 of the text"),
    "fields/description-6000-headings-without-blank-lines-warns.yaml": _description(
        _PLAIN + "it has too many lines without a blank line between them"),
    "fields/description-of-4000-words-builds.yaml": Case((), builds=True),
    "fields/every-study-text-field-over-its-limit.yaml": Case(tuple(
        E("error", _line(FREE_TEXT, path), path, _too_long(kind))
        for _, kind, path in FREE_TEXT if kind and _in_study(path))),
    "fields/every-other-text-field-over-its-limit.yaml": Case(tuple(
        E("error", _line(FREE_TEXT, path), path, _too_long(kind))
        for _, kind, path in FREE_TEXT if kind and _not_in_study(path))),
    "fields/25-keywords-over-their-limit.yaml": Case((
        *(E("error", KEYWORDS_LINE + i, f"study.keywords[{i}]", _too_long("line")) for i in range(20)),
        E("error", KEYWORDS_LINE + 20, "study.keywords[20]",
          "5 more texts over their length limit in this file, the first of them here"),
    )),
    "fields/every-free-text-field-at-its-limit-builds.yaml": Case((), builds=True),
    "fields/every-typed-field-of-60000-characters.yaml": Case((
        E("error", _line(TYPED, "study.license"), "study.license", "...' is not an SPDX licence id"),
        E("error", _line(TYPED, "study.authors[0].orcid_id"), "study.authors[0].orcid_id",
          "...' is not an ORCID iD"),
        E("error", _line(TYPED, "study.authors[0].organisation[0].ror_id"),
          "study.authors[0].organisation[0].ror_id", "...' is not a ROR id"),
        E("error", _line(TYPED, "study.data_url"), "study.data_url", "...' is longer than 2000 characters"),
        E("error", _line(TYPED, "annotations[0].annotation_type[0]"), "annotations[0].annotation_type[0]",
          "...' is not an annotation type"),
        E("error", _line(TYPED, "annotations[0].license"), "annotations[0].license",
          "...' is not an SPDX licence id"),
    )),
    DIFF_40000: Case(tuple(
        E("error", DESCRIPTION_LINE, "study.description", _length(len(text)), f"datasets/nuclei/{label}.yaml")
        for label, text in zip(("1.0", "1.1"), two_texts_every_other_word_edited(40_000), strict=True))),
    DIFF_4500: Case((), builds=True),
    "fields/config-of-50000-keys-in-two-versions": Case((), builds=True),
}

ISSUE: dict[str, list[str]] = {
    "a description of 60,000 '[' makes mifa build run for minutes": [
        "fields/description-60000-brackets.yaml", "fields/description-25000-brackets-warns.yaml"],
    "a description of 30,000 '[a](' (Markdown and the link pattern in outputs/common.py)": [
        "fields/description-30000-link-openers.yaml", "fields/description-6000-link-openers-warns.yaml"],
    "a list nested 600 deep crashes the build with RecursionError": [
        "fields/description-list-nested-600-deep.yaml",
        "fields/description-list-nested-600-deep-on-one-line-warns.yaml",
        "fields/description-quotes-nested-600-deep-warns.yaml"],
    "two versions with 40,000-word descriptions hang the word diff": [DIFF_40000, DIFF_4500],
    "a licence of 'CC', 60,000 spaces and 'BY' hangs validation": [
        "fields/licence-cc-60000-spaces-by.yaml", "fields/every-typed-field-of-60000-characters.yaml"],
    "every free-text field, and other super-linear shapes": [
        "fields/every-study-text-field-over-its-limit.yaml",
        "fields/every-other-text-field-over-its-limit.yaml", "fields/25-keywords-over-their-limit.yaml",
        "fields/every-free-text-field-at-its-limit-builds.yaml",
        "fields/description-8000-unclosed-html-tags-warns.yaml",
        "fields/description-backtick-runs-warns.yaml",
        "fields/description-6000-headings-without-blank-lines-warns.yaml",
        "fields/description-of-4000-words-builds.yaml", "fields/config-of-50000-keys-in-two-versions"],
}
"""Issue 15's class-1 examples, and their siblings, with the inputs that cover them."""
