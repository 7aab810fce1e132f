"""sitemap.xml, robots.txt and an Atom feed of new versions: how crawlers and readers find updates.

Every date comes from the manifests (version timestamps), never from the wall clock,
so the same catalogue always gives the same bytes. Every text and attribute is cleaned before
it is written (text_safety.clean): ElementTree escapes markup but writes characters XML 1.0
forbids, such as ESC or U+FFFF, which make the whole feed unreadable.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import Manifest
from ..render.times import iso_utc
from ..settings import Settings
from ..text_safety import clean, one_line
from .common import absolute, first_paragraph, label, version_page

if TYPE_CHECKING:  # pages imports this package: annotation-only import avoids a cycle
    from ..render.pages import DatasetEntry

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
EPOCH = "1970-01-01T00:00:00+00:00"
"""The feed's `updated` when the catalogue has no versions: fixed, so builds stay reproducible."""
_NOT_IN_SITEMAP = frozenset({"404.html"})


def page_url(path: str, settings: Settings) -> str:
    """Absolute URL of a page path; an index.html is addressed by its directory."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    return absolute(settings, path)


def _xml(root: ET.Element) -> bytes:
    """Serialise with the namespace declared on the root (tags are unqualified, so no ns0: prefixes)."""
    for element in root.iter():
        if element.text:
            element.text = clean(element.text)
        for name, value in element.attrib.items():
            element.attrib[name] = clean(value)
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def sitemap(page_paths: Sequence[str], settings: Settings) -> bytes:
    """A sitemap of the given pages (without the 404 page), sorted, each URL once."""
    urls = sorted({page_url(p, settings) for p in page_paths if p not in _NOT_IN_SITEMAP})
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for url in urls:
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = url
    return _xml(root)


def robots(settings: Settings, sitemap_path: str = "sitemap.xml") -> bytes:
    """Allow every crawler everywhere, and say where the sitemap is."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute(settings, sitemap_path)}\n".encode()


def _newest_versions(entries: Sequence[DatasetEntry], limit: int) -> list[tuple[DatasetEntry, Manifest]]:
    pairs = [(e, m) for e in entries for m in e.versions]
    pairs.sort(key=lambda pair: (pair[1].version.timestamp, pair[0].id, label(pair[1])), reverse=True)
    return pairs[:max(limit, 0)]


def _atom(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def atom_feed(entries: Sequence[DatasetEntry], settings: Settings, limit: int = 50,
              feed_path: str = "feed.xml") -> bytes:
    """Atom 1.0: one entry per dataset version, newest first; `updated` is the newest version's time."""
    versions = _newest_versions(entries, limit)
    root = ET.Element("feed", xmlns=ATOM_NS)
    _atom(root, "title", settings.title)
    if settings.description:
        _atom(root, "subtitle", first_paragraph(settings.description))
    _atom(root, "id", absolute(settings))
    _atom(root, "link", rel="self", type="application/atom+xml", href=absolute(settings, feed_path))
    _atom(root, "link", rel="alternate", type="text/html", href=absolute(settings))
    _atom(root, "updated", iso_utc(versions[0][1].version.timestamp) if versions else EPOCH)
    _atom(_atom(root, "author"), "name", settings.title)
    _atom(root, "generator", "MIFA Catalogue site builder")
    for entry, manifest in versions:
        url = version_page(entry, manifest, settings)
        item = _atom(root, "entry")
        # Each value cleaned on its own, so an override in the title cannot reverse what follows.
        _atom(item, "title", f"{one_line(manifest.study.title)}, version {one_line(label(manifest))}")
        _atom(item, "link", rel="alternate", type="text/html", href=url)
        _atom(item, "id", url)
        timestamp = iso_utc(manifest.version.timestamp)
        _atom(item, "published", timestamp)
        _atom(item, "updated", timestamp)
        for author in manifest.study.authors:
            name = f"{one_line(author.author_first_name)} {one_line(author.author_last_name)}"
            _atom(_atom(item, "author"), "name", name)
        types = dict.fromkeys(t.value for s in manifest.annotations for t in s.annotation_type)
        for annotation_type in types:
            _atom(item, "category", term=annotation_type)
        summary = manifest.version.changes or manifest.study.description
        _atom(item, "summary", first_paragraph(summary), type="text")
    return _xml(root)
