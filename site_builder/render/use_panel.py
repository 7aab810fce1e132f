"""The "Use this dataset" panel: where the data are, and code that fetches or opens them.

Every snippet is generated from the manifest, the archives table and the site's own address,
so a user copies a command that names this dataset's real folder, files and example store.
Values a submitter wrote reach the code only as quoted literals (`shlex.quote` for the shell,
`repr` for Python), never as code. `tests/test_use_snippets.py` runs every snippet of the
bundled catalogue against the served site and stand-ins for the archives.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, urlsplit

from ..archives import ArchiveLink, resolve_accession
from ..model import Manifest
from ..settings import Settings
from ..thumbnails.local_sources import is_raster, is_remote

if TYPE_CHECKING:  # pages imports this module
    from .pages import DatasetEntry



@dataclass(frozen=True)
class Snippet:
    """One copyable piece of code, and what running it does."""

    kind: Literal["mirror", "listed", "example"]
    title: str
    language: Literal["shell", "python"]
    code: str
    note: str = ""


@dataclass(frozen=True)
class UsePanel:
    """What the panel shows for one version of one dataset."""

    archive: ArchiveLink | None
    data_url: str | None
    files_folder: str | None
    """Where the data files are: the archive's folder, else a `data_url` that is a folder."""
    annotation_files: int
    source_images: int
    snippets: tuple[Snippet, ...]


def example_store_path(dataset_id: str, image: str) -> str:
    """Where the site publishes a dataset's local example store: a site-relative file path (not
    percent-encoded), ending with /. Its own folder, so no example can shadow a page."""
    return f"examples/{dataset_id}/" + PurePosixPath(image).as_posix().strip("/") + "/"


def is_local_store(image: str) -> bool:
    """A store folder in the dataset's folder (not a URL, not a plain picture)."""
    return not is_remote(image) and not is_raster(image)


def _listed_paths(manifest: Manifest) -> tuple[int, int]:
    annotations = {r.annotation_id for s in manifest.annotations for r in s.file_metadata}
    images = {i for s in manifest.annotations for r in s.file_metadata for i in r.source_image_id}
    return len(annotations), len(images - annotations)


def _mirror(archive: ArchiveLink, folder: str) -> Snippet:
    depth = len([p for p in urlsplit(folder).path.split("/") if p])
    code = "\n".join([
        f"wget --recursive --no-parent --no-host-directories --cut-dirs={depth} \\",
        f"  --reject 'index.html*' --directory-prefix={shlex.quote(archive.accession)} \\",
        f"  {shlex.quote(folder)}",
    ])
    return Snippet("mirror", f"Download every file of {archive.accession} (wget)", "shell", code,
                   f"Mirrors the {archive.archive} folder into ./{archive.accession}/; "
                   "run it again to resume.")


def _listed(api_url: str, folder: str, target: str, count: int) -> Snippet:
    code = "\n".join([
        "# Python 3, standard library only.",
        "import json, pathlib, urllib.parse, urllib.request",
        "",
        f"MANIFEST = {api_url!r}",
        f"FILES = {folder!r}",
        f"TARGET = pathlib.Path({target!r})",
        "",
        "manifest = json.load(urllib.request.urlopen(MANIFEST))",
        "records = [r for group in manifest['annotations'] for r in group.get('file_metadata', [])]",
        "paths = sorted({path for r in records for path in [r['annotation_id'], *r['source_image_id']]})",
        "for path in paths:",
        "    parts = pathlib.PurePosixPath(path).parts",
        "    if not parts or parts[0] == '/' or '..' in parts or ':' in path:",
        "        continue  # only plain relative paths inside the folder",
        "    target = TARGET.joinpath(*parts)",
        "    target.parent.mkdir(parents=True, exist_ok=True)",
        "    urllib.request.urlretrieve(FILES + urllib.parse.quote(path), target)",
        "print(len(paths), 'files in', TARGET)",
    ])
    return Snippet("listed", f"Download the {count:,} files listed in this manifest (Python)", "python", code,
                   "Reads the file records from this catalogue's JSON and fetches each annotation file "
                   "and its source image from the archive.")


def _example(url: str, labels: str | None, illustrative: bool, number: int) -> Snippet:
    lines = [
        '# pip install "zarr>=3" fsspec aiohttp',
        "import zarr",
        "",
        f"url = {url!r}",
        "root = zarr.open_group(url, mode='r')",
        "ome = root.attrs.get('ome', root.attrs)  # NGFF 0.5 keeps its metadata under 'ome'",
        "image = root[ome['multiscales'][0]['datasets'][0]['path']]  # full resolution",
        "print('image', image.shape, image.dtype)",
    ]
    if labels:
        lines += [
            f"labels = zarr.open_group({url + '/labels/' + quote(labels)!r}, mode='r')",
            "lome = labels.attrs.get('ome', labels.attrs)",
            "mask = labels[lome['multiscales'][0]['datasets'][0]['path']][...]",
            "print('labels', mask.shape, mask.dtype)",
        ]
    what = "an illustrative sample, not data from this dataset" if illustrative else "a crop of the data"
    title = "Open the example image" + (f" {number}" if number > 1 else "") + " (Python, zarr)"
    note = f"Reads the OME-Zarr store chunk by chunk over HTTP: {what}"
    return Snippet("example", title, "python", "\n".join(lines),
                   note + (f", with its label image '{labels}'." if labels else "."))


def use_panel(entry: DatasetEntry, manifest: Manifest, settings: Settings,
              published: frozenset[str] = frozenset()) -> UsePanel:
    """The panel of `manifest`; `published` holds the example stores the site serves."""
    from ..outputs.common import absolute

    study = manifest.study
    archive = resolve_accession(study.accession)
    folder = archive.files if archive and archive.files else None
    if folder is None and study.data_url and study.data_url.endswith("/"):
        folder = study.data_url
    annotation_files, source_images = _listed_paths(manifest)
    snippets: list[Snippet] = []
    if archive and archive.files and archive.listing:
        snippets.append(_mirror(archive, archive.files))
    if folder and annotation_files:
        api = absolute(settings, f"api/datasets/{entry.id}/{manifest.version.version}.json")
        target = archive.accession if archive else entry.id
        snippets.append(_listed(api, folder, target, annotation_files + source_images))
    examples = manifest.images.examples if manifest.images else []
    for number, example in enumerate(examples, start=1):
        image = example.image
        if is_local_store(image) and image in published:
            url = absolute(settings, quote(example_store_path(entry.id, image))).rstrip("/")
        elif image.startswith("https://") and not is_raster(image):
            url = image.rstrip("/")
        else:
            continue
        snippets.append(_example(url, example.labels, example.illustrative, number))
    return UsePanel(archive, study.data_url, folder, annotation_files, source_images, tuple(snippets))
