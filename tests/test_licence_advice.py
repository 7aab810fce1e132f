"""Licence advice that never guesses (issue 19): shorthands, links, exceptions and lists of licences."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.licences import LicenceError, normalise_licence

TABLE: list[dict[str, str]] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "licence_strings.yaml").read_text(encoding="utf-8")
)
HINT = "write an SPDX id from https://spdx.org/licenses/ such as CC-BY-4.0 or CC0-1.0"
SEVERAL_HINT = (
    "write the one SPDX id that applies to the images, and give an annotation set under other terms "
    "its own licence; if the licence differs from image to image, split the dataset or ask the data "
    "owners"
)


def error_of(value: object) -> LicenceError:
    with pytest.raises(LicenceError) as caught:
        normalise_licence(value)
    return caught.value


def verdict(value: str) -> str:
    """What a user is told, reduced to the table's words."""
    try:
        return normalise_licence(value)
    except LicenceError as error:
        if "names several licences" in error.message:
            assert "did you mean" not in error.message
            return "no single licence"
        named = re.findall(r"(?:did you mean|terms of|text names) '([^']+)'", error.message)
        assert len(named) <= 1
        return named[0] if named else "cannot tell"


def test_the_table_has_at_least_60_real_strings_with_sources() -> None:
    assert len(TABLE) >= 60
    assert len({row["licence"] for row in TABLE}) == len(TABLE)
    assert all(row["source"] for row in TABLE)


@pytest.mark.parametrize("row", TABLE, ids=[row["licence"][:40] for row in TABLE])
def test_no_confident_wrong_suggestion(row: dict[str, Any]) -> None:
    assert verdict(row["licence"]) == row["expected"]


@pytest.mark.parametrize(("value", "spdx_id"), [("BSD-2", "BSD-2-Clause"), ("BSD2", "BSD-2-Clause"),
                                                ("bsd 3", "BSD-3-Clause")])
def test_bsd_shorthands(value: str, spdx_id: str) -> None:
    error = error_of(value)
    assert (error.message, error.hint) == (
        f"'{value}' is not an SPDX licence id; did you mean '{spdx_id}'?", HINT)


@pytest.mark.parametrize("value", ["BSD", "GPL"])
def test_a_family_without_a_version_gets_no_suggestion(value: str) -> None:
    error = error_of(value)
    assert (error.message, error.hint) == (f"'{value}' is not an SPDX licence id", HINT)


@pytest.mark.parametrize(("value", "spdx_id"), [
    ("CC BY NC SA", "CC-BY-NC-SA-4.0"), ("cc-by", "CC-BY-4.0"), ("CC BY", "CC-BY-4.0"),
    ("CC BY-SA", "CC-BY-SA-4.0"), ("CC BY-NC-SA", "CC-BY-NC-SA-4.0"),
])
def test_a_creative_commons_shorthand_says_which_version_is_assumed(value: str, spdx_id: str) -> None:
    error = error_of(value)
    assert error.message == (f"'{value}' is not an SPDX licence id; did you mean '{spdx_id}'? "
                             "No version is given, so the current one, 4.0, is assumed")
    assert error.hint == (f"check which version the data owners chose (e.g. {spdx_id[:-4]}-3.0) "
                          "and write its SPDX id")


@pytest.mark.parametrize(("value", "spdx_id"), [
    ("[MIT License](https://opensource.org/license/mit)", "MIT"),
    ("[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)", "CC-BY-4.0"),
    ("[Licence](https://spdx.org/licenses/CC0-1.0.html)", "CC0-1.0"),
])
def test_a_markdown_link_names_the_licence_of_its_deed(value: str, spdx_id: str) -> None:
    error = error_of(value)
    assert (error.message, error.hint) == (
        f"'{value}' is a Markdown link, not an SPDX licence id; it links to the terms of '{spdx_id}'",
        f"write the id alone: {spdx_id}")


def test_a_markdown_link_to_elsewhere_is_read_by_its_text_or_not_at_all() -> None:
    error = error_of("[CC BY-SA 4.0](LICENSE)")
    assert (error.message, error.hint) == (
        "'[CC BY-SA 4.0](LICENSE)' is a Markdown link, not an SPDX licence id; its text names "
        "'CC-BY-SA-4.0'", "write the id alone: CC-BY-SA-4.0")
    error = error_of("[Terms of use](https://example.org/terms)")
    assert (error.message, error.hint) == (
        "'[Terms of use](https://example.org/terms)' is a Markdown link, not an SPDX licence id", HINT)


@pytest.mark.parametrize(("value", "spdx_id"), [
    ("ODC-By v1.0 unless otherwise specified", "ODC-By-1.0"),
    ("CC-BY 4.0 unless otherwise stated", "CC-BY-4.0"),
    ("CC0-1.0, unless noted", "CC0-1.0"),
])
def test_unless_otherwise_specified_suggests_the_licence_and_asks_for_the_exceptions(
        value: str, spdx_id: str) -> None:
    error = error_of(value)
    assert error.message == (f"'{value}' is not an SPDX licence id; did you mean '{spdx_id}'? It says "
                             "that some files are under other terms")
    assert error.hint == (f"write {spdx_id} and state the exceptions: give each file set or "
                          "annotation set under other terms its own licence")


def test_unless_otherwise_specified_without_a_licence_gets_no_suggestion() -> None:
    error = error_of("Our terms unless otherwise specified")
    assert error.message == ("'Our terms unless otherwise specified' is not an SPDX licence id, and it "
                             "says that some files are under other terms")
    assert "did you mean" not in error.message


@pytest.mark.parametrize(("value", "listed"), [
    ("CC0, CC-BY", "CC0-1.0, CC-BY"),
    ("Creative Commons licenses (CC-0, CC-BY, or CC-BY-NC) are defined per-image.",
     "CC0-1.0, CC-BY, CC-BY-NC"),
    ("CC0/CC-BY-4.0", "CC0-1.0, CC-BY-4.0"),
    ("CC0 or CC BY 4.0", "CC0-1.0, CC-BY-4.0"),
])
def test_several_licences_get_no_single_suggestion(value: str, listed: str) -> None:
    error = error_of(value)
    assert (error.message, error.hint) == (
        f"'{value}' names several licences ({listed}); the images and each annotation set need one "
        "licence each", SEVERAL_HINT)


def test_one_licence_named_twice_is_not_several() -> None:
    assert "did you mean 'CC-BY-4.0'?" in error_of("CC BY 4.0 (CC-BY-4.0)").message
