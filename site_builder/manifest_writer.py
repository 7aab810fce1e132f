"""Write a validated manifest back to YAML in canonical form."""

from __future__ import annotations

from typing import Any

import yaml

from .model import Manifest
from .schema import SCHEMA_FILE


class _Dumper(yaml.SafeDumper):
    """Block style, long text folded, keys in model order."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _empty_representer(dumper: yaml.SafeDumper, _: None) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")  # `key:`, not `key: null`


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(type(None), _empty_representer)


def schema_comment(depth: int = 2) -> str:
    """The yaml-language-server line that makes editors check the file against the schema."""
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_FILE}\n"


def manifest_data(manifest: Manifest) -> dict[str, Any]:
    """Plain data of a manifest, without empty fields."""
    data: dict[str, Any] = manifest.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return data


def dump_manifest(manifest: Manifest, *, header: str = "") -> str:
    """YAML text of the manifest, starting with the schema line and an optional header comment."""
    return dump_data(manifest_data(manifest), header=header)


def dump_data(data: dict[str, Any], *, header: str = "") -> str:
    """YAML text of manifest data that may not validate yet: an import leaves the fields its
    source cannot give empty (`key:`), so that `mifa validate` asks for them until filled in."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=100, default_flow_style=False)
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return schema_comment() + comments + body
