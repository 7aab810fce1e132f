"""`mifa new`: a commented manifest skeleton generated from the model itself.

Generating it from the field docs keeps the skeleton, the JSON Schema and the
validator's hints in agreement: there is one description per field.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from .manifest_writer import schema_comment
from .model import Manifest
from .model.base import field_level, is_list_annotation, nested_model

_PREFILLED = {"version": '"{version}"', "timestamp": "{timestamp}"}
_SKIPPED = {"config"}


def _comment(text: str, indent: str) -> list[str]:
    words, lines, line = " ".join(text.split()).split(" "), [], ""
    for word in words:
        if len(line) + len(word) > 84 - len(indent):
            lines.append(line.rstrip())
            line = ""
        line += word + " "
    lines.append(line.rstrip())
    return [f"{indent}# {item}" for item in lines if item]


def _emit(model: type[BaseModel], indent: str, first_prefix: str | None = None) -> list[str]:
    out: list[str] = []
    optional: list[str] = []
    for name, info in model.model_fields.items():
        level = field_level(info)
        if name in _SKIPPED:
            continue
        if level == "optional":
            optional.append(name)
            continue
        out += _comment(f"{level}: {info.description or ''}", indent)
        nested = nested_model(info.annotation)
        if nested is not None and is_list_annotation(info.annotation):
            out.append(f"{indent}{name}:")
            out += _emit(nested, indent + "    ", first_prefix=indent + "  - ")
        elif nested is not None:
            out.append(f"{indent}{name}:")
            out += _emit(nested, indent + "  ")
        elif is_list_annotation(info.annotation):
            out.append(f"{indent}{name}: []")
        else:
            out.append(f"{indent}{name}:{' ' + _PREFILLED[name] if name in _PREFILLED else ''}")
    if optional:
        out += _comment("optional: " + ", ".join(optional), indent)
    if first_prefix is not None:
        first_key = next(i for i, line in enumerate(out) if not line.lstrip().startswith("#"))
        out[first_key] = first_prefix + out[first_key].lstrip()
    return out


def manifest_skeleton(dataset_id: str, version: str = "1.0", *, now: datetime | None = None) -> str:
    """A manifest to fill in: every required and recommended field, each with its description."""
    stamp = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    lines = _emit(Manifest, "")
    body = "\n".join(lines).replace('"{version}"', f'"{version}"').replace("{timestamp}", stamp)
    header = (
        f"# MIFA manifest for dataset '{dataset_id}', version {version}.\n"
        "# Fill in every 'required' field; 'recommended' fields make the dataset easier to find\n"
        "# and reuse (the validator warns when they are missing). Delete what does not apply.\n"
        "# Check it with: mifa validate " + f"datasets/{dataset_id}/{version}.yaml\n"
    )
    return schema_comment() + header + body + "\n"
