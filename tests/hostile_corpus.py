"""The hostile-input corpus in tests/fixtures/hostile/: listing, preparing and checking its inputs.

An input is a single manifest (`yaml/tab-indentation.yaml`) or a folder holding a small
catalogue (`versions/previous-version-cycle/datasets/<id>/<version>.yaml`). What cannot
sensibly be committed (symbolic links to /etc, a 9 MiB file, decompression bombs, OME-Zarr
stores, a port number) is made here, in a temporary copy: GENERATED makes inputs of its own,
EXTRAS adds the generated parts of a committed folder input. Shared by test_hostile_corpus.py
and the browser test.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from bs4 import BeautifulSoup
from PIL import Image

from .conftest import FIXTURES, MINIMAL, REPO
from .site_helpers import OWN_SCRIPTS
from .test_thumbnail_build import write_store

HOSTILE = FIXTURES / "hostile"
CATEGORIES: tuple[str, ...] = ("yaml", "types", "keys", "identifiers", "versions", "paths", "script",
                               "images", "ome-zarr", "remote")
"""Extended at the end of this module by the categories of tests/hostile_cases/."""


@dataclass(frozen=True)
class E:
    """One problem an input must give."""

    severity: str
    line: int
    path: str
    message: str
    """The message, or for reports that name a port or absolute path, the part that does not vary."""
    file: str = ""
    """The file it is reported in, relative to the catalogue's parent; '' for the input itself."""


@dataclass(frozen=True)
class Case:
    problems: tuple[E, ...]
    builds: bool = False


@dataclass(frozen=True)
class Ports:
    """Local servers the remote inputs point at: one accepts and never answers, one refuses."""

    silent: int
    refused: int


@dataclass(frozen=True)
class Prepared:
    """An input ready to check: what to validate (from `cwd`); root/datasets is a catalogue of it."""

    target: Path
    cwd: Path
    shown: str
    """How reports name the input's manifest (single-file inputs); '' for folder inputs."""


# Generated inputs -------------------------------------------------------------------------

def _deep_brackets() -> bytes:
    return MINIMAL.replace("  license: CC0-1.0\n",
                           "  license: CC0-1.0\n  keywords: " + "[" * 100_000 + "]" * 100_000 + "\n").encode()


def _deep_dashes() -> bytes:
    head, _, tail = MINIMAL.partition("annotations:\n")
    return (head + "annotations:\n" + "- " * 50_000 + "nuclei\n" + tail[tail.index("version:"):]).encode()


def _oversized() -> bytes:
    text = MINIMAL.encode()
    return text + b"# " + b"x" * (9 * 1024 * 1024 - len(text) - 3) + b"\n"


SINGLE_FILES: dict[str, Callable[[], bytes]] = {
    "yaml/deep-nesting-100000-brackets.yaml": _deep_brackets,
    "yaml/deep-nesting-50000-dashes.yaml": _deep_dashes,
    "yaml/oversized-9-mib-file.yaml": _oversized,
}
"""Single-file inputs made by the tests: too large, or too repetitive, to commit."""


def _link_to_passwd(root: Path, ports: Ports) -> None:
    (root / "datasets" / "nuclei").mkdir(parents=True)
    (root / "datasets" / "nuclei" / "1.0.yaml").symlink_to("/etc/passwd")


def _link_to_manifest_elsewhere(root: Path, ports: Ports) -> None:
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "1.0.yaml").write_text(MINIMAL, encoding="utf-8")
    (root / "datasets" / "nuclei").mkdir(parents=True)
    (root / "datasets" / "nuclei" / "1.0.yaml").symlink_to(root / "elsewhere" / "1.0.yaml")


def _link_to_dataset_elsewhere(root: Path, ports: Ports) -> None:
    (root / "elsewhere" / "nuclei").mkdir(parents=True)
    (root / "elsewhere" / "nuclei" / "1.0.yaml").write_text(MINIMAL, encoding="utf-8")
    (root / "datasets").mkdir()
    (root / "datasets" / "nuclei").symlink_to(root / "elsewhere" / "nuclei", target_is_directory=True)


GENERATED: dict[str, Callable[[Path, Ports], None]] = {
    "paths/manifest-symlink-to-etc-passwd": _link_to_passwd,
    "paths/manifest-symlink-outside-dataset": _link_to_manifest_elsewhere,
    "paths/dataset-folder-symlink-outside-catalogue": _link_to_dataset_elsewhere,
}
"""Folder inputs made entirely by the tests: symbolic links cannot be committed portably."""


