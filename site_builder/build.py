"""`mifa build`: catalogue -> pages -> `_site/`, deterministic, atomic and incremental.

Stages: load and validate every manifest (a catalogue with errors is not
published), gather the site plan, render every page, then write through a
staged folder that replaces the old site only when everything succeeded.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .archives import ARCHIVES_FILE, ArchiveTableError, archive_rules
from .catalogue import Catalogue, load_catalogue
from .derived import DerivedCache
from .file_digests import file_digests
from .git_changes import dataset_dates
from .git_tracked import tracked_build_state
from .last_build import recall, remember
from .manifest_store import ManifestStore, code_key
from .output_guard import LOCK_WAIT, build_lock, check_output
from .problems import Problem, Report, Severity
from .render import output
from .render.example_stores import example_stores
from .render.pages import ThumbView, plan_pages
from .render.templating import TEMPLATES, make_environment
from .render.write import write_items
from .search.bundle import cached_search_files
from .search.terms import SearchTermsError, search_terms
from .settings import DEFAULT_SETTINGS, load_settings
from .thumbnails.make import Submit, jobs_for, make_thumbnails
from .zoo.links import link_datasets, open_snapshot

Progress = Callable[[int, int], None]
INPUTS = ".mifa-inputs"
"""In the site: the hash of the inputs it was built from."""

_MKDOCS = importlib.util.find_spec("mkdocs")
_MKDOCS_DIR = next(iter(_MKDOCS.submodule_search_locations or [""])) if _MKDOCS else ""
LUNR_JS = Path(_MKDOCS_DIR) / "contrib" / "search" / "templates" / "search" / "lunr.js"
"""lunr.js 2.3.9 as shipped inside mkdocs: the search client never comes from a CDN."""


@dataclass
class BuildResult:
    """What a build did: its report, and (when it published) its file counts and time."""

    report: Report
    published: bool
    pages: int = 0
    stats: output.WriteStats | None = None
    seconds: float = 0.0
    nothing_changed: bool = False
    """Nothing the site is made from changed since it was built, so nothing was done."""

    def summary(self, out: Path) -> str:
        if self.nothing_changed:
            return f"nothing changed since the last build ({self.pages} pages, {self.seconds:.2f} s) -> {out}"
        if not self.published and not self.report.errors:
            return f"not built: {len(self.report.warnings)} warnings with --strict; {out} is unchanged"
        if not self.published or self.stats is None:
            count = len(self.report.errors)
            return f"not built: {count} error{'' if count == 1 else 's'} in the catalogue; {out} is unchanged"
        s = self.stats
        return (f"built {self.pages} pages in {self.seconds:.2f} s: {s.written} written, "
                f"{s.unchanged} unchanged, {s.removed} removed -> {out}")


def _static_files() -> list[tuple[str, bytes]]:
    static = TEMPLATES / "static"
    return [(f"assets/{p.relative_to(static).as_posix()}", p.read_bytes())
            for p in sorted(static.rglob("*")) if p.is_file()]


def _site_key(settings_path: Path, overrides: Path) -> str:
    """Hash of everything every page depends on: the catalogue folder (settings, vocabularies),
    templates and the code. Any change there re-renders every page."""
    digest = hashlib.sha256(code_key().encode())
    files = [settings_path, *sorted(settings_path.parent.rglob("*")), *sorted(TEMPLATES.rglob("*"))]
    if overrides.is_dir():
        files += sorted(overrides.rglob("*"))
    for path in files:
        if path.is_file():
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def terminal_progress(done: int, total: int) -> None:
    """A one-line progress bar on stderr, only when it is a terminal."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages")
    if done == total:
        sys.stderr.write("\r" + " " * (width + 30) + "\r")
    sys.stderr.flush()


