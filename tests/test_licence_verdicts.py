"""The plain-language licence verdict of each SPDX category, as the dataset page shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.build import build_site
from site_builder.licence_verdicts import (
    ATTRIBUTION,
    NO_DERIVATIVES,
    NON_COMMERCIAL,
    NOT_STATED,
    SHARE_ALIKE,
    licence_verdict,
)

from .conftest import MINIMAL
from .site_helpers import facts

VERDICTS = {
    "CC0-1.0": ("open", "Open: use, change and share it for any purpose, with no conditions"),
    "CC-BY-4.0": ("open", "Open: use, change and share it for any purpose, with attribution"),
    "CC-BY-SA-4.0": ("conditions", "Open with conditions: share-alike"),
    "CC-BY-NC-4.0": ("conditions", "Open with conditions: non-commercial use only"),
    "CC-BY-ND-4.0": ("conditions", "Open with conditions: no derivatives"),
    "CC-BY-NC-ND-4.0": ("conditions", "Open with conditions: non-commercial use only, no derivatives"),
    "CC-BY-NC-SA-4.0": ("conditions", "Open with conditions: non-commercial use only, share-alike"),
    "ODbL-1.0": ("conditions", "Open with conditions: share-alike"),
    "MIT": ("open", "Open: use, change and share it for any purpose, with attribution "
                    "(a software licence, applied here to data)"),
    "NOASSERTION": ("unknown", "Licence not stated: reuse is not allowed until the authors say so"),
}


@pytest.mark.parametrize("spdx_id", VERDICTS)
def test_each_category_has_its_verdict(spdx_id: str) -> None:
    verdict = licence_verdict(spdx_id)
    assert (verdict.kind, verdict.headline) == VERDICTS[spdx_id]


def test_the_conditions_name_what_the_licence_asks() -> None:
    assert licence_verdict("CC-BY-NC-ND-4.0").conditions == (ATTRIBUTION, NON_COMMERCIAL, NO_DERIVATIVES)
    assert licence_verdict("CC-BY-SA-4.0").conditions == (ATTRIBUTION, SHARE_ALIKE)
    assert licence_verdict("NOASSERTION").conditions == (NOT_STATED,)
    assert "Ask the dataset's authors" in NOT_STATED


def test_the_page_answers_may_i_for_images_and_annotations_separately(tmp_path: Path) -> None:
    root = tmp_path / "datasets" / "nuclei"
    root.mkdir(parents=True)
    (root / "1.0.yaml").write_text(MINIMAL.replace(
        "    annotation_method: Drawn by one expert in napari.\n",
        "    annotation_method: Drawn by one expert in napari.\n    license: CC-BY-NC-4.0\n"))
    site = tmp_path / "_site"
    assert build_site(root.parent, site).published
    page = BeautifulSoup((site / "datasets" / "nuclei" / "index.html").read_text(), "html.parser")
    blocks = [(" ".join(b.select_one(".verdict-head").get_text().split()),
               [li.get_text() for li in b.select("li")]) for b in page.select(".may-i .verdict")]
    assert blocks == [
        ("Images: Open: use, change and share it for any purpose, with no conditions "
         "(Creative Commons Zero v1.0 Universal)",
         ["Crediting the authors is still good scientific practice."]),
        ("Annotations: Open with conditions: non-commercial use only "
         "(Creative Commons Attribution Non Commercial 4.0 International)", [ATTRIBUTION, NON_COMMERCIAL])]
    shown = facts(page)
    assert "–" not in shown.values() and "-" not in shown.values()
    assert shown["Size"].startswith("not stated")
