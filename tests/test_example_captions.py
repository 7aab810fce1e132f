"""Example captions are read on the dataset page: they describe the picture, never a build script.

A caption says what the picture shows and whether it is an image from the dataset or an
illustrative sample, and where it came from. One that names a script path (`*.py`,
`scripts/...`) gets a warning telling the submitter to describe the picture in a reader's words.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder import load_catalogue, validate_text

from .conftest import MINIMAL, REPO, Result


def with_caption(caption: str) -> str:
    return MINIMAL + ("images:\n  examples:\n    - image: samples/example.png\n"
                      f"      caption: {json.dumps(caption)}\n      illustrative: true\n")


def caption_warnings(caption: str) -> list[str]:
    loaded = validate_text(with_caption(caption))
    assert loaded.manifest is not None
    return [p.message for p in loaded.problems if p.path == "images.examples[0].caption"]


@pytest.mark.parametrize("caption", [
    "Nuclei with masks. Made by scripts/make_samples.py to show the kind of data.",
    "Drawn with make_figure.py from one plane.",
    "Rendered by tools/render.ipynb",
    "See (scripts/overlay) for how it was drawn.",
])
def test_a_caption_naming_a_script_is_warned_about(caption: str) -> None:
    (message,) = caption_warnings(caption)
    assert message.startswith("the caption names a script")


@pytest.mark.parametrize("caption", [
    "Illustrative sample made for this catalogue to show the kind of data: synthetic nuclei "
    "with instance masks. Not an image from this dataset.",
    "Image 12 of the training set (plate 3, well B4), with its expert masks.",
    "Stained with DAPI, e.g. nuclei at 0.5 um per pixel; written in Python.",
])
def test_a_caption_in_a_readers_words_is_not(caption: str) -> None:
    assert caption_warnings(caption) == []


def test_the_submitter_is_told_where_and_what_to_write(tmp_path: Path, mifa: Callable[..., Result]) -> None:
    path = tmp_path / "datasets" / "nuclei" / "1.0.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(with_caption("Made by scripts/make_samples.py."), encoding="utf-8")
    result = mifa("validate", path)
    assert result.code == 0  # a warning: the manifest is still valid
    (line,) = [line for line in result.out.splitlines() if "images.examples[0].caption" in line]
    assert "'scripts/make_samples.py'" in line
    assert "describe the picture in a reader's words" in result.out


def test_no_bundled_dataset_captions_its_latest_example_with_a_script() -> None:
    """Published versions are immutable: the captions were corrected in new versions."""
    catalogue = load_catalogue(REPO / "datasets")
    for dataset in catalogue.datasets:
        latest = dataset.latest
        assert latest is not None and latest.images is not None, dataset.id
        for example in latest.images.examples:
            caption = example.caption or ""
            assert caption_warnings(caption) == [], (dataset.id, caption)
            if example.illustrative:
                assert caption.startswith("Illustrative sample made for this catalogue"), dataset.id
                assert "Not a" in caption and "from this dataset" in caption, dataset.id
