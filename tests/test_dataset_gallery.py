"""The dataset page's header and example gallery: a one-line summary, the licence verdict in
short, and each example shown with and without its annotation behind a labelled switch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup, Tag
from PIL import Image

from site_builder.build import build_site
from site_builder.licence_verdicts import licence_verdict
from site_builder.render.summary import one_line_summary
from site_builder.thumbnails import make

from .site_helpers import soup, text
from .test_site import KROMP, MOSQUITO, write_catalogue
from .test_thumbnail_build import catalogue_with, write_store

MASK_EXAMPLE = "images:\n  examples:\n    - image: samples/photo.png\n      label_image: samples/mask.png\n"


def _mask_catalogue(tmp_path: Path) -> Path:
    """A black 100 x 100 photo with a mask of one square object (rows and columns 20 to 79)."""
    datasets = catalogue_with(tmp_path, MASK_EXAMPLE)
    samples = datasets / "cells" / "samples"
    samples.mkdir(parents=True)
    Image.new("RGB", (100, 100), (0, 0, 0)).save(samples / "photo.png")
    mask = np.zeros((100, 100), dtype=np.uint8)
    mask[20:80, 20:80] = 5
    Image.fromarray(mask).save(samples / "mask.png")
    return datasets


def _gallery(page: BeautifulSoup) -> Tag:
    gallery = page.select_one("section.examples")
    assert gallery is not None
    return gallery


def _label_of(page: BeautifulSoup, control: Tag) -> str:
    label = page.select_one(f"label[for='{control['id']}']")
    return text(label)


def _site_image(out: Path, page_path: str, img: Tag) -> Image.Image:
    path = (out / page_path).parent / str(img["src"])
    return Image.open(path.resolve()).convert("RGB")


@pytest.fixture(scope="module")
def mask_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gallery")
    result = build_site(_mask_catalogue(root), root / "_site")
    assert result.published
    return root / "_site"


def test_both_pictures_are_on_the_page_with_alt_text_saying_which_is_which(mask_site: Path) -> None:
    figure = _gallery(soup(mask_site, "datasets/cells/index.html")).select_one("figure")
    assert figure is not None
    annotated, plain = figure.select("img")
    assert annotated["src"] == "../../thumbnails/cells/1-page.webp"
    assert plain["src"] == "../../thumbnails/cells/1-plain.webp"
    title = "Mosquito photos with species labels"
    assert annotated["alt"] == f"Example image 1 of {title}, with its annotation drawn over it"
    assert plain["alt"] == f"Example image 1 of {title}, the image alone, without its annotation"
    assert (annotated["width"], annotated["height"]) == (plain["width"], plain["height"])
    assert figure.figcaption is not None  # the caption and details stay under the pictures


def test_the_switch_is_a_labelled_radio_pair_before_the_pictures(mask_site: Path) -> None:
    page = soup(mask_site, "datasets/cells/index.html")
    gallery = _gallery(page)
    radios = gallery.select("input[type=radio]")
    assert [_label_of(page, r) for r in radios] == ["Image + annotation", "Image only"]
    assert [r.has_attr("checked") for r in radios] == [True, False]  # the annotation shows first
    assert len({r["name"] for r in radios}) == 1
    items = gallery.select_one(".gallery-items")
    assert items is not None and all(r in items.find_all_previous("input") for r in radios)


def test_the_plain_picture_has_no_overlay(mask_site: Path) -> None:
    page_path = "datasets/cells/index.html"
    annotated_img, plain_img = _gallery(soup(mask_site, page_path)).select("figure img")
    annotated = _site_image(mask_site, page_path, annotated_img)
    plain = _site_image(mask_site, page_path, plain_img)
    assert annotated.size == plain.size
    scale = plain.width / 100
    on_outline = (int(50 * scale), int(20.5 * scale))  # the square's top edge
    assert max(annotated.getpixel(on_outline)) > 100  # drawn over the image
    assert max(plain.getpixel(on_outline)) < 30  # the black photo, nothing drawn
    inside = (int(50 * scale), int(50 * scale))
    assert max(plain.getpixel(inside)) < 30 and max(annotated.getpixel(inside)) < 30


def test_a_store_with_labels_also_gets_a_plain_picture(tmp_path: Path) -> None:
    datasets = catalogue_with(tmp_path)
    write_store(datasets / "cells" / "samples" / "cells.ome.zarr")
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    page = Image.open(out / "thumbnails" / "cells" / "1-page.webp").convert("RGB")
    plain = Image.open(out / "thumbnails" / "cells" / "1-plain.webp").convert("RGB")
    assert page.size == plain.size
    scale = page.width / 64
    edge = (int(10.5 * scale), int(20 * scale))  # the left edge of the labelled square
    assert page.getpixel(edge) != plain.getpixel(edge)
    assert abs(plain.getpixel(edge)[0] - plain.getpixel((int(20 * scale), int(20 * scale)))[0]) < 40


def test_a_placeholder_has_no_switch(tmp_path: Path) -> None:
    datasets = catalogue_with(tmp_path)
    broken = datasets / "cells" / "samples" / "cells.ome.zarr"
    broken.mkdir(parents=True)
    (broken / "zarr.json").write_text("{not json")
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    gallery = _gallery(soup(out, "datasets/cells/index.html"))
    assert gallery.select("input") == []
    assert [img["alt"] for img in gallery.select("img")] == ["No preview could be made"]
    assert not (out / "thumbnails" / "cells" / "1-plain.webp").exists()


def test_an_image_without_annotation_has_no_switch(tmp_path: Path) -> None:
    datasets = catalogue_with(tmp_path, "images:\n  examples:\n    - image: samples/photo.png\n")
    samples = datasets / "cells" / "samples"
    samples.mkdir(parents=True)
    Image.new("RGB", (100, 100), (40, 40, 40)).save(samples / "photo.png")
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    gallery = _gallery(soup(out, "datasets/cells/index.html"))
    assert gallery.select("input") == []
    [img] = gallery.select("img")
    assert img["alt"] == "Example image 1 of Mosquito photos with species labels"
    assert not (out / "thumbnails" / "cells" / "1-plain.webp").exists()


def test_the_plain_picture_survives_the_cache_and_an_old_entry_is_made_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datasets = _mask_catalogue(tmp_path)
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    first = (out / "thumbnails" / "cells" / "1-plain.webp").read_bytes()
    calls: list[object] = []
    original = make.run_job
    monkeypatch.setattr(make, "run_job", lambda job: calls.append(job) or original(job))
    assert build_site(datasets, out, force=True).published
    assert calls == []  # from the cache, plain picture included
    assert (out / "thumbnails" / "cells" / "1-plain.webp").read_bytes() == first
    # An entry written before the plain picture existed (no "plain" in its metadata) is made again.
    [meta] = (tmp_path / "._site.cache" / "thumbnails").glob("*/meta.json")
    old = json.loads(meta.read_text())
    del old["plain"]
    meta.write_text(json.dumps(old))
    (meta.parent / "plain.webp").unlink()
    assert build_site(datasets, out, force=True).published
    assert len(calls) == 1
    assert (out / "thumbnails" / "cells" / "1-plain.webp").read_bytes() == first


def test_the_header_gives_the_first_sentence_and_the_licence_verdict(tmp_path: Path) -> None:
    long = ("Nuclei of neuroblastoma tumour touch imprints, e.g. from S. Smith et al. 2020, imaged in "
            "**fluorescence**. A second sentence that the header leaves out.")
    datasets = write_catalogue(tmp_path, {
        "kromp/1.0.yaml": KROMP,
        "mosquito/1.0.yaml": MOSQUITO.replace(
            "description: Citizen-science photos of mosquitoes, each with a species label.",
            f"description: {long}")})
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    header = soup(out, "datasets/mosquito/index.html").select_one("article header")
    assert header is not None
    assert text(header.select_one(".summary")) == ("Nuclei of neuroblastoma tumour touch imprints, e.g. from "
                                                   "S. Smith et al. 2020, imaged in fluorescence.")
    verdicts = [text(li) for li in header.select(".headline-verdicts li")]
    assert verdicts == [f"Images and annotations: {licence_verdict('CC-BY-NC-4.0').headline}"]
    header = soup(out, "datasets/kromp/index.html").select_one("article header")
    assert header is not None
    verdicts = [text(li) for li in header.select(".headline-verdicts li")]
    assert verdicts == [f"Images: {licence_verdict('CC0-1.0').headline}",
                        f"Annotations: {licence_verdict('CC-BY-4.0').headline}"]


@pytest.mark.parametrize(("description", "summary"), [
    ("# About\n\nC. elegans heads, i.e. the first 100 µm. Then more.",
     "C. elegans heads, i.e. the first 100 µm."),
    ("See [the archive](https://example.org) for *all* images! Then more.",
     "See the archive for all images!"),
    ("- a list item first. Then more.", "a list item first."),
    ("", ""),
])
def test_one_line_summary(description: str, summary: str) -> None:
    assert one_line_summary(description) == summary


def test_one_line_summary_is_bounded() -> None:
    summary = one_line_summary("word " * 200)
    assert len(summary) <= 240 and summary.endswith("…") and "  " not in summary
