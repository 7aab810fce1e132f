"""Import a bioimage.io dataset RDF: who made the data, what they are, where they live.

Input is a dataset's resource description: an `rdf.yaml` of the legacy collection (format
0.2.x) or the current collection's `rdf_content` (format 0.3.x), bare or inside the CI report
(`summary.json`) that wraps it. An RDF never says how the data were annotated or funded, so
those required fields are left empty in the written manifest, where `mifa validate` asks for
them until a curator fills them in: an importer that invented them would publish guesses.
Whatever the RDF says that has no MIFA field is listed in the notes, never dropped silently.

Problems point into the RDF (its file, line, column and key path); their messages name the
MIFA field the value was meant for, since that is what the rules are about.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..checks import check_document
from ..errors import validation_problems
from ..identifiers import quote_value
from ..manifest_writer import dump_data, manifest_data
from ..model import Manifest
from ..problems import Path_, Problem, Severity, format_path
from ..regular_files import NotRegularFile, TooLarge, read_regular
from ..yaml_loader import MAX_BYTES, MAX_DEPTH, Mark, YamlDocument, load_yaml, parse_yaml
from .bia import ImportResult

__all__ = ["RdfImport", "import_bioimageio", "manifest_text"]

STAND_IN = "(to fill in: the bioimage.io RDF does not say)"
"""What a field the RDF cannot give holds while the rest is validated; the written manifest
leaves it empty instead."""
_LICENCE_STAND_IN = "NOASSERTION"
_EMPTY_ANNOTATIONS: dict[str, Any] = {"annotation_overview": None, "annotation_type": [],
                                      "annotation_method": None}
_ACCESSION = re.compile(r"(?i)\b(S-B[A-Z]+\d+|EMPIAR-\d+)\b")
_ZENODO = re.compile(r"(?i)(?:zenodo\.org/(?:records?|deposit|uploads)/|10\.5281/zenodo\.)(\d+)")
_HTTP = re.compile(r"(?i)^https?://")
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "del", "della", "di", "da", "dos", "das",
                        "du", "la", "le", "ten", "ter", "zu", "bin", "ibn", "al", "el"})
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_KNOWN_AUTHOR_KEYS = frozenset({"name", "orcid", "affiliation", "github_user", "email"})
_KNOWN_CITE_KEYS = frozenset({"text", "doi", "url"})
_WHY = {
    "maintainers": "the people who keep the bioimage.io record, not necessarily the data's authors",
    "uploader": "the account that uploaded the record; its e-mail address is not copied",
    "id_emoji": "the record's emoji", "icon": "the record's icon",
    "badges": "badges shown on bioimage.io", "attachments": "files attached to the record",
    "links": "related bioimage.io items", "rdf_source": "where bioimage.io serves this RDF",
    "version": "the record's own version", "parent": "the record this one derives from",
}


@dataclass
class RdfImport(ImportResult):
    """An import of one RDF. `data` is what is written: the fields in `to_fill` are empty there,
    and hold a stand-in (`STAND_IN`, or NOASSERTION for the licence) in `manifest`."""

    to_fill: list[str] = field(default_factory=list)
    """Manifest fields the RDF cannot give, e.g. study.funding_statement."""


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "an empty value" if value is None else quote_value(value)


def _as_list(value: Any) -> list[Any]:
    """A scalar or a mapping given where a list belongs is its one item, as in manifests."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


_SURROGATE_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.I)
"""`\\ud83e\\uddc6`: how JSON written with `ensure_ascii` spells an emoji (`id_emoji`); YAML
refuses surrogate escapes, so they are replaced by the character (only that line's columns move)."""


def _join_surrogates(match: re.Match[str]) -> str:
    high, low = int(match.group(2), 16), int(match.group(3), 16)
    return match.group(1) + chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


