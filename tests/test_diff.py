"""What the version-pair page says changed between two versions, and whether credit survives."""

from __future__ import annotations

import textwrap
from math import isqrt
from pathlib import Path

from site_builder import Manifest, load_manifest, validate_text
from site_builder.diff import WORD_DIFF_BUDGET, Change, VersionDiff, diff_manifests, word_diff

from .test_hostile_corpus import bounded

DATASETS = Path(__file__).resolve().parent.parent / "datasets"

DESCRIPTION = (
    "Fluorescence images of cell nuclei from three human cell lines, stained with DAPI "
    "and imaged on a widefield microscope, with expert segmentation masks for training."
)

BASE = textwrap.dedent(f"""\
    study:
      title: Nuclei in fluorescence images
      description: >-
        {DESCRIPTION}
      keywords:
      - nucleus
      - segmentation
      - fluorescence
      license: CC-BY-4.0
      authors:
      - author_first_name: Ada
        author_last_name: Lovelace
        orcid_id: 0000-0002-1825-0097
        email: ada@example.org
        role:
        - conceptualization
      - author_first_name: Katherine
        author_last_name: Johnson
        role:
        - data annotation
      funding_statement: No specific funding.
    annotations:
    - annotation_overview: Nuclei outlined by hand.
      annotation_type: segmentation_mask
      annotation_method: Drawn by two experts in napari.
      authors:
      - author_first_name: Katherine
        author_last_name: Johnson
        role:
        - data annotation
      - author_first_name: Dorothy
        author_last_name: Vaughan
        orcid_id: 0000-0001-5109-3700
        role:
        - data annotation
      file_metadata:
      - annotation_id: masks/a.tif
        annotation_type: segmentation_mask
        source_image_id: images/a.tif
      - annotation_id: masks/b.tif
        annotation_type: segmentation_mask
        source_image_id: images/b.tif
    version:
      version: "1.0"
      timestamp: 2024-05-01T10:00:00+00:00
    """)

NEXT_VERSION = textwrap.dedent("""\
    version:
      version: "1.1"
      timestamp: 2024-06-01T10:00:00+00:00
      previous_version: "1.0"
      changes: Curation.
    """)


def manifest(text: str) -> Manifest:
    loaded = validate_text(text)
    assert loaded.manifest is not None, loaded.problems
    return loaded.manifest


