"""'Find similar': related datasets computed at build time from shared metadata.

Score = shared organism (3 each) + shared imaging method (2) + shared annotation
type (2) + shared keyword (1), each weighted by how rare the value is, so two
datasets sharing an unusual organism outrank two that are merely both human.
Candidates come from an inverted list per value, so the cost grows with overlap,
not with the square of the catalogue.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence

from .documents import SearchDocument

WEIGHTS = {"organism": 3.0, "method": 2.0, "type": 2.0, "keyword": 1.0}
MAX_POSTING = 500
"""Values shared by more datasets than this are too common to suggest anything on their own;
skipping them also keeps the cost per dataset bounded as the catalogue grows."""


def _features(document: SearchDocument) -> set[tuple[str, str]]:
    features = {("organism", v) for v in document.facets.get("organism", ())}
    features |= {("method", v) for v in document.facets.get("method", ())}
    features |= {("type", v) for v in document.facets.get("type", ())}
    features |= {("keyword", k.lower()) for k in document.fields.get("keywords", "").split()}
    return features


def related_datasets(documents: Sequence[SearchDocument], limit: int = 5) -> dict[str, list[str]]:
    """For each dataset id, up to `limit` related dataset ids, best first, ties by id."""
    features = [_features(d) for d in documents]
    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, feature_set in enumerate(features):
        for feature in feature_set:
            postings[feature].append(index)
    total = len(documents)
    ids = [d.dataset_id for d in documents]
    weight = {f: WEIGHTS[f[0]] * math.log(1 + total / len(p)) for f, p in postings.items()}
    related: dict[str, list[str]] = {}
    for index, feature_set in enumerate(features):
        scores: dict[int, float] = defaultdict(float)
        for feature in sorted(feature_set):  # a fixed order: the same sums to the last bit, every run
            posting = postings[feature]
            if len(posting) > MAX_POSTING:
                continue
            for other in posting:
                if other != index:
                    scores[other] += weight[feature]
        best = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], ids[item[0]]))
        related[documents[index].dataset_id] = [documents[i].dataset_id for i, _ in best[:limit]]
    return related
