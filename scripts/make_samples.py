#!/usr/bin/env python3
"""Write the small illustrative OME-Zarr samples of the bundled catalogue.

The real datasets are far too large to ship, and fetching them needs the network,
so each bundled dataset gets a made-up sample of the same *kind* (fluorescent nuclei,
a bright-field embryo, a tomogram with particle picks...) with labels, captioned as
illustrative on the site. Deterministic: the same script writes the same pixels.

Run: .venv/bin/python scripts/make_samples.py   (rewrites datasets/*/samples/)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import zarr
from ome_zarr.io import parse_url
from ome_zarr.writer import write_image, write_labels

REPO = Path(__file__).resolve().parent.parent

# dataset id: (kind, channels, 3-D?, caption)
SAMPLES = {
    "s-biad634": ("nuclei", ["DAPI"], False, "Fluorescent nuclei with instance segmentation masks."),
    "s-biad249": ("photo", ["grey"], False,
                  "A photographed insect shape with a whole-image class label region."),
    "empiar-11658": ("tomogram", ["density"], True, "A small tomogram volume with particle positions."),
    "s-biad463": ("vessels", ["CD31", "PNAd", "DAPI"], False, "Three-channel tissue with vessel masks."),
    "s-biad531": ("embryo", ["bright-field"], False, "A bright-field embryo with its outline."),
    "s-biad300": ("worm", ["bright-field"], False, "A worm head region with a semantic mask."),
    "s-bsst734": ("cells", ["membrane"], False, "Plant cells with an instance mask per cell."),
    "s-bsst323": ("nuclei", ["nuclear marker", "cell-cycle marker"], False,
                  "Paired nuclear and cell-cycle marker channels with nuclei masks."),
}


def blobs(rng: np.random.RandomState, shape: tuple[int, ...], count: int,
          radius: tuple[int, int]) -> np.ndarray:
    """A label image of `count` non-overlapping round objects."""
    labels = np.zeros(shape, dtype=np.uint16)
    grids = np.ogrid[tuple(slice(0, s) for s in shape)]
    for value in range(1, count + 1):
        centre = [rng.randint(r, s - r) for s, r in zip(shape, [radius[1]] * len(shape), strict=True)]
        r = rng.randint(*radius)
        distance = sum((g - c) ** 2 for g, c in zip(grids, centre, strict=True))
        labels[(distance <= r * r) & (labels == 0)] = value
    return labels


def sample(kind: str, channels: int, volume: bool, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    rng = np.random.RandomState(seed)
    shape = (24, 96, 96) if volume else (192, 192)
    count, radius = {"embryo": (1, (60, 70)), "worm": (1, (45, 55)), "photo": (1, (50, 60)),
                     "cells": (30, (10, 16)), "tomogram": (12, (4, 6))}.get(kind, (25, (7, 12)))
    if volume:
        count, radius = 12, (3, 5)
    labels = blobs(rng, shape, count, radius)
    image = np.zeros((channels, *shape), dtype=np.uint16)
    for c in range(channels):
        signal = (labels > 0) * rng.randint(800, 3000) if c == 0 or kind != "vessels" \
            else (labels % (c + 2) == 1) * 2500
        image[c] = (signal + rng.normal(300, 60, shape).clip(0)).astype(np.uint16)
    axes = "czyx" if volume else "cyx"
    return image, labels, axes


def add_omero(root: zarr.Group, omero: dict[str, object]) -> None:
    """OMERO rendering settings (channel colours and windows) next to the multiscales.

    ome-zarr's writer does not take them, so they are added to the attributes it wrote:
    under the "ome" key for NGFF 0.5, at the top level for 0.4.
    """
    attrs = root.attrs.asdict()
    if "ome" in attrs:
        root.attrs["ome"] = {**attrs["ome"], "omero": omero}
    else:
        root.attrs["omero"] = omero


def write(dataset: str) -> Path:
    kind, channel_names, volume, _ = SAMPLES[dataset]
    image, labels, axes = sample(kind, len(channel_names), volume, seed=sum(map(ord, dataset)))
    target = REPO / "datasets" / dataset / "samples" / "example.ome.zarr"
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    store = parse_url(str(target), mode="w").store
    root = zarr.group(store=store)
    colours = ["FFFFFF", "FF00FF", "00FFFF"] if len(channel_names) > 1 else ["FFFFFF"]
    omero = {"channels": [{"label": name, "color": colours[i % len(colours)], "active": True,
                           "window": {"start": 200, "end": 3200, "min": 0, "max": 65535}}
                          for i, name in enumerate(channel_names)]}
    write_image(image, root, axes=axes)
    add_omero(root, omero)
    write_labels(labels, root, name="annotations", axes=axes[1:])
    return target


def main() -> None:
    for dataset in SAMPLES:
        path = write(dataset)
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        print(f"{path.relative_to(REPO)}: {size / 1000:.0f} KB")


if __name__ == "__main__":
    main()
