"""Field types that normalise identifiers, licences and vocabulary terms.

Each type turns any accepted spelling into the canonical form, or fails with a
message and a hint (a `PydanticCustomError` of type 'mifa', carrying both).
`Warns` marks a type whose accepted-but-odd inputs deserve a warning; the
checks stage reads it from the raw value, where the original spelling survives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from .. import identifiers as ids
from ..licences import LicenceError, licence_warnings, normalise_licence
from ..names import version_label_problem
from ..problems import InputError
from ..vocabularies import AnnotationType, match_annotation_type

Advice = tuple[str, str]
"""(message, hint) for a warning."""


@dataclass(frozen=True)
class Warns:
    """Attach to an Annotated type: `check(raw_value)` returns warnings for accepted input."""

    check: Callable[[Any], list[Advice]]


def mifa_error(message: str, hint: str = "", **extra: str) -> PydanticCustomError:
    """The error type the report turns into a Problem with a hint."""
    return PydanticCustomError("mifa", "{message}", {"message": message, "hint": hint, **extra})


def quoted(value: object) -> str:
    """Show a user's value the way messages quote it."""
    text = str(value)
    return "'" + (text if len(text) <= 80 else text[:77] + "...") + "'"


def _from(normaliser: Callable[[object], str]) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        try:
            return normaliser(value)
        except InputError as exc:
            raise mifa_error(exc.message, exc.hint) from None

    return validate


def _pmid_warnings(value: Any) -> list[Advice]:
    if ids.is_pmcid(value):
        return [(f"{quoted(value)} is a PMCID, not a PubMed id; it is kept as pmcid",
                 f"write `pmcid: {ids.normalise_pmcid(value)}` instead of pubmed_id")]
    return []


def _licence_warnings(value: Any) -> list[Advice]:
    try:
        return licence_warnings(normalise_licence(value))
    except LicenceError:
        return []


def _annotation_type(value: Any) -> AnnotationType:
    if isinstance(value, AnnotationType):
        return value
    if not isinstance(value, str):
        raise mifa_error(f"{quoted(value)} is not an annotation type",
                         "write one of: " + ", ".join(t.value for t in AnnotationType))
    match = match_annotation_type(value)
    if match.value is not None:
        return match.value
    if match.suggestions:
        suggestion = " or ".join(f"'{s}'" for s in match.suggestions)
        raise mifa_error(f"{quoted(value)} is not an annotation type; did you mean {suggestion}?",
                         "the 11 types are: " + ", ".join(t.value for t in AnnotationType))
    raise mifa_error(f"{quoted(value)} is not an annotation type",
                     "write one of: " + ", ".join(t.value for t in AnnotationType)
                     + " (use 'other' and explain in annotation_overview)")


def _annotation_type_warnings(value: Any) -> list[Advice]:
    if not isinstance(value, str):
        return []
    match = match_annotation_type(value)
    if match.value is not None and not match.exact:
        return [(f"{quoted(value)} is read as the annotation type '{match.value.value}'",
                 f"write '{match.value.value}'")]
    return []


