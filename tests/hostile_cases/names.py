"""Special files and names (issue 15, class 3): what the site and every file system can hold.

Manifests that are not regular files (a FIFO, a link to /dev/zero, a folder) are refused by
type and never opened; files meant as manifests under another spelling (1.1.YAML, 1.2.Yml,
1.0.yaml.txt, a trailing dot) or outside any dataset folder are named, with the right name;
version labels and dataset ids that collide without letter case, with the site's own files,
with Windows' device names, or that are too long, are refused before the build writes them.
What cannot be committed portably (FIFOs, links, names that differ only in case, device names,
trailing dots and spaces) is made here. The command-line cases are in test_hostile_names.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..hostile_corpus import Case, E, Ports

CATEGORY = "names"


def manifest(label: str, stamp: str = "2024-05-01T10:00:00+00:00", previous: str | None = None) -> str:
    """A valid manifest of version `label` (its label on line 17), following `previous`."""
    text = (
        "study:\n"
        "  title: Nuclei in fluorescence images\n"
        "  description: Fluorescence images of cell nuclei with expert segmentation masks.\n"
        "  keywords: [nucleus, segmentation]\n"
        "  license: CC0-1.0\n"
        "  authors:\n"
        "    - author_first_name: Ada\n"
        "      author_last_name: Lovelace\n"
        "      orcid_id: 0000-0002-1825-0097\n"
        "  funding_statement: No specific funding.\n"
        "annotations:\n"
        "  - annotation_overview: Nuclei outlined by hand.\n"
        "    annotation_type: segmentation_mask\n"
        "    annotation_method: Drawn by one expert in napari.\n"
        "    annotation_source_indicator: file_name_exact_match\n"
        "version:\n"
        f'  version: "{label}"\n'
        f"  timestamp: {stamp}\n"
    )
    if previous is not None:
        text += f'  previous_version: "{previous}"\n  changes: Masks reviewed again.\n'
    return text


def _dataset(root: Path, dataset: str = "nuclei") -> Path:
    folder = root / "datasets" / dataset
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fifo_manifest(root: Path, ports: Ports) -> None:
    os.mkfifo(_dataset(root) / "1.0.yaml")


def _link_to_fifo_in_folder(root: Path, ports: Ports) -> None:
    folder = _dataset(root)
    os.mkfifo(folder / ".pipe")
    (folder / "1.0.yaml").symlink_to(".pipe")


def _link_to_dev_zero(root: Path, ports: Ports) -> None:
    (_dataset(root) / "1.0.yaml").symlink_to("/dev/zero")


def _folder_named_as_manifest(root: Path, ports: Ports) -> None:
    folder = _dataset(root)
    (folder / "1.0.yaml").mkdir()
    (folder / "1.0.yaml" / "notes.txt").write_text("not a manifest\n", encoding="utf-8")


def _fifos_in_catalogue_folder(root: Path, ports: Ports) -> None:
    (_dataset(root, "cells") / "1.0.yaml").write_text(manifest("1.0"), encoding="utf-8")
    os.mkfifo(root / "datasets" / "nuclei.yaml")
    os.mkfifo(root / "datasets" / "pipe")


def _labels_differing_in_case(root: Path, ports: Ports) -> None:
    folder = _dataset(root)
    (folder / "v1.yaml").write_text(manifest("v1"), encoding="utf-8")
    (folder / "V1.yaml").write_text(manifest("V1", "2024-06-01T10:00:00+00:00", "v1"), encoding="utf-8")


def _ids_differing_in_case(root: Path, ports: Ports) -> None:
    (_dataset(root, "nuclei") / "1.0.yaml").write_text(manifest("1.0"), encoding="utf-8")
    (_dataset(root, "Nuclei") / "1.0.yaml").write_text(manifest("1.0"), encoding="utf-8")


def _label_windows_device(root: Path, ports: Ports) -> None:
    folder = _dataset(root)
    (folder / "1.0.yaml").write_text(manifest("1.0"), encoding="utf-8")
    (folder / "con.yaml").write_text(manifest("con", "2024-06-01T10:00:00+00:00", "1.0"), encoding="utf-8")


def _id_windows_device(root: Path, ports: Ports) -> None:
    (_dataset(root, "con") / "1.0.yaml").write_text(manifest("1.0"), encoding="utf-8")


def _names_ending_in_a_dot(root: Path, ports: Ports) -> None:
    """Windows drops a trailing dot (and space: see test_hostile_names.py, where a report's
    line can show one)."""
    folder = _dataset(root)
    (folder / "1.0.yaml.").write_text(manifest("1.0"), encoding="utf-8")
    (folder / "1.1.Yml..").write_text(manifest("1.1", "2024-06-01T10:00:00+00:00", "1.0"), encoding="utf-8")


GENERATED: dict[str, Callable[[Path, Ports], None]] = {
    "names/manifest-is-a-fifo": _fifo_manifest,
    "names/manifest-link-to-a-fifo-in-its-folder": _link_to_fifo_in_folder,
    "names/manifest-link-to-dev-zero": _link_to_dev_zero,
    "names/manifest-name-is-a-folder": _folder_named_as_manifest,
    "names/fifos-in-the-catalogue-folder": _fifos_in_catalogue_folder,
    "names/labels-differ-only-in-case": _labels_differing_in_case,
    "names/dataset-ids-differ-only-in-case": _ids_differing_in_case,
    "names/version-label-windows-device": _label_windows_device,
    "names/dataset-id-windows-device": _id_windows_device,
    "names/manifest-names-end-with-a-dot": _names_ending_in_a_dot,
}
"""FIFOs, links, and names a checkout on macOS or Windows could not hold."""

_NOT_READ = "is not read as a manifest: only file names ending in .yaml or .yml (lower case) are"

EXPECTED: dict[str, Case] = {
    "names/comparison-pages-collide": Case((
        E("error", 17, "version.version",
          "the page comparing versions '1-to-2' and '3' would have the same address as the one comparing"
          " '1' and '2-to-3' (changes/1-to-2-to-3/)", "datasets/nuclei/3.yaml"),
    )),
    "names/dataset-id-windows-device": Case((
        E("error", 1, "", "the dataset folder 'con' is a name Windows reserves for a device (CON): the"
          " folder cannot exist there", "datasets/con/1.0.yaml"),
    )),
    "names/dataset-ids-differ-only-in-case": Case((
        E("error", 1, "", "the dataset folder 'Nuclei' is not a valid dataset id",
          "datasets/Nuclei/1.0.yaml"),
    )),
    "names/fifos-in-the-catalogue-folder": Case((
        E("error", 1, "", "'nuclei.yaml' is not in a dataset folder, so it is not read",
          "datasets/nuclei.yaml"),
        E("warning", 1, "", "'pipe' is a named pipe (FIFO), not a dataset folder; it is ignored",
          "datasets/pipe"),
    )),
    "names/labels-differ-only-in-case": Case((
        E("error", 17, "version.version",
          "the version label 'v1' differs from 'V1' (datasets/nuclei/V1.yaml) only in letter case: on macOS"
          " and Windows their files and pages are the same", "datasets/nuclei/v1.yaml"),
    )),
    "names/long-author-name-builds.yaml": Case((), builds=True),
    "names/manifest-is-a-fifo": Case((
        E("error", 1, "", "'1.0.yaml' is a named pipe (FIFO), not a regular file; it is not read",
          "datasets/nuclei/1.0.yaml"),
    )),
    "names/manifest-link-to-a-fifo-in-its-folder": Case((
        E("error", 1, "",
          "'1.0.yaml' is a symbolic link to a named pipe (FIFO), not a regular file; it is not read",
          "datasets/nuclei/1.0.yaml"),
    )),
    "names/manifest-link-to-dev-zero": Case((
        E("error", 1, "", "'1.0.yaml' is a symbolic link to a file outside the dataset folder",
          "datasets/nuclei/1.0.yaml"),
    )),
    "names/manifest-name-is-a-folder": Case((
        E("error", 1, "", "'1.0.yaml' is a folder, not a regular file; it is not read",
          "datasets/nuclei/1.0.yaml"),
    )),
    "names/manifest-names-end-with-a-dot": Case((
        E("error", 1, "", f"'1.0.yaml.' {_NOT_READ}", "datasets/nuclei/1.0.yaml."),
        E("error", 1, "", f"'1.1.Yml..' {_NOT_READ}", "datasets/nuclei/1.1.Yml.."),
    )),
    "names/manifest-outside-any-dataset-folder": Case((
        E("error", 1, "", "'nuclei.yaml' is not in a dataset folder, so it is not read",
          "datasets/nuclei.yaml"),
    )),
    "names/manifest-saved-as-text": Case((  # perhaps notes kept on purpose: the rest is published
        E("warning", 1, "", f"'1.1.yaml.txt' {_NOT_READ}", "datasets/nuclei/1.1.yaml.txt"),
    ), builds=True),
    "names/manifest-suffixes-in-other-spellings": Case((
        E("error", 1, "", f"'1.1.YAML' {_NOT_READ}", "datasets/nuclei/1.1.YAML"),
        E("error", 1, "", f"'1.2.Yml' {_NOT_READ}", "datasets/nuclei/1.2.Yml"),
    )),
    "names/version-label-changes": Case((
        E("error", 17, "version.version", "the version label 'changes' is the name of the dataset's own"
          " folder in the site (datasets/<id>/changes)", "datasets/nuclei/changes.yaml"),
    )),
    "names/version-label-climbs-out.yaml": Case((
        E("error", 17, "version.version", "'../../outside' is not a usable version label"),
    )),
    "names/version-label-ends-with-a-dot": Case((
        E("error", 17, "version.version", "the version label '1.1.' ends with a dot, which Windows drops"
          " from folder names", "datasets/nuclei/1.1..yaml"),
    )),
    "names/version-label-index-html": Case((
        E("error", 17, "version.version", "the version label 'index.html' is the name of the dataset's own"
          " page in the site (datasets/<id>/index.html)", "datasets/nuclei/index.html.yaml"),
    )),
    "names/version-label-too-long": Case((
        E("error", 17, "version.version", "is 50 characters long, over the limit of 40",
          "datasets/nuclei/1.0.0-release-candidate-for-the-2024-spring-review.yaml"),
    )),
    "names/version-label-windows-device": Case((
        E("error", 17, "version.version", "the version label 'con' is a name Windows reserves for a device"
          " (CON): its files cannot exist there", "datasets/nuclei/con.yaml"),
    )),
}

ISSUE: dict[str, list[str]] = {
    "a FIFO as a manifest inside datasets/ (and one named on the command line) never blocks": [
        "names/manifest-is-a-fifo", "names/manifest-link-to-a-fifo-in-its-folder",
        "names/fifos-in-the-catalogue-folder", "names/manifest-name-is-a-folder"],
    "`mifa validate path/1.0.yaml` on a link to /dev/zero": ["names/manifest-link-to-dev-zero"],
    "1.1.YAML and 1.2.Yml ignored without a word": [
        "names/manifest-suffixes-in-other-spellings", "names/manifest-saved-as-text",
        "names/manifest-names-end-with-a-dot", "names/manifest-outside-any-dataset-folder"],
    "labels v1 and V1 both pass": ["names/labels-differ-only-in-case",
                                   "names/dataset-ids-differ-only-in-case"],
    "a version labelled index.html crashes the build": [
        "names/version-label-index-html", "names/version-label-changes", "names/comparison-pages-collide"],
    "Windows device names and trailing dots": [
        "names/version-label-windows-device", "names/dataset-id-windows-device",
        "names/version-label-ends-with-a-dot", "names/manifest-names-end-with-a-dot"],
    "a path component over 255 bytes crashes the build": [
        "names/long-author-name-builds.yaml", "names/version-label-too-long"],
    "`mifa new x --version ../../outside` writes outside datasets/": ["names/version-label-climbs-out.yaml"],
}
"""The issue's examples of this class, with the inputs that cover them."""
