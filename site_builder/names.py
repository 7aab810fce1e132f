"""Names that become paths: dataset ids, version labels and person pages.

A dataset id is a folder in the repository and in the site; a version label is a manifest's
file name, a folder of the site and part of a page address. Each must be something every
file system can hold (macOS and Windows compare names without letter case; Windows reserves
device names and drops trailing dots), must not collide with the site's own files, and
must fit in a path component (255 bytes) with room left in the whole path.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_COMPONENT_BYTES = 255
"""The longest file or folder name most file systems hold (ext4, APFS, NTFS: 255)."""
DATASET_ID_MAX = 64
LABEL_MAX = 40
PERSON_PAGE_MAX = 100
"""Person pages are named after the name when there is no ORCID: longer names are shortened."""
SITE_PATH_BUDGET = 200
"""The longest path the build writes inside the site, in bytes: with the limits above the
longest is datasets/<id>/changes/<label>-to-<label>/index.html (177 bytes), which leaves room
under Windows' 260 characters for the folder the site is checked out or served from."""

WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                             *(f"lpt{n}" for n in range(10))})
"""Names Windows keeps for devices, with any extension and in any case (CON, aux.1, Nul.yaml)."""
DATASET_SITE_NAMES = frozenset({"index.html", "changes"})
"""What the site writes in datasets/<id>/ beside one folder per version: the dataset's page and
the folder of pages comparing versions (render/pages.py, DatasetEntry.url and diff_url)."""

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
_LABEL_HINT = ('use letters, digits, dots and hyphens, e.g. "1.1" or "v2.0"; '
               "the label is also the manifest's file name")

Advice = tuple[str, str]


def folded(name: str) -> str:
    """The form in which two names are the same file on some file system (case, Unicode forms)."""
    return unicodedata.normalize("NFKC", name).casefold()


def _quoted(text: str) -> str:
    return "'" + (text if len(text) <= 80 else text[:77] + "...") + "'"


def _windows_device(name: str) -> str | None:
    """The device name Windows reserves that `name` is, with or without an extension."""
    stem = folded(name).split(".", 1)[0].rstrip(" ")
    return stem.upper() if stem in WINDOWS_DEVICES else None


def suggested_id(text: str) -> str:
    """A valid dataset id close to `text` ('Nuclei_2020' -> 'nuclei-2020')."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:DATASET_ID_MAX].strip("-")
    if not slug:
        return "my-dataset"
    return f"{slug}-data" if _windows_device(slug) else slug


def dataset_id_problem(text: str) -> Advice | None:
    """Why `text` cannot be a dataset id, as (what it is, what to write), or None.

    The first part completes a sentence that starts with the id: "'con' is a name ..."."""
    if not _ID.fullmatch(text):
        return ("is not a valid dataset id",
                f"use a lower-case slug such as '{suggested_id(text)}' (letters, digits, single hyphens)")
    if len(text) > DATASET_ID_MAX:
        return (f"is {len(text)} characters long, over the limit of {DATASET_ID_MAX} for a dataset id",
                f"shorten it, e.g. '{suggested_id(text)}'")
    device = _windows_device(text)
    if device is not None:
        return (f"is a name Windows reserves for a device ({device}): the folder cannot exist there",
                f"choose another id, e.g. '{text}-data'")
    return None


def version_label_problem(text: str) -> Advice | None:
    """Why `text` cannot be a version label, as (message, hint), or None."""
    if not _LABEL.fullmatch(text):
        return f"{_quoted(text)} is not a usable version label", _LABEL_HINT
    if len(text) > LABEL_MAX:
        return (f"the version label {_quoted(text)} is {len(text)} characters long, over the limit "
                f"of {LABEL_MAX}", 'shorten it, e.g. "1.1" or "v2.0"')
    if text.endswith("."):
        return (f"the version label {_quoted(text)} ends with a dot, which Windows drops from "
                "folder names", f'remove the dot: "{text.rstrip(".")}"')
    if folded(text) in DATASET_SITE_NAMES:
        return (f"the version label {_quoted(text)} is the name of the dataset's own "
                f"{'page' if folded(text).endswith('.html') else 'folder'} in the site "
                f"(datasets/<id>/{folded(text)})", 'choose another label, e.g. "1.1" or "v2.0"')
    device = _windows_device(text)
    if device is not None:
        return (f"the version label {_quoted(text)} is a name Windows reserves for a device "
                f"({device}): its files cannot exist there", 'choose another label, e.g. "1.1" or "v2.0"')
    return None


def bounded_name(name: str, limit: int = PERSON_PAGE_MAX) -> str:
    """`name`, or when it is longer than `limit` bytes its start and a digest of the whole
    (so that two long names that start alike stay two names)."""
    raw = name.encode("utf-8")
    if len(raw) <= limit:
        return name
    digest = hashlib.sha256(raw).hexdigest()[:12]
    head = raw[:limit - len(digest) - 1].decode("utf-8", "ignore").rstrip("-")
    return f"{head}-{digest}"


def person_page(key: str) -> str:
    """The folder of a person's page under people/: the ORCID, or 'name-' and their folded name.

    A name in another script (王小明, Иван Петров) keeps what it has in ASCII and gets a short
    digest of the whole key: folder names stay ASCII, so no file system or server changes them
    (macOS stores names in its own Unicode form), and two names never share a page."""
    if key.startswith("orcid:"):
        return key.removeprefix("orcid:")
    name = key.removeprefix("name:")
    if name.isascii():
        return bounded_name("name-" + name)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    plain = "-".join(word for word in name.split("-") if word.isascii())
    plain = plain[:PERSON_PAGE_MAX - len("name--") - len(digest)].strip("-")
    return f"name-{plain}-{digest}" if plain else f"name-{digest}"
