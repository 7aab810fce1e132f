"""Normalise the identifiers a MIFA manifest may carry (mifa-model.md §8).

Authors write the same identifier in many spellings (bare, CURIE, URL). Pages,
credit keys and links need one canonical form, and a typo in an ORCID iD or a
ROR id should be caught here, with the expected value, rather than produce a
dead link. Every function is pure: no network, no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, quote, unquote, urlsplit

from .problems import InputError

__all__ = [
    "IdentifierError",
    "doi_url",
    "fbbi_url",
    "is_pmcid",
    "normalise_doi",
    "normalise_fbbi",
    "normalise_ncbi_taxon",
    "normalise_orcid",
    "normalise_pmcid",
    "normalise_pmid",
    "normalise_ror",
    "normalise_uri_or_curie",
    "normalise_url",
    "orcid_url",
    "pmcid_url",
    "pubmed_url",
    "quote_value",
    "ror_url",
    "taxon_url",
]


class IdentifierError(InputError):
    """A user-facing problem with an identifier."""


_MAX_QUOTED = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def quote_value(value: object) -> str:
    """Show a user's value in single quotes, so messages read the same for every id.

    Control characters are escaped (they would garble a terminal or a page) and
    long values are shortened.
    """
    text = value.strip() if isinstance(value, str) else str(value)
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > _MAX_QUOTED:
        text = text[: _MAX_QUOTED - 3] + "..."
    return f"'{text}'"


def _text(value: object, *, allow_int: bool = False) -> str | None:
    """The stripped text of a value, or None if its type cannot hold this identifier."""
    if isinstance(value, str):
        return value.strip()
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


# --- ORCID -------------------------------------------------------------------

_ORCID_HINT = (
    "write 16 digits (the last may be X) as 0000-0002-1825-0097, "
    "optionally as https://orcid.org/0000-0002-1825-0097"
)
_ORCID_CHECKSUM_HINT = "check the iD on https://orcid.org; it looks like 0000-0000-0000-0000"
_ORCID_PREFIX = re.compile(r"^(?:orcid:\s*|(?:https?://)?(?:www\.)?orcid\.org/)", re.IGNORECASE)
_ORCID_BODY = re.compile(r"^(?:\d{4}-\d{4}-\d{4}-\d{3}|\d{15})[\dXx]$")


def _orcid_check_character(digits: str) -> str:
    """ISO 7064 MOD 11-2 over the first 15 digits, as ORCID specifies."""
    total = 0
    for char in digits:
        total = (total + int(char)) * 2
    remainder = (12 - total % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def normalise_orcid(value: object) -> str:
    """Return the ORCID iD as 0000-0002-1825-0097; checksum errors show the expected character."""
    text = _text(value)
    if text is None:
        raise IdentifierError(f"{quote_value(value)} is not an ORCID iD", _ORCID_HINT)
    body = _ORCID_PREFIX.sub("", text, count=1).rstrip("/")
    if not _ORCID_BODY.match(body):
        raise IdentifierError(f"{quote_value(value)} is not an ORCID iD", _ORCID_HINT)
    compact = body.replace("-", "").upper()
    expected = _orcid_check_character(compact[:15])
    if compact[15] != expected:
        raise IdentifierError(
            f"{quote_value(value)} fails the ORCID checksum (last character should be {expected})",
            _ORCID_CHECKSUM_HINT,
        )
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))


def orcid_url(orcid: str) -> str:
    """The resolvable https://orcid.org/ link for an ORCID iD in any accepted form."""
    return "https://orcid.org/" + normalise_orcid(orcid)


# --- DOI ---------------------------------------------------------------------

