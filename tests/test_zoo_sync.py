"""bioimage.io sync: RDF reduction on the real example files, sync from a folder and over HTTP,
and the failure modes that must never break a build (timeouts, 404s, corrupt snapshots)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.zoo.resolver import Resolver
from site_builder.zoo.snapshot import (
    Snapshot,
    item_from_rdf,
    load_snapshot,
    snapshot_to_json,
    write_snapshot,
)
from site_builder.zoo.sync import SyncError, sync

from .local_servers import serve_folder

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "tests" / "fixtures" / "zoo-sources"
EXAMPLES = SOURCES / "examples"  # byte-identical copies of ../shared/reference/examples/bioimageio
SHARED_EXAMPLES = REPO.parent / "shared" / "reference" / "examples" / "bioimageio"
MIRROR = REPO / "tests" / "fixtures" / "zoo-mirror"
BUNDLED = REPO / "catalogue" / "bioimageio-snapshot.json"
HYPHA = "https://hypha.aicell.io/bioimage-io/artifacts/{}/files/rdf.yaml?version=v0"


def example(name: str) -> dict[str, Any]:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def index_entry(nick: str, kind: str) -> dict[str, Any]:
    return {"id": f"bioimage-io/{nick}", "type": kind,
            "versions": [{"version": "v0", "source": HYPHA.format(nick)}]}


def test_current_dataset_is_cleaned_and_covers_are_absolute() -> None:
    rdf = example("dataset_splendid-falafel_v0.rdf_content.json")
    item = item_from_rdf(index_entry("splendid-falafel", "dataset"), rdf, HYPHA.format("splendid-falafel"))
    assert item.id == "splendid-falafel"
    assert item.name == "Ovarian reserve oocyte segmentation dataset"
    assert item.description.endswith("ovarian-reserve.html.")
    assert "\\n" not in item.description
    assert item.covers[0] == (
        "https://hypha.aicell.io/bioimage-io/artifacts/splendid-falafel/files/raw_ovary_overview.png?version=v0")
    assert len(item.covers) == 3
    assert item.license == "CC-BY-4.0"
    assert item.source == "https://zenodo.org/records/19085211"
    assert item.aliases == ("10.5281/zenodo.19085211",)
    assert item.dois == ("10.5281/zenodo.19085211",)
    assert item.training_data is None
    assert item.page == "https://bioimage.io/#/artifacts/splendid-falafel"
    assert item.tags[:2] == ("instance-segmentation", "3D")


def test_current_model_training_data_by_nickname() -> None:
    rdf = example("model_plucky-leopard_v0.rdf_content.json")
    item = item_from_rdf(index_entry("plucky-leopard", "model"), rdf, HYPHA.format("plucky-leopard"))
    assert item.training_data == "splendid-falafel"
    assert item.source is None  # `source` is a data location for datasets only
    assert item.dois == ("10.1109/TPAMI.2020.2983686", "10.1038/s41592-025-02699-y")
    assert item.covers[0].endswith("/plucky-leopard/files/cover1.png?version=v0")


def test_legacy_partner_dataset_aliases() -> None:
    rdf = example("dataset_covid_if_training_data.rdf.yaml")
    item = item_from_rdf(index_entry("fragrant-baguette", "dataset"), rdf, HYPHA.format("fragrant-baguette"))
    assert "ilastik/covid_if_training_data" in item.aliases
    assert "10.5281/zenodo.5092850" in item.aliases  # Zenodo record in `source`
    assert not any(a.endswith("/latest") for a in item.aliases)
    assert item.covers[0].startswith("https://raw.githubusercontent.com/ilastik/")  # absolute: kept
    assert item.dois == ("10.1002/bies.202000257",)


def test_legacy_model_aliases_and_training_data_as_written() -> None:
    rdf = example("model_affable-shark_zenodo.5764892-6647674.rdf.yaml")
    item = item_from_rdf(index_entry("affable-shark", "model"), rdf, HYPHA.format("affable-shark"))
    assert {"10.5281/zenodo.5764892", "10.5281/zenodo.5764892/6647674", "10.5281/zenodo.6647674"} <= set(
        item.aliases)
    assert "affable-shark" not in item.aliases  # the nickname is the id, not an alias
    assert item.training_data == "ilastik/stradist_dsb_training_data"  # the typo is kept
    assert "ilastik/stardist_dsb_training_data" in item.links
    sloth = example("model_ambitious-sloth_zenodo.7614645-7642674.rdf.yaml")
    sloth_item = item_from_rdf(index_entry("ambitious-sloth", "model"), sloth, "")
    assert sloth_item.training_data == "10.5281/zenodo.7612115"


def test_sync_from_local_mirror(tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    seen: list[tuple[int, int]] = []
    result = sync(str(MIRROR), out, progress=lambda done, total: seen.append((done, total)))
    ids = [i.id for i in result.snapshot.items]
    assert ids == sorted(ids)
    assert "spicy-cucumber" in ids and "affable-shark" in ids and "uplifting-ice-cream" in ids
    assert "joyful-deer" not in ids and "sneaky-panda" not in ids
    assert sum("joyful-deer" in w for w in result.warnings) == 1
    assert result.snapshot.index_timestamp == "2026-10-01T04:54:18.040432"
    assert result.snapshot.source == "local folder zoo-mirror"
    assert seen[-1][0] == seen[-1][1] == len(seen)
    assert load_snapshot(out) == result.snapshot
    spicy = next(i for i in result.snapshot.items if i.id == "spicy-cucumber")
    assert spicy.type == "dataset" and "ilastik/stardist_dsb_training_data" in spicy.aliases


def test_sync_is_deterministic_and_matches_bundled(tmp_path: Path) -> None:
    sync(str(MIRROR), tmp_path / "a.json")
    sync(str(MIRROR), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert (tmp_path / "a.json").read_bytes() == BUNDLED.read_bytes(), (
        "catalogue/bioimageio-snapshot.json is stale: run scripts/make_zoo_mirror.py")
    assert str(REPO) not in BUNDLED.read_text(encoding="utf-8")


@pytest.fixture
def http_mirror() -> Iterator[str]:
    with serve_folder(MIRROR) as origin:
        yield origin


def test_sync_over_http_matches_local(http_mirror: str, tmp_path: Path) -> None:
    online = sync(http_mirror + "/", tmp_path / "snap.json", timeout=5)
    local = sync(str(MIRROR), None)
    assert online.snapshot.items == local.snapshot.items
    assert online.snapshot.source == http_mirror
    assert len(online.warnings) == 2


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: what a hung proxy or dead host looks like."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        sock.close()


def test_timeout_raises_quickly_and_keeps_previous_snapshot(silent_server: str, tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    shutil.copy(BUNDLED, out)
    before = out.read_bytes()
    start = time.monotonic()
    with pytest.raises(SyncError) as info:
        sync(silent_server, out, timeout=0.5, retries=1)
    assert time.monotonic() - start < 5
    message = str(info.value)
    assert "timed out after 0.5 s" in message and f"{silent_server}/index.json" in message
    assert "existing snapshot is kept" in message
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]  # no temp files left behind


def test_missing_index_raises(tmp_path: Path, http_mirror: str) -> None:
    with pytest.raises(SyncError, match="404"):
        sync(http_mirror + "/nothing-here", tmp_path / "snap.json", timeout=5)
    with pytest.raises(SyncError, match=r"index\.json"):
        sync(str(tmp_path / "empty"), tmp_path / "snap.json")
    assert not (tmp_path / "snap.json").exists()


def test_connection_refused_raises(tmp_path: Path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens here now
    with pytest.raises(SyncError, match="cannot reach"):
        sync(f"http://127.0.0.1:{port}", tmp_path / "snap.json", timeout=1, retries=0)


def test_snapshot_round_trip_and_corrupt_file(tmp_path: Path) -> None:
    assert load_snapshot(tmp_path / "absent.json") is None
    snapshot = load_snapshot(BUNDLED)
    assert isinstance(snapshot, Snapshot)
    write_snapshot(snapshot, tmp_path / "copy.json")
    assert (tmp_path / "copy.json").read_bytes() == BUNDLED.read_bytes()
    assert snapshot_to_json(snapshot).endswith("}\n")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"corrupt bioimage\.io snapshot"):
        load_snapshot(bad)
    bad.write_text(json.dumps({"format": 1, "index_timestamp": "x", "source": "y", "items": [{"id": 3}]}))
    with pytest.raises(ValueError, match="corrupt"):
        load_snapshot(bad)


def test_bundled_snapshot_contents() -> None:
    snapshot = load_snapshot(BUNDLED)
    assert snapshot is not None
    by_id = {i.id: i for i in snapshot.items}
    assert by_id["powerful-chipmunk"].training_data == "ilastik/covid_if_training_data"
    assert "ilastik/covid_if_training_data" in by_id["fragrant-baguette"].aliases
    assert by_id["uplifting-ice-cream"].source == "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BSST604"
    assert "10.5281/zenodo.7612115" in by_id["uplifting-ice-cream"].aliases
    size = sum(p.stat().st_size for p in MIRROR.rglob("*") if p.is_file())
    assert size < 300_000  # the fixture stays small: model RDFs are kept as excerpts


# legacy partner ids that real model files write as `training_data` (bioimageio.md §4-§7)
LEGACY_DATASET_IDS = (
    "ilastik/stardist_dsb_training_data", "ilastik/covid_if_training_data", "ilastik/livecell_dataset",
    "ilastik/platynereis_em_training_data", "ilastik/mitoem_segmentation_challenge",
    "ilastik/cremi_training_data", "ilastik/isbi2012_neuron_segmentation_challenge", "ilastik/vnc",
    "ilastik/plantseg_ovules", "ilastik/plantseg_root", "ilastik/arabidopsis_tissue_atlas", "ilastik/tnbc",
    "hpa/hpa-cell-image-segmentation-dataset", "deepimagej/MoNuSeg_digital_pathology_miccai2018",
    "zero/Dataset_U-Net_2D_multilabel_DeepBacs", "zero/Dataset_StarDist_2D_DeepBacs",
    "10.5281/zenodo.7612115",
)


@pytest.fixture(scope="module")
def bundled_resolver() -> Resolver:
    snapshot = load_snapshot(BUNDLED)
    assert snapshot is not None
    return Resolver(snapshot)


@pytest.mark.parametrize("legacy", LEGACY_DATASET_IDS)
def test_bundled_snapshot_resolves_legacy_dataset_ids(bundled_resolver: Resolver, legacy: str) -> None:
    exact = bundled_resolver.resolve(legacy, expected_type="dataset")
    assert (exact.kind, exact.wrong_type) == ("alias", False) and exact.item is not None
    assert exact.item.id != legacy  # the current nickname, not the legacy id, is what pages link to
    assert bundled_resolver.resolve(f"{legacy}/latest", expected_type="dataset").item == exact.item
    other_case = bundled_resolver.resolve(legacy.swapcase(), expected_type="dataset")
    assert (other_case.kind, other_case.item) == ("case", exact.item)


def test_bundled_snapshot_links_models_to_their_training_data(bundled_resolver: Resolver) -> None:
    links = bundled_resolver.training_links()
    assert links and all(model.type == "model" for model, _ in links)
    unresolved = [model for model, resolution in links if resolution.item is None]
    # the only models whose training data cannot be linked write the upstream typo `stradist`
    assert unresolved and all("stradist" in (model.training_data or "") for model in unresolved)
    for model, resolution in links:
        if resolution.item is not None:
            assert resolution.item.type == "dataset" and not resolution.wrong_type, model.id
    backlinks = bundled_resolver.backlinks()
    monuseg = bundled_resolver.resolve("deepimagej/MoNuSeg_digital_pathology_miccai2018").item
    assert monuseg is not None
    # a model that writes the dataset id in other letter case is still listed as trained on it
    assert any(resolution.kind == "case" for _, resolution in backlinks[monuseg.id])
    livecell = bundled_resolver.resolve("ilastik/livecell_dataset").item
    assert livecell is not None and backlinks[livecell.id]
    assert all(model.training_data == "ilastik/livecell_dataset" for model, _ in backlinks[livecell.id])


def test_every_mirrored_source_file_names_its_origin() -> None:
    text = (SOURCES / "provenance.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines()]
    assert rows[0] == ["file", "repository", "path", "commit"]
    listed = {row[0] for row in rows[1:]}
    saved = {path.relative_to(SOURCES).as_posix() for path in (SOURCES / "current").iterdir()}
    assert saved == listed
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    for file, repository, path, commit in rows[1:]:
        assert repository == "bioimage-io/collection" and re.fullmatch(r"[0-9a-f]{40}", commit), file
        assert f"`{file}`" in readme and f"`{path}`" in readme, file
    if SHARED_EXAMPLES.is_dir():  # the shared reference folder is outside the repository
        for copy in EXAMPLES.iterdir():
            assert copy.read_bytes() == (SHARED_EXAMPLES / copy.name).read_bytes(), copy.name


def test_mirror_is_arranged_only_from_the_saved_sources(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("make_zoo_mirror", REPO / "scripts" / "make_zoo_mirror.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "MIRROR", tmp_path / "mirror")
    script.build_mirror()
    rebuilt = {p.relative_to(tmp_path / "mirror"): p.read_bytes() for p in (tmp_path / "mirror").rglob("*")
               if p.is_file()}
    committed = {p.relative_to(MIRROR): p.read_bytes() for p in MIRROR.rglob("*") if p.is_file()}
    assert rebuilt == committed, "tests/fixtures/zoo-mirror is stale: run scripts/make_zoo_mirror.py"
    index = json.loads((MIRROR / "index.json").read_text(encoding="utf-8"))
    excerpt = json.loads((SOURCES / "current" / "index.json.excerpt.json").read_text(encoding="utf-8"))
    assert index["items"] == excerpt["items"] and index["timestamp"] == excerpt["timestamp"]
