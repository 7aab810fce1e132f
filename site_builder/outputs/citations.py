"""Citations of a dataset (CITATION.cff, BibTeX, RIS) that cite the data: credit is the incentive.

A citation names the data, not the catalogue: the dataset's authors, the year the data were
released (`study.release_date`), its DOI or else its archive accession and landing page; the
catalogue version it was read from is "available in" (a note). Without a stated release date
the year is when the dataset entered the catalogue, and the note says so: a scholar reading
"2026" for data released in 2020 should see why.

Names and titles are untrusted text, and each format has its own way to break: CITATION.cff is
written by PyYAML (always valid YAML, whatever the text), BibTeX escapes its special characters
and keeps `and` and commas inside a name from splitting it, RIS folds every value onto its line.
All three drop control characters first (text_safety).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from ..archives import resolve_accession
from ..identifiers import IdentifierError, doi_url, normalise_doi
from ..model import Author, Manifest, Publication
from ..render.times import utc_date
from ..settings import Settings
from ..text_safety import clean_strings, one_line
from .common import author_orcid_url, is_single_licence, label, version_page

if TYPE_CHECKING:  # pages imports this package: annotation-only import avoids a cycle
    from ..render.pages import DatasetEntry

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                   "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                   "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")
_NAME_SPLITTERS = re.compile(r"(?<!\S)and(?!\S)|,", re.IGNORECASE)
"""What BibTeX reads as structure in a name list: ` and ` between names, commas between parts."""
_DOI_ADDRESS = re.compile(r"^https?://(?:dx\.)?doi\.org/10\.", re.IGNORECASE)


@dataclass(frozen=True)
class DataReference:
    """What a citation of the data says, whatever its format."""

    release: str
    """YYYY-MM-DD, YYYY-MM or YYYY: the stated release date (of this version, else of the latest that
    states one), else the first version's UTC date."""
    doi: str | None
    archive: str | None
    accession: str | None
    landing: str
    """Where a reader goes: the DOI's address, the archive's page, `data_url`, else the catalogue page."""
    catalogue_page: str
    available_in: str
    """"Available in <catalogue>, version <label>: <page>", plus why the year is not the data's own."""

    @property
    def year(self) -> int:
        return int(self.release[:4])


def data_reference(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> DataReference:
    """The data's release, identifier and address as the citations give them."""
    study = manifest.study
    doi = None
    if study.data_url and _DOI_ADDRESS.match(study.data_url):
        try:
            doi = normalise_doi(study.data_url)
        except IdentifierError:
            doi = None
    # An accession of an archive the table does not know is cited as it is, with `data_url`.
    link = resolve_accession(study.accession)
    archive, archive_page = (link.archive, link.landing) if link else (None, None)
    page = version_page(entry, manifest, settings)
    landing = doi_url(doi) if doi else archive_page or study.data_url or page
    # The release is a fact about the data: a later version that states it dates the earlier ones too.
    stated = study.release_date or next(
        (m.study.release_date for m in reversed(entry.versions) if m.study.release_date), None)
    first = entry.versions[0] if entry.versions else manifest
    release = stated or utc_date(first.version.timestamp).isoformat()
    catalogue = one_line(settings.title)
    available = f"Available in {catalogue}, version {label(manifest)}: {page}"
    if not stated:
        available = (f"Release date not stated; {release[:4]} is the year the dataset entered "
                     f"{catalogue}. {available}")
    return DataReference(release, doi, archive, study.accession, landing,
                         page, available)


class _CffDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing prose with line breaks as `|` blocks so the file stays readable,
    and the authors in full where preferred-citation repeats them (no `&id001` anchors)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_CffDumper.add_representer(str, _represent_text)


def citation_cff(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str:
    """CITATION.cff 1.2.0 of the data as read in this version; `preferred-citation` carries the
    release year (CFF's `date-released` must be a full date, and a source may give only a year).
    Publications go to references: their DOIs are the papers', not the data's."""
    study = manifest.study
    reference = data_reference(entry, manifest, settings)
    authors = [_cff_person(author) for author in study.authors]
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": one_line(study.title),
        "version": label(manifest),
    }
    if reference.doi:
        cff["doi"] = reference.doi
    if len(reference.release) == 10:  # CFF dates are full dates; a year alone is preferred-citation's
        cff["date-released"] = reference.release
    cff |= {"url": reference.landing, "abstract": study.description.strip()}
    if is_single_licence(manifest.image_licence):
        cff["license"] = manifest.image_licence
    if study.keywords:
        cff["keywords"] = [one_line(k) for k in study.keywords]
    cff["authors"] = authors
    cff["identifiers"] = []
    if reference.doi:
        cff["identifiers"].append({"type": "doi", "value": reference.doi, "description": "The data"})
    if study.accession:
        cff["identifiers"].append({"type": "other", "value": study.accession,
                                   "description": f"{reference.archive or 'Archive'} accession"})
    if not reference.doi and reference.landing != reference.catalogue_page:
        cff["identifiers"].append({"type": "url", "value": reference.landing,
                                   "description": f"{reference.archive or 'Data'} landing page"})
    catalogue = f"{one_line(settings.title)} page of version {label(manifest)}"
    cff["identifiers"].append({"type": "url", "value": reference.catalogue_page, "description": catalogue})
    cff["preferred-citation"] = _cff_preferred(reference, manifest, authors)
    if study.publications:
        cff["references"] = [_cff_reference(publication) for publication in study.publications]
    return yaml.dump(clean_strings(cff), Dumper=_CffDumper, sort_keys=False, allow_unicode=True,
                     width=100)


def _cff_preferred(reference: DataReference, manifest: Manifest,
                   authors: list[dict[str, str]]) -> dict[str, Any]:
    preferred: dict[str, Any] = {"type": "data", "title": one_line(manifest.study.title),
                                 "authors": authors, "year": reference.year}
    if len(reference.release) >= 7:
        preferred["month"] = int(reference.release[5:7])
    if reference.doi:
        preferred["doi"] = reference.doi
    preferred["url"] = reference.landing
    if reference.archive:
        preferred["publisher"] = {"name": reference.archive}
    preferred["version"] = label(manifest)
    preferred["notes"] = reference.available_in
    return preferred


def _cff_person(author: Author) -> dict[str, str]:
    person = {"family-names": one_line(author.author_last_name),
              "given-names": one_line(author.author_first_name)}
    orcid = author_orcid_url(author)
    if orcid:
        person["orcid"] = orcid
    if author.organisation:
        person["affiliation"] = one_line(author.organisation[0].organisation_name)
    return person


def _cff_reference(publication: Publication) -> dict[str, Any]:
    reference: dict[str, Any] = {"type": "article", "title": one_line(publication.publication_title),
                                 "authors": [{"name": one_line(publication.publication_authors)}]}
    if publication.publication_doi:
        reference["doi"] = normalise_doi(publication.publication_doi)
    if publication.publication_year is not None:
        reference["year"] = publication.publication_year
    return reference


def _bibtex_escape(text: str) -> str:
    """LaTeX's special characters as commands. Braces too: BibTeX counts `\\{` as a brace, so one
    unmatched brace in a title would swallow the rest of the entry; every brace left is ours."""
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in one_line(text))