def _thumbnails(catalogue: Catalogue, cache: Path | None, submit: Submit | None,
                report: Report) -> tuple[dict[str, list[ThumbView]], dict[str, bytes]]:
    """Thumbnails of every dataset's latest version; failures become warnings, not errors."""
    jobs, files_of = [], {}
    for dataset in catalogue.datasets:
        latest = next((v for v in reversed(dataset.versions) if v.manifest is not None), None)
        if latest is None or latest.manifest is None:
            continue
        files_of[dataset.id] = latest
        jobs += jobs_for(dataset.id, dataset.folder, latest.manifest)
    results = make_thumbnails(jobs, cache, submit=submit)
    views: dict[str, list[ThumbView]] = {}
    files: dict[str, bytes] = {}
    for job in jobs:
        result = results[(job.dataset_id, job.index)]
        base = f"thumbnails/{job.dataset_id}/{job.index + 1}"
        files[f"{base}-card.webp"], files[f"{base}-page.webp"] = result.card, result.page
        plain = None  # the "image only" view, where an annotation was drawn over the image
        if result.plain is not None and not result.placeholder:
            plain = f"{base}-plain.webp"
            files[plain] = result.plain
        example = job.example
        digest = hashlib.sha256(result.page + b"\0" + (result.plain or b"")).hexdigest()[:12]
        views.setdefault(job.dataset_id, []).append(ThumbView(
            f"{base}-card.webp", f"{base}-page.webp", result.width, result.height,
            example.caption or "", example.illustrative, result.placeholder,
            tuple(sorted(result.details.items())), digest, plain))
        loaded = files_of[job.dataset_id]
        for note in result.warnings:
            if loaded.document is not None:
                hint = "check the example image's path, store and annotation file"
                report.add(loaded.document.problem(("images", "examples", job.index), note, hint,
                                                   severity=Severity.WARNING))
    return views, files


def catalogue_data_problems() -> list[Problem]:
    """The catalogue's own tables that pages and the index read (archives, search terms), checked
    before any work: a maintainer's mistake there is a located error, never a traceback."""
    problems: list[Problem] = []
    try:
        archive_rules()
    except ArchiveTableError as exc:
        problems.append(Problem(str(ARCHIVES_FILE), 1, 1, "", Severity.ERROR, str(exc),
                                "fix the row named; catalogue/archives.yaml explains each key"))
    try:
        search_terms()
    except SearchTermsError as exc:
        problems += exc.problems
    return problems


def inputs_key(datasets: Path, site_key: str, dates: dict[str, tuple[str, str]], strict: bool,
               cache: Path | None = None, digests: dict[str, str] | None = None) -> str:
    """Hash of everything a build reads: when it matches the live site's, the build has nothing to do.

    Contents, not modification times, so a fresh checkout of the same commit also matches
    (file hashes are remembered in `cache` by stat, so unchanged files are not read again)."""
    digest = hashlib.sha256(f"{site_key}\0{strict}\0{sorted(dates.items())}\0".encode())
    for name, file_digest in (file_digests(datasets, cache) if digests is None else digests).items():
        digest.update(f"{name}\0{file_digest}\n".encode())
    return digest.hexdigest()


def _unchanged(out: Path, cache: Path, key: str) -> BuildResult | None:
    """The previous build's result, when the live site was built from exactly these inputs."""
    output.recover(out)
    try:
        if (out / INPUTS).read_text(encoding="utf-8") != key:
            return None
    except (OSError, ValueError):
        return None
    last = recall(cache, key)
    if last is None:
        return None
    return BuildResult(last.report, True, last.pages, output.WriteStats(unchanged=last.files),
                       nothing_changed=True)


def build_site(datasets: Path, out: Path, *, settings_path: Path = DEFAULT_SETTINGS,
               overrides: Path | None = None, progress: Progress | None = None,
               strict: bool = False, submit: Submit | None = None, force: bool = False,
               wait: float = LOCK_WAIT) -> BuildResult:
    """Build the site for the catalogue in `datasets` into `out`; never half-replace `out`.

    An output where a build would destroy data (the catalogue, the working folder, a file...)
    is refused before anything is touched (OutputRefused). One build at a time writes an
    output: another one waits for it up to `wait` seconds, then is refused (OutputBusy)."""
    site = check_output(out, datasets=datasets, settings_path=settings_path, overrides=overrides)
    with build_lock(site, wait=wait, shown=str(out)):
        return _build_locked(datasets, site, settings_path=settings_path, overrides=overrides,
                             progress=progress, strict=strict, submit=submit, force=force)


