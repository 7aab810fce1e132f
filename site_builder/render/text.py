"""Submitter text made safe for pages: Markdown rendered, then sanitised with nh3.

Everything in a manifest is untrusted. Markdown passes raw HTML through, so the
rendered HTML is cleaned with nh3 (the Ammonia sanitiser): no scripts, no event
attributes, no style, links only to http(s) and mailto, and rel="nofollow noopener".
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

from ..markdown_bounds import markdown_excess
from ..text_safety import contain_bidi

_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "sub", "sup", "hr",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_HEADING = re.compile(r"<(/?)h[12]>")


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Markdown to sanitised HTML; headings start at h3 so they nest under the page's own.

    Text shaped so that rendering would take super-linear time or recurse too deep
    (markdown_bounds.py) is shown as plain text instead; validation has warned about it.
    Bidirectional overrides are closed at the end of each line first, so they cannot reverse
    the page that follows (the templates' own output is contained the same way)."""
    text = contain_bidi(text)
    if markdown_excess(text) is not None:
        return plain_paragraphs(text)
    try:
        html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    except RecursionError:  # a last guard: the bounds above keep nesting far from the limit
        return plain_paragraphs(text)
    html = _HEADING.sub(r"<\1h3>", html)
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="nofollow noopener noreferrer", strip_comments=True)
    return Markup(clean)


def plain_paragraphs(text: str) -> Markup:
    """Text as it was written, escaped, in one paragraph per blank-line-separated block."""
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return Markup("\n").join(Markup("<p>{}</p>").format(block.strip()) for block in blocks if block.strip())


def safe_href(url: str | None) -> str:
    """An http(s) URL as given, anything else as '#': a last guard behind the model's checks."""
    if url and re.match(r"(?i)^https?://[^\s<>\"']+$", url):
        return url
    return "#"
