"""Fast rebuilds: nothing changed means nothing done, manifests remembered by content,
parsed in parallel, and a site swapped in with one atomic exchange."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from site_builder import manifest_store
from site_builder.build import build_site
from site_builder.catalogue import display_name, load_catalogue, manifest_files
from site_builder.manifest_store import ManifestStore

from .test_build import site_files
from .test_site import KROMP, KROMP_11, MOSQUITO, write_catalogue


@pytest.fixture
def datasets(tmp_path: Path) -> Path:
    return write_catalogue(tmp_path, {"kromp/1.0.yaml": KROMP, "kromp/1.1.yaml": KROMP_11,
                                      "mosquito/1.0.yaml": MOSQUITO})


def test_a_build_with_nothing_changed_does_nothing(datasets: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    first = build_site(datasets, out)
    before = {p: p.stat().st_ino for p in out.rglob("*")}
    again = build_site(datasets, out)
    assert again.nothing_changed and again.published and again.pages == first.pages
    assert again.summary(out).startswith("nothing changed since the last build")
    assert [p.message for p in again.report.warnings] == [p.message for p in first.report.warnings]
    assert {p: p.stat().st_ino for p in out.rglob("*")} == before
    # A new modification time alone is no change; new content is.
    manifest = datasets / "mosquito" / "1.0.yaml"
    os.utime(manifest, (time.time() + 60, time.time() + 60))
    assert build_site(datasets, out).nothing_changed
    manifest.write_text(manifest.read_text().replace("Mosquito photos", "Mosquito pictures"))
    edited = build_site(datasets, out)
    assert not edited.nothing_changed and edited.stats is not None and edited.stats.written > 0
    assert "Mosquito pictures" in (out / "datasets" / "mosquito" / "index.html").read_text()


def test_force_and_a_damaged_site_rebuild(datasets: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    expected = site_files(out)
    assert not build_site(datasets, out, force=True).nothing_changed
    # A live page edited in place also changes the spare's copy (one inode): force remakes all.
    with (out / "datasets" / "kromp" / "index.html").open("ab") as page:
        page.write(b"<!-- edited by hand -->")
    forced = build_site(datasets, out, force=True)
    assert forced.stats is not None and forced.stats.unchanged == 0
    assert site_files(out) == expected
    forced = build_site(datasets, out, force=True)
    assert site_files(out) == expected
    record = tmp_path / "._site.cache" / "last-build.json"
    whole = record.read_bytes()
    for damaged in (b"not JSON", b'{"format": 1, "inputs": 7}', whole.replace(b'"pages":', b'"p":')):
        record.write_bytes(damaged)
        rebuilt = build_site(datasets, out)
        assert rebuilt.published and not rebuilt.nothing_changed, damaged
        assert build_site(datasets, out).nothing_changed  # the record is whole again
    (out / ".mifa-inputs").unlink()  # someone edited the site by hand
    assert not build_site(datasets, out).nothing_changed


def _load(datasets: Path, store: ManifestStore) -> list[tuple[str, str, object, list[object]]]:
    files = [(p, display_name(p)) for folder in sorted(datasets.iterdir()) for p in manifest_files(folder)]
    return [(item.file, item.document.digest if item.document else "", item.manifest, item.problems)
            for item in store.load(files)]


def test_cached_and_parallel_loads_equal_a_serial_load(datasets: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (datasets / "mosquito" / "1.0.yaml").write_text(MOSQUITO.replace("CC-BY-NC-4.0", "CC BY NC"))
    serial = _load(datasets, ManifestStore(workers=1))
    monkeypatch.setattr(manifest_store, "PARALLEL_FROM", 1)
    monkeypatch.setattr(manifest_store, "CHUNK", 1)
    assert _load(datasets, ManifestStore(workers=2)) == serial
    cached = ManifestStore(tmp_path / "cache")
    assert _load(datasets, cached) == serial and cached.parsed == 3
    warm = ManifestStore(tmp_path / "cache")
    assert _load(datasets, warm) == serial and (warm.parsed, warm.reused) == (0, 3)
    (datasets / "kromp" / "1.1.yaml").write_text(KROMP_11.replace("Reviewed", "Checked"))
    after_edit = ManifestStore(tmp_path / "cache")
    _load(datasets, after_edit)
    assert (after_edit.parsed, after_edit.reused) == (1, 2)


def test_a_problem_found_later_in_a_cached_file_still_has_its_line(tmp_path: Path) -> None:
    # The chain rule runs after loading; the cached document has no positions and finds them again.
    datasets = write_catalogue(tmp_path, {"kromp/1.0.yaml": KROMP,
                                          "kromp/1.1.yaml": KROMP_11.replace('"1.0"', '"0.9"')})
    fresh = load_catalogue(datasets).report.errors
    ManifestStore(tmp_path / "cache").load([(p, display_name(p)) for p in manifest_files(datasets / "kromp")])
    cached = load_catalogue(datasets, store=ManifestStore(tmp_path / "cache")).report.errors
    assert fresh and [(p.file, p.line, p.column, p.message) for p in cached] == \
        [(p.file, p.line, p.column, p.message) for p in fresh]
    assert any(p.line > 1 for p in cached)


def test_the_site_is_swapped_in_one_step(datasets: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    (datasets / "kromp" / "1.1.yaml").write_text(KROMP_11.replace("Reviewed", "Checked"))

    real_rename = Path.rename

    def no_renames(self: Path, target: Path) -> Path:
        if self.resolve() == out.resolve():
            raise AssertionError(f"renamed {self} -> {target}: the site was missing for a moment")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", no_renames)
    assert build_site(datasets, out).published
    assert "Checked" in (out / "datasets" / "kromp" / "index.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["._site.cache", "_site", "datasets"]


def test_rebuilds_start_from_the_spare_site_and_match_a_fresh_build(datasets: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    spare = tmp_path / "._site.cache" / "spare-site"
    kromp = datasets / "kromp" / "1.1.yaml"
    for step, text in enumerate(["Checked", "Looked at"]):
        kromp.write_text(KROMP_11.replace("Reviewed", text))
        result = build_site(datasets, out)
        assert result.stats is not None and 0 < result.stats.written < 15, step
        assert spare.is_dir() and (spare / ".mifa-build.json").is_file()
    # Back to the text of two builds ago: the spare holds exactly that site, nothing is written.
    kromp.write_text(KROMP_11.replace("Reviewed", "Checked"))
    back = build_site(datasets, out)
    assert back.stats is not None and back.stats.written == 0
    assert back.stats.unchanged == len(site_files(out)) - 1  # every file but the build record
    assert "Checked" in (out / "datasets" / "kromp" / "index.html").read_text()
    # A dataset removed: its pages leave the site although the spare still had them.
    (datasets / "mosquito" / "1.0.yaml").unlink()
    (datasets / "mosquito").rmdir()
    assert build_site(datasets, out).published
    assert not (out / "datasets" / "mosquito").exists()
    assert build_site(datasets, tmp_path / "fresh").published
    assert site_files(out) == site_files(tmp_path / "fresh")
    # A live file is never written through: the spare shares inodes with it.
    page = out / "datasets" / "kromp" / "index.html"
    before = page.read_bytes()
    kromp.write_text(KROMP_11.replace("Reviewed", "Inspected"))
    assert build_site(datasets, out).published
    assert b"Inspected" in page.read_bytes()
    assert (spare / "datasets" / "kromp" / "index.html").read_bytes() == before
    # The live site deleted: the spare's files made from the same inputs are kept, not rendered.
    expected = site_files(out)
    shutil.rmtree(out)
    rebuilt = build_site(datasets, out)
    assert rebuilt.stats is not None and rebuilt.stats.written < 15 and rebuilt.stats.unchanged > 50
    assert site_files(out) == expected


def test_a_parallel_build_is_byte_identical_to_a_serial_one(datasets: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.render import write

    monkeypatch.setattr(write, "PARALLEL_FROM", 10**9)
    monkeypatch.setattr(manifest_store, "PARALLEL_FROM", 10**9)
    assert build_site(datasets, tmp_path / "serial").published
    monkeypatch.setattr(write, "PARALLEL_FROM", 1)
    monkeypatch.setattr(write, "SLICE", 3)  # many small slices over two workers
    monkeypatch.setattr(manifest_store, "PARALLEL_FROM", 1)
    monkeypatch.setattr(manifest_store, "CHUNK", 1)
    seen: list[tuple[int, int]] = []
    parallel = build_site(datasets, tmp_path / "parallel",
                          progress=lambda done, total: seen.append((done, total)))
    assert parallel.published and parallel.stats is not None and parallel.stats.written > 30
    assert site_files(tmp_path / "parallel") == site_files(tmp_path / "serial")
    assert seen[-1][0] == seen[-1][1] and len(seen) > 5
    (datasets / "kromp" / "1.1.yaml").write_text(KROMP_11.replace("Reviewed", "Checked"))
    again = build_site(datasets, tmp_path / "parallel")
    assert again.stats is not None and 0 < again.stats.written < 15 and again.stats.unchanged > 30


def test_file_hashes_are_read_again_only_when_the_stat_changed(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from site_builder import file_digests as module

    folder = tmp_path / "datasets"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "1.0.yaml").write_text("one")
    (folder / "b.yaml").write_text("two")
    past = time.time() - 60
    for path in folder.rglob("*.yaml"):
        os.utime(path, (past, past))
    opened: list[str] = []
    real_open = open

    def counting_open(path: str, mode: str = "r") -> object:
        opened.append(Path(path).name)
        return real_open(path, mode)

    monkeypatch.setattr(module, "open", counting_open, raising=False)
    first = module.file_digests(folder, tmp_path / "cache")
    assert first == {"a/1.0.yaml": hashlib.sha256(b"one").hexdigest(),
                     "b.yaml": hashlib.sha256(b"two").hexdigest()}
    assert sorted(opened) == ["1.0.yaml", "b.yaml"]
    opened.clear()
    assert module.file_digests(folder, tmp_path / "cache") == first and opened == []
    (folder / "b.yaml").write_text("three")  # just now: read now, and again next time (racy)
    assert module.file_digests(folder, tmp_path / "cache")["b.yaml"] == hashlib.sha256(b"three").hexdigest()
    assert module.file_digests(folder, tmp_path / "cache")["b.yaml"] == hashlib.sha256(b"three").hexdigest()
    assert opened == ["b.yaml", "b.yaml"]


def test_a_link_out_of_the_catalogue_is_hashed_by_its_target_name_never_read(tmp_path: Path) -> None:
    from site_builder.file_digests import file_digests

    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    folder = tmp_path / "datasets" / "a"
    folder.mkdir(parents=True)
    (folder / "leak.yaml").symlink_to(outside)
    first = file_digests(tmp_path / "datasets")
    outside.write_text("changed secret")  # the target is not read, so its change is not seen
    assert file_digests(tmp_path / "datasets") == first
    (folder / "leak.yaml").unlink()
    (folder / "leak.yaml").symlink_to(tmp_path / "elsewhere")
    assert file_digests(tmp_path / "datasets") != first


def test_validate_with_a_cache_reports_the_same_and_parses_only_what_changed(datasets: Path,
                                                                              tmp_path: Path) -> None:
    from site_builder.validate import validate_paths

    (datasets / "mosquito" / "1.0.yaml").write_text(MOSQUITO.replace("CC-BY-NC-4.0", "CC BY NC"))

    def shown(report: object) -> list[tuple[str, int, str]]:
        return [(p.file, p.line, p.message) for p in report.problems]  # type: ignore[attr-defined]

    fresh = validate_paths([datasets])
    assert fresh.errors
    assert shown(validate_paths([datasets], cache=tmp_path / "cache")) == shown(fresh)
    assert shown(validate_paths([datasets], cache=tmp_path / "cache")) == shown(fresh)
    assert len(list((tmp_path / "cache" / "manifests").glob("*.json"))) >= 1
