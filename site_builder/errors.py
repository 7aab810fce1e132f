"""Turn pydantic's validation errors into Problems a biologist can act on.

Each error gets the file, line and column of the value (or of the mapping that
lacks a key), a dotted path, a plain-language message and a hint: the field's
own documentation, or the nearest valid key for a typo.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from enum import Enum
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .model import Manifest
from .model.base import field_keys, is_list_annotation, item_annotation, nested_model
from .problems import Path_, Problem, format_path
from .yaml_loader import YamlDocument


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text '{value[:60]}'"
    return "an empty value" if value is None else f"a {type(value).__name__}"


def model_at(path: Path_, root: type[BaseModel] = Manifest) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path` (list indices skipped)."""
    model: type[BaseModel] | None = root
    for part in path:
        if isinstance(part, int) or model is None:
            continue
        info = next((i for n, i in model.model_fields.items() if part in field_keys(n, i)), None)
        if info is None:
            return None
        model = nested_model(info.annotation)
    return model


def field_doc(path: Path_, root: type[BaseModel] = Manifest) -> str:
    """The documentation of the field at `path`, collapsed to one line."""
    parent = model_at(path[:-1], root) if path else None
    name = path[-1] if path else None
    if parent is None or not isinstance(name, str):
        return ""
    for field_name, info in parent.model_fields.items():
        if name in field_keys(field_name, info):
            return " ".join((info.description or "").split())
    return ""


def meant_key(key: str, valid: Iterable[str]) -> str | None:
    """The valid key an unknown `key` is most likely a misspelling of (the did-you-mean)."""
    valid = sorted(valid)
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    if not close:
        lowered = {v.lower().replace("_", ""): v for v in valid}
        hit = lowered.get(key.lower().replace("_", "").replace("-", "").replace(" ", ""))
        close = [hit] if hit else [v for v in valid if key.lower() in v or v in key.lower()][:1]
    return close[0] if close else None


def misspelled_keys(raw: dict[str, Any], valid: Iterable[str]) -> set[str]:
    """The valid keys that unknown keys of `raw` stand for: such a key is not also "missing"
    (the unknown-key error already names it; two problems for one typo mislead)."""
    valid = set(valid)
    meant = (meant_key(str(k), valid) for k in raw if k not in valid)
    return {k for k in meant if k is not None}


def _choices(path: Path_, root: type[BaseModel]) -> str:
    """For a field with a fixed vocabulary (an Enum), the values to choose from."""
    parent = model_at(path[:-1], root) if path else None
    info = next((i for n, i in parent.model_fields.items() if path[-1] in field_keys(n, i)), None) \
        if parent is not None else None
    if info is None:
        return ""
    item = item_annotation(info.annotation)
    base = get_args(item)[0] if hasattr(item, "__metadata__") else item
    if not (isinstance(base, type) and issubclass(base, Enum)):
        return ""
    values = ", ".join(str(member.value) for member in base)
    return (" with one or more of: " if is_list_annotation(info.annotation) else " with one of: ") + values


def _unknown_key(path: Path_, root: type[BaseModel]) -> tuple[str, str]:
    key = str(path[-1])
    parent = model_at(path[:-1], root)
    valid = sorted(k for n, i in parent.model_fields.items() for k in field_keys(n, i)) if parent \
        else []
    meant = meant_key(key, valid)
    close = [meant] if meant else []
    message = f"unknown key '{key}'" + (f"; did you mean '{close[0]}'?" if close else "")
    if not path[:-1] and root is Manifest:
        owners = [m for m in ("study", "images", "version")
                  if key in (model_at((m,), root) or BaseModel).model_fields]
        if owners and not close:
            return (f"unknown key '{key}'; it belongs under '{owners[0]}'",
                    f"indent it under `{owners[0]}:`")
    return message, "valid keys here: " + ", ".join(valid)


_INTERNAL_LOC = re.compile(r"^(function-\w+|union|list|dict|nullable|chain|lax-or-strict|"
                           r"json-or-python|tagged-union|definition-ref)\[")


def _location(loc: tuple[int | str, ...]) -> Path_:
    """Drop pydantic's internal location parts (union branches, validator names)."""
    return tuple(p for p in loc if isinstance(p, int) or not _INTERNAL_LOC.match(p))


