"""Licence badges: names, texts, links, colours and safe, deterministic SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from site_builder.licences import LicenceError
from site_builder.render.badges import CATEGORY_COLOURS, Badge, badges_for, licence_badge

SVG = "{http://www.w3.org/2000/svg}"
CATEGORIES = [
    "public-domain",
    "attribution",
    "share-alike",
    "non-commercial",
    "no-derivatives",
    "software",
    "other",
    "unknown",
]


def parse(badge: Badge) -> ET.Element:
    return ET.fromstring(badge.svg)


def width(badge: Badge) -> int:
    return int(parse(badge).attrib["width"])


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def test_shared_licence_gives_one_licence_badge() -> None:
    badges = badges_for("CC-BY-4.0", ["CC-BY-4.0", "CC_BY"])
    assert len(badges) == 1
    badge = badges[0]
    assert badge.filename == "licence-CC-BY-4.0.svg"
    assert (badge.label, badge.value, badge.category) == ("licence", "CC-BY-4.0", "attribution")
    assert badge.alt == "Licence: CC-BY-4.0 (attribution)"
    assert badge.href == "https://creativecommons.org/licenses/by/4.0/"


def test_no_annotation_sets_gives_one_licence_badge() -> None:
    assert [b.filename for b in badges_for("CC0-1.0", [])] == ["licence-CC0-1.0.svg"]


def test_differing_licences_give_images_and_annotation_badges_in_order() -> None:
    badges = badges_for("CC0-1.0", ["CC-BY-SA-4.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"])
    assert [b.filename for b in badges] == [
        "images-CC0-1.0.svg",
        "annotations-CC-BY-SA-4.0.svg",
        "annotations-CC-BY-4.0.svg",
        "annotations-CC0-1.0.svg",
    ]
    assert [b.label for b in badges] == ["images", "annotations", "annotations", "annotations"]
    assert [b.alt for b in badges] == [
        "Images licence: CC0-1.0 (public-domain)",
        "Annotations licence: CC-BY-SA-4.0 (share-alike)",
        "Annotations licence: CC-BY-4.0 (attribution)",
        "Annotations licence: CC0-1.0 (public-domain)",
    ]
    assert [b.href for b in badges] == [
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ]


def test_noassertion_is_not_stated_and_unknown() -> None:
    badges = badges_for("NOASSERTION", ["CC-BY-4.0"])
    images = badges[0]
    assert images.filename == "images-NOASSERTION.svg"
    assert (images.value, images.category, images.href) == ("not stated", "unknown", "")
    assert images.alt == "Images licence: not stated (unknown)"
    badge = licence_badge("NOASSERTION", "annotations")
    assert badge.filename == "annotations-NOASSERTION.svg"
    shown = [text.text for text in parse(badge).iter(f"{SVG}text")]
    assert shown == ["annotations", "not stated"]


def test_input_is_normalised_and_invalid_ids_raise() -> None:
    assert licence_badge("cc_by").value == "CC-BY-4.0"
    with pytest.raises(LicenceError):
        licence_badge("not a licence")


@pytest.mark.parametrize(
    ("spdx_id", "category"),
    [
        ("CC0-1.0", "public-domain"),
        ("CC-BY-4.0", "attribution"),
        ("CC-BY-SA-4.0", "share-alike"),
        ("CC-BY-NC-4.0", "non-commercial"),
        ("CC-BY-ND-4.0", "no-derivatives"),
        ("MIT", "software"),
        ("NOASSERTION", "unknown"),
    ],
)
def test_category_colour_fills_the_value(spdx_id: str, category: str) -> None:
    badge = licence_badge(spdx_id)
    assert badge.category == category
    fills = [rect.attrib.get("fill") for rect in parse(badge).iter(f"{SVG}rect")]
    assert CATEGORY_COLOURS[category] in fills


def test_every_category_has_a_distinct_colour() -> None:
    assert sorted(CATEGORY_COLOURS) == sorted(CATEGORIES)
    assert len(set(CATEGORY_COLOURS.values())) == len(CATEGORIES)


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_colour_meets_wcag_aa_with_white_text(category: str) -> None:
    assert contrast_with_white(CATEGORY_COLOURS[category]) >= 4.5


def test_label_fill_meets_wcag_aa_with_white_text() -> None:
    rects = list(parse(licence_badge("CC-BY-4.0")).iter(f"{SVG}rect"))
    fills = {rect.attrib["fill"] for rect in rects} - {"#fff"}
    assert all(contrast_with_white(fill) >= 4.5 for fill in fills)


def test_svg_is_accessible_xml_with_the_expected_texts() -> None:
    badge = licence_badge("CC-BY-SA-4.0", "images")
    root = parse(badge)
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == badge.alt
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == badge.alt
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts == ["images", "CC-BY-SA-4.0"]
    assert root.find(f"{SVG}clipPath") is not None
    groups = root.findall(f"{SVG}g")
    assert any(g.attrib.get("font-family") == "Verdana,DejaVu Sans,sans-serif" for g in groups)
    assert any(g.attrib.get("font-size") == "11" for g in groups)


def test_width_grows_with_longer_text() -> None:
    assert width(licence_badge("MIT")) < width(licence_badge("CC-BY-4.0"))
    assert width(licence_badge("CC-BY-4.0")) < width(licence_badge("CC-BY-NC-SA-4.0"))
    assert width(licence_badge("CC0-1.0", "images")) < width(licence_badge("CC0-1.0", "annotations"))


def test_output_is_deterministic() -> None:
    first = badges_for("CC0-1.0", ["CC-BY-4.0", "ODbL-1.0"])
    second = badges_for("CC0-1.0", ["CC-BY-4.0", "ODbL-1.0"])
    assert first == second
    assert [b.svg.encode() for b in first] == [b.svg.encode() for b in second]


@pytest.mark.parametrize("spdx_id", ["CC-BY-4.0", "NOASSERTION", "GPL-2.0+", "MIT"])
def test_svg_has_no_scripts_links_or_handlers(spdx_id: str) -> None:
    badge = licence_badge(spdx_id)
    lowered = badge.svg.lower()
    assert "<script" not in lowered
    assert "href" not in lowered
    assert "http://" not in lowered.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in lowered
    for element in parse(badge).iter():
        assert element.tag != f"{SVG}script"
        assert not any(name.lower().startswith("on") for name in element.attrib)


def test_file_names_use_safe_characters_only() -> None:
    badge = licence_badge("GPL-2.0+", "annotations")
    assert badge.value == "GPL-2.0+"
    assert badge.filename == "annotations-GPL-2.0plus.svg"
    assert all(char.isalnum() or char in "._-" for char in badge.filename)