def _load(path: Path, max_bytes: int) -> tuple[YamlDocument | None, list[Problem]]:
    """The RDF as a located document. JSON is YAML, so it is read as YAML for the positions;
    JSON that YAML refuses is read as JSON, without positions."""
    doc, problems = load_yaml(path, max_bytes=max_bytes)
    if doc is not None:
        return doc, []
    problems = [_rdf_hint(p) for p in problems]
    if not _syntax(problems):
        return None, problems
    try:
        text = read_regular(path, max_bytes).decode("utf-8").removeprefix("\ufeff")
    except (NotRegularFile, TooLarge, OSError, UnicodeDecodeError):
        return None, problems
    if not text.lstrip().startswith(("{", "[")):
        return None, problems
    joined = _SURROGATE_PAIR.sub(_join_surrogates, text)
    if joined != text:
        doc, joined_problems = parse_yaml(joined.encode("utf-8"), str(path), max_bytes=max_bytes)
        if doc is not None or not _syntax(joined_problems):
            return doc, [_rdf_hint(p) for p in joined_problems]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(str(path), exc.lineno, exc.colno, "", Severity.ERROR,
                              f"this is not valid JSON: {exc.msg}",
                              "check the brackets, commas and quotes near this place")]
    except (ValueError, RecursionError):  # a number too long for Python, absurd nesting
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(str(path), 1, 1, "", Severity.ERROR,
                              f"the file must be a mapping of keys to values, not {_describe(data)}",
                              _MAPPING_HINT)]
    if _depth(data) > MAX_DEPTH:  # the YAML reader bounds nesting; JSON read directly must be too
        return None, [Problem(str(path), 1, 1, "", Severity.ERROR,
                              f"nesting is deeper than {MAX_DEPTH} levels", "an RDF needs only a few levels")]
    return YamlDocument(str(path), data), []


