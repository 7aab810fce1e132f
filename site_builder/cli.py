"""The `mifa` command: thin argument parsing around the library.

Exit codes: 0 success, 1 validation failed, 2 usage error. A user's mistake is
printed as one clear message, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the importers load only when their command runs
    from .importers.bioimageio import RdfImport
    from .importers.zenodo import ZenodoImport

JSON_SHAPE_HELP = """\
--format json prints one object:
  {"schema_version": 1, "ok": bool,
   "summary": {"files": int, "errors": int, "warnings": int},
   "problems": [{"file": str, "line": int, "column": int, "path": str,
                 "severity": "error"|"warning", "message": str, "hint": str}, ...]}
--format github prints workflow commands (::error file=…,line=…::…) for inline PR annotations.
Exit status: 0 valid, 1 invalid (or warnings with --strict), 2 usage error."""


class UsageError(Exception):
    """A mistake in how the command was called; printed as one line, exit code 2."""


def _validate(args: argparse.Namespace) -> int:
    from .report_format import format_github, format_human, format_json, format_markdown
    from .text_safety import visible
    from .validate import dataset_folders_in, new_version_diffs, validate_paths

    if args.changed_since is not None:
        from .git_changes import GitError, changed_files, validate_changes

        if args.paths:
            raise UsageError("give either paths or --changed-since, not both")
        try:
            report = validate_changes(args.changed_since)
            changes = [c for c in changed_files(args.changed_since)
                       if any(p.startswith("datasets/") and p.lower().endswith((".yaml", ".yml"))
                              for p in (c.path, c.old_path) if p)]
            touched = sorted({Path(c.path).parent for c in changes
                              if c.status != "D" and Path(c.path).parent.is_dir()})
        except GitError as exc:
            raise UsageError(str(exc)) from exc
        # Which files were checked, and whether they are committed yet: a contributor who runs
        # this before committing sees that the new file was included.
        listing = sys.stdout if args.format == "human" else sys.stderr
        print(f"manifests changed since {args.changed_since}: {len(changes)}", file=listing)
        for change in changes:
            print(f"  {visible(change.describe())}", file=listing)
        if changes:
            print(file=listing)
    else:
        paths = [Path(p) for p in args.paths] or [Path("datasets")]
        report = validate_paths(paths, cache=Path(args.cache) if args.cache else None)
        touched = dataset_folders_in(paths) if args.format == "markdown" else []
    if args.format == "markdown":
        sys.stdout.write(format_markdown(report, new_version_diffs(touched)))
    elif args.format == "json":
        sys.stdout.write(format_json(report, strict=args.strict))
    elif args.format == "github":
        sys.stdout.write(format_github(report))
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(format_human(report, colour=colour))
    return 0 if report.ok(strict=args.strict) else 1


def _write_file(path: Path, text: str, *, make_parents: bool = False) -> None:
    """Write an --out file; a folder, a special file or an unwritable place is one clear line."""
    if path.is_dir() or (path.exists() and not path.is_file()):
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise UsageError(f"{path} is {kind}: give --out the name of a file to write")
    try:
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _schema(args: argparse.Namespace) -> int:
    from .schema import manifest_schema_text

    text = manifest_schema_text()
    if args.out:
        _write_file(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0


def _new(args: argparse.Namespace) -> int:
    from .names import dataset_id_problem
    from .next_version import existing_version, refuse_new_manifest, write_new_file
    from .scaffold import manifest_skeleton

    refused = dataset_id_problem(args.dataset_id)
    if refused is not None:
        raise UsageError(f"'{args.dataset_id}' {refused[0]}: {refused[1]}")
    folder = Path(args.datasets) / args.dataset_id  # the id and the label cannot climb out of it
    refusal = refuse_new_manifest(folder, args.version)
    if refusal:
        raise UsageError(refusal)
    target = folder / f"{args.version}.yaml"
    existing = existing_version(folder, args.version)
    if existing is not None:
        raise UsageError(f"{existing} already exists; add a new version with --version instead")
    folder.mkdir(parents=True, exist_ok=True)
    if not write_new_file(target, manifest_skeleton(args.dataset_id, args.version)):
        raise UsageError(f"{target} already exists; add a new version with --version instead")
    print(f"wrote {target}; fill it in, then run: mifa validate {target}")
    return 0


def _version_new(args: argparse.Namespace) -> int:
    from .checks import is_dataset_id
    from .next_version import start_next_version, write_new_file
    from .problems import Report
    from .report_format import format_human

    given = Path(args.dataset)
    folder = given if given.is_dir() and given.name != "" else Path(args.datasets) / args.dataset
    if not folder.is_dir():
        hint = "" if is_dataset_id(args.dataset) else " (give a dataset id such as s-biad634, or its folder)"
        raise UsageError(f"{folder}: no such dataset folder{hint}")
    result = start_next_version(folder, label=args.label)
    if result.path is None:
        if result.problems:
            sys.stderr.write(format_human(Report(list(result.problems), files_checked=1)))
        print(f"mifa version new: {result.refusal}", file=sys.stderr)
        return 1
    if not write_new_file(result.path, result.text):
        print(f"mifa version new: {result.path} already exists; choose another label with --label",
              file=sys.stderr)
        return 1
    print(f"wrote {result.path} (previous_version: {result.previous}); say what changed under `changes:`, "
          f"edit what changed, then run: mifa validate {folder}")
    return 0


def _import_bia(args: argparse.Namespace) -> int:
    from .importers.bia import import_bia
    from .manifest_writer import dump_manifest
    from .problems import Report
    from .report_format import format_human

    for path in (args.study, args.annotations, args.version_file):
        if path is not None and not Path(path).is_file():
            raise UsageError(f"{path}: no such file")
    result = import_bia(Path(args.study), Path(args.annotations),
                        Path(args.version_file) if args.version_file else None,
                        keep_emails=args.keep_emails)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    report = Report(list(result.problems), files_checked=3 if args.version_file else 2)
    if result.problems:
        sys.stderr.write(format_human(report))
    if result.manifest is None:
        return 1
    sources = ", ".join(Path(p).name for p in (args.study, args.annotations, args.version_file) if p)
    text = dump_manifest(result.manifest, header=f"Imported from BioImage Archive MIFA files: {sources}")
    if args.out:
        _write_file(Path(args.out), text, make_parents=True)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0 if report.ok() else 1


def _import_bioimageio(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from .importers.bioimageio import import_bioimageio, manifest_text
    from .text_safety import visible

    if not Path(args.rdf).is_file():
        raise UsageError(f"{args.rdf}: no such file")
    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            raise UsageError(f"--now {args.now}: give an ISO 8601 time, "
                             "e.g. 2024-05-01T10:00:00+00:00") from None
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    out = Path(args.out) if args.out else None
    if out is not None and (out.exists() or out.is_symlink()):
        raise UsageError(f"{out} already exists; an import never overwrites a manifest (a new version "
                         "is a new file: mifa version new)")
    result = import_bioimageio(Path(args.rdf), keep_emails=args.keep_emails, now=now)
    text = manifest_text(result, visible(Path(args.rdf).name)) if result.data is not None else ""
    return _write_draft(result, text, out)


def _import_zenodo(args: argparse.Namespace) -> int:
    from .importers.zenodo import import_zenodo, manifest_text
    from .text_safety import visible

    if not Path(args.file).is_file():
        raise UsageError(f"{args.file}: no such file")
    out = Path(args.out) if args.out else None
    if out is not None and (out.exists() or out.is_symlink()):
        raise UsageError(f"{out} already exists; an import never overwrites a manifest (a new version "
                         "is a new file: mifa version new)")
    result = import_zenodo(Path(args.file))
    text = manifest_text(result, visible(Path(args.file).name)) if result.data is not None else ""
    return _write_draft(result, text, out)


def _write_draft(result: RdfImport | ZenodoImport, text: str, out: Path | None) -> int:
    """Report an importer's notes and problems, then write its draft (to `out`, else stdout).
    Source values are untrusted: notes are printed with control characters made visible."""
    from .problems import Report
    from .report_format import format_human
    from .text_safety import visible

    for note in result.notes:
        print(f"note: {visible(note)}", file=sys.stderr)
    report = Report(list(result.problems), files_checked=1)
    if result.problems:
        sys.stderr.write(format_human(report))
    if result.data is None:
        return 1
    if out is not None:
        _write_file(out, text, make_parents=True)
        print(f"wrote {out}; fill in {', '.join(result.to_fill)}, then run: mifa validate {out}",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0 if report.ok() else 1


def _build(args: argparse.Namespace) -> int:
    from .build import build_site, terminal_progress
    from .output_guard import OutputRefused, check_output
    from .report_format import format_human

    datasets, out = Path(args.datasets), Path(args.out)
    if not datasets.is_dir():
        raise UsageError(f"{datasets}: no such folder")
    if not 0 <= args.wait < float("inf"):  # NaN too: the wait is always bounded
        raise UsageError(f"--wait {args.wait:g}: give a number of seconds, 0 or more")
    try:  # before a scheduler is reached; build_site checks again, and locks the output
        check_output(out, datasets=datasets, settings_path=Path(args.settings))
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    submit = None
    if args.scheduler:
        try:
            from dask.distributed import Client
        except ImportError as exc:
            raise UsageError("--scheduler needs dask.distributed: pip install 'distributed'") from exc
        submit = Client(args.scheduler).submit
    try:
        result = build_site(datasets, out, settings_path=Path(args.settings), progress=terminal_progress,
                            strict=args.strict, submit=submit, force=args.force, wait=args.wait)
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    if not result.published:
        sys.stdout.write(format_human(result.report))
    print(result.summary(out), file=sys.stderr)
    return 0 if result.published else 1


def _serve(args: argparse.Namespace) -> int:
    from .output_guard import OutputRefused
    from .serve import PortInUse, Preview

    if not Path(args.datasets).is_dir():
        raise UsageError(f"{args.datasets}: no such folder")
    try:
        preview = Preview(Path(args.datasets), Path(args.out), host=args.host, port=args.port,
                          settings=Path(args.settings), show_all=args.all)
    except (PortInUse, OutputRefused) as exc:
        raise UsageError(str(exc)) from None
    preview.run()
    return 0


def _zoo_sync(args: argparse.Namespace) -> int:
    from .build import terminal_progress
    from .settings import load_settings
    from .zoo.sync import SyncError, sync

    settings, problems = load_settings(Path(args.settings))
    if settings is None:
        raise UsageError(f"{args.settings}: {problems[0].message if problems else 'cannot be read'}")
    source = args.source or settings.model_zoo.source
    out = Path(args.settings).parent / settings.model_zoo.snapshot
    try:
        result = sync(source, out, timeout=args.timeout, progress=terminal_progress)
    except SyncError as exc:
        print(f"mifa zoo sync: {exc}", file=sys.stderr)
        return 1
    snapshot, notes = result.snapshot, result.warnings
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {out}: {len(snapshot.items)} items from {source} (index of {snapshot.index_timestamp})")
    return 0


def _zoo_check(args: argparse.Namespace) -> int:
    from .catalogue import load_catalogue
    from .settings import load_settings
    from .text_safety import visible
    from .zoo.links import link_datasets, open_snapshot
    from .zoo.resolver import Resolver

    settings, _ = load_settings(Path(args.settings))
    if settings is None:
        raise UsageError(f"{args.settings} cannot be read")
    snapshot, notes = open_snapshot(Path(args.settings).parent / settings.model_zoo.snapshot)
    if snapshot is None:
        print("mifa zoo check: " + "; ".join(notes), file=sys.stderr)
        return 1
    catalogue = load_catalogue(Path(args.datasets))
    _, problems = link_datasets(catalogue.datasets, snapshot)
    ours = [p for p in problems if p.path.startswith("study.") and p.severity == "error"]
    print(f"dataset -> model: {len(ours)} dangling reference(s) in the catalogue's manifests")
    for p in ours:
        print(visible(f"  {p.file}:{p.line} {p.path}: {p.message}"))
    resolver = Resolver(snapshot)
    broken = []
    for item in snapshot.items:
        if item.training_data is None:
            continue
        resolution = resolver.resolve(item.training_data, expected_type="dataset", links=item.links)
        if resolution.kind not in ("nickname", "alias") or resolution.wrong_type:
            hint = (f"; did you mean {resolution.suggestions[0]}?"
                    if resolution.suggestions and "did you mean" not in resolution.note else "")
            broken.append(f"  {item.id}: training_data '{item.training_data}' is {resolution.kind}"
                          f"{' (' + resolution.note + ')' if resolution.note else ''}{hint}")
    print(f"model -> dataset: {len(broken)} of "
          f"{sum(1 for i in snapshot.items if i.training_data)} training-data references do not "
          "resolve exactly in the model zoo (its data, reported for information)")
    for line in broken:
        print(visible(line))  # model ids and references come from the zoo's index: untrusted
    return 1 if ours else 0


def _links_check(args: argparse.Namespace) -> int:
    from .catalogue import load_catalogue
    from .linkcheck import check_links, collect_links, rot_report

    if not Path(args.datasets).is_dir():
        raise UsageError(f"{args.datasets}: no such folder")
    uses = collect_links(load_catalogue(Path(args.datasets)).datasets)
    results = check_links(uses, timeout=args.timeout)
    sys.stdout.write(rot_report(uses, results))
    return 0 if all(r.ok for r in results.values()) else 1


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mifa-catalogue")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mifa", description="MIFA Catalogue tools.")
    parser.add_argument("--version", action="version", version=f"mifa {_installed_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check manifests and report every problem",
                              epilog=JSON_SHAPE_HELP,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    validate.add_argument("paths", nargs="*", metavar="PATH",
                          help="manifest files, dataset folders or a datasets/ folder "
                               "(default: datasets)")
    validate.add_argument("--format", choices=("human", "json", "github", "markdown"), default="human",
                          help="markdown: a pull-request job summary, with what new versions change")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument("--cache", metavar="DIR",
                          help="remember validated files here; unchanged files are not parsed again "
                               "(e.g. .mifa-cache; the build keeps its own beside its output); a folder "
                               "git tracks is not read")
    validate.add_argument("--changed-since", metavar="REF",
                          help="pull-request check: validate only the datasets changed since the merge "
                               "base with REF (e.g. origin/main), and refuse edits to published versions "
                               "and their files")
    validate.set_defaults(run=_validate)

    schema = sub.add_parser("schema", help="print the manifest JSON Schema (for editors)")
    schema.add_argument("--out", help="write to this file instead of standard output")
    schema.set_defaults(run=_schema)

    new = sub.add_parser("new", help="write a commented manifest skeleton for a new dataset")
    new.add_argument("dataset_id", help="lower-case slug, e.g. kromp-2020-nuclei")
    new.add_argument("--version", default="1.0", help="version label (default 1.0)")
    new.add_argument("--datasets", default="datasets", help="catalogue folder (default datasets)")
    new.set_defaults(run=_new)

    version = sub.add_parser("version", help="versions of a dataset: start the next one")
    version_sub = version.add_subparsers(dest="version_command", required=True, metavar="COMMAND")
    version_new = version_sub.add_parser(
        "new", help="write the next version's manifest from the latest one (next label, "
                    "previous_version, timestamp, a changes: line to fill in)")
    version_new.add_argument("dataset", help="dataset id (e.g. s-biad634) or its folder")
    version_new.add_argument("--label", help="the new version's label (default: the latest one's, "
                                             "last number plus one: 1.2 -> 1.3)")
    version_new.add_argument("--datasets", default="datasets", help="catalogue folder (default datasets)")
    version_new.set_defaults(run=_version_new)

    from .output_guard import LOCK_WAIT
    from .settings import DEFAULT_SETTINGS

    for name, helptext, run in (("build", "render the catalogue into a static site", _build),
                                ("serve", "build, serve on localhost and rebuild on change", _serve)):
        command = sub.add_parser(name, help=helptext)
        command.add_argument("--datasets", default="datasets", help="catalogue folder (default datasets)")
        command.add_argument("--out", default="_site", help="output folder (default _site)")
        command.add_argument("--settings", default=str(DEFAULT_SETTINGS),
                             help="catalogue settings file (default catalogue/catalogue.yaml)")
        if name == "build":
            command.add_argument("--strict", action="store_true",
                                 help="fail on warnings too (e.g. a thumbnail that could not be made)")
            command.add_argument("--scheduler", help="dask.distributed scheduler address for thumbnails "
                                 "(default: local threads)")
            command.add_argument("--force", action="store_true",
                                 help="build even when nothing changed since the last build")
            command.add_argument("--wait", type=float, default=LOCK_WAIT, metavar="SECONDS",
                                 help="when another build is writing the same output, wait this long "
                                      f"for it to finish, then give up (default {LOCK_WAIT:g}; 0: at once)")
        if name == "serve":
            command.add_argument("--host", default="127.0.0.1")
            command.add_argument("--port", type=int, default=None,
                                 help="port to serve on (default: 8000, or the next free one)")
            command.add_argument("--all", action="store_true",
                                 help="print every problem of the catalogue after each rebuild, not "
                                      "only those of the files that changed (and the errors)")
        command.set_defaults(run=run)

    zoo = sub.add_parser("zoo", help="the BioImage Model Zoo snapshot: sync it, check links")
    zoo_sub = zoo.add_subparsers(dest="zoo_command", required=True, metavar="COMMAND")
    zoo_sync = zoo_sub.add_parser("sync", help="read the model-zoo index and write the snapshot")
    zoo_sync.add_argument("--source", help="base URL or local mirror folder (default: from settings)")
    zoo_sync.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    zoo_sync.set_defaults(run=_zoo_sync)
    zoo_check = zoo_sub.add_parser("check", help="report dangling links in both directions")
    zoo_check.add_argument("--datasets", default="datasets")
    zoo_check.set_defaults(run=_zoo_check)
    for command in (zoo_sync, zoo_check):
        command.add_argument("--settings", default=str(DEFAULT_SETTINGS))

    links = sub.add_parser("links", help="external links in the manifests")
    links_sub = links.add_subparsers(dest="links_command", required=True, metavar="COMMAND")
    links_check = links_sub.add_parser("check", help="report links that no longer answer (needs network)")
    links_check.add_argument("--datasets", default="datasets")
    links_check.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    links_check.set_defaults(run=_links_check)

    imp = sub.add_parser("import", help="convert upstream metadata into a manifest")
    imp_sub = imp.add_subparsers(dest="source", required=True, metavar="SOURCE")
    bia = imp_sub.add_parser("bia", help="BioImage Archive Study/Annotations/Version YAML files")
    bia.add_argument("study", metavar="STUDY.yaml")
    bia.add_argument("annotations", metavar="ANNOTATIONS.yaml")
    bia.add_argument("version_file", metavar="VERSION.yaml", nargs="?")
    bia.add_argument("--out", help="write the manifest here instead of standard output")
    bia.add_argument("--keep-emails", action="store_true",
                     help="keep e-mail addresses (dropped by default: manifests are public)")
    bia.set_defaults(run=_import_bia)
    bioimageio = imp_sub.add_parser(
        "bioimageio", help="a bioimage.io dataset RDF: rdf.yaml (format 0.2) or rdf_content JSON (0.3), "
                           "bare or in the report's summary.json")
    bioimageio.add_argument("rdf", metavar="RDF")
    bioimageio.add_argument("--out", help="write the manifest here instead of standard output "
                                          "(never over an existing file)")
    bioimageio.add_argument("--keep-emails", action="store_true",
                            help="keep authors' e-mail addresses (dropped by default: manifests are public)")
    bioimageio.add_argument("--now", metavar="TIME",
                            help="the version's timestamp, ISO 8601 (default: the current time, UTC)")
    bioimageio.set_defaults(run=_import_bioimageio)
    zenodo = imp_sub.add_parser("zenodo", help="a Zenodo record's JSON export (Zenodo JSON or DataCite "
                                               "JSON), read offline; writes a draft to complete")
    zenodo.add_argument("file", metavar="FILE")
    zenodo.add_argument("--out", help="write the manifest here instead of standard output "
                                      "(never over an existing file)")
    zenodo.set_defaults(run=_import_zenodo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `mifa` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except UsageError as exc:
        print(f"mifa: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `mifa schema | head`
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