_DOI_HINT = "write it as 10.1038/s41597-020-00608-w or https://doi.org/10.1038/s41597-020-00608-w"
_DOI_CURIE = re.compile(r"^doi:\s*", re.IGNORECASE)
_DOI_URL = re.compile(r"^(?:https?://)?(?:dx\.|www\.)?doi\.org/", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# Characters left as they are in a doi.org link; everything else is percent-encoded.
_DOI_URL_SAFE = "/:;()[]._-~!$&'*+,=@"


def normalise_doi(value: object) -> str:
    """Return the bare DOI (10.…), case kept as given; DOIs are compared case-insensitively."""
    text = _text(value)
    if text is None:
        raise IdentifierError(f"{quote_value(value)} is not a DOI", _DOI_HINT)
    if _DOI_URL.match(text):
        body = unquote(_DOI_URL.sub("", text, count=1))
    else:
        body = _DOI_CURIE.sub("", text, count=1)
    body = body.rstrip(".,;")
    if not _DOI.match(body) or _CONTROL.search(body):
        raise IdentifierError(f"{quote_value(value)} is not a DOI", _DOI_HINT)
    return body


def doi_url(doi: str) -> str:
    """The https://doi.org/ link, with characters unsafe in a URL percent-encoded."""
    return "https://doi.org/" + quote(normalise_doi(doi), safe=_DOI_URL_SAFE)


# --- ROR ---------------------------------------------------------------------

_ROR_HINT = "write the 9-character id, e.g. 02catss52, or https://ror.org/02catss52"
_ROR_PREFIX = re.compile(r"^(?:ror:\s*|(?:https?://)?(?:www\.)?ror\.org/)", re.IGNORECASE)
_ROR = re.compile(r"^0[0-9a-hjkmnp-tv-z]{6}\d{2}$")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def _ror_checksum(base: str) -> int:
    """98 - (n * 100 mod 97), n being the first seven characters in Crockford base-32."""
    number = 0
    for char in base:
        number = number * 32 + _CROCKFORD.index(char)
    return 98 - (number * 100 % 97)


def normalise_ror(value: object) -> str:
    """Return the 9-character ROR id (lower case); a wrong check pair shows the expected one."""
    text = _text(value)
    if text is None:
        raise IdentifierError(f"{quote_value(value)} is not a ROR id", _ROR_HINT)
    body = _ROR_PREFIX.sub("", text, count=1).rstrip("/").lower()
    if not _ROR.match(body):
        raise IdentifierError(f"{quote_value(value)} is not a ROR id", _ROR_HINT)
    expected = _ror_checksum(body[:7])
    if int(body[7:]) != expected:
        raise IdentifierError(
            f"{quote_value(value)} fails the ROR checksum (last two digits should be "
            f"{expected:02d})",
            _ROR_HINT,
        )
    return body


def ror_url(ror: str) -> str:
    """The https://ror.org/ link for a ROR id in any accepted form."""
    return "https://ror.org/" + normalise_ror(ror)


# --- PubMed and PubMed Central --------------------------------------------------

_PMID_HINT = "write the numeric PubMed id, e.g. 18492790, or https://pubmed.ncbi.nlm.nih.gov/18492790/"
_PMID_PREFIX = re.compile(
    r"^(?:pmid:\s*|(?:https?://)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/))",
    re.IGNORECASE,
)
_PMCID_HINT = "write PMC followed by digits, e.g. PMC1234567"
_PMCID_PREFIX = re.compile(
    r"^(?:pmcid:\s*|(?:https?://)?(?:pmc\.ncbi\.nlm\.nih\.gov/articles/"
    r"|(?:www\.)?ncbi\.nlm\.nih\.gov/pmc/articles/))",
    re.IGNORECASE,
)
_PMCID = re.compile(r"^(?:PMC)?(\d{1,10})$", re.IGNORECASE)


def _pmcid_digits(text: str) -> str | None:
    """The digits of a PMCID, or None. Bare digits only count after an explicit PMCID: prefix."""
    prefixed = _PMCID_PREFIX.match(text)
    body = text[prefixed.end() :].rstrip("/") if prefixed else text
    match = _PMCID.match(body)
    if match is None or (not prefixed and body[:3].upper() != "PMC"):
        return None
    if int(match.group(1)) == 0:
        return None
    return str(int(match.group(1)))


def is_pmcid(value: object) -> bool:
    """True for a value normalise_pmcid accepts, e.g. a 'PMC…' found in a pubmed_id field."""
    text = _text(value)
    return text is not None and _pmcid_digits(text) is not None


def normalise_pmcid(value: object) -> str:
    """Return the PMCID as PMC1234567."""
    text = _text(value)
    digits = _pmcid_digits(text) if text is not None else None
    if digits is None:
        raise IdentifierError(f"{quote_value(value)} is not a PMCID", _PMCID_HINT)
    return "PMC" + digits


def normalise_pmid(value: object) -> str:
    """Return the PubMed id as digits; a PMCID is refused with advice to move it to pmcid."""
    text = _text(value, allow_int=True)
    if text is None:
        raise IdentifierError(f"{quote_value(value)} is not a PubMed id", _PMID_HINT)
    body = _PMID_PREFIX.sub("", text, count=1).rstrip("/")
    if is_pmcid(body):
        raise IdentifierError(
            f"{quote_value(value)} is a PMCID, not a PubMed id",
            f"move it to pmcid: {normalise_pmcid(body)}, or give the numeric PubMed id",
        )
    if not re.fullmatch(r"\d{1,10}", body) or int(body) == 0:
        raise IdentifierError(f"{quote_value(value)} is not a PubMed id", _PMID_HINT)
    return str(int(body))


def pubmed_url(pmid: str) -> str:
    """The https://pubmed.ncbi.nlm.nih.gov/N/ link for a PubMed id."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{normalise_pmid(pmid)}/"


def pmcid_url(pmcid: str) -> str:
    """The https://pmc.ncbi.nlm.nih.gov/articles/PMCN/ link for a PMCID."""
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{normalise_pmcid(pmcid)}/"


# --- OBO terms: NCBI taxon and FBbi ---------------------------------------------

_TAXON_HINT = "write the numeric NCBI taxon id, e.g. 9606, or NCBITaxon:9606"
_TAXON_PREFIX = re.compile(
    r"^(?:ncbitaxon[:_]\s*|obo:ncbitaxon_|(?:https?://)?purl\.obolibrary\.org/obo/ncbitaxon_)",
    re.IGNORECASE,
)
_OBO_PURL = "http://purl.obolibrary.org/obo/"


def normalise_ncbi_taxon(value: object) -> str:
    """Return the taxon as NCBITaxon:9606, whether given as a number, CURIE or purl."""
    text = _text(value, allow_int=True)
    if text is None:
        raise IdentifierError(f"{quote_value(value)} is not an NCBI taxon id", _TAXON_HINT)
    body = _TAXON_PREFIX.sub("", text, count=1)
    if not re.fullmatch(r"\d{1,10}", body) or int(body) == 0:
        raise IdentifierError(f"{quote_value(value)} is not an NCBI taxon id", _TAXON_HINT)
    return f"NCBITaxon:{int(body)}"


def taxon_url(taxon: str) -> str:
    """The OBO purl of an NCBI taxon."""
    return _OBO_PURL + normalise_ncbi_taxon(taxon).replace(":", "_")


_FBBI_HINT = "write FBbi: and 8 digits, e.g. FBbi:00000243"
_FBBI = re.compile(
    r"^(?:fbbi[:_]|obo:fbbi_|(?:https?://)?purl\.obolibrary\.org/obo/fbbi_)(\d+)$",
    re.IGNORECASE,
)


def normalise_fbbi(value: object) -> str:
    """Return the FBbi imaging-method term as FBbi:00000243 (exactly 8 digits)."""
    text = _text(value)
    match = _FBBI.match(text) if text is not None else None
    if match is None:
        raise IdentifierError(f"{quote_value(value)} is not an FBbi term id", _FBBI_HINT)
    digits = match.group(1)
    if len(digits) != 8:
        raise IdentifierError(
            f"{quote_value(value)} is not an FBbi term id (it has {len(digits)} digits, not 8)",
            _FBBI_HINT,
        )
    return f"FBbi:{digits}"


def fbbi_url(fbbi: str) -> str:
    """The OBO purl of an FBbi term."""
    return _OBO_PURL + normalise_fbbi(fbbi).replace(":", "_")


# --- URLs ----------------------------------------------------------------------

_URL_HINT = "write a full address starting with https://"
_MAX_URL = 2000
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?!\d)")
_HOST = re.compile(r"^(?:[0-9a-f:.]*:[0-9a-f:.]*|[^\s<>\"'`{}|\\^/?#@:\[\]]+)$")


