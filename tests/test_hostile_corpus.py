"""The hostile-input corpus (tests/fixtures/hostile/): every input gives a clear, located error or
warning, in bounded time, with no traceback, and writes nothing outside the output folder.

Each input is named for what it must produce. EXPECTED says it exactly enough to catch a
regression: severity, line, dotted path and (part of) the message of every problem that
matters. Every error an input gives must be listed; warnings about missing recommended
fields are left out. `builds=True` marks inputs with warnings only: they are published.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from bs4 import BeautifulSoup

from site_builder import Problem, validate_paths, yaml_loader
from site_builder.build import build_site
from site_builder.thumbnails import ome_zarr_image

from .conftest import REPO
from .hostile_corpus import (
    CATEGORIES,
    HOSTILE,
    ROUND_TWO,
    SINGLE_FILES,
    Case,
    E,
    Ports,
    Prepared,
    corpus,
    injected_markup,
    prepare,
    script_catalogue,
    slug,
    snapshot,
)

HANG_GUARD_S = 60
"""Not a speed requirement: an input that takes this long has hung the tools."""
T = TypeVar("T")


EXPECTED: dict[str, Case] = {
    "identifiers/doi-url-on-another-host.yaml": Case((
        E("error", 13, "study.publications[0].publication_doi",
          "'https://doi.example.org/10.1038/s41597-020-00608-w' is not a DOI"),
    )),
    "identifiers/doi-without-suffix.yaml": Case((
        E("error", 13, "study.publications[0].publication_doi", "'10.1038/' is not a DOI"),
    )),
    "identifiers/fbbi-id-wrong-length.yaml": Case((
        E("error", 15, "images.image_acquisition[0].imaging_method.fbbi_id",
          "'FBbi:246' is not an FBbi term id (it has 3 digits, not 8)"),
    )),
    "identifiers/ncbi-taxon-not-a-number.yaml": Case((
        E("error", 15, "images.biosample[0].organism[0].ncbi_taxon", "'human' is not an NCBI taxon id"),
    )),
    "identifiers/orcid-too-short.yaml": Case((
        E("error", 9, "study.authors[0].orcid_id", "'0000-0002-1825-009' is not an ORCID iD"),
    )),
    "identifiers/orcid-url-on-another-host.yaml": Case((
        E("error", 9, "study.authors[0].orcid_id",
          "'https://orcid.example.org/0000-0002-1825-0097' is not an ORCID iD"),
    )),
    "identifiers/ror-not-an-id.yaml": Case((
        E("error", 12, "study.authors[0].organisation[0].ror_id", "'embl-heidelberg' is not a ROR id"),
    )),
    "identifiers/spdx-deprecated-id-warns.yaml": Case((
        E("warning", 5, "study.license", "'GPL-2.0+' is a software licence; it is unusual for image data"),
        E("warning", 5, "study.license", "'GPL-2.0+' is a deprecated SPDX id"),
    ), builds=True),
    "identifiers/spdx-expression-instead-of-one-id.yaml": Case((
        E("error", 5, "study.license",
          "'CC-BY-4.0 OR MIT' is an SPDX expression, not a single licence id; give one licence id"),
    )),
    "identifiers/spdx-unknown-licence.yaml": Case((
        E("error", 5, "study.license", "'CC-BY-5.0' is not an SPDX licence id; did you mean 'CC-BY-4.0'?"),
    )),
    "images/image-file-is-text": Case((
        E("warning", 13, "images.examples[0]",
          "no thumbnail for example 1 of 'cells': samples/not-an-image.png: not a PNG, JPEG or TIFF image"
          " that can be read", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "images/png-81-megapixel-bomb": Case((
        E("warning", 13, "images.examples[0]",
          "no thumbnail for example 1 of 'cells': samples/bomb.png: an image of 9000×9000 px exceeds the"
          " limit of 64000000 px (possible decompression bomb)", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "images/png-header-declares-100000x100000": Case((
        E("warning", 13, "images.examples[0]",
          "samples/bomb.png: Image size (10000000000 pixels) exceeds limit", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "images/png-truncated": Case((
        E("warning", 13, "images.examples[0]",
          "no thumbnail for example 1 of 'cells': samples/truncated.png: cannot read the image: image file"
          " is truncated", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "images/tiff-header-declares-huge-size": Case((
        E("warning", 13, "images.examples[0]",
          "samples/bomb.tif: Image size (10000000000 pixels) exceeds limit", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "images/vector-annotations-nested-too-deep": Case((
        E("warning", 13, "images.examples[0]",
          "samples/cells.geojson:1:1: invalid JSON: nested too deeply", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "keys/top-level-key-capitalised.yaml": Case((
        E("error", 2, "Study", "unknown key 'Study'; did you mean 'study'?"),
    )),
    "keys/unknown-key-in-annotations.yaml": Case((
        E("error", 15, "annotations[0].annotation_methods",
          "unknown key 'annotation_methods'; did you mean 'annotation_method'?"),
    )),
    "keys/unknown-key-in-images.yaml": Case((
        E("error", 13, "images.organism", "unknown key 'organism'"),
    )),
    "keys/unknown-key-in-study.yaml": Case((
        E("error", 6, "study.licence", "unknown key 'licence'; did you mean 'license'?"),
    )),
    "keys/unknown-key-in-version.yaml": Case((
        E("error", 19, "version.release_notes", "unknown key 'release_notes'"),
    )),
    "ome-zarr/absurd-declared-shape": Case((
        E("warning", 13, "images.examples[0]",
          "cells.ome.zarr/s0: absurd declared shape (2, 1000000000, 1000000000) for axes ('c', 'y', 'x')",
          "datasets/cells/1.0.yaml"),
    ), builds=True),
    "ome-zarr/label-image-missing": Case((
        E("warning", 13, "images.examples[0]",
          "cells.ome.zarr: no label image 'nuclei' (labels in the store: cells)", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "ome-zarr/missing-array-folder": Case((
        E("warning", 13, "images.examples[0]",
          "cells.ome.zarr: cannot read array 's0': ArrayNotFoundError", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "ome-zarr/multiscales-path-climbs-out": Case((
        E("warning", 13, "images.examples[0]",
          "cannot read array '../../../../etc': ValueError: The path '../../../../etc' is invalid",
          "datasets/cells/1.0.yaml"),
    ), builds=True),
    "ome-zarr/no-multiscales-metadata": Case((
        E("warning", 13, "images.examples[0]",
          "cells.ome.zarr: no 'multiscales' metadata: not an OME-Zarr image", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "ome-zarr/plane-too-large-for-a-thumbnail": Case((
        E("warning", 13, "images.examples[0]",
          "cells.ome.zarr: level 0 plane of 100000×100000 px exceeds the limit of 64000000 px",
          "datasets/cells/1.0.yaml"),
    ), builds=True),
    "paths/annotation-id-windows-drive-path.yaml": Case((
        E("error", 16, "annotations[0].file_metadata[0].annotation_id",
          "'C:\\Windows\\System32\\config\\SAM' is not a path inside the dataset"),
    )),
    "paths/dataset-folder-symlink-outside-catalogue": Case((
        E("error", 1, "",
          "the dataset folder 'nuclei' is a symbolic link to a folder outside the catalogue",
          "datasets/nuclei"),
    )),
    "paths/example-image-climbs-out-with-dotdot.yaml": Case((
        E("error", 13, "images.examples[0].image",
          "'../../../../etc/passwd.png' is not a path inside the dataset"),
        E("error", 15, "images.examples[0].annotations",
          "'../../outside.geojson' is not a path inside the dataset"),
    )),
    "paths/example-image-file-url.yaml": Case((
        E("error", 13, "images.examples[0].image",
          "'file:///etc/passwd' uses the scheme 'file'; only http and https links are allowed"),
    )),
    "paths/example-image-symlink-outside-dataset": Case((
        E("warning", 13, "images.examples[0]",
          "no thumbnail for example 1 of 'nuclei': samples/example.png: a symbolic link leads outside the"
          " dataset folder; it is not read", "datasets/nuclei/1.0.yaml"),
    ), builds=True),
    "paths/manifest-symlink-outside-dataset": Case((
        E("error", 1, "",
          "'1.0.yaml' is a symbolic link to a file outside the dataset folder", "datasets/nuclei/1.0.yaml"),
    )),
    "paths/manifest-symlink-to-etc-passwd": Case((
        E("error", 1, "",
          "'1.0.yaml' is a symbolic link to a file outside the dataset folder", "datasets/nuclei/1.0.yaml"),
    )),
    "paths/samples-folder-symlink-to-etc": Case((
        E("warning", 13, "images.examples[0]",
          "no thumbnail for example 1 of 'nuclei': samples/passwd: a symbolic link leads outside the"
          " dataset folder; it is not read", "datasets/nuclei/1.0.yaml"),
    ), builds=True),
    "paths/source-image-absolute-path.yaml": Case((
        E("error", 18, "annotations[0].file_metadata[0].source_image_id[0]",
          "'/etc/passwd' is not a path inside the dataset"),
    )),
    "remote/example-image-url-never-answers": Case((
        E("warning", 14, "images.examples[0]",
          "cells.ome.zarr: cannot read group '/': no answer within the time limit",
          "datasets/cells/1.0.yaml"),
    ), builds=True),
    "remote/example-image-url-refuses-connections": Case((
        E("warning", 13, "images.examples[0]",
          "cells.png: cannot read group '/': ClientConnectorError: Cannot connect to host 127.0.0.1",
          "datasets/cells/1.0.yaml"),
    ), builds=True),
    "remote/s3-url-is-not-fetched": Case((
        E("warning", 13, "images.examples[0]",
          "no thumbnail for example 1 of 'cells': s3://example-bucket/cells.ome.zarr: only local paths and"
          " http(s) URLs are supported", "datasets/cells/1.0.yaml"),
    ), builds=True),
    "script/event-attributes-in-plain-fields.yaml": Case((

    ), builds=True),
    "script/javascript-and-data-links-in-markdown.yaml": Case((

    ), builds=True),
    "script/javascript-url-in-url-fields-is-refused.yaml": Case((
        E("error", 13, "study.link_url[0]",
          "'data:text/html,<script>alert(902)</script>' uses the scheme 'data'; only http and https links"
          " are allowed"),
        E("error", 13, "study.link_url[1]",
          "'vbscript:msgbox(903)' uses the scheme 'vbscript'; only http and https links are allowed"),
        E("error", 12, "study.data_url",
          "'javascript:alert(901)' uses the scheme 'javascript'; only http and https links are allowed"),
        E("error", 21, "version.original_images.url",
          "'javascript:alert(904)' uses the scheme 'javascript'; only http and https links are allowed"),
    )),
    "script/json-ld-script-breakout.yaml": Case((

    ), builds=True),
    "script/obfuscated-javascript-scheme-is-refused.yaml": Case((
        E("error", 13, "study.link_url[0]",
          "'JaVaScRiPt:alert(1001)' uses the scheme 'javascript'; only http and https links are allowed"),
        E("error", 14, "study.link_url[1]",
          "'java\\x09script:alert(1002)' is neither an http(s) URL nor a CURIE with a known prefix"),
        E("error", 15, "study.link_url[2]",
          "'&#106;avascript:alert(1003)' is neither an http(s) URL nor a CURIE with a known prefix"),
        E("error", 16, "study.link_url[3]",
          "'javascript%3Aalert(1004)' is neither an http(s) URL nor a CURIE with a known prefix"),
        E("error", 17, "study.link_url[4]", "'https:javascript:alert(1005)' has no host name"),
    )),
    "script/quotes-breaking-out-of-attributes.yaml": Case((
        E("warning", 17, "images.examples[0]",
          "no thumbnail for example 1 of 'quotes-breaking-out-of-attributes': "),
    ), builds=True),
    "script/raw-html-in-markdown.yaml": Case((

    ), builds=True),
    "script/script-in-every-text-field.yaml": Case((
        E("warning", 41, "images.examples[0]",
          "no thumbnail for example 1 of 'script-in-every-text-field': "),
    ), builds=True),
    "script/svg-example-image-with-script": Case((
        E("warning", 14, "images.examples[0]",
          "no thumbnail for example 1 of 'svg-example': samples/example.svg: not an OME-Zarr store (a"
          " folder) nor a PNG, JPEG or TIFF file", "datasets/svg-example/1.0.yaml"),
    ), builds=True),
    "script/svg-with-script-in-text.yaml": Case((

    ), builds=True),
    "types/annotations-is-text.yaml": Case((
        E("error", 12, "annotations[0]",
          "expected a mapping of keys to values, got the text 'nuclei outlined by hand'"),
    )),
    "types/annotations-object-count-is-negative.yaml": Case((
        E("error", 16, "annotations[0].object_count",
          "the number -7813 is below the smallest allowed value, 0"),
    )),
    "types/images-image-count-is-text.yaml": Case((
        E("error", 13, "images.image_count",
          "expected a whole number, got the text 'about a hundred'"),
    )),
    "types/images-is-a-list.yaml": Case((
        E("error", 13, "images", "expected a mapping of keys to values, got a list"),
    )),
    "types/study-authors-is-a-number.yaml": Case((
        E("error", 7, "study.authors[0]", "expected a mapping of keys to values, got the number 3"),
    )),
    "types/study-title-is-a-mapping.yaml": Case((
        E("error", 4, "study.title", "expected text, got a mapping"),
    )),
    "types/version-is-text.yaml": Case((
        E("error", 17, "version", "expected a mapping of keys to values, got the text '1.0'"),
    )),
    "types/version-timestamp-is-a-list.yaml": Case((
        E("error", 19, "version.timestamp", "a list is not a date and time"),
    )),
    "types/version-version-is-a-boolean.yaml": Case((
        E("error", 18, "version.version", "'True' is not a version label"),
    )),
    "versions/dataset-folder-without-manifest": Case((
        E("warning", 1, "", "the dataset folder 'nuclei' holds no manifest", "datasets/nuclei"),
    ), builds=True),
    "versions/folder-name-not-a-dataset-id": Case((
        E("error", 1, "",
          "the dataset folder 'Nuclei_Dataset' is not a valid dataset id",
          "datasets/Nuclei_Dataset/1.0.yaml"),
    )),
    "versions/future-timestamp-warns.yaml": Case((
        E("warning", 19, "version.timestamp", "the time '2204-05-01 10:00:00+00:00' is in the future"),
    ), builds=True),
    "versions/previous-version-cycle": Case((
        E("error", 18, "version.timestamp",
          "the timestamp 2024-05-01T10:00:00+00:00 is not later than that of version '1.1'"
          " (2024-06-01T10:00:00+00:00)", "datasets/nuclei/1.0.yaml"),
        E("error", 19, "version.previous_version",
          "previous_version links go round in a circle: 1.0 -> 1.1 -> 1.0", "datasets/nuclei/1.0.yaml"),
    )),
    "versions/previous-version-cycle-of-three": Case((
        E("error", 18, "version.timestamp",
          "the timestamp 2024-05-01T10:00:00+00:00 is not later than that of version '1.2'"
          " (2024-07-01T10:00:00+00:00)", "datasets/nuclei/1.0.yaml"),
        E("error", 19, "version.previous_version",
          "previous_version links go round in a circle: 1.0 -> 1.1 -> 1.2 -> 1.0",
          "datasets/nuclei/1.0.yaml"),
    )),
    "versions/previous-version-dangling": Case((
        E("error", 19, "version.previous_version",
          "previous_version '0.9' is not a version of this dataset", "datasets/nuclei/1.1.yaml"),
    )),
    "versions/previous-version-is-itself": Case((
        E("error", 19, "version.previous_version",
          "a version cannot be its own previous version", "datasets/nuclei/1.0.yaml"),
    )),
    "versions/same-version-in-two-files": Case((
        E("error", 17, "version.version",
          "version '1.0' is also defined in datasets/nuclei/1.0.yaml", "datasets/nuclei/1.0.yml"),
    )),
    "versions/version-chain-forks": Case((
        E("error", 19, "version.previous_version",
          "version '1.0' already has a next version (datasets/nuclei/1.1.yaml)",
          "datasets/nuclei/1.1-b.yaml"),
    )),
    "versions/version-label-differs-from-file-name": Case((
        E("error", 17, "version.version",
          "the version label '2.0' does not match the file name '1.0.yaml'", "datasets/nuclei/1.0.yaml"),
    )),
    "yaml/alias-bomb-billion-laughs.yaml": Case((
        E("error", 20, "", "more than 50 YAML aliases (*name)"),
    )),
    "yaml/binary-png-bytes.yaml": Case((
        E("error", 1, "", "the file is not valid UTF-8 (byte 0x89)"),
    )),
    "yaml/block-list-after-a-key-on-the-same-line.yaml": Case((
        E("error", 6, "", "this is not valid YAML"),
    )),
    "yaml/bom-is-accepted.yaml": Case((

    ), builds=True),
    "yaml/deep-nesting-100000-brackets.yaml": Case((
        E("error", 5, "", "nesting is deeper than 40 levels"),
    )),
    "yaml/deep-nesting-50000-dashes.yaml": Case((
        E("error", 11, "", "nesting is deeper than 40 levels"),
    )),
    "yaml/duplicate-key-in-an-author.yaml": Case((
        E("error", 11, "", "duplicate key 'orcid_id' (first given on line 10)"),
    )),
    "yaml/duplicate-module-annotations.yaml": Case((
        E("error", 17, "", "duplicate key 'annotations' (first given on line 12)"),
    )),
    "yaml/integer-of-5000-digits.yaml": Case((
        E("error", 6, "", "the value '9999999999999999999999999999999999999999...' cannot be read"),
    )),
    "yaml/merge-key-is-refused.yaml": Case((
        E("error", 8, "", "YAML merge keys (<<) are not supported"),
    )),
    "yaml/nul-byte-in-a-value.yaml": Case((
        E("error", 13, "", "the file contains the control character U+0000, which YAML does not allow"),
    )),
    "yaml/oversized-9-mib-file.yaml": Case((
        E("error", 1, "", "the file is 9,437,184 bytes, over the 8,388,608-byte limit"),
    )),
    "yaml/tab-indentation.yaml": Case((
        E("error", 3, "", "a tab is used for indentation; YAML indents with spaces only"),
    )),
    "yaml/two-documents-in-one-file.yaml": Case((
        E("error", 20, "",
          "this is not valid YAML"),
    )),
    "yaml/unclosed-flow-list.yaml": Case((
        E("error", 6, "",
          "this is not valid YAML"),
    )),
    "yaml/utf16-encoded.yaml": Case((
        E("error", 1, "", "the file is UTF-16 text, not UTF-8"),
    )),
}

ISSUE: dict[str, list[str]] = {
    "YAML syntax errors": ["yaml/unclosed-flow-list.yaml", "yaml/two-documents-in-one-file.yaml",
                           "yaml/block-list-after-a-key-on-the-same-line.yaml"],
    "tabs": ["yaml/tab-indentation.yaml"],
    "duplicate keys": ["yaml/duplicate-key-in-an-author.yaml", "yaml/duplicate-module-annotations.yaml"],
    "alias bombs": ["yaml/alias-bomb-billion-laughs.yaml", "yaml/merge-key-is-refused.yaml"],
    "deep nesting": ["yaml/deep-nesting-100000-brackets.yaml", "yaml/deep-nesting-50000-dashes.yaml"],
    "an oversized file": ["yaml/oversized-9-mib-file.yaml"],
    "binary and non-UTF-8 content": ["yaml/binary-png-bytes.yaml", "yaml/nul-byte-in-a-value.yaml",
                                     "yaml/utf16-encoded.yaml", "yaml/integer-of-5000-digits.yaml"],
    "a BOM": ["yaml/bom-is-accepted.yaml"],
    "wrong types in every module": [n for n in EXPECTED if n.startswith("types/")],
    "unknown keys": [n for n in EXPECTED if n.startswith("keys/")],
    "bad ORCID/DOI/ROR/SPDX values": [n for n in EXPECTED if n.startswith("identifiers/")],
    "future timestamps": ["versions/future-timestamp-warns.yaml"],
    "version cycles and dangling previous_version": [
        "versions/previous-version-cycle", "versions/previous-version-cycle-of-three",
        "versions/previous-version-is-itself", "versions/previous-version-dangling",
        "versions/version-chain-forks"],
    "id/folder mismatch": ["versions/folder-name-not-a-dataset-id", "versions/same-version-in-two-files",
                           "versions/version-label-differs-from-file-name",
                           "versions/dataset-folder-without-manifest"],
    "paths that leave the catalogue (.., absolute paths, symlinks)": [
        n for n in EXPECTED if n.startswith("paths/")],
    "script in every text field": [n for n in EXPECTED if n.startswith("script/")],
    "decompression-bomb images": ["images/png-header-declares-100000x100000", "images/png-81-megapixel-bomb",
                                  "images/tiff-header-declares-huge-size"],
    "OME-Zarr stores with absurd shapes or missing arrays": [
        n for n in EXPECTED if n.startswith("ome-zarr/")],
    "a remote image URL on a local server that never answers": ["remote/example-image-url-never-answers"],
}
"""The issue's list, item by item, with the inputs that cover it."""

