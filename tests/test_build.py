"""Builds are deterministic, atomic and incremental, and no submitted markup reaches a page."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.build import build_site
from site_builder.serve import Preview

from .site_helpers import OWN_SCRIPTS
from .test_site import KROMP, KROMP_11, MOSQUITO, write_catalogue

HOSTILE = """\
study:
  title: <script>alert('title')</script> Nuclei <img src=x onerror=alert(1)>
  description: |
    Nice data <script>alert(1)</script> and <img src=x onerror="alert(2)">
    [click me](javascript:alert(3)) <a href="javascript:alert(4)" onclick="alert(5)">x</a>
    <iframe src="https://evil.example"></iframe> <div style="background:url(javascript:alert(6))">y</div>
    <svg onload=alert(7)></svg>
  keywords: ["<b onmouseover=alert(8)>kw</b>"]
  license: CC0-1.0
  authors:
    - author_first_name: <script>alert(9)</script>
      author_last_name: '" onmouseover="alert(10)'
      role: ["<img src=x onerror=alert(11)>"]
  funding_statement: <a href="javascript:alert(12)">funds</a>
  link_url: https://example.org/x?a='onmouseover='alert(13)
  link_description: <script>alert(14)</script>
annotations:
  - annotation_overview: <script>alert(15)</script>
    annotation_type: other
    annotation_method: <body onload=alert(16)>
version:
  version: "1.0"
  timestamp: 2024-05-01T10:00:00+00:00
  changes: <script>alert(17)</script>
