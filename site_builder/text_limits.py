"""How long a submitter's free text may be, and whether a Markdown field renders as Markdown.

Every later stage (pages, feeds, snippets, search, the word diff between versions) reads free
text, so its size is bounded here, at validation, before any of them runs: a description of
60,000 characters is an error with a hint, not minutes of rendering. The limits are far above
real use: a description of a few thousand words fits in TEXT_LIMIT, any name or title in
ONE_LINE_LIMIT. Fields with a type of their own (identifiers, licences, paths, labels) are
bounded by their types instead, and `config` holds free text throughout.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from annotated_types import MinLen
from pydantic import BaseModel

from .character_checks import MAX_LISTED, ONE_LINE_KEYS
from .markdown_bounds import MAX_MARKDOWN_CHARS, markdown_excess
from .model import Manifest
from .model.base import field_keys, item_annotation, nested_model
from .problems import Path_, Problem, Severity, format_path
from .text_safety import visible
from .yaml_loader import YamlDocument

TEXT_LIMIT = MAX_MARKDOWN_CHARS
"""Characters in one free-text value: about 4,500 words. The same as the Markdown limit, so
every description that validates can be rendered as Markdown."""
ONE_LINE_LIMIT = 1_000
"""Characters in a name, title, label, keyword or role."""
MARKDOWN_FIELDS = frozenset({("study", "description")})
"""Fields the site renders as Markdown (templates/dataset.html)."""
_ONE_LINE = ONE_LINE_KEYS | {"role"}
_SHOWN_KEY = 40


def text_problems(doc: YamlDocument, raw: dict[str, Any], path: Path_ = ()) -> Iterator[Problem]:
    """An error for each free-text value over its limit (MAX_LISTED of them, then one counting the
    rest), and a warning for each Markdown field that will be shown as plain text because of its
    shape (markdown_bounds.py)."""
    errors = 0
    first_unlisted: Problem | None = None
    for problem in _walk(doc, Manifest, raw, path):
        if problem.severity is Severity.ERROR:
            errors += 1
            if errors > MAX_LISTED:
                first_unlisted = first_unlisted or problem
                continue
        yield problem
    if first_unlisted is not None:
        yield Problem(first_unlisted.file, first_unlisted.line, first_unlisted.column, first_unlisted.path,
                      Severity.ERROR, f"{errors - MAX_LISTED} more texts over their length limit in this "
                      "file, the first of them here", "shorten the ones listed and validate again to see "
                      "the rest")


def _walk(doc: YamlDocument, model: type[BaseModel], raw: dict[str, Any], path: Path_) -> Iterator[Problem]:
    fields = _fields(model)
    for key, value in raw.items():
        if not isinstance(key, str) or key not in fields:
            continue  # unknown keys are errors of the model's
        free_text, inner = fields[key]
        where = (*path, key)
        if inner is not None:
            for item_path, item in _items(where, value):
                if isinstance(item, dict):
                    yield from _walk(doc, inner, item, item_path)
        elif free_text:
            for item_path, item in _items(where, value):
                if isinstance(item, str):
                    yield from _text(doc, item_path, item, one_line=key in _ONE_LINE)
        elif key == "config":
            yield from _free_form(doc, where, value)


def _items(path: Path_, value: Any) -> Iterator[tuple[Path_, Any]]:
    """A value, or each item of a list with its index."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index), item
    else:
        yield path, value


def _free_form(doc: YamlDocument, path: Path_, value: Any) -> Iterator[Problem]:
    """`config`: any keys, any nesting (bounded by the YAML loader), free text in every string."""
    if isinstance(value, str):
        yield from _text(doc, path, value, one_line=False)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and len(key) > ONE_LINE_LIMIT:
                yield _problem(doc, (*path, key), f"this key is {len(key):,} characters long, over the "
                               f"limit of {ONE_LINE_LIMIT:,}", f"shorten it to at most {ONE_LINE_LIMIT:,} "
                               "characters", key=True)
            yield from _free_form(doc, (*path, key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _free_form(doc, (*path, index), item)


def _text(doc: YamlDocument, path: Path_, text: str, *, one_line: bool) -> Iterator[Problem]:
    text = text.strip()  # as the model keeps it
    limit = ONE_LINE_LIMIT if one_line else TEXT_LIMIT
    if len(text) > limit:
        what = "for a name, title or label" if one_line else "for one text"
        hint = (f"shorten it to at most {limit:,} characters; longer text belongs in a description"
                if one_line else
                f"shorten it to at most {limit:,} characters (about 4,500 words); link longer "
                "documentation from link_url or a publication")
        yield _problem(doc, path, f"the text is {len(text):,} characters long, over the limit of "
                       f"{limit:,} {what}", hint)
    elif path in MARKDOWN_FIELDS and (excess := markdown_excess(text)) is not None:
        reason, hint = excess
        yield _problem(doc, path, f"shown as plain text, not as Markdown: {reason}", hint,
                       severity=Severity.WARNING)


def _problem(doc: YamlDocument, path: Path_, message: str, hint: str, *,
             severity: Severity = Severity.ERROR, key: bool = False) -> Problem:
    """A problem whose path shows each `config` key of over 40 characters by its start only (and
    control characters in keys as escapes, as character_checks.py does)."""
    shown = tuple(part[:_SHOWN_KEY] + "…" if isinstance(part, str) and len(part) > _SHOWN_KEY else part
                  for part in path)
    return doc.problem(path, message, hint, severity=severity, key=key,
                       shown_path=visible(format_path(shown)))


@cache
def _fields(model: type[BaseModel]) -> dict[str, tuple[bool, type[BaseModel] | None]]:
    """Each key (and alias) of a model: whether it holds free text, and its nested model.

    Free text is a plain `str` that the model neither parses (identifiers, licences, paths,
    labels, units) nor limits itself (the title has a maximum length)."""
    parsed = {name for decorator in model.__pydantic_decorators__.field_validators.values()
              for name in decorator.info.fields}
    fields: dict[str, tuple[bool, type[BaseModel] | None]] = {}
    for name, info in model.model_fields.items():
        free_text = (item_annotation(info.annotation) is str and name not in parsed
                     and all(isinstance(constraint, MinLen) for constraint in info.metadata))
        for key in field_keys(name, info):
            fields[key] = (free_text, nested_model(info.annotation))
    return fields
