"""The Jinja2 environment: layered template lookup, autoescaping, link helpers.

Lookup order (datasette's habit): the catalogue's own `catalogue/templates/`
first, then the project's `templates/`. `{% extends "default:base.html" %}` lets an
override wrap the default it replaces. Links are always relative to the page,
so the site works under any sub-path (GitHub Pages project sites) and from disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup

from .. import identifiers
from ..licence_verdicts import licence_verdict
from ..text_safety import contain_bidi
from .field_titles import field_title
from .text import render_markdown, safe_href
from .times import shown_date, shown_datetime

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def relative_url(page: str, target: str) -> str:
    """Link from the page at `page` to the site path `target` ('' is the home page)."""
    if target.startswith(("http://", "https://", "#")):
        return target
    target = target or "index.html"
    if target.endswith("/"):
        target += "index.html"
    # posixpath.relpath for clean site paths, without its normalising (a page has hundreds of links).
    folders, parts = page.split("/")[:-1], target.split("/")
    common = 0
    while common < min(len(folders), len(parts) - 1) and folders[common] == parts[common]:
        common += 1
    return "../" * (len(folders) - common) + "/".join(parts[common:])


@pass_context
def _url(context: Context, target: str) -> str:
    return relative_url(str(context["page_path"]), target)


def _number(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def _filesize(value: int | None) -> str:
    if value is None:
        return "–"
    size = float(value)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{value} bytes"  # pragma: no cover


def _contained(value: Any) -> Any:
    """Every printed value: a submitter's bidirectional override or isolate is closed where the
    value ends, so it cannot reverse the page text that follows it. Markup (already rendered
    HTML) is left alone: its text was contained before it was rendered."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return contain_bidi(value)
    return value


def make_environment(override_dir: Path | None = None) -> Environment:
    """Environment with the catalogue's overrides layered over the default templates."""
    loaders: list[Any] = []
    if override_dir is not None and override_dir.is_dir():
        loaders.append(FileSystemLoader(override_dir))
    defaults = FileSystemLoader(TEMPLATES)
    loaders += [PrefixLoader({"default": defaults}, delimiter=":"), defaults]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=_contained)
    env.filters.update(markdown=render_markdown, safe_href=safe_href, number=_number,
                       filesize=_filesize, date=shown_date, datetime=shown_datetime, field_title=field_title,
                       orcid_url=identifiers.orcid_url, doi_url=identifiers.doi_url,
                       ror_url=identifiers.ror_url, pubmed_url=identifiers.pubmed_url,
                       pmcid_url=identifiers.pmcid_url)
    env.globals["url"] = _url
    env.globals["licence_verdict"] = licence_verdict
    return env