def _png(width: int, height: int, *, rows: bool = True) -> bytes:
    """A greyscale PNG; with rows=False only a token of pixel data (the header is what counts)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    if rows:
        packer, row = zlib.compressobj(9), b"\0" * (width + 1)
        data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    else:
        data = zlib.compress(b"\0" * 64)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _huge_tiff() -> bytes:
    """An uncompressed greyscale TIFF whose header declares 100,000 x 100,000 pixels."""
    tags = [(256, 4, 100_000), (257, 4, 100_000), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 8), (278, 4, 100_000), (279, 4, 16)]
    ifd = struct.pack("<H", len(tags)) + b"".join(struct.pack("<HHII", tag, kind, 1, value)
                                                  for tag, kind, value in tags) + struct.pack("<I", 0)
    return b"II*\0" + struct.pack("<I", 24) + b"\0" * 16 + ifd


def _samples(root: Path, dataset: str = "cells") -> Path:
    folder = root / "datasets" / dataset / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(root: Path) -> Path:
    path = _samples(root) / "cells.ome.zarr"
    write_store(path)
    return path


def _edit_json(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _set_shape(shape: list[int]) -> Callable[[Path, Ports], None]:
    def make(root: Path, ports: Ports) -> None:
        _edit_json(_store(root) / "s0" / "zarr.json", lambda meta: meta.update(shape=shape))
    return make


def _without_multiscales(root: Path, ports: Ports) -> None:
    _edit_json(_store(root) / "zarr.json", lambda meta: meta["attributes"]["ome"].pop("multiscales"))


def _path_climbing_out(root: Path, ports: Ports) -> None:
    def climb(meta: dict[str, Any]) -> None:
        meta["attributes"]["ome"]["multiscales"][0]["datasets"][0]["path"] = "../../../../etc"
    _edit_json(_store(root) / "zarr.json", climb)


def _remote(port: Callable[[Ports], int]) -> Callable[[Path, Ports], None]:
    def make(root: Path, ports: Ports) -> None:
        manifest = root / "datasets" / "cells" / "1.0.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("127.0.0.1:9/",
                                                                          f"127.0.0.1:{port(ports)}/"))
    return make


def _outside_picture(root: Path, ports: Ports) -> None:
    Image.new("RGB", (64, 48), (255, 0, 0)).save(root / "outside.png")
    (_samples(root, "nuclei") / "example.png").symlink_to(root / "outside.png")


def _samples_are_etc(root: Path, ports: Ports) -> None:
    (root / "datasets" / "nuclei" / "samples").symlink_to("/etc", target_is_directory=True)


def _cells_picture(folder: Path) -> None:
    Image.fromarray(np.full((64, 64, 3), 200, dtype=np.uint8)).save(folder / "cells.png")


def _nested_geojson(root: Path, ports: Ports) -> None:
    folder = _samples(root)
    _cells_picture(folder)
    (folder / "cells.geojson").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def _truncated_png(root: Path, ports: Ports) -> None:
    noise = np.random.default_rng(1).integers(0, 255, (64, 64), dtype=np.uint8)
    Image.fromarray(noise).save(_samples(root) / "full.png")
    data = (_samples(root) / "full.png").read_bytes()
    (_samples(root) / "truncated.png").write_bytes(data[:len(data) // 2])
    (_samples(root) / "full.png").unlink()


def _write(name: str, data: Callable[[], bytes]) -> Callable[[Path, Ports], None]:
    def make(root: Path, ports: Ports) -> None:
        (_samples(root) / name).write_bytes(data())
    return make


EXTRAS: dict[str, Callable[[Path, Ports], None]] = {
    "paths/example-image-symlink-outside-dataset": _outside_picture,
    "paths/samples-folder-symlink-to-etc": _samples_are_etc,
    "images/png-header-declares-100000x100000": _write("bomb.png",
                                                       lambda: _png(100_000, 100_000, rows=False)),
    "images/png-81-megapixel-bomb": _write("bomb.png", lambda: _png(9000, 9000)),
    "images/tiff-header-declares-huge-size": _write("bomb.tif", _huge_tiff),
    "images/png-truncated": _truncated_png,
    "images/image-file-is-text": _write("not-an-image.png", lambda: b"This is a caption, not an image.\n"),
    "images/vector-annotations-nested-too-deep": _nested_geojson,
    "ome-zarr/absurd-declared-shape": _set_shape([2, 10**9, 10**9]),
    "ome-zarr/plane-too-large-for-a-thumbnail": _set_shape([2, 100_000, 100_000]),
    "ome-zarr/missing-array-folder": lambda root, ports: shutil.rmtree(_store(root) / "s0"),
    "ome-zarr/no-multiscales-metadata": _without_multiscales,
    "ome-zarr/multiscales-path-climbs-out": _path_climbing_out,
    "ome-zarr/label-image-missing": lambda root, ports: write_store(_samples(root) / "cells.ome.zarr"),
    "remote/example-image-url-never-answers": _remote(lambda ports: ports.silent),
    "remote/example-image-url-refuses-connections": _remote(lambda ports: ports.refused),
}
"""Generated parts of committed folder inputs (images, stores, links, the servers' ports)."""


# The corpus -------------------------------------------------------------------------------

def corpus() -> list[str]:
    """Every input: committed files and folders under each category, and generated ones."""
    committed = [p.relative_to(HOSTILE).as_posix() for category in CATEGORIES if (HOSTILE / category).is_dir()
                 for p in sorted((HOSTILE / category).iterdir()) if not p.name.startswith(".")]
    return sorted({*committed, *SINGLE_FILES, *GENERATED})


def is_single_file(name: str) -> bool:
    return name.endswith(".yaml")


def slug(name: str) -> str:
    """The dataset id an input gets in a catalogue: its name without the suffix."""
    return Path(name).name.removesuffix(".yaml")


def prepare(name: str, root: Path, ports: Ports) -> Prepared:
    """Copy (or make) the input under `root`, with a catalogue of it in root/datasets."""
    source = HOSTILE / name
    datasets = root / "datasets"
    if is_single_file(name):
        if name in SINGLE_FILES:
            target = root / name
            target.parent.mkdir(parents=True)
            target.write_bytes(SINGLE_FILES[name]())
            cwd = root
        else:
            target, cwd = source, REPO
        (datasets / slug(name)).mkdir(parents=True)
        shutil.copyfile(target, datasets / slug(name) / "1.0.yaml")
        return Prepared(target.relative_to(cwd), cwd, target.relative_to(cwd).as_posix())
    if name in GENERATED:
        GENERATED[name](root, ports)
    else:
        shutil.copytree(source / "datasets", datasets, symlinks=True)
    if name in EXTRAS:
        EXTRAS[name](root, ports)
    return Prepared(Path("datasets"), root, "")


def script_catalogue(root: Path) -> Path:
    """Every script/ input that validates, as one catalogue: the site the browser opens."""
    datasets = root / "datasets"
    for source in sorted((HOSTILE / "script").iterdir()):
        if source.is_dir():
            shutil.copytree(source / "datasets", datasets, dirs_exist_ok=True)
        elif not source.name.endswith("-is-refused.yaml"):
            (datasets / slug(source.name)).mkdir(parents=True)
            shutil.copyfile(source, datasets / slug(source.name) / "1.0.yaml")
    return datasets


# What a built site must not contain ------------------------------------------------------

_FOREIGN_ELEMENTS = ("iframe, frame, object, embed, svg, math, style, video, audio, details, marquee, "
                     "meta[http-equiv=refresh], body [style], link[href*='evil']")


def _as_browsers_read(url: str) -> str:
    """A URL as a browser parses it: tabs and newlines dropped anywhere, control characters and
    spaces trimmed at the ends (so "java&#9;script:" is javascript:, "java  script:" is not)."""
    return re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(33)))).lower()


