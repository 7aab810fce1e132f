"""Label masks drawn over a thumbnail: outlines, or a translucent fill, in a stable colour per label.

The mask is brought to the thumbnail's size first (nearest neighbour, so labels stay labels) and
every label is coloured in one pass, so the cost follows the thumbnail's pixels, never the number
of labels. A mask with more distinct labels than a thumbnail can show (a label per pixel is an
intensity image given as a mask) is left out with a warning rather than painted over the image.
"""

from __future__ import annotations

import colorsys
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from PIL import Image

from .raster import load_raster

FILL_ALPHA = 0.4
MAX_LABELS = 50_000
"""Distinct labels at thumbnail size; beyond this the objects are a few pixels each, or not objects."""


def label_colour(value: int) -> tuple[int, int, int]:
    """A stable colour per label value (golden-ratio hues), the same on every run and machine."""
    hue = (int(value) * 0.618033988749895) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.85, 1.0)
    return round(r * 255), round(g * 255), round(b * 255)


def nearest(mask: npt.NDArray[Any], size: tuple[int, int]) -> npt.NDArray[Any]:
    """`mask` (rows, columns) at `size` (width, height) by picking the nearest source pixel."""
    height, width = mask.shape[:2]
    rows = np.minimum(((np.arange(size[1]) + 0.5) * height / size[1]).astype(np.intp), height - 1)
    columns = np.minimum(((np.arange(size[0]) + 0.5) * width / size[0]).astype(np.intp), width - 1)
    return mask[np.ix_(rows, columns)]


def file_labels(path: Path, name: str, max_pixels: int, size: tuple[int, int]) -> npt.NDArray[Any]:
    """A PNG/TIFF mask at `size` (width, height); RGB and palette masks are keyed by their packed colour."""
    opened = load_raster(path, name, max_pixels=max_pixels)
    if opened.mode in ("P", "PA", "RGBA", "LA", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"):
        opened = opened.convert("RGB")
    mask = np.asarray(opened.resize(size, Image.Resampling.NEAREST))
    if mask.ndim == 3:
        rgb = mask[..., :3].astype(np.int64)
        mask = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    return mask


def draw_labels(image: Image.Image, mask: npt.NDArray[Any], colours: dict[int, tuple[int, int, int]],
                style: Literal["outline", "fill"], name: str) -> tuple[Image.Image, bool, list[str]]:
    """Outlines (or a 40% fill) of every non-zero label of the mask `name`; whether any was drawn,
    and what to tell."""
    labels = np.nan_to_num(nearest(np.asarray(mask), image.size)).astype(np.int64)
    where = labels != 0
    if not where.any():
        return image, False, []
    values, inverse = np.unique(labels[where], return_inverse=True)
    if len(values) > MAX_LABELS:
        return image, False, [f"{name}: {len(values):,} distinct labels at thumbnail size, more than the "
                              f"{MAX_LABELS:,} a thumbnail can show; they are not drawn (is it an intensity "
                              "image rather than a mask?)"]
    table = np.array([colours.get(int(v)) or label_colour(int(v)) for v in values], dtype=np.float32)
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32).copy()
    colour = np.zeros(pixels.shape, dtype=np.float32)
    colour[where] = table[inverse.reshape(-1)]
    if style == "outline":
        # Imported here: scikit-image pulls in scipy (0.8 s), which a build with every
        # thumbnail cached, or a no-op build, never needs.
        from skimage.segmentation import find_boundaries

        where &= find_boundaries(labels, mode="inner")  # type: ignore[no-untyped-call]
        pixels[where] = colour[where]
    else:
        pixels[where] = (1 - FILL_ALPHA) * pixels[where] + FILL_ALPHA * colour[where]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="RGB"), bool(where.any()), []