for _cases in ROUND_TWO:  # issue 15's classes, one module each in tests/hostile_cases/
    assert not set(_cases.EXPECTED) & set(EXPECTED), _cases.CATEGORY
    EXPECTED.update(_cases.EXPECTED)
    ISSUE.update(getattr(_cases, "ISSUE", {}))


def test_the_corpus_covers_every_kind_of_hostile_input() -> None:
    """The corpus cannot silently shrink, nor grow an input nobody checks."""
    names = corpus()
    assert len(names) >= 40
    assert sorted(names) == sorted(EXPECTED)
    assert {name.split("/")[0] for name in names} == set(CATEGORIES)
    for kind, inputs in ISSUE.items():
        assert inputs and set(inputs) <= set(names), kind
    for module in ("study", "images", "annotations", "version"):
        assert any(name.startswith(f"types/{module}-") for name in names), f"no wrong type in {module}"


# Running the tools under a hang guard -----------------------------------------------------

def bounded(what: str, run: Callable[[], T]) -> T:
    """`run()` in a thread; fail, rather than hang the suite, when it outlives the guard."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(run())
        except BaseException as exc:  # re-raised below, with the input's name
            failure.append(exc)

    thread = threading.Thread(target=target, name=what, daemon=True)
    thread.start()
    thread.join(HANG_GUARD_S)
    assert not thread.is_alive(), f"{what} did not finish within {HANG_GUARD_S} s"
    if failure:
        raise AssertionError(f"{what} raised instead of reporting") from failure[0]
    return outcome[0]


@pytest.fixture(scope="module")
def ports() -> Iterator[Ports]:
    """A server on 127.0.0.1 that accepts connections and never answers, and a closed port."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(silent.accept()[0])
            except OSError:  # closed at the end of the module
                return

    threading.Thread(target=accept, daemon=True).start()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused = closed.getsockname()[1]
    closed.close()
    yield Ports(silent.getsockname()[1], refused)
    silent.close()
    for connection in held:
        connection.close()


