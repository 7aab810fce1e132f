"""A maintainer's mistake in the catalogue's own tables stops the build with a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder import build
from site_builder.archives import ArchiveTableError, archive_rules
from site_builder.search.terms import SearchTermsError, search_terms

from .conftest import REPO


def _broken_terms(tmp_path: Path) -> SearchTermsError:
    bad = tmp_path / "search-terms.yaml"
    bad.write_text("variants:\n  Nuclei: nucleus\n")
    with pytest.raises(SearchTermsError) as caught:
        search_terms.__wrapped__(bad)
    return caught.value


def _broken_archives(tmp_path: Path) -> ArchiveTableError:
    bad = tmp_path / "archives.yaml"
    bad.write_text("archives:\n  - name: X\n    accession: '('\n    landing: https://x.org/\n")
    with pytest.raises(ArchiveTableError) as caught:
        archive_rules.__wrapped__(bad)
    return caught.value


@pytest.mark.parametrize("table", ["search terms", "archives"])
def test_a_broken_table_stops_the_build_with_where_and_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          table: str) -> None:
    if table == "search terms":
        error: Exception = _broken_terms(tmp_path)
        monkeypatch.setattr(build, "search_terms", lambda: (_ for _ in ()).throw(error))
    else:
        error = _broken_archives(tmp_path)
        monkeypatch.setattr(build, "archive_rules", lambda: (_ for _ in ()).throw(error))
    out = tmp_path / "_site"
    result = build.build_site(REPO / "datasets", out)
    assert not result.published and not out.exists()
    messages = [f"{p.file}:{p.line}: {p.message}" for p in result.report.errors]
    assert messages, "the broken table was not reported"
    assert any((table == "archives" and "archives" in m and "accession" in m)
               or (table == "search terms" and "search-terms.yaml:2" in m) for m in messages), messages