def bibtex_key(entry: DatasetEntry, manifest: Manifest) -> str:
    return _KEY_UNSAFE.sub("_", f"{entry.id}_{label(manifest)}")


def _bibtex_name(author: Author) -> str:
    """`{Last}, First`, with `and` and commas in the given names braced: one person stays one
    author (`Sabine and Mallory, Eve` would otherwise be two, the second with a junior part)."""
    given = _NAME_SPLITTERS.sub(lambda match: "{" + match.group() + "}",
                                _bibtex_escape(author.author_first_name))
    return f"{{{_bibtex_escape(author.author_last_name)}}}, {given}"


def bibtex(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str:
    """A @misc entry, as DataCite itself answers for a dataset DOI: classic BibTeX styles (plain,
    natbib) have no @dataset and Zotero and Mendeley read @misc with doi and url well; biblatex
    prints it too. The title is double-braced so BibTeX styles keep its capitals."""
    study = manifest.study
    reference = data_reference(entry, manifest, settings)
    fields = [
        ("author", " and ".join(_bibtex_name(a) for a in study.authors)),
        ("title", "{" + _bibtex_escape(study.title) + "}"),
        ("year", str(reference.year)),
        ("version", _bibtex_escape(label(manifest))),
    ]
    if reference.archive:
        fields.append(("publisher", _bibtex_escape(reference.archive)))
    if reference.doi:
        fields.append(("doi", _bibtex_url(reference.doi)))
    fields.append(("url", _bibtex_url(reference.landing)))
    note = reference.available_in
    if study.accession:
        note = f"{reference.archive or 'Archive'} accession {study.accession}. {note}"
    fields.append(("note", _bibtex_escape(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(entry, manifest)},\n{body}\n}}\n"


def _bibtex_url(text: str) -> str:
    """A verbatim field (url, doi): only braces can break it, so they are percent-encoded."""
    return one_line(text).replace("{", "%7B").replace("}", "%7D")


def ris(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str:
    """An RIS record of type DATA, for reference managers that do not read BibTeX.

    Every value is folded onto its tag's line. An author is `Last, First`, and a further comma
    would start a suffix, so commas inside the name parts become spaces. DA keeps the precision
    of the release date (`2020/08/`), as RIS leaves unknown parts empty."""
    study = manifest.study
    reference = data_reference(entry, manifest, settings)
    lines = [("TY", "DATA"), ("TI", study.title)]
    lines += [("AU", f"{_ris_name(a.author_last_name)}, {_ris_name(a.author_first_name)}")
              for a in study.authors]
    lines.append(("PY", f"{reference.year:04d}"))
    if len(reference.release) >= 7:
        month_only = len(reference.release) == 7
        lines.append(("DA", reference.release.replace("-", "/") + ("/" if month_only else "")))
    lines.append(("ET", label(manifest)))
    if reference.archive:
        lines.append(("PB", reference.archive))
    if reference.doi:
        lines.append(("DO", reference.doi))
    lines += [("UR", reference.landing), ("AB", study.description)]
    lines += [("KW", k) for k in study.keywords]
    if study.accession:
        lines.append(("AN", study.accession))
    lines += [("N1", reference.available_in), ("ER", "")]
    return "".join(f"{tag}  - {one_line(value)}\r\n" for tag, value in lines)


def _ris_name(part: str) -> str:
    return one_line(part.replace(",", " "))