def _build_locked(datasets: Path, out: Path, *, settings_path: Path, overrides: Path | None,
                  progress: Progress | None, strict: bool, submit: Submit | None,
                  force: bool) -> BuildResult:
    """The build, with the output checked and locked.

    When nothing the site is made from changed since the live site was built, nothing is
    done (`force` builds anyway, e.g. after files in `out` were edited by hand)."""
    started = time.perf_counter()
    # Git tracks the site or its cache: it came with the checkout, so none of it is read.
    planted = tracked_build_state(out)
    cache = None if planted else output.cache_folder(out)
    override_dir = overrides if overrides is not None else settings_path.parent / "templates"
    site_key = _site_key(settings_path, override_dir)
    dates = dataset_dates(datasets.resolve().parent, datasets)
    digests = file_digests(datasets, cache)
    inputs = inputs_key(datasets, site_key, dates, strict, cache, digests)
    previous = None if force or cache is None else _unchanged(out, cache, inputs)
    if previous is not None:
        previous.seconds = time.perf_counter() - started
        return previous
    try:
        result = _build(datasets, out, cache, settings_path, override_dir, site_key, dates, inputs, digests,
                        progress=progress, strict=strict, submit=submit, force=force or cache is None,
                        notes=planted)
    finally:
        gc.unfreeze()
    result.seconds = time.perf_counter() - started
    return result


def _build(datasets: Path, out: Path, cache: Path | None, settings_path: Path, override_dir: Path,
           site_key: str, dates: dict[str, tuple[str, str]], inputs: str, digests: dict[str, str], *,
           progress: Progress | None,
           strict: bool, submit: Submit | None, force: bool, notes: list[Problem]) -> BuildResult:
    """Everything after the no-op check. The catalogue and the plan (millions of long-lived
    objects) are frozen out of the garbage collector once made: each collection scanned them
    all again, and forked workers would copy the memory a collection touches."""
    settings, settings_problems = load_settings(settings_path)
    catalogue = load_catalogue(datasets, store=ManifestStore(cache))
    gc.freeze()
    report = catalogue.report
    report.extend(settings_problems)
    report.extend(notes)
    if settings is not None:
        snapshot, _notes = open_snapshot(settings_path.parent / settings.model_zoo.snapshot)
        zoo, zoo_problems = link_datasets(catalogue.datasets, snapshot)
        report.extend(zoo_problems)
    report.extend(catalogue_data_problems())
    if report.errors or settings is None:
        return BuildResult(report, published=False)
    thumbnails, thumbnail_files = _thumbnails(catalogue, cache, submit, report)
    if strict and report.warnings:
        return BuildResult(report, published=False)
    stores = example_stores(catalogue, datasets, digests)
    derived = DerivedCache(cache)
    plan = plan_pages(catalogue, settings, thumbnails, zoo, dates, derived, stores.published)
    derived.save()
    gc.freeze()
    pages = plan.pages
    env = make_environment(override_dir)
    staged = output.begin(out, fresh=force)
    try:
        write_items(staged, [*pages, *plan.groups], env, site_key, progress)
        page_count = len(pages)
        pages.clear()  # their contexts are the plan's largest part; the search index comes next
        for badge in plan.badges:
            staged.write(f"badges/{badge.filename}", badge.svg.encode("utf-8"))
        for path, data in _static_files():
            staged.write(path, data)
        staged.write("assets/lunr.js", LUNR_JS.read_bytes())
        for path, data in sorted(thumbnail_files.items()):
            staged.write(path, data)
        for store_file in stores.files:
            if store_file.key is None or not staged.reuse(store_file.site_path, store_file.key):
                staged.write(store_file.site_path, store_file.read(), store_file.key)
        for path, data in sorted(plan.files.items()):
            staged.write(path, data)
        for path, data in sorted(cached_search_files(plan.search_documents, cache).items()):
            staged.write(path, data)
        staged.write(INPUTS, inputs.encode())
        stats = output.commit(staged)
    except BaseException:
        output.abort(staged)
        raise
    result = BuildResult(report, True, page_count, stats)
    if cache is not None:
        remember(cache, inputs, report, page_count, stats.written + stats.unchanged)
    return result

