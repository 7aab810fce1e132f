"""Licence badges drawn here as small SVG files, so the site needs no external badge service.

A badge shows a licence at a glance: a grey label ("licence", "images" or "annotations") and
the SPDX id on a fill coloured by what the licence allows. Widths come from a fixed table of
approximate Verdana 11px advance widths, so the same input always gives the same bytes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from ..licences import NOASSERTION, licence_info

__all__ = ["CATEGORY_COLOURS", "LABEL_COLOUR", "Badge", "badges_for", "licence_badge"]

Scope = Literal["licence", "images", "annotations"]

LABEL_COLOUR = "#555555"
"""Fill behind the label; white text on it has a contrast ratio of 7.5:1."""

CATEGORY_COLOURS: dict[str, str] = {
    "public-domain": "#2e7d32",
    "attribution": "#1e7145",
    "share-alike": "#1565c0",
    "non-commercial": "#b45309",
    "no-derivatives": "#b91c1c",
    "software": "#65597a",
    "other": "#6b5b8c",
    "unknown": "#6e6e6e",
}
"""Fill behind the value per licence category; all meet WCAG AA (>= 4.5:1) with white text."""

_FONT = "Verdana,DejaVu Sans,sans-serif"
_HEIGHT = 20
_PADDING = 6
_DEFAULT_WIDTH = 7.5

# Approximate Verdana advance widths at 11px (font units / 2048 * 11), rounded to 0.1px.
_WIDTHS: dict[str, float] = {
    " ": 3.9, "!": 4.3, "(": 5.0, ")": 5.0, "+": 9.2, ",": 4.0, "-": 4.5, ".": 4.0, "/": 4.9,
    ":": 4.7, "_": 7.0,
    **dict.fromkeys("0123456789", 7.0),
    "A": 7.5, "B": 7.6, "C": 7.7, "D": 8.5, "E": 7.0, "F": 6.3, "G": 8.5, "H": 8.3, "I": 4.7,
    "J": 5.0, "K": 7.5, "L": 6.2, "M": 9.2, "N": 8.2, "O": 8.7, "P": 6.7, "Q": 8.7, "R": 7.6,
    "S": 7.5, "T": 6.7, "U": 8.1, "V": 7.5, "W": 10.9, "X": 7.5, "Y": 6.7, "Z": 7.5,
    "a": 6.7, "b": 6.9, "c": 5.9, "d": 6.9, "e": 6.6, "f": 3.9, "g": 6.9, "h": 7.0, "i": 3.0,
    "j": 3.8, "k": 6.5, "l": 3.0, "m": 10.7, "n": 7.0, "o": 6.7, "p": 6.9, "q": 6.9, "r": 4.7,
    "s": 5.7, "t": 4.3, "u": 7.0, "v": 6.5, "w": 9.0, "x": 6.5, "y": 6.5, "z": 5.7,
}  # fmt: skip

_ALT_PREFIX: dict[str, str] = {
    "licence": "Licence",
    "images": "Images licence",
    "annotations": "Annotations licence",
}


@dataclass(frozen=True)
class Badge:
    """One badge file: its name, the texts it shows and says, its link and the SVG itself."""

    filename: str
    label: str
    value: str
    category: str
    alt: str
    href: str
    svg: str


def _text_width(text: str) -> int:
    """Width in px from the fixed table: deterministic, no fonts needed at build time."""
    return math.ceil(sum(_WIDTHS.get(char, _DEFAULT_WIDTH) for char in text))


def _safe_name(text: str) -> str:
    """Keep file names (and SVG ids) to letters, digits, '.', '-' and '_'; '+' becomes 'plus'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text.replace("+", "plus"))


def _svg(label: str, value: str, fill: str, alt: str, clip_id: str) -> str:
    """A flat, shields.io-like badge; the clip id is unique per badge so inlined badges coexist."""
    label_width = _text_width(label) + 2 * _PADDING
    value_width = _text_width(value) + 2 * _PADDING
    width = label_width + value_width
    alt_attr, clip = quoteattr(alt), quoteattr(clip_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{_HEIGHT}" '
        f'viewBox="0 0 {width} {_HEIGHT}" role="img" aria-label={alt_attr}>'
        f"<title>{escape(alt)}</title>"
        f'<clipPath id={clip}><rect width="{width}" height="{_HEIGHT}" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#{clip_id})">'
        f'<rect width="{label_width}" height="{_HEIGHT}" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{label_width}" width="{value_width}" height="{_HEIGHT}" fill="{fill}"/>'
        "</g>"
        f'<g fill="#fff" text-anchor="middle" font-family="{_FONT}" font-size="11">'
        f'<text x="{label_width / 2:g}" y="14">{escape(label)}</text>'
        f'<text x="{label_width + value_width / 2:g}" y="14">{escape(value)}</text>'
        "</g></svg>\n"
    )


def licence_badge(spdx_id: str, scope: Scope = "licence") -> Badge:
    """The badge for one licence; raises LicenceError (via licence_info) for an invalid id."""
    info = licence_info(spdx_id)
    value = "not stated" if info.spdx_id == NOASSERTION else info.spdx_id
    alt = f"{_ALT_PREFIX[scope]}: {value} ({info.category})"
    stem = f"{scope}-{_safe_name(info.spdx_id)}"
    svg = _svg(scope, value, CATEGORY_COLOURS[info.category], alt, f"badge-{stem}")
    return Badge(
        filename=f"{stem}.svg",
        label=scope,
        value=value,
        category=info.category,
        alt=alt,
        href=info.url,
        svg=svg,
    )


def badges_for(image_licence: str, annotation_licences: list[str]) -> list[Badge]:
    """One "licence" badge when everything shares a licence, else images plus each annotation licence.

    Licences are compared after normalisation, so `CC_BY` and `CC-BY-4.0` count as the same.
    """
    image_id = licence_info(image_licence).spdx_id
    annotation_ids = list(dict.fromkeys(licence_info(spdx).spdx_id for spdx in annotation_licences))
    if all(spdx == image_id for spdx in annotation_ids):
        return [licence_badge(image_id)]
    return [licence_badge(image_id, "images")] + [
        licence_badge(spdx, "annotations") for spdx in annotation_ids
    ]
