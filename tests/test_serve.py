"""`mifa serve`: the port it picks, the pages it sends, and what it prints after a rebuild."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.problems import Problem, Report, Severity
from site_builder.serve import DEFAULT_PORT, Preview, terminal_report

from .conftest import MINIMAL, Result


@contextlib.contextmanager
def running(preview: Preview) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=preview.run, kwargs={"poll_seconds": 0.1, "stop": stop}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while preview.state.generation == 0 and not preview.state.problems:
            assert time.monotonic() < deadline, "the first build did not finish"
            time.sleep(0.05)
        yield stop
    finally:
        stop.set()
        thread.join(timeout=10)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def datasets(catalogue: Callable[[dict[str, str]], Path]) -> Path:
    return catalogue({"nuclei/1.0.yaml": MINIMAL})


def test_a_taken_default_port_moves_to_the_next_free_one(datasets: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as blocker:
        try:
            blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            blocker.bind(("127.0.0.1", DEFAULT_PORT))
            blocker.listen()
        except OSError:
            pass  # already taken by something else: the preview must move all the same
        preview = Preview(datasets, tmp_path / "_site")
        try:
            assert preview.port != DEFAULT_PORT
            assert f"port {DEFAULT_PORT} is in use; using {preview.port} instead" in capsys.readouterr().out
        finally:
            preview.server.server_close()


def test_a_taken_explicit_port_is_one_clear_line_before_any_build(
        datasets: Path, tmp_path: Path, mifa: Callable[..., Result]) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = mifa("serve", "--datasets", datasets, "--out", tmp_path / "_site", "--port", str(port))
    assert result.code == 2
    assert result.err == (f"mifa: error: port {port} on 127.0.0.1 is already in use; choose another "
                          "with --port, or leave --port out to take the next free one\n")
    assert "Traceback" not in result.err and result.out == ""
    assert not (tmp_path / "_site" / "index.html").exists(), "nothing was built"


def test_a_missing_path_gets_the_sites_404_page(datasets: Path, tmp_path: Path) -> None:
    preview = Preview(datasets, tmp_path / "_site", port=0)
    with running(preview):
        status, body = get(preview.url + "datasets/no-such-dataset/")
        page = BeautifulSoup(body, "html.parser")
        assert status == 404
        assert page.select_one("h1").get_text() == "Page not found"
        assert page.select_one("base")["href"] == "/", "its links lead into the preview"
        assert page.select_one('link[rel="stylesheet"]')["href"] == "assets/style.css"
        assert get(preview.url + "assets/style.css")[0] == 200
        # Every page carries the live script, from the site's own origin; the built files do not.
        assert page.select_one('script[src="/__mifa__/live.js"]') is not None
        assert "__mifa__" not in (tmp_path / "_site" / "404.html").read_text()
        assert get(preview.url + "__mifa__/live.js")[0] == 200


def test_a_failed_rebuild_keeps_the_last_good_site_and_reports_the_problem(datasets: Path,
                                                                          tmp_path: Path) -> None:
    preview = Preview(datasets, tmp_path / "_site", port=0)
    manifest = datasets / "nuclei" / "1.0.yaml"
    with running(preview):
        generation = preview.state.generation
        status, before = get(preview.url + "datasets/nuclei/")
        assert status == 200 and "Nuclei in fluorescence images" in before
        manifest.write_text(MINIMAL.replace("license: CC0-1.0", "license: CC0-1.0\n  licence_url: x"))
        deadline = time.monotonic() + 30
        while not preview.state.problems:
            assert time.monotonic() < deadline, "the failed rebuild was not reported"
            time.sleep(0.05)
        problem = preview.state.problems[0]
        assert (problem["file"], problem["line"], problem["path"]) == ("datasets/nuclei/1.0.yaml", 5,
                                                                      "study.licence_url")
        assert problem["message"].startswith("unknown key 'licence_url'") and problem["hint"]
        assert get(preview.url + "datasets/nuclei/")[1] == before, "the last good site is still served"
        manifest.write_text(MINIMAL.replace("Nuclei in fluorescence images", "Nuclei, corrected"))
        while preview.state.problems or preview.state.generation == generation:
            assert time.monotonic() < deadline, "the fixed manifest was not rebuilt"
            time.sleep(0.05)
        assert "Nuclei, corrected" in get(preview.url + "datasets/nuclei/")[1]


def _problem(file: str, severity: Severity, line: int = 3) -> Problem:
    return Problem(file, line, 1, "study.keywords", severity, f"{severity} in {file}", "fix it")


def test_the_terminal_shows_the_changed_files_problems_and_counts_the_rest(tmp_path: Path) -> None:
    mine, other = tmp_path / "mine.yaml", tmp_path / "other.yaml"
    report = Report([_problem(str(mine), Severity.WARNING), *(_problem(str(other), Severity.WARNING, n)
                                                             for n in range(1, 146))])
    text = terminal_report(report, {str(mine)}, show_all=False)
    assert f"warning in {mine}" in text and f"warning in {other}" not in text
    assert text.endswith("145 warnings in 1 other file not shown (mifa serve --all lists them)\n")
    assert text.count("warning in") == 1
    everything = terminal_report(report, {str(mine)}, show_all=True)
    assert everything.count("warning in") == 146


def test_errors_elsewhere_are_always_printed_because_they_block_the_site(tmp_path: Path) -> None:
    report = Report([_problem("a.yaml", Severity.ERROR), _problem("b.yaml", Severity.WARNING)])
    text = terminal_report(report, set(), show_all=False)
    assert "error in a.yaml" in text and "warning in b.yaml" not in text
    assert "1 warning in 1 other file not shown" in text
