"""`mifa serve`: a preview that says what is wrong, where the contributor is looking.

The site is built, served on localhost and rebuilt when a manifest, the settings or a
template changes. A rebuild with errors publishes nothing (builds are atomic), so the
last good site stays served; its problems are shown in the open page by a small script
that the preview server adds to every HTML page it sends (never to the built files), and
a successful rebuild reloads that page. The script comes from the site's own origin, so
the site's strict Content-Security-Policy (`script-src 'self'`) allows it unchanged.
"""

from __future__ import annotations

import errno
import functools
import http.server
import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .build import BuildResult, build_site, terminal_progress
from .output_guard import OutputRefused, check_output
from .problems import Problem, Report, Severity
from .render.templating import TEMPLATES
from .report_format import format_human
from .settings import DEFAULT_SETTINGS

LIVE = "/__mifa__/"
"""URL prefix of the preview's own files; no page of a built site lives under it."""
LIVE_FILES = TEMPLATES / "preview"
DEFAULT_PORT = 8000
PORTS_TRIED = 20
"""When the default port is taken, the next ones are tried, up to this many."""
SHOWN_IN_PAGE = 50
"""Problems listed in the page's panel; the terminal (`--all`) has the rest."""


class PortInUse(Exception):
    """The asked port (or every port tried) is taken; one line for the user."""


@dataclass
class PreviewState:
    """What the open pages poll: the site's generation and the problems of the last rebuild."""

    generation: int = 0
    problems: list[dict[str, str | int]] = field(default_factory=list)
    hidden: int = 0
    """Blocking problems not listed in the page (over SHOWN_IN_PAGE)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, result: BuildResult, changed: set[str]) -> None:
        with self.lock:
            if result.published and not result.nothing_changed:
                self.generation += 1
            if result.published:
                self.problems, self.hidden = [], 0
                return
            shown = _changed_first(result.report.errors or result.report.warnings, changed)
            self.problems = [p.as_dict() for p in shown[:SHOWN_IN_PAGE]]
            self.hidden = max(0, len(shown) - SHOWN_IN_PAGE)

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"generation": self.generation, "problems": self.problems,
                               "hidden": self.hidden}).encode()


def _changed_first(problems: Iterable[Problem], changed: set[str]) -> list[Problem]:
    return sorted(problems, key=lambda p: (_normal(p.file) not in changed, p.file, p.line, p.column))


def _normal(file: str) -> str:
    return os.path.normpath(os.path.abspath(file))


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site, the site's 404 page for missing paths, and the preview's live files."""

    state: PreviewState

    def __init__(self, *args: Any, state: PreviewState, **kwargs: Any) -> None:
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a preview is always the newest build
        super().end_headers()

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith(LIVE):
            self._send_live(path.removeprefix(LIVE))
            return
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            if not path.endswith("/"):
                super().do_GET()  # the standard redirect to the folder's URL with a slash
                return
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            self._send_page(local, 200)
            return
        super().do_GET()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404 and self.command in ("GET", "HEAD"):
            missing_page = Path(self.directory) / "404.html"
            self._send_page(missing_page if missing_page.is_file() else None, 404)
            return
        super().send_error(code, message, explain)

    def _send_page(self, page: Path | None, status: int) -> None:
        """A page of the site (None: the placeholder shown while no build has succeeded)."""
        body = _with_live_script(page.read_bytes() if page is not None else _NO_SITE_YET)
        if status == 404:  # its links are rooted at the published address; here, at the preview
            body = re.sub(rb'<base href="[^"]*">', b'<base href="/">', body, count=1)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_live(self, name: str) -> None:
        if name == "status.json":
            body, kind = self.state.as_json(), "application/json"
        elif name in ("live.js", "live.css"):
            body = (LIVE_FILES / name).read_bytes()
            kind = "text/javascript" if name.endswith(".js") else "text/css"
        else:
            super().send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


_NO_SITE_YET = (b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                b'<meta name="viewport" content="width=device-width, initial-scale=1">'
                b'<meta name="color-scheme" content="light dark">'
                b"<title>No site yet</title></head><body><h1>No site yet</h1>"
                b"<p>No build of this catalogue has succeeded yet, or this page does not exist. "
                b"The problems are listed below and in the terminal.</p></body></html>")


def _with_live_script(html: bytes) -> bytes:
    tag = f'<script src="{LIVE}live.js" defer></script>'.encode()
    at = html.rfind(b"</head>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


def bind(host: str, port: int | None, state: PreviewState, out: Path) -> http.server.ThreadingHTTPServer:
    """A server on `port`, or when no port was asked for, on the first free one from 8000."""
    handler = functools.partial(PreviewHandler, state=state, directory=str(out))
    candidates = [port] if port is not None else range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TRIED)
    for candidate in candidates:
        try:
            return http.server.ThreadingHTTPServer((host, candidate), handler)
        except OSError as exc:
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUse(f"cannot serve on {host}:{candidate}: {exc.strerror or exc}") from None
            if port is not None:
                raise PortInUse(f"port {port} on {host} is already in use; choose another with --port, "
                                "or leave --port out to take the next free one") from None
    raise PortInUse(f"ports {DEFAULT_PORT}-{DEFAULT_PORT + PORTS_TRIED - 1} on {host} are all in use; "
                    "choose one with --port") from None


def snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file under the roots: what changed between two polls."""
    files: dict[str, tuple[int, int]] = {}
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in names:
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                files[_normal(path)] = (stat.st_size, stat.st_mtime_ns)
    return files


def terminal_report(report: Report, changed: set[str], *, show_all: bool) -> str:
    """The problems of the files that changed in full, then one line for the rest.

    A rebuild checks the whole catalogue; a contributor wants their own file's problems,
    not the catalogue's hundred-odd warnings above them.
    """
    if show_all:
        return format_human(report) if report.problems else ""
    own = [p for p in report.problems if _normal(p.file) in changed]
    blocking = [p for p in report.errors if _normal(p.file) not in changed]
    shown = Report([*own, *blocking], files_checked=len({p.file for p in own + blocking}))
    text = format_human(shown) if shown.problems else ""
    rest = [p for p in report.problems if p not in set(shown.problems)]
    if rest:
        files = len({p.file for p in rest})
        warnings = sum(1 for p in rest if p.severity == "warning")
        text += (f"{warnings} warning{'' if warnings == 1 else 's'} in {files} other "
                 f"file{'' if files == 1 else 's'} not shown (mifa serve --all lists them)\n")
    return text


class Preview:
    """The preview server: bound first (so a taken port costs no build), then built and watched."""

    def __init__(self, datasets: Path, out: Path, *, host: str = "127.0.0.1", port: int | None = None,
                 settings: Path = DEFAULT_SETTINGS, show_all: bool = False) -> None:
        self.datasets, self.out, self.settings, self.show_all = datasets, out, settings, show_all
        self.state = PreviewState()
        check_output(out, datasets=datasets, settings_path=settings)  # OutputRefused: before anything
        out.mkdir(parents=True, exist_ok=True)
        self.server = bind(host, port, self.state, out)
        self.host, self.port = host, int(self.server.server_address[1])
        if port is None and self.port != DEFAULT_PORT:
            print(f"port {DEFAULT_PORT} is in use; using {self.port} instead", flush=True)
        self.watched = (datasets, settings.parent, TEMPLATES)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def rebuild(self, changed: set[str]) -> BuildResult:
        try:
            result = build_site(self.datasets, self.out, settings_path=self.settings,
                                progress=terminal_progress)
        except OutputRefused as exc:  # e.g. the output was replaced by a file, or another build is stuck
            print(f"not rebuilt: {exc}; still serving the last good site", flush=True)
            result = _refused(self.out, str(exc))
            self.state.update(result, changed)
            return result
        sys.stdout.write(terminal_report(result.report, changed, show_all=self.show_all))
        print(result.summary(self.out) + ("" if result.published else "; still serving the last good site"),
              flush=True)
        self.state.update(result, changed)
        return result

    def run(self, *, poll_seconds: float = 1.0, stop: threading.Event | None = None) -> None:
        """Serve until `stop` is set or Ctrl+C, rebuilding whenever a watched file changes."""
        seen = snapshot(*self.watched)
        self.rebuild(set())  # nothing has changed yet: errors in full, warnings counted
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        print(f"serving {self.out} at {self.url} (Ctrl+C to stop)", flush=True)
        stop = stop or threading.Event()
        try:
            while not stop.wait(poll_seconds):
                current = snapshot(*self.watched)
                if current != seen:
                    time.sleep(0.2)  # let an editor finish saving
                    current = snapshot(*self.watched)
                    changed = {p for p in current.keys() | seen.keys() if current.get(p) != seen.get(p)}
                    seen = current
                    self.rebuild(changed)
        except KeyboardInterrupt:
            pass
        finally:
            self.server.shutdown()
            self.server.server_close()


def _refused(out: Path, message: str) -> BuildResult:
    """A rebuild that could not start, as a result the terminal and the open page show."""
    problem = Problem(str(out), 0, 0, "", Severity.ERROR, message,
                      "the last good site is still served; fix the output folder and save a file to retry")
    return BuildResult(Report([problem], files_checked=0), published=False)


def serve(datasets: Path, out: Path, *, host: str = "127.0.0.1", port: int | None = None,
          settings: Path = DEFAULT_SETTINGS, poll_seconds: float = 1.0,
          stop: threading.Event | None = None, show_all: bool = False) -> None:
    """Serve `out` and rebuild it whenever datasets, settings or templates change."""
    Preview(datasets, out, host=host, port=port, settings=settings, show_all=show_all).run(
        poll_seconds=poll_seconds, stop=stop)
