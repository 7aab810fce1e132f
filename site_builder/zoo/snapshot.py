"""The compact bioimage.io snapshot the site is built from.

The build never touches the network: `sync` (see `sync.py`) reads the BioImage Model Zoo index and
reports once, and this module turns each item's latest RDF into a small, deterministic `ZooItem`
stored in one JSON file. Byte-identical output for identical input keeps the committed snapshot
diff-friendly and builds reproducible.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

FORMAT = 1
PAGE_BASE = "https://bioimage.io/#/artifacts/"
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
_ZENODO_RECORD = re.compile(r"^https?://(?:www\.)?zenodo\.org/records?/(\d+)/?$")
_CONCEPT_RECORD = re.compile(r"^(10\.5281/zenodo\.\d+)/\d+$")


@dataclass(frozen=True)
class ZooItem:
    """One bioimage.io resource, reduced to what the catalogue shows and links by."""

    id: str
    type: str
    name: str
    description: str
    covers: tuple[str, ...]
    license: str | None
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    dois: tuple[str, ...]
    training_data: str | None
    links: tuple[str, ...]
    versions: tuple[str, ...]
    source: str | None
    page: str


@dataclass(frozen=True)
class Snapshot:
    """All synced items plus provenance; the index timestamp dates it (never the wall clock)."""

    items: tuple[ZooItem, ...]
    index_timestamp: str
    source: str


def _strs(value: object) -> tuple[str, ...]:
    """Keep the string entries of a list; RDFs in the wild put scalars or nulls where lists belong."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """Drop duplicates, keeping the first occurrence so the order stays as written."""
    return tuple(dict.fromkeys(values))


def bare_doi(value: str) -> str | None:
    """`https://doi.org/10.x/y` -> `10.x/y`; None when the value is not a DOI at all."""
    text = value.strip()
    for prefix in _DOI_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
            break
    return text if text.startswith("10.") and "/" in text else None


def resolve_cover(cover: str, version_source: str) -> str:
    """Resolve a relative cover file name against the folder of `source`, keeping `?version=vN`."""
    if urlsplit(cover).scheme:
        return cover
    parts = urlsplit(version_source)
    path = urljoin(parts.path, cover)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _aliases(rdf: Mapping[str, Any], nickname: str) -> tuple[str, ...]:
    """Legacy ids and DOIs naming this item (bioimageio.md §6, table A)."""
    found: list[str] = []
    rdf_id = rdf.get("id")
    if isinstance(rdf_id, str) and rdf_id.strip():
        rid = rdf_id.strip().removesuffix("/latest")
        found.append(rid)
        concept = _CONCEPT_RECORD.match(rid)
        if concept:
            found.append(concept.group(1))
    config = rdf.get("config")
    if isinstance(config, Mapping):
        found.extend(_strs(config.get("_conceptdoi")))
        bio = config.get("bioimageio")
        if isinstance(bio, Mapping):
            found.extend(_strs(bio.get("doi")))
            found.extend(_strs(bio.get("nickname")))
    source = rdf.get("source")
    if isinstance(source, str):
        record = _ZENODO_RECORD.match(source.strip())
        if record:
            found.append(f"10.5281/zenodo.{record.group(1)}")
    return tuple(sorted({a for a in found if a and a != nickname}))


def _cite_dois(rdf: Mapping[str, Any]) -> tuple[str, ...]:
    """DOIs from `cite[]`, from `doi` or a doi.org `url`, in bare form."""
    dois: list[str] = []
    cite = rdf.get("cite")
    for entry in cite if isinstance(cite, list) else []:
        if not isinstance(entry, Mapping):
            continue
        for key in ("doi", "url"):
            value = entry.get(key)
            if not isinstance(value, str):
                continue
            doi = bare_doi(value)
            if doi and (key == "doi" or value.strip() != doi):
                dois.append(doi)
                break
    return _unique(dois)


def _training_data(rdf: Mapping[str, Any]) -> str | None:
    """`training_data.id` exactly as written (resolution happens elsewhere, with its warnings)."""
    data = rdf.get("training_data")
    if isinstance(data, Mapping):
        data = data.get("id")
    return data if isinstance(data, str) else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def item_from_rdf(index_item: Mapping[str, Any], rdf: Mapping[str, Any], version_source: str) -> ZooItem:
    """Reduce one index entry and its latest RDF (`rdf_content`) to a `ZooItem`. Pure."""
    nickname = str(index_item["id"]).removeprefix("bioimage-io/")
    versions = index_item.get("versions")
    version_ids = tuple(
        str(v["version"]) for v in (versions if isinstance(versions, list) else [])
        if isinstance(v, Mapping) and v.get("version") is not None
    )
    kind = str(index_item.get("type") or rdf.get("type") or "unknown")
    description = _text(rdf.get("description")).replace("\\n", " ").strip()
    license_ = rdf.get("license")
    source = rdf.get("source")
    return ZooItem(
        id=nickname,
        type=kind,
        name=" ".join(_text(rdf.get("name")).split()) or nickname,
        description=description,
        covers=_unique(resolve_cover(c, version_source) for c in _strs(rdf.get("covers"))),
        license=license_.strip() if isinstance(license_, str) and license_.strip() else None,
        tags=_unique(_strs(rdf.get("tags"))),
        aliases=_aliases(rdf, nickname),
        dois=_cite_dois(rdf),
        training_data=_training_data(rdf),
        links=_unique(_strs(rdf.get("links"))),
        versions=version_ids,
        source=source.strip() if kind == "dataset" and isinstance(source, str) and source.strip() else None,
        page=PAGE_BASE + nickname,
    )


def snapshot_to_json(snapshot: Snapshot) -> str:
    """Serialise deterministically: sorted keys, indent 1, items sorted by id, trailing newline."""
    data = {
        "format": FORMAT,
        "index_timestamp": snapshot.index_timestamp,
        "source": snapshot.source,
        "items": [asdict(item) for item in sorted(snapshot.items, key=lambda i: i.id)],
    }
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def write_snapshot(snapshot: Snapshot, path: Path) -> None:
    """Write atomically (temp file + replace) so a crash never leaves a half-written snapshot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(snapshot_to_json(snapshot))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _item_from_json(raw: object) -> ZooItem:
    if not isinstance(raw, dict):
        raise ValueError("an item is not an object")
    fields = ZooItem.__dataclass_fields__
    missing = sorted(set(fields) - set(raw))
    if missing:
        raise ValueError(f"item {raw.get('id')!r} lacks {', '.join(missing)}")
    values: dict[str, Any] = {}
    for name in fields:
        value = raw[name]
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise ValueError(f"item {raw.get('id')!r}: {name} must be a list of strings")
            value = tuple(value)
        elif value is not None and not isinstance(value, str):
            raise ValueError(f"item {raw.get('id')!r}: {name} has the wrong type")
        values[name] = value
    return ZooItem(**values)


def load_snapshot(path: Path) -> Snapshot | None:
    """Read a snapshot; None when there is none yet, ValueError (naming the file) when it is corrupt."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("the top level is not an object")
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r} (expected {FORMAT})")
        timestamp, source, items = data.get("index_timestamp"), data.get("source"), data.get("items")
        if not isinstance(timestamp, str) or not isinstance(source, str) or not isinstance(items, list):
            raise ValueError("index_timestamp, source and items are required")
        parsed = tuple(sorted((_item_from_json(i) for i in items), key=lambda i: i.id))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(
            f"{path}: corrupt bioimage.io snapshot ({exc}); run the zoo sync again to rebuild it"
        ) from exc
    return Snapshot(items=parsed, index_timestamp=timestamp, source=source)
