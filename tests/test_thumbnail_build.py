"""Thumbnails in the built site: made from real OME-Zarr stores, cached, and never fatal."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
import zarr
from ome_zarr.io import parse_url
from ome_zarr.writer import write_image, write_labels
from PIL import Image

from site_builder.build import build_site
from site_builder.thumbnails import make

from .site_helpers import soup, text
from .test_site import MOSQUITO, write_catalogue

EXAMPLE = """images:
  image_data:
    - format: ome.zarr
      dimensions: {x: 64, y: 64}
  examples:
    - image: samples/cells.ome.zarr
      labels: cells
      caption: Two cells with their masks.
"""


def write_store(path: Path, *, red_square: tuple[int, int] = (10, 30)) -> None:
    """A 2-channel 64 x 64 image: a bright square in channel 0 (shown red), labelled 1."""
    image = np.zeros((2, 64, 64), dtype=np.uint16)
    a, b = red_square
    image[0, a:b, a:b] = 1000
    labels = np.zeros((64, 64), dtype=np.uint8)
    labels[a:b, a:b] = 1
    shutil.rmtree(path, ignore_errors=True)
    root = zarr.group(store=parse_url(str(path), mode="w").store)
    omero = {"channels": [
        {"label": "red", "color": "FF0000", "active": True, "window": {"start": 0, "end": 1000}},
        {"label": "green", "color": "00FF00", "active": True, "window": {"start": 0, "end": 1000}}]}
    write_image(image, root, axes="cyx")
    root.attrs["ome"] = {**root.attrs.asdict()["ome"], "omero": omero}
    write_labels(labels, root, name="cells", axes="yx")


def catalogue_with(tmp_path: Path, example: str = EXAMPLE) -> Path:
    text_ = MOSQUITO.replace("annotations:\n", example + "annotations:\n", 1)
    datasets = write_catalogue(tmp_path, {"cells/1.0.yaml": text_})
    return datasets


def test_thumbnail_shows_the_image_and_its_labels(tmp_path: Path) -> None:
    datasets = catalogue_with(tmp_path)
    write_store(datasets / "cells" / "samples" / "cells.ome.zarr")
    out = tmp_path / "_site"
    result = build_site(datasets, out)
    assert result.published
    page = Image.open(out / "thumbnails" / "cells" / "1-page.webp").convert("RGB")
    scale = page.width / 64
    inside = page.getpixel((int(20 * scale), int(20 * scale)))
    assert inside[0] > 200 and inside[1] < 60 and inside[2] < 60, inside  # the red channel
    far = page.getpixel((int(55 * scale), int(55 * scale)))
    assert max(far) < 40, far  # background stays dark: no label drawn there
    card = Image.open(out / "thumbnails" / "cells" / "1-card.webp")
    assert max(card.size) <= make.CARD
    html = soup(out, "datasets/cells/index.html")
    figure = html.select_one("section.examples figure")
    assert figure is not None
    assert figure.select_one("img")["src"] == "../../thumbnails/cells/1-page.webp"  # the gallery's size
    assert "Two cells with their masks." in text(figure.figcaption)
    assert "OME-Zarr" in text(figure.figcaption)
    manifest = json.loads((out / "search" / "manifest.json").read_text())
    rows = json.loads((out / "search" / manifest["chunks"][0]).read_text())
    assert rows[0][5] == "thumbnails/cells/1-card.webp"


def test_a_broken_store_gives_a_placeholder_and_a_warning(tmp_path: Path) -> None:
    datasets = catalogue_with(tmp_path)
    broken = datasets / "cells" / "samples" / "cells.ome.zarr"
    broken.mkdir(parents=True)
    (broken / "zarr.json").write_text("{not json")
    out = tmp_path / "_site"
    result = build_site(datasets, out)
    assert result.published
    warnings = [p for p in result.report.warnings if p.path == "images.examples[0]"]
    assert len(warnings) == 1
    assert warnings[0].message.startswith("no thumbnail for example 1 of 'cells': ")
    assert warnings[0].file.endswith("cells/1.0.yaml")
    assert (out / "thumbnails" / "cells" / "1-card.webp").is_file()
    figure = soup(out, "datasets/cells/index.html").select_one("section.examples img")
    assert figure is not None and figure["alt"] == "No preview could be made"
    strict = build_site(datasets, tmp_path / "strict", strict=True)
    assert not strict.published and not (tmp_path / "strict").exists()


def test_unchanged_sources_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datasets = catalogue_with(tmp_path)
    write_store(datasets / "cells" / "samples" / "cells.ome.zarr")
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    calls: list[object] = []
    original = make.run_job
    monkeypatch.setattr(make, "run_job", lambda job: calls.append(job) or original(job))
    assert build_site(datasets, out).published
    assert calls == []
    write_store(datasets / "cells" / "samples" / "cells.ome.zarr", red_square=(30, 50))
    assert build_site(datasets, out).published
    assert len(calls) == 1  # the store's content changed: rendered again


def test_store_and_manifest_disagreeing_is_a_warning(tmp_path: Path) -> None:
    datasets = catalogue_with(tmp_path, EXAMPLE.replace("{x: 64, y: 64}", "{x: 512, y: 64}"))
    write_store(datasets / "cells" / "samples" / "cells.ome.zarr")
    result = build_site(datasets, tmp_path / "_site")
    assert [p.message for p in result.report.warnings if p.path == "images.examples[0]"] == [
        "the store's x extent is 64, the manifest declares 512"]


def test_plain_image_with_vector_annotations(tmp_path: Path) -> None:
    example = """images:
  examples:
    - image: samples/photo.png
      annotations: samples/boxes.geojson
