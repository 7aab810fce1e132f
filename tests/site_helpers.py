"""Helpers for testing built pages through the DOM (never regexes over HTML)."""

from __future__ import annotations

import posixpath
from pathlib import Path

from bs4 import BeautifulSoup, Tag


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def text(element: Tag | None) -> str:
    assert element is not None
    return " ".join(element.get_text(" ").split())


def links(element: Tag) -> list[dict[str, str]]:
    return [{"href": str(a.get("href")), "text": text(a)} for a in element.select("a[href]")]


def facts(page: BeautifulSoup) -> dict[str, str]:
    """The quick-facts panel as {label: value}."""
    panel = page.select_one("section.facts")
    assert panel is not None
    return {text(div.dt): text(div.dd) for div in panel.select("dl > div")}


def resolve(page: str, href: str) -> str:
    """Site path a relative link on `page` points to."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))


def assert_licence_badge(element: Tag, alt: str, href: str) -> None:
    images = [img for img in element.select(".badges img") if img.get("alt") == alt]
    assert images, f"no badge with alt {alt!r}"
    link = images[0].find_parent("a")
    assert link is not None and link.get("href") == href


OWN_SCRIPTS = ("search.js", "copy.js")
"""The site's own scripts (templates/static/), the only ones a page may load."""
