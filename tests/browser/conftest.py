"""Browser tests: the built bundled catalogue, served over HTTP and driven with Playwright.

Chromium is Debian's (/usr/bin/chromium, or the CHROMIUM variable), never a Playwright
download; axe-core comes from the npm registry. `scripts/install-browser-deps.sh` installs
both. Without them the browser tests are skipped locally and fail on CI (CI=true).

Fixtures: `chromium_path`, `built_site` (Path), `site_url` ("http://127.0.0.1:PORT/"),
`browser`, and `page`, a fresh page whose problems are recorded as it is used:
`page.console_errors`, `page.page_errors` and `page.failed_requests` (lists of str;
`problems(page)` gives all three). `axe_violations(page)` runs axe-core on the page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest

from site_builder.build import build_site

from ..local_servers import serve_folder

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
AXE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = "run scripts/install-browser-deps.sh"
CHROMIUM_MISSING = f"Chromium not found: {INSTALL} (apt-get install chromium) to run the browser tests"
PLAYWRIGHT_MISSING = f"the playwright Python package is not installed: pip install playwright, then {INSTALL}"
AXE_MISSING = f"axe-core not found at {AXE.relative_to(REPO)}: {INSTALL} (npm install axe-core)"

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

TITLES = {
    "empiar-11658": "Saccharomyces cerevisiae cryo-electron tomograms with 80S ribosome particle picks",
    "s-biad249": "Mosquito Alert Image Dataset",
    "s-biad300": "C. elegans head: semantic segmentation",
    "s-biad463": "HEV-finder: high endothelial venules in lymph node images",
    "s-biad531": "Zebrafish embryo development: bright-field time-lapse for automated staging",
    "s-biad634": "An annotated fluorescence image dataset for training nuclear segmentation methods",
    "s-bsst323": "DeepCycle: paired nuclear and cell-cycle marker images",
    "s-bsst734": "Utricularia gibba: instance segmentation of all cells",
}
"""Title of the newest version of every bundled dataset, by dataset id."""


def missing(message: str) -> NoReturn:
    """A browser test dependency is missing: a failure on CI, a skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_playwright() -> None:
    """Call at the top of a test module, before importing playwright."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail(PLAYWRIGHT_MISSING, pytrace=False)
        pytest.skip(PLAYWRIGHT_MISSING, allow_module_level=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    found = shutil.which(path)
    if found is None:
        missing(CHROMIUM_MISSING)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing(PLAYWRIGHT_MISSING)
    return found


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled catalogue in datasets/, built once for the session."""
    out = tmp_path_factory.mktemp("browser") / "_site"
    result = build_site(REPO / "datasets", out)
    assert result.published, [p.message for p in result.report.errors]
    return out


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 (a free port) for the session."""
    with serve_folder(built_site) as origin:
        yield origin + "/"


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield launched
        launched.close()
    finally:
        playwright.stop()


def _implicit_favicon(url: str | None) -> bool:
    """Chromium asks for /favicon.ico by itself (once per browser, so only on the first page
    of the session) when a page names no icon: no page asked for it and nobody sees it fail."""
    return urlsplit(url or "").path == "/favicon.ico"


def record_problems(page: Page) -> Page:
    """Attach lists that collect console errors, uncaught exceptions and failed requests."""
    console_errors: list[str] = []
    page_errors: list[str] = []
    failed_requests: list[str] = []
    page.console_errors = console_errors  # type: ignore[attr-defined]
    page.page_errors = page_errors  # type: ignore[attr-defined]
    page.failed_requests = failed_requests  # type: ignore[attr-defined]

    def on_console(message: ConsoleMessage) -> None:
        where = message.location.get("url")
        if message.type == "error" and not _implicit_favicon(where):
            line = message.location.get("lineNumber")
            console_errors.append(f"console error: {message.text} ({where}:{line})")

    def on_request_failed(request: Request) -> None:
        if not _implicit_favicon(request.url):
            failed_requests.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        if response.status >= 400 and not _implicit_favicon(response.url):
            failed_requests.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_errors.append(f"page error: {error}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    return page


def problems(page: Page) -> list[str]:
    """Everything that went wrong on `page` so far (console errors, page errors, failed requests)."""
    return [*page.console_errors, *page.page_errors, *page.failed_requests]  # type: ignore[attr-defined]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no shared history, storage or cache)."""
    context = browser.new_context()
    context.set_default_timeout(5_000)
    try:
        yield record_problems(context.new_page())
    finally:
        context.close()


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, of the given impacts."""
    if not AXE.is_file():
        missing(AXE_MISSING)
    # Evaluated through the DevTools protocol: the site's Content-Security-Policy forbids
    # inline script, which add_script_tag would be.
    page.evaluate("(source) => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ")),
        }));
    }""")
    return [v for v in violations if v["impact"] in impacts]