"""


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def datasets(tmp_path: Path) -> Path:
    return write_catalogue(tmp_path, {"kromp/1.0.yaml": KROMP, "kromp/1.1.yaml": KROMP_11,
                                      "mosquito/1.0.yaml": MOSQUITO})


def test_two_builds_are_byte_identical(datasets: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert build_site(datasets, first).published
    time.sleep(0.01)
    assert build_site(datasets, second).published
    assert site_files(first) == site_files(second)
    assert len(site_files(first)) > 30


def test_rebuild_rewrites_only_changed_pages(datasets: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    first = build_site(datasets, out)
    assert first.stats is not None and first.stats.unchanged == 0
    page = out / "datasets" / "mosquito" / "index.html"
    inode, mtime = page.stat().st_ino, page.stat().st_mtime_ns
    again = build_site(datasets, out)
    assert again.stats is not None and again.stats.written == 0
    assert again.stats.unchanged == first.stats.written
    assert (page.stat().st_ino, page.stat().st_mtime_ns) == (inode, mtime)
    kromp = datasets / "kromp" / "1.1.yaml"
    kromp.write_text(kromp.read_text().replace("Reviewed the masks again.", "Reviewed the masks twice."))
    changed = build_site(datasets, out)
    assert changed.stats is not None and 0 < changed.stats.written < 10
    assert (page.stat().st_ino, page.stat().st_mtime_ns) == (inode, mtime)
    assert "Reviewed the masks twice." in (out / "datasets" / "kromp" / "index.html").read_text()


def test_a_build_that_fails_midway_leaves_the_old_site(datasets: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    before = site_files(out)
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    # The person template is rendered after dataset pages: the build dies halfway through.
    (overrides / "person.html").write_text("{{ person.no_such_attribute.fail }}")
    (datasets / "kromp" / "1.1.yaml").write_text(KROMP_11.replace("Reviewed", "Checked"))
    with pytest.raises(Exception, match="no_such_attribute"):
        build_site(datasets, out, overrides=overrides)
    assert site_files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("._site.new")] == []


def test_a_catalogue_with_errors_is_not_published(datasets: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    before = site_files(out)
    (datasets / "mosquito" / "1.0.yaml").write_text(MOSQUITO.replace("CC-BY-NC-4.0", "CC BY NC"))
    result = build_site(datasets, out)
    assert not result.published
    assert result.summary(out) == f"not built: 1 error in the catalogue; {out} is unchanged"
    assert site_files(out) == before


def test_a_build_killed_between_the_renames_is_repaired(datasets: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    before = site_files(out)
    out.rename(tmp_path / "._site.old-999")  # the state after the first of the two renames
    assert build_site(datasets, out).published
    assert site_files(out) == before


def test_catalogue_templates_override_and_extend_the_defaults(datasets: Path, tmp_path: Path) -> None:
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "base.html").write_text(
        '{% extends "default:base.html" %}{% block title %}Custom · {{ super() }}{% endblock %}')
    out = tmp_path / "_site"
    assert build_site(datasets, out, overrides=overrides).published
    page = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    assert page.title is not None and page.title.get_text() == "Custom · MIFA Catalogue"


def test_no_submitted_markup_or_script_reaches_any_page(tmp_path: Path) -> None:
    datasets = write_catalogue(tmp_path, {"hostile/1.0.yaml": HOSTILE})
    out = tmp_path / "_site"
    result = build_site(datasets, out)
    assert result.published, [p.message for p in result.report.errors]
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        page = BeautifulSoup(path.read_text(), "html.parser")
        prefix = "../" * path.relative_to(out).as_posix().count("/")
        own_scripts = {prefix + f"assets/{name}" for name in OWN_SCRIPTS}
        for data in page.select("script[type='application/ld+json']"):
            text_ = data.string or ""
            assert "</" not in text_ and "<" not in text_, path  # escaped as \u003c
            json.loads(text_)  # structured data, never markup
        scripts = [s for s in page.select("script") if s.get("src") not in own_scripts
                   and s.get("type") != "application/ld+json"]
        assert scripts == [], path  # only the site's own scripts
        assert page.select("iframe, svg, body [style], object, embed") == [], path
        for element in page.find_all(True):
            for name, value in element.attrs.items():
                assert not name.lower().startswith("on"), (path, element)
                values = value if isinstance(value, list) else [value]
                assert not any(str(v).strip().lower().startswith(("javascript:", "data:"))
                               for v in values), (path, element)
    dataset = BeautifulSoup((out / "datasets" / "hostile" / "index.html").read_text(), "html.parser")
    assert "<script>alert('title')</script> Nuclei" in dataset.select_one("h1").get_text()


def test_serve_rebuilds_when_a_manifest_changes(datasets: Path, tmp_path: Path) -> None:
    out, stop = tmp_path / "_site", threading.Event()
    preview = Preview(datasets, out, port=0)  # a free port
    thread = threading.Thread(target=preview.run, kwargs={"poll_seconds": 0.1, "stop": stop}, daemon=True)
    thread.start()
    url = f"{preview.url}datasets/kromp/index.html"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                body = urllib.request.urlopen(url, timeout=5).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert "Reviewed the masks again." in body
        manifest = datasets / "kromp" / "1.1.yaml"
        manifest.write_text(manifest.read_text().replace("again", "a third time"))
        while "a third time" not in body:
            assert time.monotonic() < deadline, "site was not rebuilt"
            time.sleep(0.2)
            body = urllib.request.urlopen(url, timeout=5).read().decode()
    finally:
        stop.set()
        thread.join(timeout=10)


def test_dates_from_git_history_appear_on_the_page(tmp_path: Path) -> None:
    import subprocess

    datasets = write_catalogue(tmp_path, {"mosquito/1.0.yaml": MOSQUITO})

    def git(*args: str, date: str = "2024-01-02T03:04:05+00:00") -> None:
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "HOME": str(tmp_path),
               "GIT_CONFIG_NOSYSTEM": "1", "PATH": os.environ.get("PATH", "")}
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "add", "datasets")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "add")
    (datasets / "mosquito" / "notes.txt").write_text("curation notes")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "add", "datasets")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "notes",
        date="2024-03-04T05:06:07+00:00")
    out = tmp_path / "_site"
    assert build_site(datasets, out).published
    page = BeautifulSoup((out / "datasets" / "mosquito" / "index.html").read_text(), "html.parser")
    dates = page.select_one("p.dates")
    assert dates is not None
    assert dates.get_text() == "In the catalogue since 2024-01-02 · last changed 2024-03-04"
