"""`mifa links check`: which external links in the catalogue have rotted.

Collects every http(s) address the manifests publish (data locations, related
links, DOIs, original images, remote example stores), asks each once with a HEAD
request (GET when HEAD is refused), with a timeout and a retry, and reports the ones
that fail. Meant for the weekly maintenance workflow: it needs the network, so the
build never runs it.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .catalogue import Dataset
from .identifiers import doi_url

USER_AGENT = "mifa-catalogue-linkcheck/1"


@dataclass(frozen=True)
class LinkUse:
    """Where a link is published."""

    url: str
    dataset_id: str
    field: str


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    detail: str
    """HTTP status, or why it failed."""


def collect_links(datasets: Iterable[Dataset]) -> list[LinkUse]:
    """Every external http(s) link of every dataset's latest version, in a stable order."""
    uses: list[LinkUse] = []
    for dataset in datasets:
        manifest = dataset.latest
        if manifest is None:
            continue
        study = manifest.study

        def add(url: str | None, field: str, dataset_id: str = dataset.id) -> None:
            if url and url.startswith(("http://", "https://")):
                uses.append(LinkUse(url, dataset_id, field))

        add(study.data_url, "study.data_url")
        for i, url in enumerate(study.link_url):
            add(url, f"study.link_url[{i}]")
        for i, url in enumerate(study.ai_models_trained):
            add(url, f"study.ai_models_trained[{i}]")
        for i, publication in enumerate(study.publications):
            if publication.publication_doi:
                add(doi_url(publication.publication_doi), f"study.publications[{i}].publication_doi")
        if manifest.version.previous_is_external:
            add(manifest.version.previous_version, "version.previous_version")
        if manifest.version.original_images:
            add(manifest.version.original_images.url, "version.original_images.url")
        for i, example in enumerate(manifest.images.examples if manifest.images else []):
            add(example.image, f"images.examples[{i}].image")
    return sorted(set(uses), key=lambda u: (u.url, u.dataset_id, u.field))


def check_url(url: str, *, timeout: float = 10.0, retries: int = 1) -> LinkResult:
    """One link: HEAD, then GET if the server refuses HEAD; network errors are retried."""
    detail = ""
    for _ in range(retries + 1):
        for method in ("HEAD", "GET"):
            request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return LinkResult(url, True, f"HTTP {response.status}")
            except urllib.error.HTTPError as exc:
                detail = f"HTTP {exc.code}"
                if exc.code in (403, 405, 501) and method == "HEAD":
                    continue  # some servers refuse HEAD: ask again with GET
                if exc.code < 500:
                    return LinkResult(url, False, detail)
                break
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                detail = f"unreachable: {reason}"
                break
    return LinkResult(url, False, detail)


def check_links(uses: list[LinkUse], *, timeout: float = 10.0,
                checker: Callable[..., LinkResult] = check_url) -> dict[str, LinkResult]:
    """Each distinct URL checked once, a few at a time."""
    urls = sorted({u.url for u in uses})
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda url: checker(url, timeout=timeout), urls))
    return {r.url: r for r in results}


def rot_report(uses: list[LinkUse], results: dict[str, LinkResult]) -> str:
    """Markdown: the broken links and where each is published."""
    broken = [u for u in uses if not results[u.url].ok]
    reachable = len(results) - len({u.url for u in broken})
    lines = [f"## External links: {reachable} of {len(results)} reachable", ""]
    if broken:
        lines += ["| link | problem | dataset | field |", "|---|---|---|---|"]
        lines += [f"| {u.url} | {results[u.url].detail} | {u.dataset_id} | `{u.field}` |" for u in broken]
    else:
        lines.append("No broken links.")
    return "\n".join(lines) + "\n"