_BOUNDS = {
    "greater_than_equal": ("below the smallest allowed value,", "ge"),
    "greater_than": ("not above the limit", "gt"),
    "less_than_equal": ("over the largest allowed value,", "le"),
    "less_than": ("not below the limit", "lt"),
}
"""pydantic's bound errors, in the project's words: (what is wrong, the ctx key of the bound)."""


def error_to_problem(doc: YamlDocument, error: ErrorDetails,
                     root: type[BaseModel] = Manifest) -> Problem:
    """One pydantic error as a located Problem."""
    path = _location(error["loc"])
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    hint = ""
    if kind == "mifa":
        message, hint = str(ctx["message"]), str(ctx.get("hint", ""))
        if ctx.get("field"):
            path = (*path, str(ctx["field"]))
        return doc.problem(path, message, hint)
    if kind == "missing":
        doc_text = field_doc(path, root)
        advice = _choices(path, root) + (f" ({doc_text})" if doc_text else "")
        if path in doc.key_marks:  # the key is there, with nothing after it
            return doc.problem(path, "required field is empty", f"fill in `{path[-1]}:`{advice}",
                               key=True)
        return doc.problem(path[:-1], "required field is missing", f"add `{path[-1]}:`{advice}",
                           shown_path=format_path(path), key=True)
    if kind == "extra_forbidden":
        message, hint = _unknown_key(path, root)
        return doc.problem(path, message, hint, key=True)
    if kind == "too_short" and isinstance(value, list | dict):
        message = "at least one entry is required"
    elif kind in ("string_type", "str_type"):
        message = f"expected text, got {_describe(value)}"
    elif kind == "list_type":
        message = f"expected a list, got {_describe(value)}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"expected a mapping of keys to values, got {_describe(value)}"
        hint = "write the entries as indented `key: value` lines"
    elif kind.startswith(("datetime_", "date_")):
        message = f"{_describe(value)} is not a date and time"
        hint = "write ISO 8601 with a UTC offset, e.g. 2023-03-07T14:37:00+00:00"
    elif kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        message = f"{_describe(value)} is not allowed"
        hint = f"write one of: {expected}"
    elif kind == "string_pattern_mismatch":
        message = f"{_describe(value)} does not have the expected form"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        message = f"expected a whole number, got {_describe(value)}"
        hint = "write digits only, without units or words, e.g. 120"
    elif kind in ("float_parsing", "float_type"):
        message = f"expected a number, got {_describe(value)}"
        hint = "write digits only, without units or words, e.g. 0.65"
    elif kind in ("bool_parsing", "bool_type"):
        message = f"expected true or false, got {_describe(value)}"
        hint = "write true or false"
    elif kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        message = f"{_describe(value)} is {word} {ctx.get(key)}"
    else:
        message = error["msg"].removeprefix("Value error, ")
        if value is not None and not isinstance(value, dict | list) and kind != "value_error":
            message = f"{_describe(value)}: {message[0].lower()}{message[1:]}"
    if not hint:
        doc_text = field_doc(path, root)
        hint = f"{path[-1]}: {doc_text}" if doc_text and path else ""
    return doc.problem(path, message, hint)


def validation_problems(doc: YamlDocument, exc: ValidationError,
                        root: type[BaseModel] = Manifest) -> list[Problem]:
    """All errors of one failed validation of `root`, located in the document.

    A required key that is missing because it was misspelled is reported once, as the unknown
    key with its did-you-mean, not also as missing."""
    errors = exc.errors(include_url=False)
    typos: set[Path_] = set()
    for error in errors:
        path = _location(error["loc"])
        if error["type"] == "extra_forbidden" and path:
            parent = model_at(path[:-1], root)
            valid = [k for n, i in parent.model_fields.items() for k in field_keys(n, i)] if parent \
                else []
            meant = meant_key(str(path[-1]), valid)
            if meant is not None:
                typos.add((*path[:-1], meant))
    return [error_to_problem(doc, e, root) for e in errors
            if not (e["type"] == "missing" and _location(e["loc"]) in typos)]
