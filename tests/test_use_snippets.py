"""Every snippet the bundled catalogue shows runs, against the served site and archive stand-ins.

The built site is served on 127.0.0.1 under its published path; each archive host is replaced
by a local server whose files sit where the archive keeps them (the layouts below are written
out here, from the archives' own download pages, not taken from the code under test). The
URL's host is replaced and its path kept, so a wrong folder, a wrong API path or a broken
template makes a snippet fail here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from site_builder.build import build_site
from site_builder.settings import load_settings

from .conftest import REPO
from .local_servers import serve_folder

_URL = re.compile(r"https?://[^\s'\"]+")


def archive_folder(accession: str) -> tuple[str, str]:
    """(host, folder path) where the archive serves a study's files, by its documented layout."""
    number = re.sub(r"\D", "", accession)
    bucket = f"{accession.rstrip('0123456789')}0-99" if int(number) < 100 else number[-3:]
    if accession.startswith("S-BIAD"):
        return "ftp.ebi.ac.uk", f"/biostudies/fire/S-BIAD/{bucket}/{accession}/Files/"
    if accession.startswith("S-BSST"):
        return "ftp.ebi.ac.uk", f"/biostudies/nfs/S-BSST/{bucket}/{accession}/Files/"
    if accession.startswith("EMPIAR-"):
        return "ftp.ebi.ac.uk", f"/empiar/world_availability/{number}/data/"
    raise AssertionError(f"no known layout for {accession}")


@dataclass
class Served:
    site: Path
    origins: dict[str, str]
    """Published origin -> local origin."""
    standins: dict[str, Path]
    """Published host -> the folder its stand-in serves."""
    prefix: str
    """The site's path under its origin, e.g. /mifa-catalogue/."""

    def local(self, code: str) -> str:
        def swap(match: re.Match[str]) -> str:
            url = urlsplit(match.group(0))
            origin = f"{url.scheme}://{url.netloc}"
            assert origin in self.origins, f"a snippet reaches {origin}, which no test server stands in for"
            return self.origins[origin] + match.group(0)[len(origin):]
        return _URL.sub(swap, code)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("snippets")
    settings, _ = load_settings(REPO / "catalogue" / "catalogue.yaml")
    assert settings is not None
    base = urlsplit(str(settings.base_url))
    site_root = root / "site-origin"
    site = site_root / base.path.strip("/")
    site.parent.mkdir(parents=True, exist_ok=True)
    assert build_site(REPO / "datasets", site).published
    standins = {"ftp.ebi.ac.uk": root / "ftp.ebi.ac.uk"}
    with ExitStack() as stack:
        origins = {f"{base.scheme}://{base.netloc}": stack.enter_context(serve_folder(site_root))}
        for host, folder in standins.items():
            folder.mkdir()
            origins[f"https://{host}"] = stack.enter_context(serve_folder(folder))
        yield Served(site, origins, standins, "/" + base.path.strip("/") + "/")


def _listed_paths(site: Path, dataset: str, version: str) -> list[str]:
    manifest = json.loads((site / "api" / "datasets" / dataset / f"{version}.json").read_text())
    paths = {p for group in manifest["annotations"] for r in group.get("file_metadata", [])
             for p in [r["annotation_id"], *r["source_image_id"]]}
    return sorted(paths)


def _stock_archive(served: Served, accession: str, paths: list[str]) -> dict[str, bytes]:
    """Put the study's files where its archive keeps them; returns relative path -> bytes."""
    host, folder = archive_folder(accession)
    files = {path: hashlib.sha256(f"{accession}/{path}".encode()).digest() * 3
             for path in (paths or ["README.txt", "images/sample 1.tif"])}
    for path, data in files.items():
        target = served.standins[host] / folder.strip("/") / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return files


def _run(code: str, language: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    if language == "shell":
        command = ["bash", "-euo", "pipefail", "-c", code]
    else:
        (cwd / "snippet.py").write_text(code)
        command = [sys.executable, "snippet.py"]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the snippet failed:\n{code}\n--- stderr ---\n{done.stderr[-3000:]}"
    return done.stdout


def _received(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _declared_shape(site: Path, store_url_path: str, served: Served) -> tuple[int, ...]:
    """The full-resolution shape the store's own metadata declares, read from the published files."""
    store = site / store_url_path[len(served.prefix):]
    meta = json.loads((store / "zarr.json").read_text())["attributes"]["ome"]
    level = meta["multiscales"][0]["datasets"][0]["path"]
    return tuple(json.loads((store / level / "zarr.json").read_text())["shape"])


def _pages(site: Path) -> list[tuple[str, str, Path]]:
    """(dataset, version, page) for every version page of every dataset."""
    found = []
    for api in sorted((site / "api" / "datasets").glob("*/*.json")):
        dataset, version = api.parent.name, api.stem
        page = site / "datasets" / dataset / version / "index.html"
        if page.exists():
            found.append((dataset, version, page))
    return found


def test_every_snippet_of_the_bundled_catalogue_runs(served: Served, tmp_path: Path) -> None:
    if shutil.which("wget") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wget is missing: the download snippets cannot be run (apt-get install wget)")
        pytest.skip("wget is not installed: the download snippets cannot be run here")
    pages = _pages(served.site)
    assert len(pages) >= 12  # a page per version of each bundled dataset
    seen: dict[str, int] = {}
    ran: set[str] = set()
    for dataset, version, page in pages:
        html = BeautifulSoup(page.read_text(), "html.parser")
        blocks = html.select("section.use pre[data-snippet]")
        rows = {dt.get_text(strip=True): dt.find_next_sibling("dd") for dt in html.select("section.use dt")}
        accession = rows["Archive"].get_text(" ", strip=True).split()[-1] if "Archive" in rows else None
        for block in blocks:
            kind, code = block["data-snippet"], block.get_text()
            seen[kind] = seen.get(kind, 0) + 1
            if code in ran:
                continue
            ran.add(code)
            work = tmp_path / f"{dataset}-{version}-{kind}"
            work.mkdir()
            local = served.local(code)
            if kind in ("mirror", "listed"):
                assert accession, f"{page}: a download snippet without an archive accession"
                files = _stock_archive(served, accession, _listed_paths(served.site, dataset, version))
                out = _run(local, str(block["data-language"]), work)
                received = _received(work / accession)
                if kind == "listed":
                    assert received == files, f"{dataset} {version}: the listed files did not all arrive"
                    assert out.strip().startswith(f"{len(files)} files")
                else:
                    assert files.items() <= received.items(), f"{dataset} {version}: the mirror missed files"
            elif kind == "example":
                stores = [urlsplit(url).path for url in _URL.findall(code)]
                out = _run(local, "python", work)
                lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
                shapes = [str(_declared_shape(served.site, store, served)) + " " for store in stores]
                assert lines["image"].startswith(shapes[0]), (dataset, lines)
                if len(shapes) > 1:
                    assert lines["labels"].startswith(shapes[1]), (dataset, lines)
            else:
                raise AssertionError(f"{page}: a snippet of unknown kind '{kind}' that no test runs")
    assert sum(seen.values()) >= 20 and len(ran) >= 15, (seen, len(ran))  # none skipped
    assert {"mirror", "listed", "example"} <= set(seen), seen
