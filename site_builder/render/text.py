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

_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "sub", "sup", "hr",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_HEADING = re.compile(r"<(/?)h[12]>")


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Markdown to sanitised HTML; headings start at h3 so they nest under the page's own."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = _HEADING.sub(r"<\1h3>", html)
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="nofollow noopener noreferrer", strip_comments=True)
    return Markup(clean)


def safe_href(url: str | None) -> str:
    """An http(s) URL as given, anything else as '#': a last guard behind the model's checks."""
    if url and re.match(r"(?i)^https?://[^\s<>\"']+$", url):
        return url
    return "#"
