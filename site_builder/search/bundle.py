"""The search files a site ships: small term shards first, full text later, display chunks.

Layout under `search/` (all JSON, names carry a content hash so browsers may cache them):
- `manifest.json`: where everything is: per shard, its bound (the lowest term it can hold)
  and its files, in bound order;
- `t/<n>.<hash>.json`: lunr indexes over the short fields, one per range of terms, each of
  at most SHARD_BYTES (`t/<n>-<part>.<hash>.json` when one term's postings fill several);
- `x/<n>.<hash>.json`: the same over descriptions, fetched after the first results;
- `d/<n>.<hash>.json`: title, link, badge, types, snippet, thumbnail, score and licence
  verdicts for CHUNK documents each;
- `e/<n>.<hash>.json`: the descriptions of the same CHUNK documents, bounded (PASSAGE_CHARS),
  for snippets from the best passage; fetched only for the results shown;
- `facets.<hash>.json`: facet values and, per document, which values it has; the licence
  facet also gives each value's verdict, so the page groups licences by what they allow.
The manifest holds the licence verdicts ([kind, headline], most reusable first) once; results
and facet values refer to them by position. It also holds `terms` (terms.py: variants, stop
words, compounds), with which the browser reads a query as the index was built: every indexed
field is the field's text as `SearchTerms.expand` rewrites it.
A query fetches the manifest, the shards of its terms and the chunks of its top hits,
so the bytes moved grow with the query, not with the catalogue.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import pydantic

from ..workers import worker_pool
from .documents import (
    FACETS,
    SHORT_FIELDS,
    TEXT_FIELDS,
    SearchDocument,
    facet_label,
    passage_text,
    verdict_table,
)
from .lunr_shards import build_sharded_index
from .shard_plan import MAX_TERM_CHARS
from .terms import SearchTerms, search_terms

CHUNK = 16
"""Documents per display chunk: the first page of results fetches up to 20 chunks."""
SHARD_BYTES = {"t": 16_000, "x": 48_000}
"""Budget of one shard file's JSON. Short-field shards come before the first results, so they
are small (a query fetches one per word, about 3 KB gzipped); description shards come after,
so they are larger, which repeats each document's field reference in fewer files."""
FACET_VALUES_PER_DOCUMENT = 50
"""Values one dataset contributes to each facet (organisms, formats, ...), in manifest order."""
FORMAT_VERSION = 6
PASSAGE_CHARS = 2000
"""Characters of a description that snippets are chosen from (cut at a word's end)."""