def _url_error(value: object, reason: str = "is not an http(s) URL") -> IdentifierError:
    return IdentifierError(f"{quote_value(value)} {reason}", _URL_HINT)


def _split(value: object, text: str) -> SplitResult:
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        raise _url_error(value) from None
    return parts


def normalise_url(value: object) -> str:
    """Accept only absolute http(s) links, so no script or file link reaches a page."""
    text = _text(value)
    if text is None or not text:
        raise _url_error(value)
    if len(text) > _MAX_URL:
        raise _url_error(value, f"is longer than {_MAX_URL} characters")
    if _CONTROL.search(text):
        raise _url_error(value, "contains control characters")
    if re.search(r"\s", text):
        raise _url_error(value, "contains whitespace, which a URL cannot contain")
    scheme = _SCHEME.match(text)
    if scheme is None:
        raise _url_error(value)
    name = scheme.group(1).lower()
    if name not in ("http", "https"):
        raise _url_error(
            value, f"uses the scheme '{name}'; only http and https links are allowed"
        )
    if "\\" in text:
        raise _url_error(value, "contains a backslash")
    if bad := sorted(set(re.findall(r'["<>`{}|^]', text))):
        raise _url_error(value, "contains " + " ".join(bad) + ", which must be percent-encoded in a URL")
    parts = _split(value, text)
    if not text[len(name) + 1 :].startswith("//") or not parts.hostname:
        raise _url_error(value, "has no host name")
    if parts.username is not None or parts.password is not None:
        raise _url_error(value, "contains a user name or password; links must not")
    if not _HOST.match(parts.hostname):
        raise _url_error(value, "has an invalid host name")
    return name + text[len(name) :]


