"""Render a site plan's pages and per-dataset files into a staged site, on every core.

Pages and file groups are independent, so they are split into slices that forked
workers render and write straight into the staged folder; each worker returns only
its part of the build record. A page or group whose key is unchanged since the last
build is linked from the previous site without being rendered. The bytes do not
depend on which process made them, so the site is the same as a serial build's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from ..workers import cpu_count, worker_pool
from .output import StagedSite, WriteStats
from .pages import FileGroup, Page

PARALLEL_FROM = 400
"""Below this many items, forking workers costs more than it saves."""
SLICE = 100
"""Items per task: small enough to balance two workers, large enough to keep queueing cheap."""

Item = Page | FileGroup
Record = dict[str, list[str | None]]

_job: tuple[StagedSite, Sequence[Item], Any, str] | None = None
"""The work of the current build, set before forking so workers inherit it (never pickled)."""


def _write_item(staged: StagedSite, item: Item, env: Any, site_key: str) -> None:
    if isinstance(item, FileGroup):
        key = f"{site_key}:{item.key}"
        if all(staged.reuse(path, key) for path in item.paths):
            return
        files = item.make()
        if set(files) != set(item.paths):
            raise RuntimeError(f"file group {item.key} made {sorted(files)}, planned {item.paths}")
        for path in item.paths:
            staged.write(path, files[path], key)
        return
    page_key = f"{site_key}:{item.key}" if item.key else None
    if page_key is None or not staged.reuse(item.path, page_key):
        html = env.get_template(item.template).render(item.context)
        staged.write(item.path, html.encode("utf-8"), page_key)


def _write_slice(bounds: tuple[int, int]) -> tuple[Record, WriteStats]:
    assert _job is not None
    staged, items, env, site_key = _job
    mine = dataclasses.replace(staged, record={}, stats=WriteStats(), folders=set())
    for item in items[bounds[0]:bounds[1]]:
        _write_item(mine, item, env, site_key)
    return mine.record, mine.stats


def write_items(staged: StagedSite, items: Sequence[Item], env: Any, site_key: str,
                progress: Callable[[int, int], None] | None = None, *, workers: int | None = None) -> None:
    """Render and stage every item, recording each file in `staged`."""
    global _job
    workers = cpu_count() if workers is None else workers
    slices = [(start, min(start + SLICE, len(items))) for start in range(0, len(items), SLICE)]
    _job = (staged, items, env, site_key)
    try:
        if workers < 2 or len(items) < PARALLEL_FROM:
            results = map(_write_slice, slices)
            _merge(staged, results, slices, len(items), progress)
        else:
            with worker_pool(workers) as pool:
                _merge(staged, pool.map(_write_slice, slices), slices, len(items), progress)
    finally:
        _job = None


def _merge(staged: StagedSite, results: Any, slices: list[tuple[int, int]], total: int,
           progress: Callable[[int, int], None] | None) -> None:
    for (_start, end), (record, stats) in zip(slices, results, strict=True):
        staged.record.update(record)
        staged.stats.written += stats.written
        staged.stats.unchanged += stats.unchanged
        if progress:
            progress(end, total)
