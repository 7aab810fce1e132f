"""Identifier normalisation (mifa-model.md §8): accepted forms, checksums, exact error texts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from site_builder.identifiers import (
    IdentifierError,
    doi_url,
    fbbi_url,
    is_pmcid,
    normalise_doi,
    normalise_fbbi,
    normalise_ncbi_taxon,
    normalise_orcid,
    normalise_pmcid,
    normalise_pmid,
    normalise_ror,
    normalise_uri_or_curie,
    normalise_url,
    orcid_url,
    pmcid_url,
    pubmed_url,
    ror_url,
    taxon_url,
)

ORCID_SHAPE_HINT = (
    "write 16 digits (the last may be X) as 0000-0002-1825-0097, "
    "optionally as https://orcid.org/0000-0002-1825-0097"
)
ORCID_CHECKSUM_HINT = "check the iD on https://orcid.org; it looks like 0000-0000-0000-0000"
DOI_HINT = "write it as 10.1038/s41597-020-00608-w or https://doi.org/10.1038/s41597-020-00608-w"
ROR_HINT = "write the 9-character id, e.g. 02catss52, or https://ror.org/02catss52"
URL_HINT = "write a full address starting with https://"


def error_of(function: Callable[[object], str], value: object) -> IdentifierError:
    with pytest.raises(IdentifierError) as caught:
        function(value)
    return caught.value


def test_identifier_error_carries_message_and_hint() -> None:
    error = IdentifierError("'x' is wrong", "write y")
    assert error.message == "'x' is wrong"
    assert error.hint == "write y"
    assert str(error) == "'x' is wrong"
    assert isinstance(error, ValueError)


# --- ORCID -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("  0000-0002-1825-0097 ", "0000-0002-1825-0097"),
        ("ORCID:0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("orcid:0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("Orcid:0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097/", "0000-0002-1825-0097"),
        ("http://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://www.orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("www.orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0002-1694-233X", "0000-0002-1694-233X"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("000000021694233x", "0000-0002-1694-233X"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
    ],
)
def test_orcid_forms(value: str, expected: str) -> None:
    assert normalise_orcid(value) == expected


def test_orcid_checksum_failure_names_expected_character() -> None:
    error = error_of(normalise_orcid, "0000-0002-1825-0098")
    assert error.message == (
        "'0000-0002-1825-0098' fails the ORCID checksum (last character should be 7)"
    )
    assert error.hint == ORCID_CHECKSUM_HINT


@pytest.mark.parametrize(
    ("value", "expected_character"),
    [
        ("0000-0002-1694-2330", "X"),  # a 0 where the check character is X
        ("0000-0002-1694-2339", "X"),
        ("https://orcid.org/0000-0002-1825-0090", "7"),
        ("0000000218250091", "7"),
        ("0000-0001-5109-370X", "0"),
    ],
)
def test_orcid_checksum_expected_character(value: str, expected_character: str) -> None:
    error = error_of(normalise_orcid, value)
    assert error.message == (
        f"'{value}' fails the ORCID checksum (last character should be {expected_character})"
    )


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "",
        "0000-0002-1825-009",
        "0000-0002-1825-00977",
        "000000021825009",
        "0000 0002 1825 0097",
        "0000-0002-18250097",
        "X000-0002-1825-0097",
        "https://example.org/0000-0002-1825-0097",
        "ORCID:https://orcid.org/0000-0002-1825-0097",
    ],
)
def test_orcid_bad_shape(value: str) -> None:
    error = error_of(normalise_orcid, value)
    assert error.message == f"'{value}' is not an ORCID iD"
    assert error.hint == ORCID_SHAPE_HINT


@pytest.mark.parametrize(("value", "shown"), [(None, "'None'"), (1825, "'1825'")])
def test_orcid_rejects_non_strings(value: object, shown: str) -> None:
    error = error_of(normalise_orcid, value)
    assert error.message == f"{shown} is not an ORCID iD"
    assert error.hint == ORCID_SHAPE_HINT


def test_orcid_url() -> None:
    assert orcid_url("ORCID:0000-0002-1694-233x") == "https://orcid.org/0000-0002-1694-233X"
    assert orcid_url("0000-0002-1825-0097") == "https://orcid.org/0000-0002-1825-0097"


# --- DOI ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1038/s41597-020-00608-w", "10.1038/s41597-020-00608-w"),
        (" 10.1038/s41597-020-00608-w ", "10.1038/s41597-020-00608-w"),
        ("doi:10.1038/s41597-020-00608-w", "10.1038/s41597-020-00608-w"),
        ("DOI:10.1038/s41597-020-00608-w", "10.1038/s41597-020-00608-w"),
        ("DOI: 10.1038/s41597-020-00608-w", "10.1038/s41597-020-00608-w"),
        ("https://doi.org/10.1038/s41597-020-00608-w", "10.1038/s41597-020-00608-w"),
        ("http://doi.org/10.1038/s41597-020-00608-w", "10.1038/s41597-020-00608-w"),
        ("http://dx.doi.org/10.1038/s41597-020-00608-w", "10.1038/s41597-020-00608-w"),
        ("https://dx.doi.org/10.1038/s41597-020-00608-w", "10.1038/s41597-020-00608-w"),
        ("10.1038/s41597-020-00608-w.", "10.1038/s41597-020-00608-w"),
        ("10.1038/s41597-020-00608-w,", "10.1038/s41597-020-00608-w"),
        ("10.1038/s41597-020-00608-w;", "10.1038/s41597-020-00608-w"),
        ("https://doi.org/10.1038/s41597-020-00608-w.;", "10.1038/s41597-020-00608-w"),
        ("10.1038/S41597-020-00608-W", "10.1038/S41597-020-00608-W"),  # case kept
        ("10.5281/zenodo.3550795", "10.5281/zenodo.3550795"),
        ("10.1002/(SICI)1097-4636(199706)35:4<433::AID-JBM4>3.0.CO;2-Q",
         "10.1002/(SICI)1097-4636(199706)35:4<433::AID-JBM4>3.0.CO;2-Q"),
    ],
)
def test_doi_forms(value: str, expected: str) -> None:
    assert normalise_doi(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "s41597-020-00608-w",
        "10.1038",
        "10.1038/",
        "10.12/abc",  # registrant code needs 4 to 9 digits
        "11.1038/abc",
        "10.1038/has space",
        "https://example.org/10.1038/abc",
        "",
    ],
)
def test_doi_errors(value: str) -> None:
    error = error_of(normalise_doi, value)
    assert error.message == f"'{value}' is not a DOI"
    assert error.hint == DOI_HINT


def test_doi_rejects_non_string() -> None:
    assert error_of(normalise_doi, 10.1038).message == "'10.1038' is not a DOI"


def test_doi_url() -> None:
    assert doi_url("doi:10.1038/s41597-020-00608-w") == (
        "https://doi.org/10.1038/s41597-020-00608-w"
    )
    # characters with a meaning in URLs are escaped, so the whole DOI reaches doi.org
    assert doi_url("10.1234/a#b?c") == "https://doi.org/10.1234/a%23b%3Fc"


# --- ROR ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("02catss52", "02catss52"),
        ("03dbr7087", "03dbr7087"),
        (" 02catss52\n", "02catss52"),
        ("ROR:02catss52", "02catss52"),
        ("ror:03dbr7087", "03dbr7087"),
        ("https://ror.org/02catss52", "02catss52"),
        ("https://ror.org/02catss52/", "02catss52"),
        ("http://ror.org/03dbr7087", "03dbr7087"),
        ("https://www.ror.org/02catss52", "02catss52"),
        ("02CATSS52", "02catss52"),
    ],
)
def test_ror_forms(value: str, expected: str) -> None:
    assert normalise_ror(value) == expected


@pytest.mark.parametrize(
    ("value", "expected_digits"),
    [("02catss53", "52"), ("02catss25", "52"), ("03dbr7088", "87"), ("02catsr52", "55")],
)
def test_ror_checksum_failure(value: str, expected_digits: str) -> None:
    # s -> r lowers n by 1, so n * 100 mod 97 drops by 3 and the check pair rises by 3
    error = error_of(normalise_ror, value)
    assert error.message == (
        f"'{value}' fails the ROR checksum (last two digits should be {expected_digits})"
    )
    assert error.hint == ROR_HINT


@pytest.mark.parametrize(
    "value",
    [
        "12catss52",  # must start with 0
        "02catss5",
        "02catss520",
        "02catis52",  # i is not a Crockford base-32 digit
        "02catsl52",
        "02catso52",
        "02catsu52",
        "02catssab",  # the check pair is two decimal digits
        "https://example.org/02catss52",
        "",
    ],
)
def test_ror_errors(value: str) -> None:
    error = error_of(normalise_ror, value)
    assert error.message == f"'{value}' is not a ROR id"
    assert error.hint == ROR_HINT


def test_ror_url() -> None:
    assert ror_url("ROR:02catss52") == "https://ror.org/02catss52"


# --- PubMed and PubMed Central --------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("18492790", "18492790"),
        (18492790, "18492790"),
        (" 18492790 ", "18492790"),
        ("PMID:18492790", "18492790"),
        ("pmid: 18492790", "18492790"),
        ("https://pubmed.ncbi.nlm.nih.gov/18492790/", "18492790"),
        ("https://pubmed.ncbi.nlm.nih.gov/18492790", "18492790"),
        ("https://www.ncbi.nlm.nih.gov/pubmed/18492790", "18492790"),
    ],
)
def test_pmid_forms(value: object, expected: str) -> None:
    assert normalise_pmid(value) == expected


@pytest.mark.parametrize(
    ("value", "shown", "pmcid"),
    [
        ("PMC1234567", "'PMC1234567'", "PMC1234567"),
        ("pmc1234567", "'pmc1234567'", "PMC1234567"),
        ("PMCID:PMC1234567", "'PMCID:PMC1234567'", "PMC1234567"),
        ("PMID:PMC7654321", "'PMID:PMC7654321'", "PMC7654321"),
    ],
)
def test_pmid_refuses_pmcid(value: str, shown: str, pmcid: str) -> None:
    error = error_of(normalise_pmid, value)
    assert error.message == f"{shown} is a PMCID, not a PubMed id"
    assert error.hint == f"move it to pmcid: {pmcid}, or give the numeric PubMed id"


@pytest.mark.parametrize("value", ["abc", "1849x2790", "-5", "0", "", "12.5"])
def test_pmid_errors(value: str) -> None:
    error = error_of(normalise_pmid, value)
    assert error.message == f"'{value}' is not a PubMed id"
    assert error.hint == (
        "write the numeric PubMed id, e.g. 18492790, or https://pubmed.ncbi.nlm.nih.gov/18492790/"
    )


@pytest.mark.parametrize("value", [True, 1.5, None])
def test_pmid_rejects_other_types(value: object) -> None:
    assert error_of(normalise_pmid, value).message == f"'{value}' is not a PubMed id"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PMC1234567", "PMC1234567"),
        ("pmc1234567", "PMC1234567"),
        (" PMC1234567 ", "PMC1234567"),
        ("PMCID:PMC1234567", "PMC1234567"),
        ("pmcid: pmc1234567", "PMC1234567"),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/", "PMC1234567"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1234567/", "PMC1234567"),
    ],
)
def test_pmcid_forms(value: str, expected: str) -> None:
    assert normalise_pmcid(value) == expected
    assert is_pmcid(value)


@pytest.mark.parametrize("value", ["1234567", "PMC", "PMCabc", "PM1234567", "", "PMC0"])
def test_pmcid_errors(value: str) -> None:
    error = error_of(normalise_pmcid, value)
    assert error.message == f"'{value}' is not a PMCID"
    assert error.hint == "write PMC followed by digits, e.g. PMC1234567"
    assert not is_pmcid(value)


@pytest.mark.parametrize("value", [None, 1234567, "18492790"])
def test_is_pmcid_false_for_pubmed_ids_and_non_strings(value: object) -> None:
    assert is_pmcid(value) is False


def test_pubmed_and_pmc_urls() -> None:
    assert pubmed_url("PMID:18492790") == "https://pubmed.ncbi.nlm.nih.gov/18492790/"
    assert pmcid_url("pmc1234567") == "https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/"


# --- NCBI taxon and FBbi -------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        9606,
        "9606",
        " 9606 ",
        "NCBITaxon:9606",
        "ncbitaxon:9606",
        "NCBITaxon_9606",
        "obo:NCBITaxon_9606",
        "http://purl.obolibrary.org/obo/NCBITaxon_9606",
        "https://purl.obolibrary.org/obo/NCBITaxon_9606",
    ],
)
def test_ncbi_taxon_forms(value: object) -> None:
    assert normalise_ncbi_taxon(value) == "NCBITaxon:9606"


@pytest.mark.parametrize("value", ["human", "0", "-9606", "NCBITaxon:", "NCBITaxon:96x6", "9606.5"])
def test_ncbi_taxon_errors(value: str) -> None:
    error = error_of(normalise_ncbi_taxon, value)
    assert error.message == f"'{value}' is not an NCBI taxon id"
    assert error.hint == "write the numeric NCBI taxon id, e.g. 9606, or NCBITaxon:9606"


@pytest.mark.parametrize("value", [True, 9606.0, None])
def test_ncbi_taxon_rejects_other_types(value: object) -> None:
    assert error_of(normalise_ncbi_taxon, value).message == f"'{value}' is not an NCBI taxon id"


def test_taxon_url() -> None:
    assert taxon_url("NCBITaxon:9606") == "http://purl.obolibrary.org/obo/NCBITaxon_9606"
    assert taxon_url("10090") == "http://purl.obolibrary.org/obo/NCBITaxon_10090"


@pytest.mark.parametrize(
    "value",
    [
        "FBbi:00000243",
        " FBbi:00000243 ",
        "fbbi:00000243",
        "FBBI:00000243",
        "FBbi_00000243",
        "obo:FBbi_00000243",
        "http://purl.obolibrary.org/obo/FBbi_00000243",
        "https://purl.obolibrary.org/obo/FBbi_00000243",
    ],
)
def test_fbbi_forms(value: str) -> None:
    assert normalise_fbbi(value) == "FBbi:00000243"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("00000243", "'00000243' is not an FBbi term id"),
        ("FBbi:0000024x", "'FBbi:0000024x' is not an FBbi term id"),
        ("GO:00000243", "'GO:00000243' is not an FBbi term id"),
        ("FBbi:243", "'FBbi:243' is not an FBbi term id (it has 3 digits, not 8)"),
        ("FBbi:000002430", "'FBbi:000002430' is not an FBbi term id (it has 9 digits, not 8)"),
    ],
)
def test_fbbi_errors(value: str, message: str) -> None:
    error = error_of(normalise_fbbi, value)
    assert error.message == message
    assert error.hint == "write FBbi: and 8 digits, e.g. FBbi:00000243"


def test_fbbi_url() -> None:
    assert fbbi_url("obo:FBbi_00000243") == "http://purl.obolibrary.org/obo/FBbi_00000243"


# --- URLs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org", "https://example.org"),
        ("https://example.org/a/b?c=1&d=2#frag", "https://example.org/a/b?c=1&d=2#frag"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("  https://www.ebi.ac.uk/biostudies/ \n", "https://www.ebi.ac.uk/biostudies/"),
        ("HTTPS://Example.org/Path", "https://Example.org/Path"),
        ("https://[2001:db8::1]/x", "https://[2001:db8::1]/x"),
        ("https://example.org/a%20b", "https://example.org/a%20b"),
    ],
)
def test_url_accepted(value: str, expected: str) -> None:
    assert normalise_url(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("javascript:alert(1)",
         "'javascript:alert(1)' uses the scheme 'javascript'; "
         "only http and https links are allowed"),
        ("JavaScript:alert(1)",
         "'JavaScript:alert(1)' uses the scheme 'javascript'; "
         "only http and https links are allowed"),
        ("data:text/html,<script>alert(1)</script>",
         "'data:text/html,<script>alert(1)</script>' uses the scheme 'data'; "
         "only http and https links are allowed"),
        ("file:///etc/passwd",
         "'file:///etc/passwd' uses the scheme 'file'; only http and https links are allowed"),
        ("ftp://ftp.ebi.ac.uk/pub",
         "'ftp://ftp.ebi.ac.uk/pub' uses the scheme 'ftp'; only http and https links are allowed"),
        ("mailto:a@example.org",
         "'mailto:a@example.org' uses the scheme 'mailto'; only http and https links are allowed"),
        ("images/cell_01.png", "'images/cell_01.png' is not an http(s) URL"),
        ("/etc/passwd", "'/etc/passwd' is not an http(s) URL"),
        ("//example.org/x", "'//example.org/x' is not an http(s) URL"),
        ("www.example.org", "'www.example.org' is not an http(s) URL"),
        ("example.org:8080/x", "'example.org:8080/x' is not an http(s) URL"),
        ("", "'' is not an http(s) URL"),
        ("https://exa mple.org",
         "'https://exa mple.org' contains whitespace, which a URL cannot contain"),
        ("https://example.org/a b",
         "'https://example.org/a b' contains whitespace, which a URL cannot contain"),
        ("https://example.org/\x00x", "'https://example.org/\\x00x' contains control characters"),
        ("https://", "'https://' has no host name"),
        ("https:///path", "'https:///path' has no host name"),
        ("https:example.org", "'https:example.org' has no host name"),
        ("https://user:secret@example.org",
         "'https://user:secret@example.org' contains a user name or password; links must not"),
        ("https://example.org@evil.test",
         "'https://example.org@evil.test' contains a user name or password; links must not"),
        ("https:\\\\evil.test", "'https:\\\\evil.test' contains a backslash"),
        ("https://example.org:99999/", "'https://example.org:99999/' is not an http(s) URL"),
        ("https://exa<mple.org", "'https://exa<mple.org' contains <, which must be percent-encoded in a URL"),
    ],
)
def test_url_rejected(value: str, message: str) -> None:
    error = error_of(normalise_url, value)
    assert error.message == message
    assert error.hint == URL_HINT


def test_url_too_long() -> None:
    value = "https://example.org/" + "a" * 1981
    assert normalise_url(value[:-1]) == value[:-1]  # exactly 2000 characters is fine
    error = error_of(normalise_url, value)
    assert error.message == f"'{value[:77]}...' is longer than 2000 characters"
    assert error.hint == URL_HINT


@pytest.mark.parametrize("value", [None, 42, b"https://example.org"])
def test_url_rejects_non_strings(value: object) -> None:
    assert error_of(normalise_url, value).message == f"'{value}' is not an http(s) URL"


# --- URI or CURIE ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/x", "https://example.org/x"),
        ("doi:10.1038/s41597-020-00608-w", "DOI:10.1038/s41597-020-00608-w"),
        ("DOI:10.1038/s41597-020-00608-w.", "DOI:10.1038/s41597-020-00608-w"),
        ("orcid:0000-0002-1825-0097", "ORCID:0000-0002-1825-0097"),
        ("ORCID:0000000218250097", "ORCID:0000-0002-1825-0097"),
        ("ror:02catss52", "ROR:02catss52"),
        ("Pmid:18492790", "PMID:18492790"),
        ("ncbitaxon:9606", "NCBITaxon:9606"),
        ("NCBITaxon:10090", "NCBITaxon:10090"),
        ("fbbi:00000243", "FBbi:00000243"),
    ],
)
def test_uri_or_curie_accepted(value: str, expected: str) -> None:
    assert normalise_uri_or_curie(value) == expected


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("orcid:0000-0002-1825-0098",
         "'orcid:0000-0002-1825-0098' fails the ORCID checksum (last character should be 7)",
         ORCID_CHECKSUM_HINT),
        ("DOI:not-a-doi", "'DOI:not-a-doi' is not a DOI", DOI_HINT),
        ("ROR:02catss53",
         "'ROR:02catss53' fails the ROR checksum (last two digits should be 52)", ROR_HINT),
        ("javascript:alert(1)",
         "'javascript:alert(1)' uses the scheme 'javascript'; "
         "only http and https links are allowed",
         URL_HINT),
        ("data:text/plain,x",
         "'data:text/plain,x' uses the scheme 'data'; only http and https links are allowed",
         URL_HINT),
    ],
)
def test_uri_or_curie_delegates_errors(value: str, message: str, hint: str) -> None:
    error = error_of(normalise_uri_or_curie, value)
    assert error.message == message
    assert error.hint == hint


@pytest.mark.parametrize("value", ["GO:0005623", "10.1038/s41597-020-00608-w", "just text", ""])
def test_uri_or_curie_unknown(value: str) -> None:
    error = error_of(normalise_uri_or_curie, value)
    assert error.message == (
        f"'{value}' is neither an http(s) URL nor a CURIE with a known prefix"
    )
    assert error.hint.startswith("write a full address starting with https://, or a CURIE")
    assert "DOI:, ORCID:, ROR:, PMID:, NCBITaxon:, FBbi:" in error.hint



def test_url_with_quotes_or_angle_brackets_is_refused() -> None:
    with pytest.raises(IdentifierError) as caught:
        normalise_url('https://example.org/"onmouseover="alert(1)')
    assert caught.value.message.endswith('\' contains ", which must be percent-encoded in a URL')
    with pytest.raises(IdentifierError) as caught:
        normalise_url("https://example.org/<script>")
    assert caught.value.message.endswith("' contains < >, which must be percent-encoded in a URL")
