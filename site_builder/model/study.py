"""Study-level module: what the dataset is for, who made it, and under which licence."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator, model_validator

from .. import identifiers as ids
from .base import MifaModel, recommended
from .types import (
    FUTURE_SLACK,
    Advice,
    Doi,
    LicenceId,
    ModelReference,
    Orcid,
    Pmcid,
    Pmid,
    Ror,
    UriOrCurie,
    Url,
    Warns,
    mifa_error,
    quoted,
)

_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_RELEASE_HINT = ("write the date the data were first made public as YYYY-MM-DD, YYYY-MM or YYYY, "
                 "e.g. 2020-08-07")


def _release_date(value: Any) -> str:
    """A date, year-month or year, kept at the precision the source gives (a data descriptor may
    say only "2020"): `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. A full timestamp keeps its UTC date."""
    if isinstance(value, bool) or not isinstance(value, str | int | date):
        shown = str(value).lower() if isinstance(value, bool) else value
        raise mifa_error(f"{quoted(shown)} is not a release date", _RELEASE_HINT)
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value).strip()
    if "T" in text or " " in text:
        try:
            stamp = datetime.fromisoformat(text)
        except ValueError:
            raise mifa_error(f"{quoted(text)} is not a release date", _RELEASE_HINT) from None
        return (stamp.astimezone(UTC) if stamp.tzinfo else stamp).date().isoformat()
    match = _PARTIAL_DATE.fullmatch(text)
    if match is None:
        raise mifa_error(f"{quoted(text)} is not a release date", _RELEASE_HINT)
    year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
    try:
        date(year, month, day)
    except ValueError:
        raise mifa_error(f"{quoted(text)} is not a date in the calendar", _RELEASE_HINT) from None
    if not 1800 <= year <= 2200:
        raise mifa_error(f"{quoted(text)} is not a plausible release year", _RELEASE_HINT)
    return text


def _release_date_warnings(value: Any) -> list[Advice]:
    try:
        text = _release_date(value)
    except ValueError:
        return []
    today = (datetime.now(UTC) + FUTURE_SLACK).date().isoformat()
    if text[: len(today)] > today[: len(text)]:
        return [(f"the release date {quoted(text)} is in the future",
                 "give the date the data were first made public, from the archive or the data descriptor")]
    return []


ReleaseDate = Annotated[
    str, BeforeValidator(_release_date), Warns(_release_date_warnings),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                              {"type": "integer", "minimum": 1800, "maximum": 2200}]}),
]
"""A year may be written as a number (`2020`); editors reading the schema accept it too."""


class Organisation(MifaModel):
    """An affiliation."""

    organisation_name: str
    """Name of the institution, e.g. "European Bioinformatics Institute (EMBL-EBI)"."""
    address: str | None = None
    """Postal address, free text (not validated)."""
    ror_id: Ror | None = None
    """ROR id of the institution (02catss52, ROR:02catss52 or https://ror.org/02catss52)."""


class Author(MifaModel):
    """A person credited for the dataset or for an annotation set."""

    author_first_name: str
    """Given name(s)."""
    author_last_name: str
    """Family name."""
    email: str | None = Field(default=None, pattern=r"^\S+@\S+\.\S+$")
    """Contact address; used to reach the person, never published on the site."""
    orcid_id: Orcid | None = recommended()
    """ORCID iD (bare, `ORCID:` CURIE or https://orcid.org/ URL); it keys the person's credit page."""
    role: list[str] = Field(default_factory=list)
    """Free-text roles, e.g. data annotation, data acquisition, conceptualization."""
    organisation: list[Organisation] = Field(default_factory=list)
    """Affiliations."""

    @property
    def full_name(self) -> str:
        return f"{self.author_first_name} {self.author_last_name}"


class Grant(MifaModel):
    """A structured grant reference."""

    grant_id: str
    """The funder's grant number."""
    funder: str
    """Name of the funding body."""


class Publication(MifaModel):
    """A paper that describes the data."""

    publication_title: str
    """Title of the paper."""
    publication_authors: str
    """Author list as one printed string, e.g. "A. Smith, B. Jones"."""
    publication_doi: Doi | None = recommended()
    """DOI of the paper (10.xxxx/... or https://doi.org/10.xxxx/...)."""
    publication_year: int | None = Field(default=None, ge=1800, le=2200)
    """Four-digit year of publication."""
    pubmed_id: Pmid | None = None
    """PubMed id (digits). A PMC... value is kept as `pmcid`, with a warning."""
    pmcid: Pmcid | None = None
    """PubMed Central id, e.g. PMC1234567."""

    @model_validator(mode="before")
    @classmethod
    def _pmcid_given_as_pubmed_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and ids.is_pmcid(data.get("pubmed_id")) and not data.get("pmcid"):
            data = {k: v for k, v in data.items() if k != "pubmed_id"} | {"pmcid": data["pubmed_id"]}
        return data

    @field_validator("publication_year", mode="before")
    @classmethod
    def _year_text(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        return value


class Study(MifaModel):
    """Study-level metadata: the biological application, people, publications and licence."""

    title: str = Field(min_length=3, max_length=300)
    """Dataset title, shown in listings and search results."""
    description: str = Field(min_length=20)
    """What the data are and the biological application they serve (Markdown)."""
    keywords: list[str] = recommended(default=[])
    """Free tags used by search, e.g. nucleus, segmentation, fluorescence."""
    license: LicenceId
    """SPDX licence id covering the images and the annotations (CC0-1.0, CC-BY-4.0, ...);
    `images.license` or an annotation set's `license` overrides it where they differ."""
    authors: list[Author] = Field(min_length=1)
    """The people who made the dataset; at least one."""
    publications: list[Publication] = recommended(default=[])
    """Papers that describe the data."""
    funding_statement: str
    """Funding, in prose."""
    grants: list[Grant] = Field(default_factory=list)
    """Structured grant references."""
    acknowledgements: str | None = None
    """People or groups to thank."""
    ai_models_trained: list[ModelReference] = Field(default_factory=list)
    """Models trained on this dataset: bioimage.io ids, DOIs or URLs."""
    link_url: list[UriOrCurie] = Field(default_factory=list)
    """Related resources: code, mirrors, the original submission."""
    link_description: list[str] = Field(default_factory=list)
    """Label for the `link_url` entry at the same position."""
    accession: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9._-]{1,40}$")
    """Accession of the dataset in its archive, e.g. S-BIAD634 or EMPIAR-11658."""
    release_date: ReleaseDate | None = recommended()
    """When the data were first made public, as the archive or the data descriptor gives it:
    YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2020-08-07). Not the catalogue version's timestamp: it is
    the year citations give, the search Year facet and the order of the newest datasets."""
    data_url: Url | None = recommended()
    """Where the data can be downloaded or browsed (an https:// address)."""
    bioimageio_id: ModelReference | None = None
    """This dataset's own id in the BioImage Model Zoo, if it is published there."""
