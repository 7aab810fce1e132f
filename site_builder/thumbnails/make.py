"""Make every dataset's thumbnails: in parallel, cached, bounded, and never fatal to the build.

Each example image of a dataset's latest version becomes a card-size and a
page-size WebP with its annotation drawn over it, and a page-size WebP of the image alone
(the page's "image only" view) when an annotation was drawn. Results are cached under a
key made of the source's content hash (local files) or URL (remote stores) and
the rendering parameters, so a rebuild never re-reads an unchanged source. A
source that fails gives a placeholder and a warning naming the dataset.

Every local source is checked by type and size before it is opened (local_sources),
and each job runs in a child process with a memory ceiling and a deadline (isolated),
so an input that hides its cost still costs only its own thumbnail.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from PIL import Image, ImageChops, ImageDraw

from ..model import Manifest
from ..model.images import ExampleImage
from . import isolated
from .label_overlay import draw_labels, file_labels
from .local_sources import (
    SourceRefused,
    digest_source,
    inside_dataset,
    is_raster,
    is_remote,
    regular_file,
    size_text,
    store_folder,
)
from .raster import MAX_PIXELS, load_raster

__all__ = ["CARD", "MAX_PIXELS", "PAGE", "SourceRefused", "ThumbnailJob", "ThumbnailResult", "jobs_for",
           "make_thumbnails", "run_job"]

CARD, PAGE = 320, 960
MEMORY_BYTES = 2 * 2**30
"""Memory one job may take beyond what its process starts with."""
DEADLINE_S = 600.0
"""Time one job may take: far beyond any budgeted read, so only a hung one meets it."""
_TOO_MUCH_MEMORY = ("{source}: making its thumbnail needs more than the {limit} of memory it may use "
                    "(a chunk or image that decompresses to more than its metadata declares?)")
_CODE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ThumbnailJob:
    """One example image of one dataset."""

    dataset_id: str
    index: int
    folder: Path
    example: ExampleImage
    declared: dict[str, Any] = field(default_factory=dict)
    """Dimensions and pixel sizes the manifest declares, to compare with the store."""


@dataclass
class ThumbnailResult:
    """What a job produced: images (or a placeholder) and what to tell the submitter."""

    card: bytes
    page: bytes
    width: int
    height: int
    placeholder: bool
    details: dict[str, str] = field(default_factory=dict)
    """Read from the source: dimensions, pixel size, level used, labels drawn."""
    warnings: list[str] = field(default_factory=list)
    plain: bytes | None = None
    """The page-size image without its annotation, the same size as `page`; None when nothing was
    drawn over the image (no annotation, or none on this plane) and for a placeholder."""


def _code_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(_CODE.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(job: ThumbnailJob, code: str) -> str:
    """Source content (or URL), rendering parameters and the renderer's code."""
    digest = hashlib.sha256(code.encode())
    digest.update(json.dumps([job.example.model_dump(mode="json"), job.declared, CARD, PAGE],
                             sort_keys=True).encode())
    for source in (job.example.image, job.example.label_image, job.example.annotations):
        if not source:
            continue
        if is_remote(source):
            digest.update(source.encode())
        else:
            digest_source(digest, job.folder, source)
    return digest.hexdigest()[:32]


def _webp(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=82, method=4)
    return buffer.getvalue()


