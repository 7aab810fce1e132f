"""Whether Markdown is shaped so that the renderer finishes quickly, decided in one linear scan.

Python-Markdown is fast on prose but super-linear on some shapes a submitter can write: every
`[` is matched by scanning the rest of its paragraph (25,000 of them took minutes), every
unclosed HTML tag by scanning the rest of the text, and lists or quotes nested hundreds deep
are parsed recursively (a list 600 deep raised RecursionError). Text outside these bounds is
shown as plain text instead (render/text.py), and validation warns about it (text_limits.py).
The bounds are far beyond what real descriptions use, and keep the worst case near 0.2 s.
"""

from __future__ import annotations

import re

MAX_MARKDOWN_CHARS = 30_000
"""Longer text is not rendered as Markdown at all (validation refuses it: text_limits.py)."""
MAX_NESTING = 10
"""Lists and block quotes inside each other (each four columns of indentation counts as one)."""
OPENER_BUDGET = 600_000
"""Link, code and emphasis openers (`[`, `` ` ``, `_`, `*`) in each paragraph times the paragraph's
length, added up: 20 paragraphs of 1,000 characters may hold 30 each, one of 5,000 characters 120.
An opener without its closer is looked for to the end of its paragraph (or line)."""
LINE_BUDGET = 12_000_000
"""Lines in each paragraph (a block without blank lines) times its length, added up: headings,
rules and quotes are split off a block one at a time, each split rescanning the rest."""
TAG_BUDGET = 2_000_000
"""HTML tags times the text's length (an unclosed tag is looked for to the end of the text):
30,000 characters may hold 66 tags, 5,000 hold 400."""

# What opens containers at the start of a line: spaces, `>` and list markers. The alternatives
# start with different characters, so matching is linear.
_CONTAINERS = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")
_MARKER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
_TAG = re.compile(r"<[A-Za-z/!?]")
_OPENERS = "[`_*"
"""What starts a link, a code span or emphasis: each is matched by scanning ahead in its paragraph."""


def markdown_excess(text: str) -> tuple[str, str] | None:
    """(what is out of bounds, how to bring it back) for text the renderer must not parse as
    Markdown, or None when it is within every bound."""
    if len(text) > MAX_MARKDOWN_CHARS:
        return (f"it is {len(text):,} characters long; Markdown is rendered for up to "
                f"{MAX_MARKDOWN_CHARS:,}", f"shorten it to at most {MAX_MARKDOWN_CHARS:,} characters")
    # Python-Markdown's own line endings and tab stops: any other character is no line break.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n")
    length = openers = count = 0
    opener_cost = line_cost = 0
    worst = (0, 0, 0, 0)  # opener cost, length, openers and last line of the costliest paragraph
    for number, line in enumerate([*lines, ""], start=1):
        depth = _depth(line)
        if depth > MAX_NESTING:
            return (f"lists or quotes are nested {depth} deep at line {number} of the text, over the "
                    f"limit of {MAX_NESTING}", f"nest lists and quotes at most {MAX_NESTING} deep")
        if line.strip(" "):
            length += len(line) + 1
            openers += sum(line.count(opener) for opener in _OPENERS)
            count += 1
            continue
        opener_cost += openers * length
        line_cost += count * length
        worst = max(worst, (openers * length, length, openers, number - 1))
        length = openers = count = 0
    if opener_cost > OPENER_BUDGET:
        _, length, openers, last = worst
        return (f"it has more of '[', '`', '_' and '*' than its paragraphs can hold: {openers:,} in "
                f"the paragraph of {length:,} characters ending at line {last} of the text, and "
                "each may be matched by scanning the rest of its paragraph",
                "split long paragraphs with blank lines, or write fewer of these characters (a link "
                "needs one '[', a code span or an emphasis two '`', '_' or '*')")
    if line_cost > LINE_BUDGET:
        return ("it has too many lines without a blank line between them (each heading, rule or "
                "quote is split off its block by rescanning the rest)",
                "separate paragraphs, headings and list blocks with blank lines")
    tags = len(_TAG.findall(text))
    if tags * len(text) > TAG_BUDGET:
        return (f"it has {tags:,} HTML tags, where at most {TAG_BUDGET // len(text):,} fit a text of "
                f"{len(text):,} characters", "write Markdown instead of HTML tags, or fewer of them")
    return None


def _depth(line: str) -> int:
    """How deeply the containers opened at the start of a line nest, at most."""
    prefix = _CONTAINERS.match(line)
    opened = prefix.group() if prefix else ""
    markers = _MARKER.findall(opened)
    # A marker's own following space is not indentation; every further four columns nest once more.
    spaces = len(opened) - sum(len(marker) for marker in markers) - len(markers)
    return len(markers) + max(0, spaces) // 4