def _version_label(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise mifa_error(f"{quoted(value)} is not a version label", 'write it in quotes, e.g. "1.1"')
    text = str(value).strip()
    problem = version_label_problem(text)  # the label is a file name and a folder of the site
    if problem is not None:
        raise mifa_error(*problem)
    return text


def _version_warnings(value: Any) -> list[Advice]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [(f"the version {value} is a number, not text",
                 f'quote it: "{value}" (YAML reads 1.10 as 1.1)')]
    return []


def _assume_utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


FUTURE_SLACK = timedelta(days=1)
"""A time this far ahead of the clock is a typo (2204 for 2024), not a time zone slip."""


def _as_utc(value: Any) -> datetime | None:
    """A raw timestamp (datetime, date or ISO text) as an aware datetime, or None."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return _assume_utc(value) if isinstance(value, datetime) else None


_DATE_ONLY = re.compile(r"\s*(\d{4}-\d\d-\d\d)\s*")


def _date_only(value: Any) -> str | None:
    """The date of a timestamp written without its time (YAML reads 2024-05-01 as a date)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    match = _DATE_ONLY.fullmatch(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def _version_timestamp(value: Any) -> Any:
    """A version is dated to the moment, so a day alone is refused, not read as midnight UTC."""
    day = _date_only(value)
    if day is not None:
        raise mifa_error(f"the timestamp {quoted(day)} has a date but no time or UTC offset",
                         f"write the date, the time and the UTC offset, e.g. {day}T10:00:00+00:00")
    return value


def _timestamp_warnings(value: Any) -> list[Advice]:
    if _date_only(value) is not None:  # a version's is an error (_version_timestamp)
        return []
    advice = []
    naive = (isinstance(value, datetime) and value.tzinfo is None) or (
        isinstance(value, str)
        and re.fullmatch(r"\s*\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?\s*", value) is not None
    )
    if naive:
        advice.append((f"the time {quoted(value)} has no UTC offset; it is read as UTC",
                       "add the offset, e.g. 2023-03-07T14:37:00+00:00"))
    when = _as_utc(value)
    if when is not None and when > datetime.now(UTC) + FUTURE_SLACK:
        advice.append((f"the time {quoted(value)} is in the future",
                       "give the time it happened, with its UTC offset, e.g. 2023-03-07T14:37:00+00:00"))
    return advice


def _model_reference(value: Any) -> str:
    """A bioimage.io id, a DOI or a URL naming a trained model."""
    if not isinstance(value, str):
        raise mifa_error(f"{quoted(value)} is not a model reference",
                         "write a bioimage.io id (affable-shark), a DOI or a URL")
    text = value.strip()
    if re.match(r"(?i)https?://", text):
        return _from(ids.normalise_url)(text)
    if re.match(r"(?i)(doi:)?10\.\d{4,9}/", text):
        return "DOI:" + _from(ids.normalise_doi)(text)
    if re.fullmatch(r"[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)?", text, flags=re.IGNORECASE):
        return text
    raise mifa_error(f"{quoted(text)} is not a model reference",
                     "write a bioimage.io id (affable-shark), a DOI or an https:// URL")


_CONTROL = re.compile(r"[\x00-\x1f]")


def _relative_path(value: Any) -> str:
    """File ids are paths inside the dataset: never absolute, never climbing out."""
    text = str(value).strip()
    if re.match(r"(?i)[a-z][a-z0-9+.-]*://", text):
        return text
    parts = re.split(r"[\\/]+", text)
    if text.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", text) or ".." in parts:
        raise mifa_error(f"{quoted(text)} is not a path inside the dataset",
                         "write a relative path such as images/cell_01.tif, without '..' or a leading '/'")
    if _CONTROL.search(text):
        raise mifa_error(f"{quoted(text)} contains control characters", "write a plain file path")
    return text


def _image_source(value: Any) -> str:
    """A path inside the dataset, or a remote store: http(s) or s3."""
    text = str(value).strip()
    if re.match(r"(?i)s3://[a-z0-9][a-z0-9.-]{1,62}(/\S*)?$", text):
        return text
    if re.match(r"(?i)[a-z][a-z0-9+.-]*:", text):
        return _from(ids.normalise_url)(text)
    return _relative_path(text)


Orcid = Annotated[str, BeforeValidator(_from(ids.normalise_orcid))]
Doi = Annotated[str, BeforeValidator(_from(ids.normalise_doi))]
Ror = Annotated[str, BeforeValidator(_from(ids.normalise_ror))]
Pmid = Annotated[str, BeforeValidator(_from(ids.normalise_pmid)), Warns(_pmid_warnings)]
Pmcid = Annotated[str, BeforeValidator(_from(ids.normalise_pmcid))]
NcbiTaxon = Annotated[str, BeforeValidator(_from(ids.normalise_ncbi_taxon))]
FbbiId = Annotated[str, BeforeValidator(_from(ids.normalise_fbbi))]
Url = Annotated[str, BeforeValidator(_from(ids.normalise_url))]
UriOrCurie = Annotated[str, BeforeValidator(_from(ids.normalise_uri_or_curie))]
LicenceId = Annotated[str, BeforeValidator(_from(normalise_licence)), Warns(_licence_warnings)]
AnnotationTypeValue = Annotated[
    AnnotationType, BeforeValidator(_annotation_type), Warns(_annotation_type_warnings)
]
VersionLabel = Annotated[str, BeforeValidator(_version_label), Warns(_version_warnings)]
Timestamp = Annotated[datetime, AfterValidator(_assume_utc), Warns(_timestamp_warnings)]
VersionTimestamp = Annotated[
    datetime, BeforeValidator(_version_timestamp), AfterValidator(_assume_utc), Warns(_timestamp_warnings)
]
"""A version's timestamp: date, time and UTC offset (a day alone is an error, not midnight)."""
ModelReference = Annotated[str, BeforeValidator(_model_reference)]
DatasetPath = Annotated[str, BeforeValidator(_relative_path)]
ImageSource = Annotated[str, BeforeValidator(_image_source)]
