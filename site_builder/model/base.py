"""The base class of every manifest node: closed, documented, forgiving about shape.

Real manifests write a scalar where a list is expected, leave template keys
empty and pad values with spaces (mifa-model.md §9). The base class absorbs
those quirks before validation, so the fields themselves stay strict.
"""

from __future__ import annotations

import types
from datetime import date, datetime
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationInfo, model_validator
from pydantic.fields import FieldInfo

RECOMMENDED = "recommended"
CANONICAL = "canonical"
"""Validation context key: the data is a model dump of an already validated manifest (the build
cache's), whose quirks were absorbed when it was first read; absorbing them again is skipped."""


def recommended(*, default: Any = None, **kwargs: Any) -> Any:
    """A field that warns when missing (MIFA 'recommended')."""
    if isinstance(default, list):
        return Field(default_factory=list, json_schema_extra={"level": RECOMMENDED}, **kwargs)
    return Field(default=default, json_schema_extra={"level": RECOMMENDED}, **kwargs)


def field_level(info: FieldInfo) -> str:
    """'required', 'recommended' or 'optional'."""
    if info.is_required():
        return "required"
    extra = info.json_schema_extra
    if isinstance(extra, dict) and extra.get("level") == RECOMMENDED:
        return RECOMMENDED
    return "optional"


def field_keys(name: str, info: FieldInfo) -> tuple[str, ...]:
    """The field name and every alias a manifest may use for it."""
    keys = [name]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        keys += [c for c in alias.choices if isinstance(c, str) and c != name]
    elif isinstance(alias, str) and alias != name:
        keys.append(alias)
    return tuple(keys)


def unwrap_optional(annotation: Any) -> Any:
    """`X | None` -> X."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def is_list_annotation(annotation: Any) -> bool:
    return get_origin(unwrap_optional(annotation)) is list


def item_annotation(annotation: Any) -> Any:
    """The type of one value of a field: through Optional and list, keeping Annotated metadata."""
    inner = unwrap_optional(annotation)
    return get_args(unwrap_optional(inner))[0] if is_list_annotation(inner) else inner


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model class a field's values are validated by, if they are mappings."""
    inner = item_annotation(annotation)
    base = get_args(inner)[0] if hasattr(inner, "__metadata__") else inner
    return base if isinstance(base, type) and issubclass(base, BaseModel) else None


def _is_datetime_annotation(annotation: Any) -> bool:
    inner = unwrap_optional(annotation)
    while get_origin(inner) is not None and hasattr(inner, "__metadata__"):
        inner = get_args(inner)[0]
    return inner is datetime or getattr(inner, "__origin__", None) is datetime


class _Missing:
    pass


MISSING: Any = _Missing()


def is_missing(value: Any) -> bool:
    """Null, blank text, and lists or mappings holding only those count as missing."""
    return tidy_value(value) is MISSING


def tidy_value(value: Any) -> Any:
    """Strip text and drop empty items; return MISSING for an empty value."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        stripped = value.strip()
        return stripped if stripped else MISSING
    if isinstance(value, list):
        items = [v for v in (tidy_value(item) for item in value) if not _is_blank(v)]
        return items if items else MISSING
    return value


def _is_blank(value: Any) -> bool:
    """A list item that says nothing: null, blank, or a mapping of only such values."""
    if isinstance(value, dict):
        return all(_is_blank(tidy_value(v)) for v in value.values())
    return value is MISSING


@cache
def _shape(cls: type[BaseModel]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Keys (incl. aliases) of list fields, of required list fields, and of datetime fields."""
    lists: set[str] = set()
    required_lists: set[str] = set()
    datetimes: set[str] = set()
    for name, info in cls.model_fields.items():
        keys = field_keys(name, info)
        if is_list_annotation(info.annotation):
            lists.update(keys)
            if info.is_required():
                required_lists.update(keys)
        if _is_datetime_annotation(info.annotation):
            datetimes.update(keys)
    return frozenset(lists), frozenset(required_lists), frozenset(datetimes)


class MifaModel(BaseModel):
    """Closed mapping (unknown keys are errors), documented by attribute docstrings."""

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
        str_strip_whitespace=True,
        coerce_numbers_to_str=True,
        populate_by_name=True,
        frozen=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _absorb_real_world_quirks(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or (isinstance(info.context, dict) and info.context.get(CANONICAL)):
            return data
        list_keys, required_list_keys, datetime_keys = _shape(cls)
        tidied: dict[str, Any] = {}
        for key, raw in data.items():
            value = tidy_value(raw)
            if value is MISSING and key in required_list_keys and isinstance(raw, list) \
                    and any(isinstance(item, dict) for item in raw):
                # An empty template entry: keep one, so each of its required fields is reported.
                value = [{}]
            if value is MISSING:
                continue
            if key in list_keys and not isinstance(value, list):
                value = [value]
            # A date given for a datetime field stays a date: its type decides (a version's
            # timestamp refuses a day alone; other times read it as midnight UTC).
            if key not in datetime_keys and isinstance(value, date | datetime):
                value = value.isoformat()
            tidied[key] = value
        return tidied
