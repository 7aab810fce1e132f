"""The search files a site ships: small term shards first, full text later, display chunks.

Layout under `search/` (all JSON, names carry a content hash so browsers may cache them):
- `manifest.json`: where everything is, and the shard keys present;
- `t/<key>.<hash>.json`: lunr indexes over the short fields, one per term prefix;
- `x/<key>.<hash>.json`: lunr indexes over descriptions, fetched after the first results;
- `d/<n>.<hash>.json`: title, link, badge, types and snippet for 64 documents each;
- `facets.<hash>.json`: facet values and, per document, which values it has.
A query fetches the manifest, the shards of its terms and the chunks of its top hits,
so the bytes moved grow with the query, not with the catalogue.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from ..workers import worker_pool
from .documents import FACETS, SHORT_FIELDS, TEXT_FIELDS, SearchDocument, facet_label
from .lunr_shards import build_sharded_index

CHUNK = 16
"""Documents per display chunk: the first page of results fetches up to 20 chunks."""
MAX_POSTINGS = 2_000
"""A two-character group with more postings than this (about 45 KB of JSON) is split into
three-character shards, so a query never fetches a huge shard for a common prefix."""
FORMAT_VERSION = 2


def _json(data: Any) -> bytes:
    """Compact, key-sorted JSON; orjson because the stdlib encoder took 9 s at 10,000 datasets."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def _shards(documents: list[dict[str, str]], kind: str) -> dict[str, bytes]:
    """Serialized shards of one field group."""
    fields = SHORT_FIELDS if kind == "t" else TEXT_FIELDS
    # Description shards are fetched after the first results, so they stay at two characters:
    # splitting them would repeat each document's vector in a hundred more files.
    built = build_sharded_index(documents, fields, max_postings=MAX_POSTINGS if kind == "t" else None)
    return {key: _json(index) for key, index in built.items()}


def _named(folder: str, stem: str, data: bytes) -> str:
    return f"search/{folder}{stem}.{hashlib.sha256(data).hexdigest()[:10]}.json"


def search_files(documents: Sequence[SearchDocument]) -> dict[str, bytes]:
    """Every file of the search bundle, keyed by site path. Refs are positions in `documents`."""
    files: dict[str, bytes] = {}
    short = [{"ref": str(i), **{f.name: d.fields.get(f.name, "") for f in SHORT_FIELDS}}
             for i, d in enumerate(documents)]
    text = [{"ref": str(i), **{f.name: d.fields.get(f.name, "") for f in TEXT_FIELDS}}
            for i, d in enumerate(documents)]
    shards: dict[str, dict[str, str]] = {"t": {}, "x": {}}
    # The two field groups are independent: the descriptions are indexed in a second process
    # while this one indexes the short fields and writes the display chunks and facets.
    with worker_pool(1) as pool:
        text_job = pool.submit(_shards, text, "x")
        built = {"t": _shards(short, "t")}
        chunks = []
        for start in range(0, len(documents), CHUNK):
            rows = [[d.title, d.url, [list(b) for b in d.badges], list(d.type_labels), d.snippet, d.thumbnail,
                     d.score]
                    for d in documents[start:start + CHUNK]]
            data = _json(rows)
            path = _named("d/", str(start // CHUNK), data)
            files[path] = data
            chunks.append(path.removeprefix("search/"))
        facets = []
        for name, label in FACETS:
            values = sorted({v for d in documents for v in d.facets.get(name, ())},
                            reverse=(name == "year"))
            position = {v: i for i, v in enumerate(values)}
            facets.append({"name": name, "label": label, "values": values,
                           "labels": [facet_label(name, v) for v in values],
                           "docs": [[position[v] for v in d.facets.get(name, ())] for d in documents]})
        built["x"] = text_job.result()
    for folder in ("t", "x"):
        for key, data in sorted(built[folder].items()):
            path = _named(f"{folder}/", key, data)
            files[path] = data
            shards[folder][key] = path.removeprefix("search/")
    score_data = _json([d.score for d in documents])
    score_path = _named("", "scores", score_data)
    files[score_path] = score_data
    facet_data = _json(facets)
    facet_path = _named("", "facets", facet_data)
    files[facet_path] = facet_data
    manifest = {"version": FORMAT_VERSION, "count": len(documents), "chunk": CHUNK,
                "short": shards["t"], "text": shards["x"], "chunks": chunks,
                "facets": facet_path.removeprefix("search/"),
                "scores": score_path.removeprefix("search/"),
                "fields": [f.name for f in SHORT_FIELDS]}
    files["search/manifest.json"] = _json(manifest)
    return files


def cached_search_files(documents: Sequence[SearchDocument], cache_dir: Path | None) -> dict[str, bytes]:
    """search_files, reused from `cache_dir` when the documents have not changed."""
    if cache_dir is None:
        return search_files(documents)
    key = hashlib.sha256(_json([[d.fields, d.facets, d.title, d.url, d.snippet, d.type_labels,
                                  d.badges, d.thumbnail, d.score] for d in documents])
                         + str(FORMAT_VERSION).encode())
    entry = cache_dir / f"search-{key.hexdigest()[:24]}.json"
    if entry.is_file():
        try:
            stored = json.loads(entry.read_text(encoding="utf-8"))
            return {path: text.encode("utf-8") for path, text in stored.items()}
        except (OSError, ValueError):
            pass
    files = search_files(documents)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("search-*.json"):
        stale.unlink(missing_ok=True)
    tmp = entry.with_suffix(".tmp")
    tmp.write_text(json.dumps({p: b.decode("utf-8") for p, b in files.items()}), encoding="utf-8")
    tmp.replace(entry)
    return files