def placeholder(size: int, text: str = "no preview") -> Image.Image:
    """A neutral image where a thumbnail could not be made."""
    image = Image.new("RGB", (size, size * 3 // 4), (110, 110, 110))
    draw = ImageDraw.Draw(image)
    draw.text((size // 2, size * 3 // 8), text, fill=(255, 255, 255), anchor="mm")
    return image


def _render(job: ThumbnailJob,
            size: int) -> tuple[Image.Image, Image.Image, float, dict[str, str], list[str]]:
    """The example at `size` with its annotation drawn, the same without it, its scale (thumbnail px
    per source px), details and warnings."""
    from .ome_zarr_image import render_thumbnail
    from .vector_annotations import draw_shapes, read_vector_annotations

    example, notes = job.example, []
    source, plane = example.image, example.plane
    if example.labels and example.label_image:
        raise SourceRefused("give either labels (a label image in the store) or label_image (a mask file), "
                            "not both")
    details: dict[str, str] = {}
    raster = not is_remote(source) and is_raster(source)
    if raster:
        image = load_raster(regular_file(job.folder, source), source, max_pixels=MAX_PIXELS).convert("RGB")
        full_width = image.width
        details["dimensions"] = f"{image.width} × {image.height} px"
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
        if example.labels:
            notes.append(f"labels '{example.labels}' names a label image inside an OME-Zarr store, and "
                         f"{source} is a plain image: give its mask as label_image")
        plain = image
    else:
        location = source if is_remote(source) else store_folder(job.folder, source).path
        rendered = render_thumbnail(location, size=size, z=plane.z if plane else None,
                                    t=plane.t if plane else None, labels=example.labels,
                                    style=example.overlay, max_pixels=MAX_PIXELS, name=source)
        image, info = rendered.image, rendered.info
        plain = rendered.plain or image
        notes += rendered.notes
        full_width = info.level_shapes[0][-1]
        details = _store_details(info, rendered.level)
        if not example.illustrative:  # a made-up sample is not expected to match the real data
            notes += _compare_declared(info, job.declared)
    if example.label_image:
        mask = file_labels(regular_file(job.folder, example.label_image), example.label_image, MAX_PIXELS,
                           image.size)
        image, _, label_notes = draw_labels(image, mask, {}, example.overlay, example.label_image)
        notes += label_notes
    scale = image.width / full_width if full_width else 1.0
    if example.annotations:
        shapes, problems = read_vector_annotations(inside_dataset(job.folder, example.annotations),
                                                   image_name=example.annotation_image_name,
                                                   display_name=example.annotations)
        notes += [f"{p.file}:{p.line}:{p.column}: {p.message}" for p in problems]
        image = draw_shapes(image, shapes, scale=scale, z=float(plane.z) if plane and plane.z is not None
                            else None)
    return image, plain, scale, details, notes


def _store_details(info: Any, level: int) -> dict[str, str]:
    shape = info.level_shapes[0]
    axes = info.axes
    dims = " × ".join(f"{axis} {extent}" for axis, extent in zip(axes, shape, strict=False))
    sizes = ", ".join(f"{axis} {value:g} {info.units.get(axis, '')}".strip()
                      for axis, value in sorted(info.pixel_sizes.items()))
    return {"dimensions": dims, "pixel size": sizes or "not stated", "format": f"OME-Zarr {info.version}",
            "level shown": f"{level + 1} of {len(info.level_paths)} (1 = full resolution)"}


def _compare_declared(info: Any, declared: dict[str, Any]) -> list[str]:
    """Warnings where the store disagrees with what the manifest declares."""
    notes = []
    full = dict(zip(info.axes, info.level_shapes[0], strict=False))
    for axis, value in (declared.get("dimensions") or {}).items():
        if value is not None and axis in full and full[axis] != value:
            notes.append(f"the store's {axis} extent is {full[axis]}, the manifest declares {value}")
    sizes = declared.get("pixel_size") or {}
    for axis, value in sizes.items():
        if axis in ("x", "y", "z") and value is not None and axis in info.pixel_sizes:
            stored = info.pixel_sizes[axis]
            if abs(stored - value) > 1e-6 * max(abs(stored), abs(value)):
                notes.append(f"the store's {axis} pixel size is {stored:g}, the manifest declares {value:g}")
    return notes


def _placeholder(job: ThumbnailJob, message: str) -> ThumbnailResult:
    image, card = placeholder(PAGE), placeholder(CARD)
    return ThumbnailResult(_webp(card), _webp(image), image.width, image.height, True, {},
                           [f"no thumbnail for example {job.index + 1} of '{job.dataset_id}': {message}"])


def _differs(plain: Image.Image, page: Image.Image) -> bool:
    """Whether the annotation changed any pixel: only then is there an "image only" view to offer
    (a mask with no label on this plane, or shapes all on other planes, draw nothing)."""
    if plain.size != page.size:
        return True
    return ImageChops.difference(plain.convert("RGB"), page.convert("RGB")).getbbox() is not None


def render_job(job: ThumbnailJob) -> ThumbnailResult:
    """Render one job at both sizes in this process; any failure becomes a placeholder and a warning."""
    try:
        page, plain, _, details, notes = _render(job, PAGE)
        card = page.copy()
        card.thumbnail((CARD, CARD), Image.Resampling.LANCZOS)
        return ThumbnailResult(_webp(card), _webp(page), page.width, page.height, False, details, notes,
                               _webp(plain) if _differs(plain, page) else None)
    except MemoryError:
        return _placeholder(job, _TOO_MUCH_MEMORY.format(source=job.example.image,
                                                         limit=size_text(MEMORY_BYTES)))
    except Exception as exc:
        return _placeholder(job, getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}")


def run_job(job: ThumbnailJob) -> ThumbnailResult:
    """Render one job in a child process with a memory ceiling and a deadline (in this process where
    there can be no child); whatever goes wrong becomes a placeholder and a warning."""
    if not isolated.available():
        return render_job(job)
    try:
        outcome = isolated.call(render_job, job, memory_bytes=MEMORY_BYTES, deadline_s=DEADLINE_S)
    except OSError:  # no process to be had (the system's limit): the budgets still hold here
        return render_job(job)
    if outcome.value is not None:
        return outcome.value
    source = job.example.image
    if outcome.failure == "memory":
        return _placeholder(job, _TOO_MUCH_MEMORY.format(source=source, limit=size_text(MEMORY_BYTES)))
    if outcome.failure == "deadline":
        return _placeholder(job, f"{source}: making its thumbnail took longer than {DEADLINE_S:g} s; "
                                 "it was stopped")
    return _placeholder(job, f"{source}: making its thumbnail stopped unexpectedly ({outcome.detail})")


def _load_cached(path: Path) -> ThumbnailResult | None:
    """A cached result, its metadata checked by shape (one of the wrong shape is made again)."""
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or not isinstance(meta.get("plain"), bool):
            return None  # an entry of an older layout, or not one of ours
        plain = (path / "plain.webp").read_bytes() if meta["plain"] else None
        return _CACHED.validate_python({**meta, "card": (path / "card.webp").read_bytes(),
                                        "page": (path / "page.webp").read_bytes(), "plain": plain})
    except (OSError, ValueError, TypeError):
        return None


_CACHED: pydantic.TypeAdapter[ThumbnailResult] = pydantic.TypeAdapter(ThumbnailResult)


def _store(path: Path, result: ThumbnailResult) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "card.webp").write_bytes(result.card)
    (tmp / "page.webp").write_bytes(result.page)
    if result.plain is not None:
        (tmp / "plain.webp").write_bytes(result.plain)
    meta = {k: v for k, v in asdict(result).items() if k not in ("card", "page", "plain")}
    meta["plain"] = result.plain is not None
    (tmp / "meta.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
    if path.exists():
        return
    tmp.rename(path)


def jobs_for(dataset_id: str, folder: Path, manifest: Manifest) -> list[ThumbnailJob]:
    """One job per example image of the manifest."""
    images = manifest.images
    if images is None:
        return []
    declared: dict[str, Any] = {}
    if images.image_data:
        data = images.image_data[0]
        declared = {"dimensions": data.dimensions.model_dump() if data.dimensions else None,
                    "pixel_size": data.pixel_size.model_dump() if data.pixel_size else None}
    return [ThumbnailJob(dataset_id, i, folder, example, declared)
            for i, example in enumerate(images.examples)]


Submit = Callable[[Callable[[ThumbnailJob], ThumbnailResult], ThumbnailJob], Any]
"""`executor.submit`-like: a local thread pool's, or a dask.distributed Client's."""


def make_thumbnails(jobs: Iterable[ThumbnailJob], cache: Path | None, *,
                    submit: Submit | None = None) -> dict[tuple[str, int], ThumbnailResult]:
    """Every job's result, from the cache when its key is known, else rendered in parallel."""
    code = _code_hash()
    results: dict[tuple[str, int], ThumbnailResult] = {}
    pending: list[tuple[ThumbnailJob, Path | None]] = []
    for job in jobs:
        entry = cache / "thumbnails" / cache_key(job, code) if cache is not None else None
        cached = _load_cached(entry) if entry is not None else None
        if cached is not None:
            results[(job.dataset_id, job.index)] = cached
        else:
            pending.append((job, entry))
    if not pending:
        return results
    if submit is None:  # imported once here, not in every child process
        from . import ome_zarr_image, vector_annotations  # noqa: F401
        Image.init()  # every image plugin, which PIL would otherwise import on first use, in each child
    pool = ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 2) * 2)) if submit is None else None
    try:
        run = submit or pool.submit  # type: ignore[union-attr]
        futures = [(job, entry, run(run_job, job)) for job, entry in pending]
        for job, entry, future in futures:
            result: ThumbnailResult = future.result()
            results[(job.dataset_id, job.index)] = result
            if entry is not None and not result.placeholder:
                _store(entry, result)
    finally:
        if pool is not None:
            pool.shutdown()
    return results