def _json(data: Any) -> bytes:
    """Compact, key-sorted JSON; orjson because the stdlib encoder took 9 s at 10,000 datasets."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def _shards(documents: list[dict[str, str]], kind: str, terms: SearchTerms) -> list[tuple[str, list[bytes]]]:
    """Serialized shards of one field group: (bound, files) in bound order, each field indexed as
    `terms` rewrite it (here, so the description group's rewriting runs in its own process)."""
    fields = SHORT_FIELDS if kind == "t" else TEXT_FIELDS
    memo: dict[str, tuple[str, list[str]]] = {}
    rewritten = [{"ref": d["ref"], **{f.name: terms.expand(d[f.name], memo) for f in fields}}
                 for d in documents]
    return [(shard.bound, [_json(part) for part in shard.parts])
            for shard in build_sharded_index(rewritten, fields, max_bytes=SHARD_BYTES[kind])]


def _facet_values(document: SearchDocument, name: str) -> tuple[str, ...]:
    """A document's first values of one facet: a manifest listing 60,000 formats or organisms
    would otherwise make the facet file, and the search page's list of checkboxes, that long."""
    return document.facets.get(name, ())[:FACET_VALUES_PER_DOCUMENT]


def _verdicts_of(document: SearchDocument, position: dict[str, int]) -> list[int]:
    """The result's verdicts by position in the table: the images' alone when the annotations'
    are the same, else the images' and then the annotations' (repeats dropped); none for a
    document without a licence."""
    if not document.image_licence:
        return []
    images = position[document.image_licence]
    annotations = list(dict.fromkeys(position[spdx] for spdx in document.annotation_licences if spdx))
    return [images] if set(annotations) <= {images} else [images, *annotations]


def _named(folder: str, stem: str, data: bytes) -> str:
    return f"search/{folder}{stem}.{hashlib.sha256(data).hexdigest()[:10]}.json"


def search_files(documents: Sequence[SearchDocument], terms: SearchTerms | None = None) -> dict[str, bytes]:
    """Every file of the search bundle, keyed by site path. Refs are positions in `documents`.

    Fields are indexed as `terms` (by default the catalogue's search terms file) rewrite them."""
    terms = search_terms() if terms is None else terms
    files: dict[str, bytes] = {}
    short = [{"ref": str(i), **{f.name: d.fields.get(f.name, "") for f in SHORT_FIELDS}}
             for i, d in enumerate(documents)]
    text = [{"ref": str(i), **{f.name: d.fields.get(f.name, "") for f in TEXT_FIELDS}}
            for i, d in enumerate(documents)]
    shards: dict[str, list[tuple[str, list[str]]]] = {"t": [], "x": []}
    verdicts, position = verdict_table(
        spdx for d in documents
        for spdx in (d.image_licence, *d.annotation_licences, *_facet_values(d, "licence")))
    # The two field groups are independent: the descriptions are indexed in a second process
    # while this one indexes the short fields and writes the display chunks and facets.
    with worker_pool(1) as pool:
        text_job = pool.submit(_shards, text, "x", terms)
        built = {"t": _shards(short, "t", terms)}
        chunks: list[str] = []
        texts: list[str] = []
        for start in range(0, len(documents), CHUNK):
            rows = [[d.title, d.url, [list(b) for b in d.badges], list(d.type_labels), d.snippet, d.thumbnail,
                     d.score, _verdicts_of(d, position)]
                    for d in documents[start:start + CHUNK]]
            data = _json(rows)
            path = _named("d/", str(start // CHUNK), data)
            files[path] = data
            chunks.append(path.removeprefix("search/"))
            # Whole descriptions (bounded) for snippets from the best passage: fetched only for the
            # results shown, after they are drawn, so the bytes to the first result stay the same.
            text_data = _json([passage_text(d.fields.get("description", ""), PASSAGE_CHARS)
                               for d in documents[start:start + CHUNK]])
            text_path = _named("e/", str(start // CHUNK), text_data)
            files[text_path] = text_data
            texts.append(text_path.removeprefix("search/"))
        facets = []
        for name, label in FACETS:
            values = sorted({v for d in documents for v in _facet_values(d, name)},
                            reverse=(name == "year"))
            if name == "licence":  # grouped by what they allow, most reusable first
                values.sort(key=lambda v: (position[v], facet_label(name, v)))
            at = {v: i for i, v in enumerate(values)}
            facet: dict[str, Any] = {"name": name, "label": label, "values": values,
                                     "labels": [facet_label(name, v) for v in values],
                                     "docs": [[at[v] for v in _facet_values(d, name)] for d in documents]}
            if name == "licence":
                facet["verdicts"] = [position[v] for v in values]
            facets.append(facet)
        built["x"] = text_job.result()
    for folder in ("t", "x"):
        for number, (bound, parts) in enumerate(built[folder]):
            paths = []
            for part, data in enumerate(parts):
                path = _named(f"{folder}/", str(number) if len(parts) == 1 else f"{number}-{part}", data)
                files[path] = data
                paths.append(path.removeprefix("search/"))
            shards[folder].append((bound, paths))
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
                "fields": [f.name for f in SHORT_FIELDS], "maxTerm": MAX_TERM_CHARS,
                "verdicts": [[v.kind, v.headline] for v in verdicts], "terms": terms.manifest(),
                "texts": texts}
    files["search/manifest.json"] = _json(manifest)
    return files


def cached_search_files(documents: Sequence[SearchDocument], cache_dir: Path | None) -> dict[str, bytes]:
    """search_files, reused from `cache_dir` when the documents have not changed."""
    terms = search_terms()
    if cache_dir is None:
        return search_files(documents, terms)
    # The verdicts' words are part of the key: rewording one changes the bundle, not the documents.
    verdicts = verdict_table(spdx for d in documents for spdx in (d.image_licence, *d.annotation_licences))[0]
    key = hashlib.sha256(_json([[d.fields, d.facets, d.title, d.url, d.snippet, d.type_labels,
                                  d.badges, d.thumbnail, d.score, d.image_licence, d.annotation_licences]
                                 for d in documents])
                         + repr((FORMAT_VERSION, SHARD_BYTES, MAX_TERM_CHARS,
                                 FACET_VALUES_PER_DOCUMENT, verdicts, terms.key())).encode())
    entry = cache_dir / f"search-{key.hexdigest()[:24]}.json"
    remembered = _remembered(entry)
    if remembered is not None:
        return remembered
    files = search_files(documents, terms)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("search-*.json"):
        stale.unlink(missing_ok=True)
    tmp = entry.with_suffix(".tmp")
    tmp.write_bytes(orjson.dumps({p: b.decode("utf-8") for p, b in files.items()}))
    tmp.replace(entry)
    return files


_STORED: pydantic.TypeAdapter[dict[str, str]] = pydantic.TypeAdapter(dict[str, str])
_SEARCH_PATH = re.compile(r"search/(?:[a-z]/)?[A-Za-z0-9_.-]+\.json")
"""The only files a cached bundle may hold: it is written into the site as it is."""


def _remembered(entry: Path) -> dict[str, bytes] | None:
    """The bundle kept in `entry`, or None when there is none of the right shape."""
    try:
        stored = _STORED.validate_json(entry.read_bytes())
    except (OSError, ValueError):
        return None
    if not all(_SEARCH_PATH.fullmatch(path) and ".." not in path for path in stored):
        return None
    return {path: text.encode("utf-8") for path, text in stored.items()}