@pytest.fixture
def short_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """One second instead of the build's 10/30/120 s, so that the silent server costs little."""
    for name in ("CONNECT_TIMEOUT_S", "READ_TIMEOUT_S", "TOTAL_TIMEOUT_S"):
        assert 0 < getattr(ome_zarr_image, name) <= 120, f"remote reads must time out ({name})"
        monkeypatch.setattr(ome_zarr_image, name, 1.0)


def matches(problem: Problem, expected: E, files: set[str]) -> bool:
    return (problem.severity == expected.severity and problem.line == expected.line
            and problem.path == expected.path and expected.message in problem.message
            and problem.file in ({expected.file} if expected.file else files))


def own_files(prepared: Prepared, name: str) -> set[str]:
    """How reports name a single-file input: in place, and in the catalogue built from it."""
    return {prepared.shown, f"datasets/{slug(name)}/1.0.yaml"}


def build_only(expected: E) -> bool:
    """Problems found while making thumbnails: the build reports them, validation cannot."""
    return expected.path == "images.examples[0]"


# Every input ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_input_gives_a_clear_located_problem_and_stays_contained(
        name: str, tmp_path: Path, ports: Ports, short_timeouts: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    case = EXPECTED[name]
    root = tmp_path / "catalogue"
    root.mkdir()
    prepared = prepare(name, root, ports)
    monkeypatch.chdir(prepared.cwd)
    report = bounded(f"validating {name}", lambda: validate_paths([prepared.target]))

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.chdir(root)
    before = snapshot(tmp_path)
    result = bounded(f"building {name}", lambda: build_site(Path("datasets"), Path("_site")))

    # What the submitter reads: each expected problem at its line, and no unexplained error.
    files = own_files(prepared, name)
    seen = [*report.problems, *result.report.problems]
    for expected in case.problems:
        found = result.report.problems if build_only(expected) else report.problems
        assert any(matches(p, expected, files) for p in found), (expected, [
            (p.severity, p.file, p.line, p.path, p.message) for p in seen if "recommended" not in p.message])
    for problem in report.errors:
        assert any(matches(problem, e, files) for e in case.problems), f"unexpected error: {problem}"
    for problem in seen:
        assert problem.file and problem.line >= 1 and problem.column >= 1 and problem.message.strip()
        assert "Traceback" not in problem.message
    assert all(p.hint for p in report.errors), "every error says what to write instead"
    assert bool(report.errors) != case.builds
    assert result.published == case.builds, [p.message for p in result.report.errors]

    # Nothing written beside the site (its cache excepted), nothing removed, nothing left staged.
    after = snapshot(tmp_path)
    assert before <= after
    new = {p for p in after - before if not p.startswith(("catalogue/_site/", "catalogue/._site.cache/"))}
    assert new - {"catalogue/._site.cache"} == ({"catalogue/_site"} if case.builds else set())
    if case.builds:
        assert injected_markup(root / "_site") == []