"""
    datasets = catalogue_with(tmp_path, example)
    samples = datasets / "cells" / "samples"
    samples.mkdir(parents=True)
    Image.new("RGB", (100, 100), (0, 0, 0)).save(samples / "photo.png")
    square = [[[20, 20], [80, 20], [80, 80], [20, 80], [20, 20]]]
    (samples / "boxes.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"label": "mosquito"},
         "geometry": {"type": "Polygon", "coordinates": square}}]}))
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    page = Image.open(out / "thumbnails" / "cells" / "1-page.webp").convert("RGB")
    scale = page.width / 100
    edge = page.getpixel((int(50 * scale), int(20 * scale)))
    assert max(edge) > 100, edge  # the polygon's top edge is drawn
    assert max(page.getpixel((int(50 * scale), int(50 * scale)))) < 30  # its inside is not filled


def _plain_example(tmp_path: Path, extra: str) -> tuple[Path, Path]:
    example = "images:\n  examples:\n    - image: samples/photo.png\n" + extra
    datasets = catalogue_with(tmp_path, example)
    samples = datasets / "cells" / "samples"
    samples.mkdir(parents=True)
    Image.new("RGB", (100, 100), (0, 0, 0)).save(samples / "photo.png")
    return datasets, samples


def test_plain_image_with_a_mask_file(tmp_path: Path) -> None:
    datasets, samples = _plain_example(tmp_path, "      label_image: samples/mask.png\n")
    mask = np.zeros((100, 100), dtype=np.uint8)
    mask[20:80, 20:80] = 5
    Image.fromarray(mask).save(samples / "mask.png")
    out = tmp_path / "_site"
    result = build_site(datasets, out)
    assert result.published
    assert [p.message for p in result.report.warnings if p.path == "images.examples[0]"] == []
    page = Image.open(out / "thumbnails" / "cells" / "1-page.webp").convert("RGB")
    scale = page.width / 100
    edge = page.getpixel((int(50 * scale), int(20 * scale)))
    assert max(edge) > 100, edge  # the object's outline
    assert max(page.getpixel((int(50 * scale), int(50 * scale)))) < 30  # its inside is not filled


def test_labels_of_a_store_named_for_a_plain_image_is_a_warning(tmp_path: Path) -> None:
    datasets, _ = _plain_example(tmp_path, "      labels: cells\n")
    result = build_site(datasets, tmp_path / "_site")
    assert result.published
    assert [p.message for p in result.report.warnings if p.path == "images.examples[0]"] == [
        "labels 'cells' names a label image inside an OME-Zarr store, and samples/photo.png is a plain "
        "image: give its mask as label_image"]


def test_a_link_in_a_store_that_leads_out_is_named(tmp_path: Path) -> None:
    datasets = catalogue_with(tmp_path)
    store = datasets / "cells" / "samples" / "cells.ome.zarr"
    write_store(store)
    (store / "s0" / "elsewhere").symlink_to(tmp_path)
    result = build_site(datasets, tmp_path / "_site")
    assert [p.message for p in result.report.warnings if p.path == "images.examples[0]"] == [
        "no thumbnail for example 1 of 'cells': samples/cells.ome.zarr/s0/elsewhere: a symbolic link leads "
        "outside the dataset folder; it is not read"]


def test_a_thumbnail_that_never_finishes_is_stopped_at_its_deadline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What no budget foresaw still ends: the job's process is stopped and the build goes on."""
    datasets = catalogue_with(tmp_path)
    write_store(datasets / "cells" / "samples" / "cells.ome.zarr")
    monkeypatch.setattr(make, "DEADLINE_S", 1.0)
    monkeypatch.setattr(make, "render_job", lambda job: time.sleep(3600))
    result = build_site(datasets, tmp_path / "_site")
    assert result.published
    assert [p.message for p in result.report.warnings if p.path == "images.examples[0]"] == [
        "no thumbnail for example 1 of 'cells': samples/cells.ome.zarr: making its thumbnail took longer "
        "than 1 s; it was stopped"]