def _depth(data: Any) -> int:
    """How deeply lists and mappings nest, found without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((item, level + 1) for item in (value.values() if isinstance(value, dict)
                                                              else value))
    return deepest


_MAPPING_HINT = "a bioimage.io RDF is a mapping: name:, description:, authors:, ..."


def _syntax(problems: list[Problem]) -> bool:
    """Whether YAML stopped at its syntax (which JSON may still read), not at a limit or a shape."""
    return any(p.message.startswith(("this is not valid YAML", "a tab is used")) for p in problems)


def _rdf_hint(problem: Problem) -> Problem:
    """Loader hints speak of manifests; for an RDF a different one helps."""
    if problem.message.startswith(("the file must be a mapping", "the file is empty")):
        return Problem(problem.file, problem.line, problem.column, problem.path, problem.severity,
                       problem.message, _MAPPING_HINT)
    return problem


def _split_name(raw: str) -> tuple[str | None, str | None, str]:
    """(first, last, how) for a display name; `how` is empty when it reads as 'First Last'.

    'Last, First' is turned round; a family name may start with a particle (van der Berg);
    a one-word name is a family name whose given name is left to fill in."""
    text = " ".join(raw.split()).strip(" ,;")
    if not text:
        return None, None, "empty"
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if first and last:
            return first, last, "comma"
    how = "commas" if "," in text else ""
    words = [w for w in text.replace(",", " ").split(" ") if w]
    if len(words) == 1:
        return None, words[0], "one word"
    end = len(words) - 1 if len(words) > 2 and words[-1].lower() in _SUFFIXES else len(words)
    start = end - 1
    for index in range(1, end - 1):
        if words[index] in _PARTICLES:  # lower-case only: "Di Wang" is a given name
            start = index
            break
    return " ".join(words[:start]), " ".join(words[start:]), how


_APA = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>(?:18|19|20)\d\d)[a-z]?\)[.,]?\s*(?P<rest>.*)$", re.S)
_ET_AL = re.compile(r"^(?P<authors>.+?\bet\s+al\.?)[,:]?\s*(?P<rest>.*)$", re.S)
_YEAR = re.compile(r"\((?P<year>(?:18|19|20)\d\d)\)")
_TRAILING_LINK = re.compile(r"\s*(?:doi:\s*\S+|https?://\S+)\s*$", re.I)
_DATASET_MARKERS = re.compile(r"\s*(?:\[(?:data\s*set|dataset|software)\]|\(v?\d+(?:\.\d+)*\))\s*$", re.I)


def _parse_citation(text: str) -> tuple[str | None, str | None, int | None]:
    """(authors, title, year) of a citation text, where its style makes them plain.

    Handles 'Authors (2021). Title. Venue' and 'Authors et al. Title. Venue (2021)';
    'Caicedo et al.' alone gives authors only. Anything else is left to the curator."""
    text = " ".join(text.split())
    while (trimmed := _TRAILING_LINK.sub("", text)) != text:
        text = trimmed
    apa, et_al = _APA.match(text), _ET_AL.match(text)
    # "A, B et al. Title. Journal (2021)": the year closes the citation, it does not end the authors
    use_et_al = et_al is not None and (apa is None or len(et_al["authors"]) < len(apa["authors"]))
    match = et_al if use_et_al else apa
    if match is None:
        return None, None, None
    authors = match.group("authors").strip(" ,;")
    rest = match.group("rest").strip()
    year_text = match.groupdict().get("year") or next(
        (m.group("year") for m in reversed(list(_YEAR.finditer(rest)))), None)
    title = re.split(r"(?<=[^\s.A-Z])\.\s", rest + " ", maxsplit=1)[0].strip().rstrip(".")
    while (trimmed := _DATASET_MARKERS.sub("", title)) != title:
        title = trimmed
    if _YEAR.fullmatch(title.strip()):
        title = ""
    return authors or None, title or None, int(year_text) if year_text else None


def _clean_description(text: str) -> str:
    """Literal `\\n` escapes (a JSON string written twice) become line breaks or go at the ends."""
    text = re.sub(r"^(?:\\[nrt]|\s)+|(?:\\[nrt]|\s)+$", "", text)
    return text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\t", " ")


def _accession(source: str) -> str | None:
    if match := _ACCESSION.search(source):
        return match.group(1).upper()
    if match := _ZENODO.search(source):
        return f"zenodo.{match.group(1)}"
    return None


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


class _Mapper:
    """Reads one RDF into manifest data, remembering which RDF key each field came from."""

    def __init__(self, doc: YamlDocument, *, keep_emails: bool) -> None:
        self.doc = doc
        self.rdf: dict[str, Any] = doc.data
        self.base: Path_ = ()
        self.keep_emails = keep_emails
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.origins: dict[Path_, Path_] = {(): (), ("study",): ()}
        self.to_fill: list[Path_] = []
        self.used: set[str] = set()
        self.links: list[tuple[Any, str, Path_]] = []

    # --- reporting -------------------------------------------------------------------------

    def error(self, rpath: Path_, message: str, hint: str = "") -> None:
        self.problems.append(self.doc.problem((*self.base, *rpath), message, hint))

    def warn(self, rpath: Path_, message: str, hint: str = "") -> None:
        self.problems.append(self.doc.problem((*self.base, *rpath), message, hint,
                                              severity=Severity.WARNING))

    def where(self, rpath: Path_) -> str:
        return format_path((*self.base, *rpath)) or "the RDF"

    def take(self, key: str) -> Any:
        self.used.add(key)
        return self.rdf.get(key)

    def fill(self, mpath: Path_, stand_in: Any = STAND_IN) -> Any:
        self.to_fill.append(mpath)
        return stand_in

    # --- the RDF as a whole ----------------------------------------------------------------

    def unwrap(self) -> bool:
        """Step into `rdf_content` when the file is a bioimage.io report."""
        if "rdf_content" not in self.rdf:
            return True
        content = self.rdf["rdf_content"]
        if not isinstance(content, dict):
            self.error(("rdf_content",),
                       f"rdf_content must be the RDF, a mapping; it is {_describe(content)}",
                       "give the report's summary.json as written, or the RDF itself")
            return False
        others = sorted(k for k in self.rdf if k != "rdf_content")
        self.notes.append("read the RDF under rdf_content of a bioimage.io report"
                          + (f"; the report's other keys are not carried over: {', '.join(others)}"
                             if others else ""))
        self.base, self.rdf = ("rdf_content",), content
        return True

    def check_kind(self) -> bool:
        kind, form = self.take("type"), self.take("format_version")
        if kind is None:
            self.warn((), "the RDF states no type; it is read as a dataset",
                      "a dataset RDF says `type: dataset`")
        elif kind != "dataset":
            self.error(("type",), f"this RDF describes {_describe(kind)}, not a dataset",
                       "mifa import bioimageio reads dataset RDFs; models are linked to datasets "
                       "through the model-zoo snapshot (mifa zoo sync)")
            return False
        if form is not None and not re.match(r"0\.[23]\.", str(form)):
            self.warn(("format_version",), f"format_version {_describe(form)} is not 0.2.x or 0.3.x, "
                      "the dataset formats this importer knows; it is read as those",
                      "check the imported fields against the RDF")
        self.notes.append(f"read a bioimage.io dataset RDF (format_version {form if form else 'not stated'})")
        return True

    # --- study fields ----------------------------------------------------------------------

    def text(self, key: str, what: str) -> str | None:
        value = self.take(key)
        if value is None:
            self.error((), f"the RDF has no {key}", f"a dataset RDF gives its {what} as `{key}:`")
        elif not isinstance(value, str):
            self.error((key,), f"the {key} must be text, not {_describe(value)}",
                       f"write the {what} as text")
        elif not value.strip():
            self.error((key,), f"the {key} is empty", f"write the {what}")
        else:
            return value
        return None

    def study(self) -> dict[str, Any]:
        study: dict[str, Any] = {}
        name = self.text("name", "dataset's name")
        self.origins[("study", "title")] = ("name",)
        study["title"] = " ".join(name.split()) if name else STAND_IN
        description = self.text("description", "summary of what the data are")
        self.origins[("study", "description")] = ("description",)
        study["description"] = _clean_description(description) if description else STAND_IN
        study["keywords"] = self.keywords()
        study["license"] = self.licence()
        study["authors"] = self.authors()
        study["publications"] = self.citations()
        study["funding_statement"] = self.fill(("study", "funding_statement"))
        self.notes.append("a dataset RDF says nothing about funding: fill in study.funding_statement")
        self.link("documentation", "Documentation")
        self.link("git_repo", "Source code")
        self.link("download_url", "Download")
        if self.links:
            study["link_url"] = [url for url, _, _ in self.links]
            study["link_description"] = [label for _, label, _ in self.links]
            for index, (_, _, rpath) in enumerate(self.links):
                self.origins[("study", "link_url", index)] = rpath
                self.origins[("study", "link_description", index)] = rpath
        study.update(self.source())
        study.update(self.zoo_id())
        self.covers()
        return study

    def keywords(self) -> list[str]:
        tags = self.take("tags")
        self.origins[("study", "keywords")] = ("tags",)
        keywords: list[str] = []
        seen: dict[str, str] = {}
        merged: list[str] = []
        for index, tag in enumerate(_as_list(tags)):
            rpath: Path_ = ("tags", index) if isinstance(tags, list) else ("tags",)
            if isinstance(tag, int | float) and not isinstance(tag, bool):
                tag = str(tag)
            if not isinstance(tag, str):
                self.warn(rpath, f"the tag is {_describe(tag)}, not text; it is not carried over")
                continue
            tag = " ".join(tag.split())
            key = re.sub(r"[\s_-]+", " ", tag.casefold())
            if not key:
                continue
            if key in seen:
                merged.append(f"'{tag}' (as '{seen[key]}')")
                continue
            seen[key] = tag
            self.origins[("study", "keywords", len(keywords))] = rpath
            keywords.append(tag)
        if merged:
            self.notes.append("tags that differ only in case, spaces or hyphens were merged: "
                              + ", ".join(merged))
        return keywords

    def licence(self) -> Any:
        value = self.take("license")
        self.origins[("study", "license")] = ("license",)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.notes.append("the RDF states no licence: fill in study.license with the licence the "
                              "archive, the record or the paper states (SPDX id, e.g. CC-BY-4.0), "
                              "or NOASSERTION if no source states one")
            return self.fill(("study", "license"), _LICENCE_STAND_IN)
        return value  # the model normalises it, and the checks warn as `mifa validate` does

    def authors(self) -> list[dict[str, Any]]:
        raw = self.take("authors")
        self.origins[("study", "authors")] = ("authors",)
        people: list[dict[str, Any]] = []
        github: list[str] = []
        emails = 0
        for index, entry in enumerate(_as_list(raw)):
            rpath: Path_ = ("authors", index) if isinstance(raw, list) else ("authors",)
            if isinstance(entry, str):
                entry, name_path = {"name": entry}, rpath
            elif isinstance(entry, dict):
                name_path = (*rpath, "name")
            else:
                self.warn(rpath, f"this author is {_describe(entry)}, not a person; not carried over",
                          "an author is a mapping with name:, affiliation:, orcid:")
                continue
            mpath: Path_ = ("study", "authors", len(people))
            self.origins[mpath] = rpath
            person = self.person(entry, rpath, name_path, mpath)
            if isinstance(entry.get("github_user"), str) and entry["github_user"].strip():
                github.append(f"{entry.get('name', '?')} ({entry['github_user'].strip()})")
            if entry.get("email") is not None and not self.keep_emails:
                emails += 1
            people.append(person)
        if github:
            self.notes.append("GitHub user names have no MIFA field and are not carried over: "
                              + ", ".join(github))
        if emails:
            self.notes.append(f"dropped {emails} e-mail addresses (use --keep-emails to keep them)")
        return people

    def person(self, entry: dict[str, Any], rpath: Path_, name_path: Path_, mpath: Path_) -> dict[str, Any]:
        person: dict[str, Any] = {}
        name = entry.get("name")
        self.origins[(*mpath, "author_first_name")] = self.origins[(*mpath, "author_last_name")] = name_path
        first: str | None = None
        last: str | None = None
        if isinstance(name, str):
            first, last, how = _split_name(name)
            shown = quote_value(name)
            if how == "comma":
                self.notes.append(f"{self.where(rpath)}: {shown} read as first name '{first}', "
                                  f"last name '{last}'")
            elif how == "one word":
                self.notes.append(f"{self.where(rpath)}: {shown} is one word, written as the last name; "
                                  "fill in the first name")
            elif how == "commas":
                self.notes.append(f"{self.where(rpath)}: {shown} read as first name '{first}', "
                                  f"last name '{last}'; check it")
            if how == "empty":
                self.warn(name_path, "this author's name is empty; fill it in")
        elif name is not None:
            self.warn(name_path, f"the name is {_describe(name)}, not text; fill it in")
        else:
            self.warn(rpath, "this author has no name; fill it in", "an author needs a first and a last name")
        person["author_first_name"] = first or self.fill((*mpath, "author_first_name"))
        person["author_last_name"] = last or self.fill((*mpath, "author_last_name"))
        if entry.get("email") is not None and self.keep_emails:
            person["email"] = entry["email"]
            self.origins[(*mpath, "email")] = (*rpath, "email")
        self.origins[(*mpath, "orcid_id")] = (*rpath, "orcid")
        if entry.get("orcid") is not None:
            person["orcid_id"] = entry["orcid"]  # bare or as a URL: the model normalises it
        organisations = self.affiliations(entry.get("affiliation"), (*rpath, "affiliation"), mpath)
        if organisations:
            person["organisation"] = organisations
        unknown = sorted(k for k in entry if k not in _KNOWN_AUTHOR_KEYS)
        if unknown:
            self.notes.append(f"{self.where(rpath)}: not carried over (no MIFA field): {', '.join(unknown)}")
        return person

    def affiliations(self, raw: Any, rpath: Path_, mpath: Path_) -> list[dict[str, Any]]:
        organisations: list[dict[str, Any]] = []
        items = raw if isinstance(raw, list) else [raw] if raw is not None else []
        for index, item in enumerate(items):
            where: Path_ = (*rpath, index) if isinstance(raw, list) else rpath
            if not isinstance(item, str):
                self.warn(where, f"the affiliation is {_describe(item)}, not text; not carried over")
                continue
            for part in item.split(";"):  # commas belong to addresses: "EMBL, Heidelberg"
                if part.strip():
                    self.origins[(*mpath, "organisation", len(organisations))] = where
                    organisations.append({"organisation_name": " ".join(part.split())})
        return organisations

    def citations(self) -> list[dict[str, Any]]:
        raw = self.take("cite")
        self.origins[("study", "publications")] = ("cite",)
        publications: list[dict[str, Any]] = []
        for index, entry in enumerate(_as_list(raw)):
            rpath: Path_ = ("cite", index) if isinstance(raw, list) else ("cite",)
            if isinstance(entry, str):
                entry = {"text": entry}
            elif not isinstance(entry, dict):
                self.warn(rpath, f"this citation is {_describe(entry)}, not a mapping; not carried over",
                          "a citation is a mapping with text: and doi: or url:")
                continue
            text, doi, url = entry.get("text"), entry.get("doi"), entry.get("url")
            if text is not None and not isinstance(text, str):
                self.warn((*rpath, "text"),
                          f"the citation text is {_describe(text)}, not text; not carried over")
                text = None
            text = " ".join(text.split()) if text else None
            title = _parse_citation(text)[1] if text else None
            label = _shorten(title or text) if text else None
            unknown = sorted(k for k in entry if k not in _KNOWN_CITE_KEYS)
            if unknown:
                self.notes.append(f"{self.where(rpath)}: not carried over (no MIFA field): "
                                  + ", ".join(unknown))
            has_doi = doi is not None and not (isinstance(doi, str) and not doi.strip())
            has_url = url is not None and not (isinstance(url, str) and not url.strip())
            if has_doi or (text and not has_url):
                mpath: Path_ = ("study", "publications", len(publications))
                publications.append(self.publication(text, doi if has_doi else None, rpath, mpath))
                if has_url:
                    self.links.append((url, f"Cited with: {label}" if label else "Cited link",
                                       (*rpath, "url")))
            elif has_url:
                self.links.append((url, label or "Cited in the bioimage.io record", (*rpath, "url")))
            else:
                self.warn(rpath, "this citation gives no text, DOI or URL; not carried over")
        return publications

    def publication(self, text: str | None, doi: Any, rpath: Path_, mpath: Path_) -> dict[str, Any]:
        self.origins[mpath] = rpath
        for key in ("publication_title", "publication_authors", "publication_year"):
            self.origins[(*mpath, key)] = (*rpath, "text")
        self.origins[(*mpath, "publication_doi")] = (*rpath, "doi")
        authors, title, year = _parse_citation(text) if text else (None, None, None)
        if text and (authors is None or title is None):
            missing = [key for key, value in (("publication_title", title),
                                              ("publication_authors", authors)) if not value]
            self.notes.append(f"{self.where(rpath)}: the citation {quote_value(text)} does not give "
                              f"{' and '.join(missing)} plainly; fill in {format_path(mpath)}")
        publication: dict[str, Any] = {
            "publication_title": title or self.fill((*mpath, "publication_title")),
            "publication_authors": authors or self.fill((*mpath, "publication_authors")),
        }
        if doi is not None:
            publication["publication_doi"] = doi  # bare or as a URL: the model normalises it
        if year is not None:
            publication["publication_year"] = year
        return publication

    def link(self, key: str, label: str) -> None:
        value = self.take(key)
        if value is None:
            return
        if isinstance(value, str) and _HTTP.match(value.strip()):
            self.links.append((value.strip(), label, (key,)))
        elif isinstance(value, str):
            self.notes.append(f"{key} {quote_value(value)} is a file inside the bioimage.io record, not a "
                              "link; not carried over (the record's page on bioimage.io shows it)")
        else:
            self.warn((key,), f"{key} is {_describe(value)}, not a link; not carried over")

    def source(self) -> dict[str, Any]:
        value = self.take("source")
        self.origins[("study", "data_url")] = self.origins[("study", "accession")] = ("source",)
        if value is None:
            return {}
        if not isinstance(value, str):
            self.warn(("source",), f"source is {_describe(value)}, not a link; not carried over")
            return {}
        found: dict[str, Any] = {}
        if _HTTP.match(value.strip()):
            found["data_url"] = value.strip()
        else:
            self.notes.append(f"source {quote_value(value)} is not an http(s) address; "
                              "not carried over as study.data_url")
        accession = _accession(value)
        if accession:
            found["accession"] = accession
            self.notes.append(f"study.accession {accession} is read from the source {quote_value(value)}")
        return found

    def zoo_id(self) -> dict[str, Any]:
        value = self.take("id")
        config = self.rdf.get("config")
        zoo = config.get("bioimageio") if isinstance(config, dict) else None
        nickname = zoo.get("nickname") if isinstance(zoo, dict) else None
        if isinstance(nickname, str) and nickname.strip():
            self.origins[("study", "bioimageio_id")] = ("config", "bioimageio", "nickname")
            if value is not None:
                self.notes.append(f"study.bioimageio_id is the nickname {quote_value(nickname)}; the "
                                  f"legacy id {quote_value(value)} is not carried over")
            return {"bioimageio_id": nickname.strip()}
        self.origins[("study", "bioimageio_id")] = ("id",)
        if value is None:
            self.warn((), "the RDF has no id, so study.bioimageio_id is not set",
                      "give the dataset's bioimage.io id (its nickname, e.g. splendid-falafel)")
            return {}
        if not isinstance(value, str):
            self.warn(("id",), f"the id is {_describe(value)}, not text; not carried over")
            return {}
        reference = re.sub(r"/latest$", "", value.strip().removeprefix("bioimage-io/"))
        if reference != value.strip():
            self.notes.append(f"study.bioimageio_id {quote_value(reference)} is the id {quote_value(value)} "
                              "without its bioimage-io/ or /latest")
        return {"bioimageio_id": reference}

    def covers(self) -> None:
        given = _as_list(self.take("covers"))
        covers = [f"'{_shorten(c, 300)}'" for c in given if isinstance(c, str) and c.strip()]
        odd = sum(1 for c in given if not isinstance(c, str))
        covers += [f"{odd} entries that are not text"] if odd else []
        if covers:
            self.notes.append("covers are not imported as example images (examples must be files in the "
                              "dataset folder): " + ", ".join(covers))

    # --- what is left ----------------------------------------------------------------------

    def leftovers(self) -> None:
        left = [k for k in self.rdf if k not in self.used]
        maintainers = self.rdf.get("maintainers")
        if "maintainers" in left and isinstance(maintainers, list):
            names = [f"{m.get('name', '?')}" + (f" ({m['github_user']})" if m.get("github_user") else "")
                     for m in maintainers if isinstance(m, dict)]
            self.notes.append(f"maintainers ({_WHY['maintainers']}) are not carried over: {', '.join(names)}")
            left.remove("maintainers")
        version = self.rdf.get("version")
        if "version" in left:
            self.notes.append(f"the RDF's version {quote_value(version)} is the bioimage.io record's; "
                              "the manifest starts its own versions")
            left.remove("version")
        if not left:
            return
        described = []
        for key in left:
            value = self.rdf[key]
            if key == "config" and isinstance(value, dict):
                described.append(f"config ({', '.join(sorted(map(str, value)))})")
            elif key in _WHY:
                described.append(f"{key} ({_WHY[key]})")
            else:
                described.append(key)
        self.notes.append("not carried over (no MIFA field): " + "; ".join(described))

    # --- validation --------------------------------------------------------------------------

    def view(self, data: dict[str, Any]) -> YamlDocument:
        """The manifest data with each field placed where its value stands in the RDF."""
        marks: dict[Path_, Mark] = {}
        key_marks: dict[Path_, Mark] = {}
        for mpath, rpath in self.origins.items():
            where = (*self.base, *rpath)
            marks[mpath] = self.doc.locate(where)
            if where in self.doc.key_marks:
                key_marks[mpath] = self.doc.key_marks[where]
        return YamlDocument(self.doc.file, data, marks, key_marks)

    def source_path(self, shown: str) -> tuple[Path_, str]:
        """A manifest path as a report shows it -> (manifest path, the RDF path it came from).

        A field the RDF has no place for (release_date, images) keeps its manifest path."""
        mpath: Path_ = tuple(int(index) if index else key for key, index in
                             re.findall(r"([^.\[\]]+)|\[(\d+)\]", shown))
        for end in range(len(mpath), 0, -1):
            origin = self.origins.get(mpath[:end])
            if origin:
                return mpath, format_path((*self.base, *origin))
        return mpath, shown

    def located(self, problems: list[Problem]) -> list[Problem]:
        """Model problems named by their RDF path; none about the fields left to fill in."""
        out = []
        for problem in problems:
            mpath, shown = self.source_path(problem.path)
            if any(mpath[: len(blank)] == blank for blank in self.to_fill):
                continue
            out.append(Problem(problem.file, problem.line, problem.column, shown, problem.severity,
                               problem.message, problem.hint))
        return out


def _blank(data: dict[str, Any], path: Path_) -> None:
    """Empty one field of the written data (annotation sets wholly)."""
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = dict(_EMPTY_ANNOTATIONS) if path[:1] == ("annotations",) else None


def import_bioimageio(path: Path, *, keep_emails: bool = False, version_label: str = "1.0",
                      now: datetime | None = None, max_bytes: int = MAX_BYTES) -> RdfImport:
    """Read one dataset RDF into a manifest, reporting problems against the RDF."""
    doc, problems = _load(path, max_bytes)
    if doc is None:
        return RdfImport(None, None, problems)
    mapper = _Mapper(doc, keep_emails=keep_emails)
    if not mapper.unwrap() or not mapper.check_kind():
        return RdfImport(None, None, mapper.problems, mapper.notes)
    if isinstance(doc.data, dict) and doc.reparse_from is None and not doc.marks:
        mapper.notes.append("this JSON could not be read with positions; problems point at line 1")
    study = mapper.study()
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    annotations = [{"annotation_overview": STAND_IN, "annotation_type": ["other"],
                    "annotation_method": STAND_IN}]
    mapper.fill(("annotations", 0))
    mapper.notes.append("a dataset RDF has no annotation metadata: fill in annotations[0] "
                        "(annotation_overview, annotation_type, annotation_method; and who "
                        "annotated, with what confidence, criteria and coverage)")
    mapper.notes.append(f"wrote version {version_label} dated {stamp.isoformat()}")
    mapper.leftovers()
    candidate = {"study": study, "annotations": annotations,
                 "version": {"version": version_label, "timestamp": stamp.isoformat()}}
    view = mapper.view(candidate)
    found = check_document(view, Manifest)
    manifest: Manifest | None = None
    try:
        manifest = Manifest.model_validate(candidate)
    except ValidationError as exc:
        found = validation_problems(view, exc) + found
    result = RdfImport(None, None, mapper.problems + mapper.located(found), mapper.notes,
                       to_fill=[format_path(p) for p in mapper.to_fill])
    if manifest is None or any(p.severity is Severity.ERROR for p in result.problems):
        return result
    result.manifest = manifest
    result.data = manifest_data(manifest)
    for blank in mapper.to_fill:
        _blank(result.data, blank)
    return result


def manifest_text(result: RdfImport, source: str) -> str:
    """The manifest to write: schema line, a header naming the source and what to fill in."""
    if result.data is None:
        raise ValueError("the import found errors; there is no manifest to write")
    header = f"Imported from the bioimage.io dataset RDF {source} by `mifa import bioimageio`."
    if result.to_fill:
        header += ("\nThe RDF does not give these; fill them in (mifa validate reports them until then): "
                   + ", ".join(result.to_fill))
    wrapped = "\n".join(textwrap.fill(line, 96) for line in header.splitlines())
    return dump_data(result.data, header=wrapped)
