#!/usr/bin/env python3
"""Build the offline bioimage.io mirror (tests/fixtures/zoo-mirror/) and the bundled snapshot.

The mirror has the GitHub-Pages layout of https://bioimage-io.github.io/collection
(`index.json`, `reports/bioimage-io/<nickname>/<version>/summary.json` holding `rdf_content`) and is
arranged ONLY from real collection files kept in tests/fixtures/zoo-sources/ (their origin, path and
commit are listed in that folder's README.md and provenance.tsv): nothing is invented.

- `current/index.json.excerpt.json`: the items of the real index this mirror serves, verbatim.
- `current/<nickname>_v0.rdf_content[.excerpt].json`: the `rdf_content` of that item's real report
  (`.excerpt` = the tensor, weight and test-file keys of a model are left out; every kept key is
  verbatim).
- `examples/`: the example files of ../shared/reference/examples/bioimageio, copied byte for byte;
  `EXAMPLE_REPORTS` says which index item each one describes (bioimageio.md §4 documents those
  nicknames). Legacy YAML RDFs are parsed and served as `rdf_content`, as the mirror did before.

Index items without a report file (joyful-deer, sneaky-panda) get no report, so sync skips them
with a warning, as it would online. The bundled snapshot is written by the same `sync` code path
as an online refresh.

Run: .venv/bin/python scripts/make_zoo_mirror.py
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from site_builder.zoo.sync import sync  # noqa: E402

SOURCES = REPO / "tests" / "fixtures" / "zoo-sources"
INDEX_EXCERPT = SOURCES / "current" / "index.json.excerpt.json"
MIRROR = REPO / "tests" / "fixtures" / "zoo-mirror"
SNAPSHOT = REPO / "catalogue" / "bioimageio-snapshot.json"

# nickname -> example file holding its RDF (bioimageio.md §3, §4 and §8). These stay as the
# mirror's source for these items: the legacy HyLFM RDF still carries its Zenodo concept DOI,
# which is how the real model ambitious-sloth names its training data.
EXAMPLE_REPORTS = {
    "splendid-falafel": "dataset_splendid-falafel_v0.rdf_content.json",
    "bountiful-paella": "dataset_bountiful-paella_v0.rdf_content.json",
    "plucky-leopard": "model_plucky-leopard_v0.rdf_content.json",
    "fragrant-baguette": "dataset_covid_if_training_data.rdf.yaml",
    "uplifting-ice-cream": "dataset_hylfm_medaka_heart_zenodo.7612115.rdf.yaml",
    "powerful-chipmunk": "model_powerful-chipmunk_zenodo.5847355-6647683.rdf.yaml",
    "ambitious-sloth": "model_ambitious-sloth_zenodo.7614645-7642674.rdf.yaml",
    "affable-shark": "model_affable-shark_zenodo.5764892-6647674.rdf.yaml",
    "spicy-cucumber": "dataset_stardist_dsb_training_data.rdf.yaml",
}
_CURRENT_FILE = re.compile(r"^(?P<nick>[a-z0-9-]+)_(?P<version>v\d+)\.rdf_content(?:\.excerpt)?\.json$")


def load_rdf(path: Path) -> dict[str, Any]:
    """A saved RDF: JSON `rdf_content` copies as they are, legacy YAML through safe_load."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise SystemExit(f"{path.relative_to(REPO)}: not a mapping")
    return data


def report_sources() -> dict[tuple[str, str], Path]:
    """(nickname, version) -> the saved file holding that report's `rdf_content`."""
    found: dict[tuple[str, str], Path] = {
        (nick, "v0"): SOURCES / "examples" / name for nick, name in EXAMPLE_REPORTS.items()
    }
    for path in sorted((SOURCES / "current").glob("*.rdf_content*.json")):
        match = _CURRENT_FILE.match(path.name)
        if match is None:
            raise SystemExit(f"{path.relative_to(REPO)}: unexpected file name")
        key = (match["nick"], match["version"])
        if key in found:
            raise SystemExit(f"{path.relative_to(REPO)}: a second source for {key[0]} {key[1]}")
        found[key] = path
    return found


def dump(data: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build_mirror() -> None:
    """(Re)write the mirror folder from the saved sources; stop on any item without a real source."""
    excerpt = json.loads(INDEX_EXCERPT.read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = list(excerpt["items"])
    sources = report_sources()
    latest = {item["id"].removeprefix("bioimage-io/"): item for item in items}
    for nick, version in sources:
        item = latest.get(nick)
        if item is None or item["versions"][-1]["version"] != version:
            raise SystemExit(f"{nick} {version}: a report source without a matching index item")
    index = {
        "_mirror_note": "Offline test mirror built by scripts/make_zoo_mirror.py from real collection files "
                        "(tests/fixtures/zoo-sources/); items and their versions are verbatim from the "
                        "real index, counts are those of this excerpt.",
        "count_per_type": dict(sorted(Counter(item["type"] for item in items).items())),
        "items": items,
        "timestamp": excerpt["timestamp"],
        "total": len(items),
    }
    if MIRROR.exists():
        shutil.rmtree(MIRROR)
    dump(index, MIRROR / "index.json")
    for (nick, version), path in sorted(sources.items()):
        rdf = load_rdf(path)
        if rdf.get("type") != latest[nick]["type"]:
            raise SystemExit(f"{path.relative_to(REPO)}: type {rdf.get('type')!r} differs from the index")
        dump({"rdf_content": rdf}, MIRROR / "reports" / "bioimage-io" / nick / version / "summary.json")


def main() -> int:
    build_mirror()
    size = sum(p.stat().st_size for p in MIRROR.rglob("*") if p.is_file())
    result = sync(str(MIRROR), SNAPSHOT)
    for warning in result.warnings:
        print(f"note: {warning}")
    kinds = Counter(item.type for item in result.snapshot.items)
    print(f"mirror {MIRROR.relative_to(REPO)} ({size // 1024} KB); {len(result.snapshot.items)} items "
          f"({', '.join(f'{n} {k}s' for k, n in sorted(kinds.items()))}) -> {SNAPSHOT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
