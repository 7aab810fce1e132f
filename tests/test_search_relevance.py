"""The search relevance benchmark runs at a tiny size, so it cannot rot (no thresholds on its figures)."""

from __future__ import annotations

import re
import sys

import pytest

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))


def test_the_relevance_benchmark_prints_its_figures_and_misses(capsys: pytest.CaptureFixture[str]) -> None:
    import search_relevance  # type: ignore[import-not-found]

    judged = search_relevance.load_queries()
    assert len(judged) >= 40
    known = {folder.name for folder in (REPO / "datasets").iterdir() if folder.is_dir()}
    assert set().union(*judged.values()) <= known  # every judgement names a bundled dataset
    tiny = {"nuclei": judged["nuclei"], "cryo-ET": judged["cryo-ET"],
            "not a word anywhere": frozenset({"vnc"})}
    outcomes = search_relevance.run(queries=tiny)
    out = capsys.readouterr().out
    assert re.search(r"3 queries: MRR@10 [01]\.\d{3}, recall@10 [01]\.\d{3}", out), out
    assert "'not a word anywhere': first relevant at none in the first 10" in out
    assert [o.query for o in outcomes] == list(tiny)
    assert outcomes[2].reciprocal_rank == 0 and outcomes[2].recall == 0
