"""Make every dataset's thumbnails: in parallel, cached, and never fatal to the build.

Each example image of a dataset's latest version becomes a card-size and a
page-size WebP with its annotation drawn over it. Results are cached under a
key made of the source's content hash (local files) or URL (remote stores) and
the rendering parameters, so a rebuild never re-reads an unchanged source. A
source that fails gives a placeholder and a warning naming the dataset.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, UnidentifiedImageError

from ..model import Manifest
from ..model.images import ExampleImage

CARD, PAGE = 320, 960
MAX_PIXELS = 64_000_000
"""Largest plain image (PNG/JPEG/TIFF) opened; bigger ones are refused as possible bombs."""
_CODE = Path(__file__).resolve().parent
_RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


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


class SourceRefused(Exception):
    """A local source that is not read: a link out of the dataset, a bomb, an unknown format."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _is_remote(source: str) -> bool:
    return source.startswith(("http://", "https://", "s3://"))


def _leaves(folder: Path, path: Path) -> bool:
    """True when `path`, or a link anywhere inside it, resolves outside the dataset folder.

    The model keeps written paths inside the folder; this catches symbolic links, which
    would otherwise put a file from elsewhere on the machine into the site as a thumbnail."""
    inside = folder.resolve()
    if not path.resolve().is_relative_to(inside):
        return True
    if path.is_dir() and not path.is_symlink():
        for root, dirs, files in os.walk(path):
            for name in (*dirs, *files):
                entry = Path(root, name)
                if entry.is_symlink() and not entry.resolve().is_relative_to(inside):
                    return True
    return False


def _local(job: ThumbnailJob, source: str) -> Path:
    """A source in the dataset folder, refused when a link leads out of it."""
    path = job.folder / source
    if _leaves(job.folder, path):
        raise SourceRefused(f"{source}: a symbolic link leads outside the dataset folder; "
                            "it is not read")
    return path


def _hash_path(digest: Any, path: Path) -> None:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file():
                digest.update(child.relative_to(path).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(child.read_bytes()).digest())
    elif path.is_file():
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    else:
        digest.update(b"missing")


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
        if _is_remote(source):
            digest.update(source.encode())
        elif _leaves(job.folder, job.folder / source):
            digest.update(b"outside")
        else:
            _hash_path(digest, job.folder / source)
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


def _open_raster(path: Path, name: str) -> Image.Image:
    """A plain image file, refusing decompression bombs from the size in its header.

    The size is compared here rather than through PIL's global MAX_IMAGE_PIXELS and a
    warnings filter: neither is thread-safe, and thumbnails are made in parallel."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked just below
        try:
            opened = Image.open(path)
        except Image.DecompressionBombError as exc:
            raise SourceRefused(f"{name}: {exc}") from None
        except FileNotFoundError:
            raise SourceRefused(f"{name}: no such file in the dataset folder") from None
        except UnidentifiedImageError:
            raise SourceRefused(f"{name}: not a PNG, JPEG or TIFF image that can be read") from None
    with opened:
        if opened.width * opened.height > MAX_PIXELS:
            raise SourceRefused(f"{name}: an image of {opened.width}×{opened.height} px exceeds the limit "
                                f"of {MAX_PIXELS} px (possible decompression bomb)")
        try:
            opened.load()
        except OSError as exc:  # truncated or corrupt data
            raise SourceRefused(f"{name}: cannot read the image: {exc}") from None
        return opened.convert("RGB")


def _render(job: ThumbnailJob, size: int) -> tuple[Image.Image, float, dict[str, str], list[str]]:
    """The example at `size`, its scale (thumbnail px per source px), details and warnings."""
    from .ome_zarr_image import render_thumbnail
    from .vector_annotations import draw_shapes, read_vector_annotations

    example, notes = job.example, []
    source = example.image
    plane = example.plane
    location: str | Path = source if _is_remote(source) else _local(job, source)
    details: dict[str, str] = {}
    if not _is_remote(source) and Path(source).suffix.lower() in _RASTER_SUFFIXES:
        image = _open_raster(Path(location), source)
        full_width = image.width
        details["dimensions"] = f"{image.width} × {image.height} px"
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
    else:
        if isinstance(location, Path) and location.is_file():
            raise SourceRefused(f"{source}: not an OME-Zarr store (a folder) nor a PNG, JPEG or TIFF file")
        rendered = render_thumbnail(location, size=size, z=plane.z if plane else None,
                                    t=plane.t if plane else None, labels=example.labels,
                                    label_image=_local(job, example.label_image) if example.label_image
                                    else None, style=example.overlay)
        image, info = rendered.image, rendered.info
        full_width = info.level_shapes[0][-1]
        details = _store_details(info, rendered.level)
        if not example.illustrative:  # a made-up sample is not expected to match the real data
            notes += _compare_declared(info, job.declared)
    scale = image.width / full_width if full_width else 1.0
    if example.annotations:
        shapes, problems = read_vector_annotations(_local(job, example.annotations),
                                                   image_name=example.annotation_image_name,
                                                   display_name=example.annotations)
        notes += [f"{p.file}:{p.line}:{p.column}: {p.message}" for p in problems]
        image = draw_shapes(image, shapes, scale=scale, z=float(plane.z) if plane and plane.z is not None
                            else None)
    return image, scale, details, notes


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


def run_job(job: ThumbnailJob) -> ThumbnailResult:
    """Render one job at both sizes; any failure becomes a placeholder and a warning."""
    try:
        page, _, details, notes = _render(job, PAGE)
        card = page.copy()
        card.thumbnail((CARD, CARD), Image.Resampling.LANCZOS)
        return ThumbnailResult(_webp(card), _webp(page), page.width, page.height, False, details, notes)
    except Exception as exc:
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        image = placeholder(PAGE)
        card = placeholder(CARD)
        return ThumbnailResult(_webp(card), _webp(image), image.width, image.height, True, {},
                               [f"no thumbnail for example {job.index + 1} of '{job.dataset_id}': {message}"])


def _load_cached(path: Path) -> ThumbnailResult | None:
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        return ThumbnailResult((path / "card.webp").read_bytes(), (path / "page.webp").read_bytes(), **meta)
    except (OSError, ValueError, TypeError):
        return None


def _store(path: Path, result: ThumbnailResult) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "card.webp").write_bytes(result.card)
    (tmp / "page.webp").write_bytes(result.page)
    meta = {k: v for k, v in asdict(result).items() if k not in ("card", "page")}
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