def test_links_out_of_the_catalogue_put_nothing_of_their_targets_in_the_site(
        tmp_path: Path, ports: Ports) -> None:
    """The symbolic-link inputs that publish: the linked picture and /etc never reach the site."""
    for name in ("paths/example-image-symlink-outside-dataset", "paths/samples-folder-symlink-to-etc"):
        root = tmp_path / slug(name)
        root.mkdir()
        prepare(name, root, ports)
        assert build_site(root / "datasets", root / "_site").published
        page = BeautifulSoup((root / "_site/datasets/nuclei/index.html").read_text(), "html.parser")
        figure = page.select_one("section.examples img")
        assert figure is not None and figure["alt"] == "No preview could be made"
        secrets = [Path("/etc/passwd").read_bytes(), *[p.read_bytes() for p in root.glob("outside.png")]]
        for path in (root / "_site").rglob("*"):
            assert not (path.is_file() and any(secret in path.read_bytes() for secret in secrets)), path


# The command line, over the whole corpus at once -----------------------------------------

def test_mifa_validate_names_file_and_line_for_every_input_without_a_traceback(
        tmp_path: Path, ports: Ports) -> None:
    """One `mifa validate` process over every input: a crash in native code (libyaml once
    segfaulted on deep nesting) takes down this process, not the test session."""
    targets, wanted = [], []
    for name in sorted(EXPECTED):
        root = tmp_path / name.replace("/", "--")
        root.mkdir()
        prepared = prepare(name, root, ports)
        targets.append(os.path.relpath(prepared.cwd / prepared.target, REPO))
        for e in EXPECTED[name].problems:
            if not build_only(e):
                where = root / e.file if e.file else prepared.cwd / prepared.shown
                wanted.append((os.path.relpath(where, REPO), e))
    process = subprocess.run([sys.executable, "-m", "site_builder.cli", "validate", *targets], cwd=REPO,
                             capture_output=True, text=True, timeout=HANG_GUARD_S,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.returncode == 1, process.stderr[-3000:]
    assert "Traceback" not in process.stdout + process.stderr
    sections = _by_file(process.stdout)
    for file, e in wanted:
        assert file in sections, file
        assert re.search(rf"^  {e.severity} +{e.line}:\d+ ", sections[file], re.MULTILINE), (file, e)
        message = e.message.split("datasets/")[0]  # a file named in a message is relative to the cwd
        assert message in " ".join(sections[file].split()), (file, message)


def _by_file(report: str) -> dict[str, str]:
    """The text report by file: a file's name on a line of its own, then its problems, indented."""
    sections: dict[str, str] = {}
    current = ""
    for line in report.splitlines():
        if line and not line[0].isspace():
            current = line.strip()
            sections.setdefault(current, "")
        elif current:
            sections[current] += line + "\n"
    return sections


# The script inputs, as one site -----------------------------------------------------------

@pytest.fixture(scope="module")
def script_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("script")
    result = build_site(script_catalogue(root), root / "_site")
    assert result.published, [p.message for p in result.report.errors]
    return root / "_site"


def test_no_manifest_markup_survives_in_the_site(script_site: Path) -> None:
    """No script, event attribute, javascript:/data: URL or foreign element from a manifest in any
    page; JSON-LD cannot be closed early; every JSON file is data."""
    assert len(list(script_site.rglob("*.html"))) > 30
    assert injected_markup(script_site) == []


def test_hostile_text_is_shown_as_text(script_site: Path) -> None:
    """Escaped, not dropped: a reader sees what the submitter wrote."""
    page = BeautifulSoup((script_site / "datasets/json-ld-script-breakout/index.html").read_text(),
                         "html.parser")
    heading = page.select_one("h1")
    assert heading is not None and heading.get_text() == "</script><script>alert(601)</script> Nuclei"
    every = (script_site / "datasets/script-in-every-text-field/index.html").read_text()
    assert "&lt;script&gt;alert(731)&lt;/script&gt;" in every  # a class name, deep in an annotation set


def test_the_svg_example_never_reaches_the_site(script_site: Path) -> None:
    assert not [p for p in script_site.rglob("*.svg") if "alert" in p.read_text()]
    assert (script_site / "thumbnails/svg-example/1-card.webp").is_file()  # a placeholder


# The fixes the corpus led to --------------------------------------------------------------

def test_a_read_that_timed_out_is_not_retried() -> None:
    """A silent server costs one timeout, not three."""
    calls = []
    store = ome_zarr_image._Store(None, "http://127.0.0.1:1/x", remote=True)  # type: ignore[arg-type]

    def read() -> None:
        calls.append(1)
        raise TimeoutError("no answer")

    with pytest.raises(ome_zarr_image.ThumbnailError, match="no answer within the time limit"):
        store.call("metadata", read)
    assert calls == [1]


def test_bombs_are_refused_while_thumbnails_are_made_in_parallel(tmp_path: Path) -> None:
    """The pixel limit holds in every thread at once (it used to live in PIL's global state)."""
    prepare("images/png-81-megapixel-bomb", tmp_path, Ports(0, 0))
    manifest = tmp_path / "datasets" / "cells" / "1.0.yaml"
    text = manifest.read_text()
    example = text[text.index("    - image:"):text.index("annotations:")]
    manifest.write_text(text.replace(example, example * 8))
    result = build_site(tmp_path / "datasets", tmp_path / "_site")
    assert result.published
    assert len([p for p in result.report.warnings if "possible decompression bomb" in p.message]) == 8


def test_only_text_that_could_nest_deeply_is_scanned_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The depth check that keeps libyaml from overflowing its stack costs ordinary manifests nothing."""
    scanned: list[str] = []
    parse = yaml.parse

    def counted(text: str, **kwargs: Any) -> Any:
        scanned.append(text)
        return parse(text, **kwargs)

    monkeypatch.setattr(yaml, "parse", counted)
    assert yaml_loader.parse_yaml((HOSTILE / "yaml" / "bom-is-accepted.yaml").read_bytes(), "m.yaml")[1] == []
    assert scanned == []
    for name in ("yaml/deep-nesting-100000-brackets.yaml", "yaml/deep-nesting-50000-dashes.yaml"):
        problems = yaml_loader.parse_yaml(SINGLE_FILES[name](), "m.yaml")[1]
        assert [p.message for p in problems] == ["nesting is deeper than 40 levels"]
    # Each deep input is scanned once, and once more (only the text before the failure, with the
    # pure-Python parser) when libyaml stops at a nesting limit of its own first.
    assert 2 <= len(scanned) <= 4