def edit(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def next_version(*replacements: tuple[str, str], extra_version_lines: str = "", base: str = BASE) -> str:
    """BASE (or `base`) edited, as version 1.1 following 1.0."""
    text = edit(base, *replacements)
    return text[: text.index("version:\n  version:")] + NEXT_VERSION + extra_version_lines


def diff_of(new_text: str, old_text: str = BASE) -> VersionDiff:
    return diff_manifests(manifest(old_text), manifest(new_text))


def at(diff: VersionDiff, path: str) -> list[Change]:
    return [c for c in diff.changes if c.path == path]


def real(dataset: str, version: str) -> Manifest:
    loaded = load_manifest(DATASETS / dataset / f"{version}.yaml")
    assert loaded.manifest is not None
    return loaded.manifest


def test_a_new_version_with_the_same_metadata_has_no_changes() -> None:
    diff = diff_of(next_version())
    assert (diff.old_version, diff.new_version) == ("1.0", "1.1")
    assert diff.changes == ()
    assert diff.summary == ("no metadata changes",)
    assert diff.credit.preserved and diff.credit.added == diff.credit.dropped == ()


def test_licence_change_is_named_in_the_summary() -> None:
    diff = diff_of(next_version(("license: CC-BY-4.0", "license: CC0-1.0")))
    assert diff.changes == (Change("study.license", "changed", "CC-BY-4.0", "CC0-1.0"),)
    assert diff.summary == ("licence CC-BY-4.0 → CC0-1.0",)


def test_an_image_licence_that_overrides_the_study_licence() -> None:
    diff = diff_of(next_version(("annotations:\n", "images:\n  license: CC0-1.0\nannotations:\n")))
    assert diff.summary == ("images module added",)
    with_licence = edit(BASE, ("annotations:\n", "images:\n  image_count: 2\nannotations:\n"))
    diff = diff_of(next_version(("annotations:\n", "images:\n  image_count: 2\n  license: CC0-1.0\n"
                                 "annotations:\n")), with_licence)
    assert diff.summary == ("image licence CC-BY-4.0 → CC0-1.0",)


def test_keywords_are_added_and_removed_as_items() -> None:
    diff = diff_of(next_version(("  - nucleus\n", "  - nuclei\n  - DAPI\n")))
    assert diff.changes == (
        Change("study.keywords", "removed", "nucleus", None),
        Change("study.keywords", "added", None, "nuclei"),
        Change("study.keywords", "added", None, "DAPI"),
    )
    assert diff.summary == ("+2 keywords", "−1 keyword")


def test_an_added_author_is_credit_and_named() -> None:
    grace = ("  - author_first_name: Grace\n    author_last_name: Hopper\n"
             "    orcid_id: 0000-0002-9079-593X\n    email: grace@example.org\n")
    diff = diff_of(next_version(("  funding_statement", grace + "  funding_statement")))
    [change] = diff.changes
    assert (change.path, change.kind, change.old, change.is_credit) == (
        "study.authors[Grace Hopper]", "added", None, True)
    assert change.new == {"author_first_name": "Grace", "author_last_name": "Hopper",
                          "orcid_id": "0000-0002-9079-593X", "role": [], "organisation": []}
    assert "email" not in change.new  # e-mail addresses are never published on the site
    assert diff.credit.added == ("Grace Hopper",)
    assert diff.credit.preserved
    assert diff.summary == ("+1 author",)


def test_an_annotator_moved_to_preserved_credit_keeps_credit() -> None:
    katherine = ("  - author_first_name: Katherine\n    author_last_name: Johnson\n"
                 "    role:\n    - data annotation\n")
    preserved = ("  preserved_credit:\n  - author_first_name: Katherine\n    author_last_name: Johnson\n"
                 "    version: \"1.0\"\n    role:\n    - data annotation\n")
    new = next_version(("  authors:\n" + katherine, "  authors:\n"), extra_version_lines=preserved)
    # Katherine stays a study author here, so only the annotation set loses her ...
    diff = diff_of(new)
    assert at(diff, "annotations[0].authors[Katherine Johnson]")[0].kind == "removed"
    assert diff.credit.moved_to_preserved == ()
    # ... and once she leaves the study authors too, she is credited only as preserved.
    new = edit(new, ("  - author_first_name: Katherine\n    author_last_name: Johnson\n"
                     "    role:\n    - data annotation\n  funding_statement", "  funding_statement"))
    diff = diff_of(new)
    assert diff.credit.moved_to_preserved == ("Katherine Johnson",)
    assert diff.credit.dropped == ()
    assert diff.credit.preserved is True
    assert {c.path: c.kind for c in diff.changes} == {
        "study.authors[Katherine Johnson]": "removed",
        "annotations[0].authors[Katherine Johnson]": "removed",
        "version.preserved_credit[Katherine Johnson]": "added",
    }
    assert all(c.is_credit for c in diff.changes)
    assert diff.summary == ("−1 author", "−1 annotator", "+1 preserved credit")


def test_a_dropped_annotator_loses_credit() -> None:
    dorothy = ("  - author_first_name: Dorothy\n    author_last_name: Vaughan\n"
               "    orcid_id: 0000-0001-5109-3700\n    role:\n    - data annotation\n")
    new = next_version((dorothy, ""))
    diff = diff_of(new)
    [change] = diff.changes
    assert (change.path, change.kind, change.is_credit) == (
        "annotations[0].authors[Dorothy Vaughan]", "removed", True)
    assert change.old["orcid_id"] == "0000-0001-5109-3700"
    assert diff.credit.preserved is False
    assert diff.credit.dropped == ("Dorothy Vaughan",)
    assert diff.credit.moved_to_preserved == ()
    assert diff.summary == ("−1 annotator",)


def test_an_edited_description_shows_the_changed_words() -> None:
    edited = DESCRIPTION.replace("three human cell lines", "four human cell lines").replace(
        "widefield microscope", "confocal microscope")
    diff = diff_of(next_version((DESCRIPTION, edited)))
    [change] = diff.changes
    assert (change.path, change.old, change.new) == ("study.description", DESCRIPTION, edited)
    assert "".join(s.text for s in change.words if s.kind != "added") == DESCRIPTION
    assert "".join(s.text for s in change.words if s.kind != "removed") == edited
    assert [s.text for s in change.words if s.kind == "removed"] == ["three", "widefield"]
    assert [s.text for s in change.words if s.kind == "added"] == ["four", "confocal"]
    assert diff.summary == ("1 other field changed",)


def test_adjacent_edited_words_read_as_one_replacement() -> None:
    spans = word_diff("the quick brown fox", "the slow red fox")
    assert [(s.kind, s.text) for s in spans] == [
        ("same", "the "), ("removed", "quick brown"), ("added", "slow red"), ("same", " fox")]


def test_word_diffs_are_for_prose_not_identifiers() -> None:
    diff = diff_of(next_version(("Nuclei outlined by hand.", "Nuclei outlined by software.")))
    [change] = diff.changes
    assert change.path == "annotations[0].annotation_overview"
    assert change.words  # multi-word text on both sides
    diff = diff_of(next_version(("license: CC-BY-4.0", "license: CC0-1.0")))
    assert diff.changes[0].words == ()


def test_thirty_added_file_records_collapse_to_a_count() -> None:
    records = "".join(f"  - annotation_id: masks/extra_{n}.tif\n    annotation_type: segmentation_mask\n"
                      f"    source_image_id: images/extra_{n}.tif\n" for n in range(30))
    diff = diff_of(next_version(("version:\n  version", records + "version:\n  version")))
    assert diff.changes == (Change("annotations[0].file_metadata", "added", None, 30),)
    assert diff.summary == ("+30 file records",)


def test_a_few_file_records_are_listed_by_annotation_id() -> None:
    diff = diff_of(next_version(("source_image_id: images/b.tif", "source_image_id: images/b2.tif")))
    assert {(c.path, c.kind, c.old, c.new) for c in diff.changes} == {
        ("annotations[0].file_metadata[masks/b.tif].source_image_id", "removed", "images/b.tif", None),
        ("annotations[0].file_metadata[masks/b.tif].source_image_id", "added", None, "images/b2.tif"),
    }
    assert diff.summary == ("1 file record changed",)


def test_reordered_people_keywords_and_files_are_not_changes() -> None:
    ada = ("  - author_first_name: Ada\n    author_last_name: Lovelace\n    orcid_id: 0000-0002-1825-0097\n"
           "    email: ada@example.org\n    role:\n    - conceptualization\n")
    file_a = ("  - annotation_id: masks/a.tif\n    annotation_type: segmentation_mask\n"
              "    source_image_id: images/a.tif\n")
    new = next_version((ada, ""), ("  funding_statement", ada + "  funding_statement"),
                       ("  - nucleus\n  - segmentation\n", "  - segmentation\n  - nucleus\n"),
                       (file_a, ""), ("version:\n  version", file_a + "version:\n  version"))
    assert manifest(new).study.authors[0].author_first_name == "Katherine"
    diff = diff_of(new)
    assert diff.changes == ()
    assert diff.summary == ("no metadata changes",)


def test_people_are_matched_by_name_when_an_orcid_is_added() -> None:
    new = next_version(("  - author_first_name: Katherine\n    author_last_name: Johnson\n",
                        "  - author_first_name: Katherine\n    author_last_name: Johnson\n"
                        "    orcid_id: 0000-0002-1825-0097\n"))
    diff = diff_of(new)
    assert [(c.path, c.kind, c.new, c.is_credit) for c in diff.changes] == [
        ("study.authors[Katherine Johnson].orcid_id", "added", "0000-0002-1825-0097", True)]
    assert diff.credit.preserved and diff.credit.added == ()


def test_a_changed_role_is_a_credit_change_at_the_persons_path() -> None:
    role = "    - conceptualization\n"
    diff = diff_of(next_version((role, role + "    - supervision\n")))
    assert diff.changes == (
        Change("study.authors[Ada Lovelace].role", "added", None, "supervision", is_credit=True),)


def test_changes_follow_the_order_of_the_manifest() -> None:
    diff = diff_of(next_version(("Nuclei outlined by hand.", "Nuclei outlined in napari."),
                                ("license: CC-BY-4.0", "license: CC0-1.0"),
                                ("title: Nuclei in", "title: Cell nuclei in")))
    assert [c.path for c in diff.changes] == [
        "study.title", "study.license", "annotations[0].annotation_overview"]
    assert diff.summary == ("licence CC-BY-4.0 → CC0-1.0", "2 other fields changed")


def test_real_s_biad634_curation_adds_images_and_counts() -> None:
    diff = diff_manifests(real("s-biad634", "1.1"), real("s-biad634", "1.2"))
    assert (diff.old_version, diff.new_version) == ("1.1", "1.2")
    assert [(c.path, c.kind) for c in diff.changes] == [
        ("images", "added"),
        ("annotations[0].annotation_format", "added"),
        ("annotations[0].object_count", "added"),
    ]
    images, annotation_format, object_count = diff.changes
    assert images.new["image_count"] == 79
    assert (annotation_format.new, object_count.new) == ("tiff", 7813)
    assert not any(c.is_credit for c in diff.changes)
    assert diff.credit.preserved and diff.credit.dropped == diff.credit.added == ()
    assert diff.summary == ("images module added", "2 other fields changed")


def test_real_s_biad249_curation_adds_classes_and_statements() -> None:
    diff = diff_manifests(real("s-biad249", "1.0"), real("s-biad249", "1.1"))
    paths = [c.path for c in diff.changes]
    assert paths[:3] == ["annotations[0].annotation_confidence_level", "annotations[0].annotation_coverage",
                         "annotations[0].classes[aedes_albopictus]"]
    assert len(paths) == 11 and all(c.kind == "added" for c in diff.changes)
    assert at(diff, "annotations[0].classes[japonicus_koreicus]")[0].new == {
        "name": "japonicus_koreicus", "count": 5}
    assert diff.credit.preserved and diff.credit.added == ()
    assert diff.summary == ("+9 classes", "2 other fields changed")


# Long texts (issue 15): the word diff of a pair of versions has a budget ---------------------

def paragraphs(count: int, words: int) -> list[str]:
    return [" ".join(f"p{p}w{w}" for w in range(words)) for p in range(count)]


def test_a_long_text_edited_in_far_apart_paragraphs_shows_just_those_words() -> None:
    """6,000 words: too many to match word by word, so lines are matched first, then words inside."""
    old = paragraphs(40, 150)
    new = list(old)
    new[2] = new[2].replace("p2w7 ", "seven ")
    new[37] = new[37].replace(" p37w149", " last")
    spans = word_diff("\n\n".join(old), "\n\n".join(new))
    assert [(s.kind, s.text) for s in spans if s.kind != "same"] == [
        ("removed", "p2w7"), ("added", "seven"), ("removed", "p37w149"), ("added", "last")]
    assert "".join(s.text for s in spans if s.kind != "added") == "\n\n".join(old)


def test_beyond_the_budget_the_changed_middle_is_one_replacement() -> None:
    """40,000 words on one line, every other one edited: matching them took minutes."""
    old = " ".join(f"w{i}" for i in range(40_000))
    new = " ".join(f"w{i}" if i % 2 else f"x{i}" for i in range(40_000))
    spans = bounded("a word diff of 40,000 words", lambda: word_diff(old, new))
    assert [(s.kind, s.text) for s in spans] == [
        ("removed", old.removesuffix(" w39999")), ("added", new.removesuffix(" w39999")), ("same", " w39999")]


def test_the_fields_of_a_version_pair_share_one_budget() -> None:
    """Two long rewritten texts that each fit the budget alone: the second is shown replaced."""
    words = isqrt(WORD_DIFF_BUDGET // 6)  # about 2 x words tokens a side: two thirds of the budget
    old = " ".join(f"w{i}" for i in range(words))
    new = " ".join(f"w{i}" if i % 2 else f"x{i}" for i in range(words))
    text = edit(BASE, ("  funding_statement: No specific funding.", f"  funding_statement: {old}"),
                ("annotation_overview: Nuclei outlined by hand.", f"annotation_overview: {old}"))
    diff = diff_of(next_version(("funding_statement: " + old, "funding_statement: " + new),
                                ("annotation_overview: " + old, "annotation_overview: " + new), base=text),
                   text)
    [funding] = at(diff, "study.funding_statement")
    [overview] = at(diff, "annotations[0].annotation_overview")
    assert len(funding.words) > words / 2  # word by word
    assert [s.kind for s in overview.words] == ["removed", "added", "same"]  # one replacement


def test_a_page_lists_every_credit_change_and_at_most_a_thousand_others() -> None:
    credit = Change("annotations[0].authors[0]", "added", None, "Grace Hopper", is_credit=True)
    others = tuple(Change(f"config.key{i}", "added", None, i) for i in range(2_500))
    same = diff_manifests(manifest(BASE), manifest(BASE))
    diff = VersionDiff("1.0", "1.1", (*others[:1_200], credit, *others[1_200:]), same.credit, ())
    listed, left_out = diff.listed()
    assert len(listed) == 1_000 and left_out == 1_501
    assert credit in listed, "credit changes are never left out"
    assert listed[:999] == others[:999], "the rest in order"
    assert VersionDiff("1.0", "1.1", others[:10], diff.credit, ()).listed() == (others[:10], 0)
