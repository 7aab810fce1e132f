#!/usr/bin/env python3
"""Build the offline bioimage.io mirror (tests/fixtures/zoo-mirror/) and the bundled snapshot.

The mirror has the GitHub-Pages layout of https://bioimage-io.github.io/collection
(`index.json`, `reports/bioimage-io/<nickname>/<version>/summary.json`) and is made ONLY from the
real example files in /work/shared/reference/examples/bioimageio/: nothing is invented. Index
items come from the index excerpt, plus entries for the examples whose nickname is documented in
bioimageio.md §4 (their `sha256`, `created_at` and `comment` are unknown and left null). Index items
without an example report (joyful-deer, sneaky-panda) get no report, so sync skips them with a
warning, as it would online. The bundled snapshot is then written by the same `sync` code path as
an online refresh.

Run: .venv/bin/python scripts/make_zoo_mirror.py
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from site_builder.zoo.sync import sync  # noqa: E402

EXAMPLES = REPO.parent / "shared" / "reference" / "examples" / "bioimageio"
MIRROR = REPO / "tests" / "fixtures" / "zoo-mirror"
SNAPSHOT = REPO / "catalogue" / "bioimageio-snapshot.json"

# nickname -> example file holding its RDF (bioimageio.md §3, §4 and §8)
REPORTS = {
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
# Hypha URL form documented in examples/README.md; every migrated artifact starts at v0.
HYPHA_SOURCE = "https://hypha.aicell.io/bioimage-io/artifacts/{nick}/files/rdf.yaml?version=v0"


def load_rdf(name: str) -> dict[str, Any]:
    """An example RDF: JSON `rdf_content` copies as they are, legacy YAML through safe_load."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise SystemExit(f"{name}: not a mapping")
    return data


def dump(data: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build_mirror() -> None:
    """(Re)write the mirror folder from the examples."""
    excerpt = json.loads((EXAMPLES / "index.json.excerpt.json").read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = list(excerpt["items"])
    known = {item["id"].removeprefix("bioimage-io/") for item in items}
    rdfs = {nick: load_rdf(name) for nick, name in REPORTS.items()}
    for nick in sorted(set(REPORTS) - known):
        items.append({
            "id": f"bioimage-io/{nick}",
            "type": rdfs[nick]["type"],
            "versions": [{"comment": None, "created_at": None, "sha256": None,
                          "source": HYPHA_SOURCE.format(nick=nick), "version": "v0"}],
        })
    index = {
        "_mirror_note": "Offline test mirror built by scripts/make_zoo_mirror.py from the real example "
                        "files; items not in the upstream excerpt have null sha256/created_at/comment.",
        "count_per_type": dict(sorted(Counter(item["type"] for item in items).items())),
        "items": items,
        "timestamp": excerpt["timestamp"],
        "total": len(items),
    }
    if MIRROR.exists():
        shutil.rmtree(MIRROR)
    dump(index, MIRROR / "index.json")
    for item in items:
        nick = item["id"].removeprefix("bioimage-io/")
        if nick in rdfs:
            version = item["versions"][-1]["version"]
            report = MIRROR / "reports" / "bioimage-io" / nick / version / "summary.json"
            dump({"rdf_content": rdfs[nick]}, report)


def main() -> int:
    build_mirror()
    size = sum(p.stat().st_size for p in MIRROR.rglob("*") if p.is_file())
    result = sync(str(MIRROR), SNAPSHOT)
    for warning in result.warnings:
        print(f"note: {warning}")
    print(f"mirror {MIRROR.relative_to(REPO)} ({size // 1024} KB); "
          f"{len(result.snapshot.items)} items -> {SNAPSHOT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