# --- URI or CURIE ----------------------------------------------------------------

_CURIE_HINT = (
    "write a full address starting with https://, or a CURIE with one of the prefixes "
    "DOI:, ORCID:, ROR:, PMID:, NCBITaxon:, FBbi: (e.g. DOI:10.1038/s41597-020-00608-w)"
)
_URL_SCHEMES = frozenset(
    {"http", "https", "javascript", "vbscript", "data", "file", "ftp", "ftps", "sftp", "mailto",
     "about", "blob", "ws", "wss", "tel", "ssh", "smb", "chrome", "view-source"}
)


def _doi_curie(text: str) -> str:
    return "DOI:" + normalise_doi(text)


def _orcid_curie(text: str) -> str:
    return "ORCID:" + normalise_orcid(text)


def _ror_curie(text: str) -> str:
    return "ROR:" + normalise_ror(text)


def _pmid_curie(text: str) -> str:
    return "PMID:" + normalise_pmid(text)


_CURIE_PREFIXES = {
    "doi": _doi_curie,
    "orcid": _orcid_curie,
    "ror": _ror_curie,
    "pmid": _pmid_curie,
    "ncbitaxon": normalise_ncbi_taxon,
    "fbbi": normalise_fbbi,
}


def normalise_uri_or_curie(value: object) -> str:
    """An absolute http(s) URL, or a CURIE with a known prefix in its canonical spelling."""
    text = _text(value)
    if text is None or not text:
        raise IdentifierError(
            f"{quote_value(value)} is neither an http(s) URL nor a CURIE with a known prefix",
            _CURIE_HINT,
        )
    prefix, colon, _ = text.partition(":")
    if colon and prefix.lower() in _CURIE_PREFIXES:
        return _CURIE_PREFIXES[prefix.lower()](text)
    scheme = _SCHEME.match(text)
    if "://" in text or (scheme is not None and scheme.group(1).lower() in _URL_SCHEMES):
        return normalise_url(text)
    raise IdentifierError(
        f"{quote_value(value)} is neither an http(s) URL nor a CURIE with a known prefix",
        _CURIE_HINT,
    )
