"""Manifest paths in the reader's words, as the version-pair page shows them."""

from __future__ import annotations

import pytest

from site_builder.render.field_titles import field_title


@pytest.mark.parametrize(("path", "title"), [
    ("annotations[0].object_count", "Annotation set 1 › Annotated objects"),
    ("study.authors[Grace Hopper].orcid_id", "Study › Person (Grace Hopper) › ORCID iD"),
    ("images.biosample[1].organism[0].ncbi_taxon", "Images › Biosample 2 › Organism 1 › NCBI taxon"),
    ("study.funding_statement", "Study › Funding statement"),
    ("version.previous_version", "Version › Previous version"),
    ("", ""),
])
def test_paths_read_as_titles(path: str, title: str) -> None:
    assert field_title(path) == title
