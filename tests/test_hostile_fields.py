"""Untrusted fields (issue 15, class 1) beyond what the corpus checks: what the built pages, the
feed, the version diff page and the pull-request summary show for them, under the hang guard.

The corpus (tests/hostile_cases/fields.py) checks each input's problems and that it builds; here
a reader's view: Markdown out of bounds appears as the text written, long ordinary Markdown
still renders, and a word diff over budget appears as one replacement.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from site_builder.build import build_site

from .conftest import Result
from .hostile_corpus import HOSTILE, SINGLE_FILES, Ports, prepare, slug
from .test_git_changes import commit, git, write
from .test_hostile_corpus import bounded

# isort: split
from .hostile_cases import fields  # after hostile_corpus, which imports every case module

Mifa = Callable[..., Result]
ATOM = "{http://www.w3.org/2005/Atom}"

SHOWN_AS_WRITTEN = {
    "fields/description-list-nested-600-deep-on-one-line-warns.yaml": fields.LIST_600_DEEP_ON_ONE_LINE,
    "fields/description-quotes-nested-600-deep-warns.yaml": fields.QUOTES_600_DEEP,
    "fields/description-25000-brackets-warns.yaml": fields.BRACKETS_25000,
    "fields/description-6000-link-openers-warns.yaml": fields.LINK_OPENERS_6000,
    "fields/description-8000-unclosed-html-tags-warns.yaml": fields.UNCLOSED_TAGS_8000,
    "fields/description-backtick-runs-warns.yaml": fields.BACKTICK_RUNS,
    "fields/description-6000-headings-without-blank-lines-warns.yaml": fields.HEADINGS_6000,
}
"""Inputs whose description is shown as plain text, and that description."""
LONG_MARKDOWN = "fields/description-of-4000-words-builds.yaml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site of every description input that publishes, each as datasets/<name>/1.0.yaml."""
    root = tmp_path_factory.mktemp("fields")
    for name in [*SHOWN_AS_WRITTEN, LONG_MARKDOWN]:
        folder = root / "datasets" / slug(name)
        folder.mkdir(parents=True)
        if name in SINGLE_FILES:
            (folder / "1.0.yaml").write_bytes(SINGLE_FILES[name]())
        else:
            shutil.copyfile(HOSTILE / name, folder / "1.0.yaml")
    result = bounded("building the description inputs", lambda: build_site(root / "datasets", root / "_site"))
    assert result.published, [p.message for p in result.report.errors]
    return root / "_site"


def prose(site: Path, name: str) -> Tag:
    page = BeautifulSoup((site / "datasets" / slug(name) / "index.html").read_text(), "html.parser")
    found = page.select_one("div.prose")
    assert found is not None
    return found


@pytest.mark.parametrize("name", sorted(SHOWN_AS_WRITTEN))
def test_markdown_out_of_bounds_is_shown_as_the_text_written(site: Path, name: str) -> None:
    description = prose(site, name)
    assert [child.name for child in description.find_all(True)] == ["p"]
    assert description.get_text() == SHOWN_AS_WRITTEN[name].strip()


def test_long_ordinary_markdown_still_renders_as_markdown(site: Path) -> None:
    """About 4,000 words with links, emphasis, code, nested lists and a table: within every bound."""
    description = prose(site, LONG_MARKDOWN)
    assert len(description.select("h3")) == 13  # "# About the data" and 12 parts, moved under the page's h2
    links = description.select("a[href^='https://example.org/protocol/']")
    assert len(links) == 36 and all(a["rel"] == ["nofollow", "noopener", "noreferrer"] for a in links)
    assert len(description.select("code")) == 36 and len(description.select("strong")) == 36
    assert len(description.select("ul ul ul li")) == 12  # "40x objective", three deep, in each part
    assert len(description.select("table tr")) == 41


def entry_summary(site: Path, name: str) -> str | None:
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    for entry in feed.findall(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        if link is not None and f"/datasets/{slug(name)}/1.0/" in (link.get("href") or ""):
            return entry.findtext(f"{ATOM}summary")
    raise AssertionError(f"no feed entry for {name}")


def test_the_feed_summarises_bracket_texts_by_their_start(site: Path) -> None:
    """The Markdown-link pattern of the plain-text summary is linear: 25,000 '[' and 6,000 '[a]('
    (no link among them) are cut to 300 characters."""
    for name in ("fields/description-25000-brackets-warns.yaml",
                 "fields/description-6000-link-openers-warns.yaml"):
        assert entry_summary(site, name) == SHOWN_AS_WRITTEN[name][:300] + "…"
    assert entry_summary(site, LONG_MARKDOWN) == "About the data"  # its first paragraph, a heading


# The word diff between two versions ------------------------------------------------------

@pytest.fixture(scope="module")
def diff_page(tmp_path_factory: pytest.TempPathFactory) -> BeautifulSoup:
    root = tmp_path_factory.mktemp("diff")
    prepare(fields.DIFF_4500, root, Ports(0, 0))
    result = bounded("building two versions of 4,500 words",
                     lambda: build_site(root / "datasets", root / "_site"))
    assert result.published
    page = root / "_site/datasets/nuclei/changes/1.0-to-1.1/index.html"
    return BeautifulSoup(page.read_text(), "html.parser")


def test_a_text_too_large_to_match_word_by_word_is_shown_replaced(diff_page: BeautifulSoup) -> None:
    """4,500 words on one line, every other one edited: over the word diff's budget, so the
    changed middle is one deletion and one insertion, and the unchanged last word stays."""
    old, new = fields.two_texts_every_other_word_edited(4_500)
    [words] = diff_page.select("td.words")
    assert [(span.name, span.get_text()) for span in words.find_all(True)] == [
        ("del", old.removesuffix(" w4499")), ("ins", new.removesuffix(" w4499"))]
    assert words.get_text() == old.removesuffix(" w4499") + new.removesuffix(" w4499") + " w4499"


# The pull-request summary ----------------------------------------------------------------

@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """A repository whose main branch has version 1.0 of a dataset with a 40,000-word description."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    for key, value in (("user.name", "Test"), ("user.email", "test@example.org"),
                       ("commit.gpgsign", "false")):
        git(path, "config", key, value)
    old, _ = fields.two_texts_every_other_word_edited(40_000)
    write(path, {"nuclei/1.0.yaml": fields.manifest(old)})
    commit(path, "base")
    git(path, "checkout", "-q", "-b", "pr")
    yield path


def test_the_pull_request_summary_of_two_40000_word_versions_is_bounded(repo: Path, mifa: Mifa) -> None:
    """`mifa validate --changed-since main --format markdown`, as the pull-request job runs it: the
    word diff of the two descriptions used to hang it."""
    old, new = fields.two_texts_every_other_word_edited(40_000)
    write(repo, {"nuclei/1.1.yaml": fields.manifest(new, version="1.1", previous="1.0")})
    commit(repo)
    result = bounded("the pull-request summary",
                     lambda: mifa("validate", "--changed-since", "main", "--format", "markdown", cwd=repo))
    assert result.code == 1
    lines = result.out.splitlines()
    # Only the new version's problems: the published one is not the pull request's to fix.
    assert [line for line in lines if line.startswith("| ❌")] == [
        f"| ❌ | 3 | `study.description` | the text is {len(new):,} characters long, over the limit of "
        "30,000 for one text | shorten it to at most 30,000 characters (about 4,500 words); link longer "
        "documentation from link\\_url or a publication |"]  # _ escaped for Markdown
    assert "### What version 1.1 of `nuclei` changes (from 1.0)" in lines
    assert f"| `study.description` | changed | {old[:120]} | {new[:120]} |" in lines
