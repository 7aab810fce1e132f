"""Thumbnails of OME-Zarr images (NGFF 0.4/0.5) with label overlays, reading only metadata and one plane
of the smallest sufficient level, so a terabyte remote store costs a few chunks; errors: ThumbnailError.

What a read would cost is checked from the metadata first (zarr_budget): levels, channels, the plane's
bytes with every channel, the chunks it touches; a plane larger than the thumbnail needs is averaged
down before it is coloured, so drawing costs the thumbnail's size, not the plane's."""

from __future__ import annotations

import contextlib
import math
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt
import zarr
from ome_zarr.format import Format, FormatV05, detect_format, format_from_version  # type: ignore[import-untyped]
from ome_zarr.io import parse_url  # type: ignore[import-untyped]
from PIL import Image
from zarr.storage import FsspecStore, LocalStore

from ..regular_files import kind_of
from .label_overlay import FILL_ALPHA, draw_labels, file_labels, label_colour
from .local_sources import SourceRefused
from .zarr_budget import plane_read_problem

__all__ = ["FILL_ALPHA", "Rendered", "StoreInfo", "ThumbnailError", "inspect_store", "label_colour",
           "render_thumbnail"]

T = TypeVar("T")
MAX_ELEMENTS = 10**12  # a declared shape beyond this is a hostile or broken store, not an image
MAX_LEVELS = 64  # resolution levels; each is an array whose metadata is read
MAX_CHANNELS = 1024  # each is coloured on its own
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
TOTAL_TIMEOUT_S = 120.0  # one request, however slowly a server trickles its answer
RETRIES = 2  # remote reads are retried this many times after a failure other than a timeout
PALETTE = ("#00FF00", "#FF00FF", "#00FFFF", "#FFFF00", "#FF0000", "#0000FF", "#FF8000", "#FFFFFF")
_NOT_TRANSIENT = (FileNotFoundError, KeyError, ValueError, TypeError, IndexError, TimeoutError)
"""Not retried; a server that did not answer in time is not asked twice more (it would triple
the time a dead host holds up the build)."""


class ThumbnailError(Exception):
    """A source that cannot give a thumbnail; `message` is shown in a build warning."""
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Channel:
    """Display settings of one channel; NaN start/end mean "auto" (percentile contrast)."""
    label: str
    colour: str  # "#RRGGBB"
    start: float
    end: float
    active: bool


@dataclass(frozen=True)
class StoreInfo:
    """What the store's metadata says, for the thumbnail and the dataset page."""
    version: str
    axes: tuple[str, ...]
    level_paths: tuple[str, ...]
    level_shapes: tuple[tuple[int, ...], ...]
    pixel_sizes: dict[str, float]
    units: dict[str, str]
    channels: tuple[Channel, ...]
    has_omero: bool
    label_names: tuple[str, ...]


@dataclass(frozen=True)
class Rendered:
    """A thumbnail and where it came from."""
    image: Image.Image
    level: int
    info: StoreInfo
    labels_drawn: bool
    notes: tuple[str, ...] = ()
    """What the submitter should know although a thumbnail was made (labels left out)."""
    plain: Image.Image | None = None
    """The same picture before the labels were drawn (the page's "image only" view); None when
    `image` has nothing drawn over it."""


