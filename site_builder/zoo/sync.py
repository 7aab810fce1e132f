"""Fetch the BioImage Model Zoo index and latest reports into a local snapshot.

This is the only code that touches the network, and it runs on demand (`mifa zoo sync`), never
during a build: the build reads the snapshot this writes. bioimage.io being down must never
break anything, so every failure becomes a `SyncError` with a readable message, and the previous
snapshot is only replaced after a complete, successful sync.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .snapshot import Snapshot, ZooItem, item_from_rdf, write_snapshot

DEFAULT_SOURCE = "https://bioimage-io.github.io/collection"
USER_AGENT = "mifa-catalogue-zoo-sync/1"
KEPT = "the existing snapshot is kept"


class SyncError(Exception):
    """The sync could not complete; the message says why and that nothing was overwritten."""


class _Missing(Exception):
    """A single file does not exist (HTTP 404 or no such local file): skippable for reports."""


@dataclass(frozen=True)
class SyncResult:
    """The new snapshot plus notes about items that were skipped (e.g. a missing report)."""

    snapshot: Snapshot
    warnings: list[str] = field(default_factory=list)


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


class _Reader:
    """Reads `<source>/<relative path>` from a web server or a local folder of the same layout."""

    def __init__(self, source: str, timeout: float, retries: int) -> None:
        self.source = source.rstrip("/")
        self.timeout = timeout
        self.retries = max(0, retries)

    def where(self, rel: str) -> str:
        if _is_url(self.source):
            return f"{self.source}/{rel}"
        return str(Path(self.source) / rel)

    def read_json(self, rel: str) -> Any:
        raw = self._read_url(rel) if _is_url(self.source) else self._read_file(rel)
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise SyncError(f"{self.where(rel)} is not valid JSON ({exc}); {KEPT}") from exc

    def _read_file(self, rel: str) -> bytes:
        path = Path(self.source) / rel
        if not path.is_file():
            raise _Missing(f"{path}: no such file")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise SyncError(f"cannot read {path}: {exc}; {KEPT}") from exc

    def _read_url(self, rel: str) -> bytes:
        url = self.where(rel)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        reason = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(0.25 * 2 ** (attempt - 1), 2.0))  # short backoff: a sync is interactive
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body: bytes = response.read()
                    return body
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    raise _Missing(f"{url}: HTTP 404 not found") from exc
                reason = f"HTTP {exc.code} {exc.reason}"
                if exc.code < 500 and exc.code != 429:
                    break  # a client error will not go away by asking again
            except TimeoutError:
                reason = f"timed out after {self.timeout:g} s"
            except urllib.error.URLError as exc:
                is_timeout = isinstance(exc.reason, TimeoutError)
                reason = f"timed out after {self.timeout:g} s" if is_timeout else str(exc.reason)
            except (OSError, ValueError) as exc:  # connection reset, bad status line, ...
                reason = str(exc) or type(exc).__name__
        tries = "" if self.retries == 0 else f" ({self.retries + 1} attempts)"
        raise SyncError(f"cannot reach {url}: {reason}{tries}; {KEPT}")


def _label(source: str) -> str:
    """Provenance for the snapshot: the URL, or only the folder name (no machine-specific paths)."""
    return source.rstrip("/") if _is_url(source) else f"local folder {Path(source).resolve().name}"


def _last_version(item: Mapping[str, Any]) -> Mapping[str, Any] | None:
    versions = item.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[-1], Mapping):
        last: Mapping[str, Any] = versions[-1]
        if isinstance(last.get("version"), str):
            return last
    return None


def sync(
    source: str = DEFAULT_SOURCE,
    out: Path | None = None,
    *,
    timeout: float = 10,
    retries: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> SyncResult:
    """Read `index.json` and each item's latest `summary.json`; write `out` only if all went well."""
    reader = _Reader(source, timeout, retries)
    try:
        index = reader.read_json("index.json")
    except _Missing as exc:
        raise SyncError(f"cannot read the bioimage.io index: {exc}; {KEPT}") from exc
    items_raw = index.get("items") if isinstance(index, dict) else None
    timestamp = index.get("timestamp") if isinstance(index, dict) else None
    if not isinstance(items_raw, list) or not isinstance(timestamp, str):
        raise SyncError(f"{reader.where('index.json')} lacks 'items' or 'timestamp'; {KEPT}")

    warnings: list[str] = []
    items: dict[str, ZooItem] = {}
    total = len(items_raw)
    for done, entry in enumerate(items_raw, start=1):
        item = _sync_item(reader, entry, warnings)
        if item is not None:
            if item.id in items:
                warnings.append(f"{item.id}: listed twice in the index; the first entry is kept")
            else:
                items[item.id] = item
        if progress is not None:
            progress(done, total)

    snapshot = Snapshot(
        items=tuple(sorted(items.values(), key=lambda i: i.id)),
        index_timestamp=timestamp,
        source=_label(source),
    )
    if out is not None:
        write_snapshot(snapshot, out)
    return SyncResult(snapshot, warnings)


def _sync_item(reader: _Reader, entry: object, warnings: list[str]) -> ZooItem | None:
    """One index entry -> item, or None with a warning when its report is missing or unusable."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
        warnings.append(f"an index entry without an id was skipped: {str(entry)[:80]}")
        return None
    nickname = entry["id"].removeprefix("bioimage-io/")
    version = _last_version(entry)
    if version is None:
        warnings.append(f"{nickname}: no versions in the index; skipped")
        return None
    rel = f"reports/bioimage-io/{quote(nickname)}/{quote(version['version'])}/summary.json"
    try:
        summary = reader.read_json(rel)
    except _Missing:
        warnings.append(f"{nickname}: no report for {version['version']} ({reader.where(rel)}); skipped")
        return None
    rdf = summary.get("rdf_content") if isinstance(summary, dict) else None
    if not isinstance(rdf, dict):
        warnings.append(f"{nickname}: the report for {version['version']} has no rdf_content; skipped")
        return None
    return item_from_rdf(entry, rdf, str(version.get("source") or ""))
