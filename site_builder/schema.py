"""The manifest's JSON Schema, for editors and for the documentation."""

from __future__ import annotations

import json
from typing import Any

from .model import Manifest

SCHEMA_ID = "https://mifa-catalogue.org/schema/manifest.schema.json"
SCHEMA_FILE = "catalogue/manifest.schema.json"
"""Where the repository keeps a copy, so editors validate manifests while typing."""


def manifest_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a manifest, with field docs and levels."""
    schema = Manifest.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def manifest_schema_text() -> str:
    return json.dumps(manifest_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