@dataclass(frozen=True)
class _Store:
    store: LocalStore | FsspecStore
    name: str
    remote: bool

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """Run a read, retrying transient remote failures; wrap every failure as ThumbnailError."""
        attempts = 1 + (RETRIES if self.remote else 0)
        for attempt in range(attempts):
            try:
                return fn()
            except (ThumbnailError, MemoryError):
                raise
            except Exception as exc:
                if attempt + 1 < attempts and not isinstance(exc, _NOT_TRANSIENT):
                    time.sleep(0.25 * (attempt + 1))
                    continue
                detail = (f"no answer within the time limit ({type(exc).__name__})"
                          if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}")
                raise ThumbnailError(f"{self.name}: cannot read {what}: {detail}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def array(self, path: str) -> Any:
        """Array metadata only: opening an array reads no chunk."""
        return self.call(f"array '{path}'", lambda: zarr.open_array(self.store, path=path, mode="r"))


@contextlib.contextmanager
def _wrapped(name: str) -> Iterator[None]:
    """A zarr/numpy/PIL surprise from malformed input must become a build warning, not a crash."""
    try:
        yield
    except (ThumbnailError, MemoryError):
        raise
    except Exception as exc:
        raise ThumbnailError(f"{name}: {type(exc).__name__}: {exc}") from exc


def _open(location: str | Path, name: str | None = None) -> _Store:
    """A read-only store; remote ones get connect/read timeouts so a dead host cannot hang the build."""
    text = str(location)
    if text.startswith(("http://", "https://")):
        import aiohttp
        timeout = aiohttp.ClientTimeout(total=TOTAL_TIMEOUT_S, connect=CONNECT_TIMEOUT_S,
                                        sock_read=READ_TIMEOUT_S)
        with _wrapped(f"{text}: cannot open URL"):
            options = {"client_kwargs": {"timeout": timeout}}
            store = FsspecStore.from_url(text.rstrip("/"), storage_options=options, read_only=True)
        return _Store(store, text, remote=True)
    if "://" in text:
        raise ThumbnailError(f"{text}: only local paths and http(s) URLs are supported")
    path = Path(location)
    try:
        mode = path.stat().st_mode
    except OSError:
        raise ThumbnailError(f"{path}: OME-Zarr store not found (no such directory)") from None
    if not path.is_dir():
        raise ThumbnailError(f"{path}: is {kind_of(mode)}, not an OME-Zarr store (a folder)")
    return _Store(LocalStore(path, read_only=True), name or str(path), remote=False)


def _attrs(src: _Store, path: str = "") -> dict[str, Any]:
    """A group's attributes, unwrapping the v0.5 "ome" namespace."""
    attrs = dict(src.call(f"group '{path or '/'}'", lambda: zarr.open_group(src.store, path=path, mode="r")
                          ).attrs.asdict())
    ome = attrs.get("ome")
    return {**attrs, **ome} if isinstance(ome, dict) else attrs


def _axes(multiscale: dict[str, Any], ndim: int) -> tuple[tuple[str, ...], dict[str, str], set[str]]:
    """Axis names, units and spatial axes; pre-0.4 stores give names only, or nothing (implied tczyx)."""
    raw = multiscale.get("axes") or list("tczyx"[5 - ndim:])
    names, units, spatial = [], {}, set()
    for axis in raw:
        entry = axis if isinstance(axis, dict) else {"name": str(axis)}
        name = str(entry.get("name"))
        names.append(name)
        if entry.get("type") == "space" or (entry.get("type") is None and name in "zyx"):
            spatial.add(name)
            if isinstance(entry.get("unit"), str):
                units[name] = entry["unit"]
    return tuple(names), units, spatial


def _scale(ndim: int, *transforms: Any) -> list[float]:
    """Per-axis scale: the product of every scale transform (dataset, then multiscale-wide)."""
    scale = [1.0] * ndim
    for item in (i for group in transforms if isinstance(group, list) for i in group):
        if isinstance(item, dict) and item.get("type") == "scale" and len(item.get("scale", [])) == ndim:
            scale = [a * float(b) for a, b in zip(scale, item["scale"], strict=True)]
    return scale


def _colour(value: Any, fallback: str) -> str:
    text = str(value or "").lstrip("#")
    return f"#{text.upper()}" if re.fullmatch("[0-9A-Fa-f]{6}", text) else fallback


def _channels(omero: Any, count: int) -> tuple[tuple[Channel, ...], bool]:
    """OMERO channel settings when they fit the data, else defaults (grey, or the palette)."""
    colours = ["#FFFFFF"] if count == 1 else [PALETTE[i % len(PALETTE)] for i in range(count)]
    defaults = [Channel(f"Channel {i}", colours[i], math.nan, math.nan, True) for i in range(count)]
    entries = omero.get("channels") if isinstance(omero, dict) else None
    if not isinstance(entries, list) or len(entries) != count:
        return tuple(defaults), False
    channels = []
    for default, entry in zip(defaults, entries, strict=True):
        entry = entry if isinstance(entry, dict) else {}
        window = entry.get("window")
        window = window if isinstance(window, dict) else {}
        start, end = window.get("start"), window.get("end")
        if not (isinstance(start, int | float) and isinstance(end, int | float)):
            start = end = math.nan
        channels.append(Channel(str(entry.get("label") or default.label),
                                _colour(entry.get("color"), default.colour), float(start), float(end),
                                bool(entry.get("active", True))))
    return tuple(channels), True


def _inspect(src: _Store) -> StoreInfo:
    """Metadata via ome-zarr; the format is detected first so that ome-zarr keeps our store and timeouts."""
    root = _attrs(src)
    version = root.get("version") or ((root.get("multiscales") or [{}])[0] or {}).get("version")
    fmt: Format = format_from_version(str(version)) if version else detect_format(root, FormatV05())
    location = src.call("OME-Zarr metadata", lambda: parse_url(src.store, fmt=fmt))
    if location is None:
        raise ThumbnailError(f"{src.name}: not a Zarr group")
    root = dict(location.root_attrs)
    multiscales = root.get("multiscales")
    if not isinstance(multiscales, list) or not multiscales or not isinstance(multiscales[0], dict):
        raise ThumbnailError(f"{src.name}: no 'multiscales' metadata: not an OME-Zarr image")
    multiscale = multiscales[0]
    datasets = multiscale.get("datasets")
    if not isinstance(datasets, list) or not datasets or not all(isinstance(d, dict) and d.get("path")
                                                                 for d in datasets):
        raise ThumbnailError(f"{src.name}: 'multiscales[0].datasets' is missing or lacks paths")
    paths = tuple(str(d["path"]) for d in datasets)
    shapes, (axes, units, spatial) = _levels(src, "", paths, multiscale)
    scale = _scale(len(axes), datasets[0].get("coordinateTransformations"),
                   multiscale.get("coordinateTransformations"))
    count = shapes[0][axes.index("c")] if "c" in axes else 1
    if count > MAX_CHANNELS:
        raise ThumbnailError(f"{src.name}: {count:,} channels, more than the limit of {MAX_CHANNELS:,} "
                             "channels that can be coloured into one thumbnail")
    channels, has_omero = _channels(root.get("omero"), count)
    names: Any = []
    with contextlib.suppress(ThumbnailError):  # no labels group is the common case, not an error
        names = _attrs(src, "labels").get("labels", [])
    return StoreInfo(version=str(fmt.version), axes=axes, level_paths=paths, level_shapes=shapes,
                     pixel_sizes={a: s for a, s in zip(axes, scale, strict=True) if a in spatial},
                     units=units, channels=channels, has_omero=has_omero,
                     label_names=tuple(str(n) for n in names if isinstance(names, list)))


def _levels(src: _Store, base: str, paths: tuple[str, ...], multiscale: dict[str, Any]) -> tuple[
        tuple[tuple[int, ...], ...], tuple[tuple[str, ...], dict[str, str], set[str]]]:
    """Shapes of every level (array metadata only) and the axes, refusing absurd declarations."""
    if len(paths) > MAX_LEVELS:
        where = f"{src.name}/{base.rstrip('/')}" if base else src.name
        raise ThumbnailError(f"{where}: {len(paths):,} resolution levels, more than the limit of "
                             f"{MAX_LEVELS}")
    shapes = []
    for path in paths:
        shapes.append(tuple(int(n) for n in src.array(base + path).shape))
    axes = _axes(multiscale, len(shapes[0]))
    for path, shape in zip(paths, shapes, strict=True):  # refused before any chunk is fetched
        if len(shape) != len(axes[0]) or any(n <= 0 for n in shape) or math.prod(shape) > MAX_ELEMENTS:
            raise ThumbnailError(f"{src.name}/{base}{path}: absurd declared shape {shape} for axes {axes[0]}"
                                 " (a decompression bomb or a broken store)")
    if "y" not in axes[0] or "x" not in axes[0]:
        raise ThumbnailError(f"{src.name}/{base}: axes {axes[0]} lack 'y' and 'x'")
    return tuple(shapes), axes


def inspect_store(location: str | Path) -> StoreInfo:
    """The store's metadata only (no chunk is read), for dataset pages and checks."""
    src = _open(location)
    with _wrapped(src.name):
        return _inspect(src)


def _choose_level(shapes: tuple[tuple[int, ...], ...], axes: tuple[str, ...], size: int) -> int:
    """Smallest level whose longest y/x side still covers `size`; else the largest level."""
    sides = [max(s[axes.index("y")], s[axes.index("x")]) for s in shapes]
    enough = [i for i, side in enumerate(sides) if side >= size]
    return min(enough, key=lambda i: sides[i]) if enough else max(range(len(sides)), key=lambda i: sides[i])


def _plane_index(axes: tuple[str, ...], shape: tuple[int, ...], z: int | None, t: int | None,
                 full_z: int | None = None) -> tuple[int | slice, ...]:
    """One z/t plane with every channel; z is rescaled when this array has fewer z planes."""
    index: list[int | slice] = []
    for axis, extent in zip(axes, shape, strict=True):
        if axis in ("z", "t"):
            wanted = z if axis == "z" else t
            if wanted is None:
                wanted = extent // 2 if axis == "z" else 0
            elif axis == "z" and full_z:
                wanted = wanted * extent // full_z
            if not 0 <= wanted < extent:
                raise ThumbnailError(f"{axis}={wanted} is outside the image (0–{extent - 1})")
            index.append(wanted)
        else:  # all channels and y/x; an unknown extra axis at its first position
            index.append(slice(None) if axis in ("c", "y", "x") else 0)
    return tuple(index)


def _read_plane(src: _Store, path: str, axes: tuple[str, ...], index: tuple[int | slice, ...]) -> Any:
    """Fetch only the chunks of one plane, once its cost is known to fit; returns (c, y, x)."""
    array = src.array(path)
    problem = plane_read_problem(array, index, axes)
    if problem is not None:
        raise ThumbnailError(f"{src.name}/{path}: {problem}")
    plane = np.asarray(src.call(f"chunks of '{path}'", lambda: array[index]))
    kept = [a for a, i in zip(axes, index, strict=True) if isinstance(i, slice)]
    if "c" not in kept:
        plane, kept = plane[np.newaxis], ["c", *kept]
    return np.transpose(plane, [kept.index(a) for a in ("c", "y", "x")])


def _shrink_factor(height: int, width: int, size: int) -> int:
    """Block size that averages a plane down to about twice the thumbnail, which LANCZOS then finishes."""
    return max(1, min(max(height, width) // (2 * size), height, width))


def _channel(plane: npt.NDArray[Any], index: int, factor: int) -> npt.NDArray[np.float32]:
    """One channel as float32, averaged over factor x factor blocks (the ragged edge is dropped)."""
    values = plane[index]
    if factor == 1:
        return np.asarray(values, dtype=np.float32)
    height, width = values.shape[0] // factor, values.shape[1] // factor
    blocks = values[:height * factor, :width * factor].reshape(height, factor, width, factor)
    return np.asarray(blocks.mean(axis=(1, 3), dtype=np.float32), dtype=np.float32)


def _composite(plane: npt.NDArray[Any], channels: tuple[Channel, ...],
               factor: int = 1) -> npt.NDArray[np.uint8]:
    """Additive colour composite: OMERO windows when given, else 1st–99.8th percentile contrast."""
    shown = [i for i, c in enumerate(channels) if c.active] or list(range(len(channels)))
    out = np.zeros((plane.shape[1] // factor, plane.shape[2] // factor, 3), dtype=np.float32)
    for i in shown:
        values = _channel(plane, i, factor)
        start, end = channels[i].start, channels[i].end
        if math.isnan(start) or math.isnan(end):
            finite = values[np.isfinite(values)]
            start, end = (float(v) for v in np.percentile(finite, [1, 99.8])) if finite.size else (0.0, 1.0)
        span = end - start if end > start else 1.0
        scaled = np.clip(np.nan_to_num((values - start) / span), 0.0, 1.0)
        out += scaled[..., np.newaxis] * np.array(list(bytes.fromhex(channels[i].colour[1:])), np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def _label_colours(attrs: dict[str, Any]) -> dict[int, tuple[int, int, int]]:
    colours: dict[int, tuple[int, int, int]] = {}
    for entry in (attrs.get("image-label") or {}).get("colors") or []:
        rgba = entry.get("rgba") if isinstance(entry, dict) else None
        if isinstance(rgba, list) and len(rgba) >= 3 and isinstance(entry.get("label-value"), int):
            colours[entry["label-value"]] = (int(rgba[0]), int(rgba[1]), int(rgba[2]))
    return colours


def _store_labels(src: _Store, info: StoreInfo, name: str, level: int, z: int | None, t: int | None,
                  max_pixels: int) -> tuple[npt.NDArray[Any], dict[int, tuple[int, int, int]]]:
    """The label plane at the level matching the image level's y/x shape (or the nearest larger)."""
    if name not in info.label_names:
        known = ", ".join(info.label_names) or "none"
        raise ThumbnailError(f"{src.name}: no label image '{name}' (labels in the store: {known})")
    attrs = _attrs(src, f"labels/{name}")
    multiscale = (attrs.get("multiscales") or [{}])[0]
    paths = tuple(str(d.get("path")) for d in multiscale.get("datasets") or [] if isinstance(d, dict))
    if not paths:
        raise ThumbnailError(f"{src.name}: label image '{name}' has no multiscales datasets")
    shapes, (axes, _, _) = _levels(src, f"labels/{name}/", paths, multiscale)
    target = info.level_shapes[level]
    want = (target[info.axes.index("y")], target[info.axes.index("x")])
    yx = [(s[axes.index("y")], s[axes.index("x")]) for s in shapes]
    exact = [i for i, s in enumerate(yx) if s == want]
    larger = [i for i, s in enumerate(yx) if s[0] >= want[0] and s[1] >= want[1]]
    pick = exact[0] if exact else min(larger, key=lambda i: yx[i][0] * yx[i][1]) if larger else 0
    if yx[pick][0] * yx[pick][1] > max_pixels:
        raise ThumbnailError(f"{src.name}: label image '{name}' plane {yx[pick]} exceeds {max_pixels} px")
    full_z = info.level_shapes[0][info.axes.index("z")] if "z" in info.axes else None
    index = _plane_index(axes, shapes[pick], z, t, full_z)
    index = tuple(0 if a == "c" else i for a, i in zip(axes, index, strict=True))
    plane = _read_plane(src, f"labels/{name}/{paths[pick]}", axes, index)
    return plane[0], _label_colours(attrs)


def render_thumbnail(location: str | Path, *, size: int, z: int | None = None, t: int | None = None,
                     labels: str | None = None, label_image: Path | None = None,
                     style: Literal["outline", "fill"] = "outline",
                     max_pixels: int = 64_000_000, name: str | None = None) -> Rendered:
    """An RGB thumbnail (longest side <= size) of one plane, with labels drawn when asked; `name` is how
    messages call a local store (default: its path)."""
    if size < 1:
        raise ThumbnailError(f"thumbnail size must be positive, not {size}")
    if labels is not None and label_image is not None:
        raise ThumbnailError("give either a store label name or a label image file, not both")
    src = _open(location, name)
    with _wrapped(src.name):
        info = _inspect(src)
        level = _choose_level(info.level_shapes, info.axes, size)
        shape = info.level_shapes[level]
        height, width = shape[info.axes.index("y")], shape[info.axes.index("x")]
        if height * width > max_pixels:
            raise ThumbnailError(f"{src.name}: level {level} plane of {width}×{height} px exceeds the limit "
                                 f"of {max_pixels} px (possible decompression bomb)")
        full_z = info.level_shapes[0][info.axes.index("z")] if "z" in info.axes else None
        index = _plane_index(info.axes, shape, z, t, full_z)
        plane = _read_plane(src, info.level_paths[level], info.axes, index)
        factor = _shrink_factor(height, width, size)
        image = Image.fromarray(_composite(plane, info.channels, factor), mode="RGB")
        del plane
        image.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=None)  # only ever shrinks
        drawn, notes, plain = False, list[str](), image
        if labels is not None:
            mask, colours = _store_labels(src, info, labels, level, z, t, max_pixels)
            image, drawn, notes = draw_labels(image, mask, colours, style, f"label image '{labels}'")
        elif label_image is not None:
            try:
                mask = file_labels(Path(label_image), str(label_image), max_pixels, image.size)
            except SourceRefused as refused:
                raise ThumbnailError(refused.message) from None
            image, drawn, notes = draw_labels(image, mask, {}, style, str(label_image))
    return Rendered(image=image, level=level, info=info, labels_drawn=drawn, notes=tuple(notes),
                    plain=plain if drawn else None)
