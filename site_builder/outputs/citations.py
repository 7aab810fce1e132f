"""Ready-to-use citations of a dataset version (CITATION.cff, BibTeX, RIS): credit is the incentive."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from ..identifiers import normalise_doi
from ..model import Author, Manifest
from ..settings import Settings
from .common import author_orcid_url, is_single_licence, label, release_date, version_page

if TYPE_CHECKING:  # pages imports this package: annotation-only import avoids a cycle
    from ..render.pages import DatasetEntry

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                   "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")


def _quote(value: str) -> str:
    """A YAML double-quoted scalar; JSON string syntax is a subset of it, so json.dumps is exact."""
    return json.dumps(value, ensure_ascii=False)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def citation_cff(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str:
    """CITATION.cff 1.2.0 of the version; publications go to references (their DOIs are not ours)."""
    study = manifest.study
    lines = [
        "cff-version: 1.2.0",
        "message: " + _quote("If you use this dataset, please cite it as below."),
        "type: dataset",
        "title: " + _quote(study.title),
        "version: " + _quote(label(manifest)),
        "date-released: " + _quote(release_date(manifest)),
        "url: " + _quote(version_page(entry, manifest, settings)),
        "abstract: " + _quote(study.description.strip()),
    ]
    if is_single_licence(manifest.image_licence):
        lines.append("license: " + _quote(manifest.image_licence))
    if study.keywords:
        lines.append("keywords:")
        lines += ["  - " + _quote(k) for k in study.keywords]
    lines.append("authors:")
    for author in study.authors:
        lines.append("  - family-names: " + _quote(author.author_last_name))
        lines.append("    given-names: " + _quote(author.author_first_name))
        orcid = author_orcid_url(author)
        if orcid:
            lines.append("    orcid: " + _quote(orcid))
        if author.organisation:
            lines.append("    affiliation: " + _quote(author.organisation[0].organisation_name))
    lines.append("identifiers:")
    lines.append("  - type: url")
    lines.append("    value: " + _quote(version_page(entry, manifest, settings)))
    lines.append("    description: " + _quote(f"{settings.title} page of version {label(manifest)}"))
    if study.accession:
        lines.append("  - type: other")
        lines.append("    value: " + _quote(study.accession))
        lines.append("    description: " + _quote("Archive accession"))
    if study.publications:
        lines.append("references:")
        for publication in study.publications:
            lines.append("  - type: article")
            lines.append("    title: " + _quote(publication.publication_title))
            lines.append("    authors:")
            lines.append("      - name: " + _quote(publication.publication_authors))
            if publication.publication_doi:
                lines.append("    doi: " + _quote(normalise_doi(publication.publication_doi)))
            if publication.publication_year is not None:
                lines.append(f"    year: {publication.publication_year}")
    return "\n".join(lines) + "\n"


def _bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in _one_line(text))


def bibtex_key(entry: DatasetEntry, manifest: Manifest) -> str:
    return _KEY_UNSAFE.sub("_", f"{entry.id}_{label(manifest)}")


def _bibtex_name(author: Author) -> str:
    return f"{{{_bibtex_escape(author.author_last_name)}}}, {_bibtex_escape(author.author_first_name)}"


def bibtex(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str:
    """A @misc entry; the title is double-braced so BibTeX styles keep its capitals."""
    study = manifest.study
    fields = [
        ("author", " and ".join(_bibtex_name(a) for a in study.authors)),
        ("title", "{" + _bibtex_escape(study.title) + "}"),
        ("year", str(manifest.version.timestamp.year)),
        ("version", _bibtex_escape(label(manifest))),
        ("publisher", _bibtex_escape(settings.title)),
        ("howpublished", _bibtex_escape(settings.title)),
        ("url", version_page(entry, manifest, settings).replace("{", "%7B").replace("}", "%7D")),
    ]
    if study.accession:
        fields.append(("note", "Accession " + _bibtex_escape(study.accession)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(entry, manifest)},\n{body}\n}}\n"


def ris(entry: DatasetEntry, manifest: Manifest, settings: Settings) -> str:
    """An RIS record of type DATA, for reference managers that do not read BibTeX."""
    study = manifest.study
    timestamp = manifest.version.timestamp
    lines = [("TY", "DATA"), ("TI", _one_line(study.title))]
    lines += [("AU", f"{a.author_last_name}, {a.author_first_name}") for a in study.authors]
    lines += [("PY", str(timestamp.year)), ("DA", timestamp.strftime("%Y/%m/%d")),
              ("ET", label(manifest)), ("PB", settings.title),
              ("UR", version_page(entry, manifest, settings)), ("AB", _one_line(study.description))]
    lines += [("KW", _one_line(k)) for k in study.keywords]
    if study.accession:
        lines.append(("AN", study.accession))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)
