"""A dataset's one-line summary for its page header: the first sentence of its description.

The description is Markdown written by a submitter; the header shows plain text (autoescaped
like any other value), one sentence, and never more than `LIMIT` characters, so a description
that is one long paragraph cannot push the gallery and the facts off the first screen.
"""

from __future__ import annotations

import re

from ..outputs.common import first_paragraph

LIMIT = 240
"""Characters at most; a longer first sentence is cut at a word boundary and ends with an ellipsis."""

_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_EMPHASIS = re.compile(r"(?<!\w)[*_]+(?=\S)|(?<=\S)[*_]+(?!\w)")
_LEADING_MARK = re.compile(r"^(?:>\s*|[-*+]\s+|\d+[.)]\s+)+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({"e.g.", "i.e.", "al.", "cf.", "fig.", "figs.", "approx.", "ca.", "vs.", "no.",
                            "dr.", "prof.", "st.", "mr.", "mrs.", "ms.", "eq.", "ref.", "refs.", "resp."})


def _ends_a_sentence(text: str) -> bool:
    """Whether the text before a candidate break ends a sentence, not an abbreviation or an initial."""
    word = text.rsplit(None, 1)[-1].lower().lstrip("([\"'")
    if word in _ABBREVIATIONS:
        return False
    return not (len(word) == 2 and word[0].isalpha() and word[1] == ".")  # "C. elegans", "J. Smith"


def one_line_summary(description: str, limit: int = LIMIT) -> str:
    """The first sentence of the description's first paragraph of text, as plain text of at most
    `limit` characters ('' when there is none)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", description.strip()) if p.strip()]
    text = next((p for p in paragraphs if not _HEADING.match(p)), paragraphs[0] if paragraphs else "")
    flat = _LEADING_MARK.sub("", _EMPHASIS.sub("", first_paragraph(text, limit=len(text) + 1)))
    sentence = flat
    for match in _SENTENCE_END.finditer(flat):
        if _ends_a_sentence(flat[:match.start() + 1]):
            sentence = flat[:match.end()]
            break
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:") + "…"
