"""Plain image files (PNG, JPEG, TIFF): opened as regular files only, decoded only when the size in
their header fits the pixel limit, so a decompression bomb costs its header, not its pixels."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .local_sources import SourceRefused, open_regular

MAX_PIXELS = 64_000_000
"""Largest plain image opened; bigger ones are refused as possible bombs."""


def load_raster(path: Path, name: str, *, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The decoded image (its first frame), refusing bombs from the size in its header.

    The size is compared here rather than through PIL's global MAX_IMAGE_PIXELS and a warnings
    filter: neither is thread-safe, and thumbnails may be made in parallel threads."""
    with open_regular(path, name) as handle:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked just below
            try:
                opened = Image.open(handle)
            except Image.DecompressionBombError as exc:
                raise SourceRefused(f"{name}: {exc}") from None
            except UnidentifiedImageError:
                raise SourceRefused(f"{name}: not a PNG, JPEG or TIFF image that can be read") from None
        if opened.width * opened.height > max_pixels:
            raise SourceRefused(f"{name}: an image of {opened.width}×{opened.height} px exceeds the limit "
                                f"of {max_pixels} px (possible decompression bomb)")
        try:
            opened.load()  # the pixels now live in memory; the handle may close
        except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt data
            raise SourceRefused(f"{name}: cannot read the image: {exc}") from None
    return opened
