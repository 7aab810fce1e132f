"""`mifa serve`: build, serve the site on localhost, rebuild when an input changes."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from .build import build_site, inputs_fingerprint, terminal_progress
from .render.templating import TEMPLATES
from .report_format import format_human
from .settings import DEFAULT_SETTINGS


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _rebuild(datasets: Path, out: Path, settings: Path) -> None:
    result = build_site(datasets, out, settings_path=settings, progress=terminal_progress)
    if not result.published:
        print(format_human(result.report), end="")
    print(result.summary(out), flush=True)


def serve(datasets: Path, out: Path, *, host: str = "127.0.0.1", port: int = 8000,
          settings: Path = DEFAULT_SETTINGS, poll_seconds: float = 1.0,
          stop: threading.Event | None = None) -> None:
    """Serve `out` and rebuild it whenever datasets, settings or templates change."""
    _rebuild(datasets, out, settings)
    out.mkdir(parents=True, exist_ok=True)
    # The directory is looked up by name on every request, so swapped-in builds are served.
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"serving {out} at http://{host}:{server.server_port}/ (Ctrl+C to stop)", flush=True)
    watched = (datasets, settings.parent, TEMPLATES)
    seen = inputs_fingerprint(*watched)
    stop = stop or threading.Event()
    try:
        while not stop.wait(poll_seconds):
            current = inputs_fingerprint(*watched)
            if current != seen:
                seen = current
                time.sleep(0.2)  # let an editor finish saving
                _rebuild(datasets, out, settings)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