def injected_markup(site: Path) -> list[str]:
    """Everything in the site's pages that could run script or fetch from elsewhere, as found."""
    found = []
    for path in sorted(site.rglob("*.html")):
        where = path.relative_to(site).as_posix()
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        own_scripts = {"../" * where.count("/") + f"assets/{name}" for name in OWN_SCRIPTS}
        for script in page.select("script"):
            if script.get("type") == "application/ld+json":
                data = script.string or ""
                if "<" in data:  # "</script>" would end the block; the site writes \u003c
                    found.append(f"{where}: '<' in JSON-LD")
                json.loads(data)
            elif script.get("src") not in own_scripts:
                found.append(f"{where}: {str(script)[:80]}")
        for element in page.select(_FOREIGN_ELEMENTS):
            found.append(f"{where}: {str(element)[:80]}")
        for base in page.select("base[href]"):
            if "evil" in str(base["href"]):
                found.append(f"{where}: {base}")
        for element in page.find_all(True):
            for attribute, value in element.attrs.items():
                values = value if isinstance(value, list) else [value]
                if attribute.lower().startswith("on") or attribute.lower() in ("srcdoc", "formaction"):
                    found.append(f"{where}: {attribute}= in {str(element)[:80]}")
                elif any(_as_browsers_read(str(v)).startswith(("javascript:", "data:", "vbscript:"))
                         for v in values):
                    found.append(f"{where}: {attribute}={values} in <{element.name}>")
    for path in sorted(site.rglob("*.json")):
        json.loads(path.read_text(encoding="utf-8"))  # data stays data
    return found


def snapshot(root: Path) -> set[str]:
    """Every path under root (links are listed, never followed)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}



# Round two (issue 15): one module per class of hostile input ------------------------------

def _round_two() -> list[ModuleType]:
    """The modules of tests/hostile_cases/: each names its CATEGORY (a folder under
    tests/fixtures/hostile/ and the prefix of its inputs), its EXPECTED cases and ISSUE items,
    and may add SINGLE_FILES, GENERATED and EXTRAS, which are merged here."""
    global CATEGORIES
    modules = [importlib.import_module(f"tests.hostile_cases.{info.name}")
               for info in pkgutil.iter_modules([str(Path(__file__).parent / "hostile_cases")])]
    for module in modules:
        CATEGORIES = (*CATEGORIES, module.CATEGORY)
        for name, table in (("SINGLE_FILES", SINGLE_FILES), ("GENERATED", GENERATED), ("EXTRAS", EXTRAS)):
            extra = getattr(module, name, {})
            assert all(key.startswith(module.CATEGORY + "/") for key in extra), (module.CATEGORY, name)
            table.update(extra)
        assert all(key.startswith(module.CATEGORY + "/") for key in module.EXPECTED), module.CATEGORY
    return modules


ROUND_TWO = _round_two()
