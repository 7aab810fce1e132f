"""`mifa links check` against a server on 127.0.0.1: broken links are named with where they appear."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import MINIMAL, Result


class Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        if self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(200 if self.path in ("/data", "/ok") else 404)
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200 if self.path in ("/data", "/ok", "/no-head") else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_broken_links_are_reported_with_their_place(server: str, mifa: Callable[..., Result],
                                                      catalogue: Callable[[dict[str, str]], Path]) -> None:
    manifest = MINIMAL.replace("  funding_statement: No specific funding.\n",
                               "  funding_statement: No specific funding.\n"
                               f"  data_url: {server}/data\n"
                               f"  link_url: [{server}/gone, {server}/no-head]\n")
    catalogue({"nuclei/1.0.yaml": manifest})
    result = mifa("links", "check", "--timeout", "2")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == "## External links: 2 of 3 reachable"
    assert f"| {server}/gone | HTTP 404 | nuclei | `study.link_url[0]` |" in lines


def test_all_links_fine(server: str, mifa: Callable[..., Result],
                        catalogue: Callable[[dict[str, str]], Path]) -> None:
    manifest = MINIMAL.replace("  funding_statement: No specific funding.\n",
                               f"  funding_statement: No specific funding.\n  data_url: {server}/ok\n")
    catalogue({"nuclei/1.0.yaml": manifest})
    result = mifa("links", "check")
    assert result.code == 0 and "No broken links." in result.out


def test_unreachable_host_is_reported(mifa: Callable[..., Result],
                                      catalogue: Callable[[dict[str, str]], Path]) -> None:
    manifest = MINIMAL.replace("  funding_statement: No specific funding.\n",
                               "  funding_statement: No specific funding.\n"
                               "  data_url: http://127.0.0.1:9/data\n")
    catalogue({"nuclei/1.0.yaml": manifest})
    result = mifa("links", "check", "--timeout", "1")
    assert result.code == 1 and "unreachable" in result.out
