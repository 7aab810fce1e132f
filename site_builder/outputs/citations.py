"""Ready-to-use citations of a dataset version (CITATION.cff, BibTeX, RIS): credit is the incentive.

Names and titles are untrusted text, and each format has its own way to break: CITATION.cff is
written by PyYAML (always valid YAML, whatever the text), BibTeX escapes its special characters
and keeps `and` and commas inside a name from splitting it, RIS folds every value onto its line.
All three drop control characters first (text_safety).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

from ..identifiers import normalise_doi
from ..model import Author, Manifest, Publication
from ..render.times import utc_date
from ..settings import Settings
from ..text_safety import clean_strings, one_line
from .common import author_orcid_url, is_single_licence, label, release_date, version_page

if TYPE_CHECKING:  # pages imports this package: annotation-only import avoids a cycle
    from ..render.pages import DatasetEntry

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                   "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                   "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")
_NAME_SPLITTERS = re.compile(r"(?<!\S)and(?!\S)|,", re.IGNORECASE)
"""What BibTeX reads as structure in a name list: ` and ` between names, commas between parts."""


class _CffDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing prose with line breaks as `|` blocks so the file stays readable."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_CffDumper.add_representer(str, _represent_text)


def citation_cff(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str:
    """CITATION.cff 1.2.0 of the version; publications go to references (their DOIs are not ours)."""
    study = manifest.study
    page = version_page(entry, manifest, settings)
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": one_line(study.title),
        "version": label(manifest),
        "date-released": release_date(manifest),
        "url": page,
        "abstract": study.description.strip(),
    }
    if is_single_licence(manifest.image_licence):
        cff["license"] = manifest.image_licence
    if study.keywords:
        cff["keywords"] = [one_line(k) for k in study.keywords]
    cff["authors"] = [_cff_person(author) for author in study.authors]
    cff["identifiers"] = [{"type": "url", "value": page,
                           "description": f"{one_line(settings.title)} page of version {label(manifest)}"}]
    if study.accession:
        cff["identifiers"].append({"type": "other", "value": study.accession,
                                   "description": "Archive accession"})
    if study.publications:
        cff["references"] = [_cff_reference(publication) for publication in study.publications]
    return yaml.dump(clean_strings(cff), Dumper=_CffDumper, sort_keys=False, allow_unicode=True,
                     width=100)


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
    """A @misc entry; the title is double-braced so BibTeX styles keep its capitals."""
    study = manifest.study
    fields = [
        ("author", " and ".join(_bibtex_name(a) for a in study.authors)),
        ("title", "{" + _bibtex_escape(study.title) + "}"),
        ("year", str(utc_date(manifest.version.timestamp).year)),
        ("version", _bibtex_escape(label(manifest))),
        ("publisher", _bibtex_escape(settings.title)),
        ("howpublished", _bibtex_escape(settings.title)),
        ("url", one_line(version_page(entry, manifest, settings)).replace("{", "%7B").replace("}", "%7D")),
    ]
    if study.accession:
        fields.append(("note", "Accession " + _bibtex_escape(study.accession)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(entry, manifest)},\n{body}\n}}\n"


def ris(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str:
    """An RIS record of type DATA, for reference managers that do not read BibTeX.

    Every value is folded onto its tag's line. An author is `Last, First`, and a further comma
    would start a suffix, so commas inside the name parts become spaces."""
    study = manifest.study
    timestamp = utc_date(manifest.version.timestamp)
    lines = [("TY", "DATA"), ("TI", study.title)]
    lines += [("AU", f"{_ris_name(a.author_last_name)}, {_ris_name(a.author_first_name)}")
              for a in study.authors]
    lines += [("PY", f"{timestamp.year:04d}"), ("DA", f"{timestamp.year:04d}/{timestamp:%m/%d}"),
              ("ET", label(manifest)), ("PB", settings.title),
              ("UR", version_page(entry, manifest, settings)), ("AB", study.description)]
    lines += [("KW", k) for k in study.keywords]
    if study.accession:
        lines.append(("AN", study.accession))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {one_line(value)}\r\n" for tag, value in lines)


def _ris_name(part: str) -> str:
    return one_line(part.replace(",", " "))
