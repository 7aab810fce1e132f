"""Text that breaks a file format (issue 15, class 5): control characters, bidirectional controls,
BibTeX name syntax and line breaks in manifest values.

Validation must flag what has no place in a manifest: control characters are errors, bidirectional
controls and line breaks in one-line fields are warnings (the version is published, with the
outputs neutralising them). What each output then writes is checked, parsed by a real parser per
format, in tests/test_hostile_formats.py.
"""

from __future__ import annotations

from ..hostile_corpus import Case, E

CATEGORY = "formats"

_KEYWORDS = tuple(
    E("error", 8 + i, f"study.keywords[{i}]",
      f"control character U+001B (ESCAPE) at character {9 + len(str(i))}, after 'keyword {i}'")
    for i in range(20))

EXPECTED: dict[str, Case] = {
    "formats/control-characters-as-yaml-escapes.yaml": Case((
        E("error", 4, "study.title",
          "7 control characters: U+000C (FORM FEED), U+001B (ESCAPE), U+007F (DELETE), U+0085 (NEXT LINE), "
          "…; the first at character 8, after 'Nuclei '"),
    )),
    "formats/carriage-return-forges-a-heading.yaml": Case((
        E("error", 4, "study.description",
          "2 control characters: U+000D (CARRIAGE RETURN); the first at character 36, "
          "after '…e images of cell nuclei.'"),
    )),
    "formats/terminal-escape-sequences.yaml": Case((
        E("error", 3, "study.title",
          "2 control characters: U+001B (ESCAPE), U+0007 (BELL); the first at character 1"),
        E("error", 8, "study.authors[0].author_last_name",
          "2 control characters: U+001B (ESCAPE); the first at character 9, after 'Lovelace'"),
        E("error", 20, "config.notes",
          "3 control characters: U+001B (ESCAPE), U+0007 (BELL); the first at character 1"),
    )),
    "formats/c1-controls-nul-and-noncharacters.yaml": Case((
        E("error", 4, "study.description",
          "3 control characters: U+0085 (NEXT LINE), U+FDD0 (a noncharacter), U+10FFFF (a noncharacter); "
          "the first at character 35"),
        E("error", 7, "study.authors[0].author_first_name",
          "control character U+0000 (NULL) at character 2, after 'A'"),
        E("error", 8, "study.authors[0].author_last_name",
          "control character U+0008 (BACKSPACE) at character 5, after 'Love'"),
        E("error", 20, "config.tool\\x9b31m",
          "control character U+009B (CONTROL SEQUENCE INTRODUCER) in this key at character 5, after 'tool'"),
    )),
    "formats/many-values-with-control-characters.yaml": Case((
        *_KEYWORDS,
        E("error", 28, "study.keywords[20]",
          "10 more values with control characters in this file, the first of them here"),
    )),
    "formats/bidi-override-warns.yaml": Case((
        E("warning", 4, "study.title",
          "invisible bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE) at character 11, "
          "after 'Nuclei in '"),
        E("warning", 9, "study.authors[0].author_last_name",
          "invisible bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE) at character 5, after 'Love'"),
    ), builds=True),
    "formats/bidi-marks-in-hebrew-text-warns.yaml": Case((
        E("warning", 4, "study.title",
          "2 invisible bidirectional controls: U+200F (RIGHT-TO-LEFT MARK); the first at character 13"),
        E("warning", 8, "study.authors[0].author_first_name",
          "2 invisible bidirectional controls: U+2067 (RIGHT-TO-LEFT ISOLATE), "
          "U+2069 (POP DIRECTIONAL ISOLATE); the first at character 1"),
    ), builds=True),
    "formats/arabic-hebrew-and-persian-text-is-accepted.yaml": Case((), builds=True),
    "formats/and-in-a-first-name-builds.yaml": Case((), builds=True),
    "formats/line-break-in-a-name-warns.yaml": Case((
        E("warning", 10, "study.keywords[1]",
          "line break U+2028 (LINE SEPARATOR) at character 5, after 'cell': this is a one-line field, "
          "shown as a space"),
        E("warning", 12, "study.authors[0].author_first_name",
          "tab U+0009 (TAB) at character 4, after 'Ada': this is a one-line field, shown as a space"),
        E("warning", 13, "study.authors[0].author_last_name",
          "line break U+000A (LINE FEED) at character 5, after 'Love': this is a one-line field, "
          "shown as a space"),
    ), builds=True),
}

ISSUE: dict[str, list[str]] = {
    "control characters written as YAML escapes (feed.xml, citation.cff)": [
        "formats/control-characters-as-yaml-escapes.yaml", "formats/c1-controls-nul-and-noncharacters.yaml",
        "formats/many-values-with-control-characters.yaml"],
    "bidirectional overrides (U+202E) pass silently": [
        "formats/bidi-override-warns.yaml", "formats/bidi-marks-in-hebrew-text-warns.yaml",
        "formats/arabic-hebrew-and-persian-text-is-accepted.yaml"],
    "a first name 'Sabine and Mallory, Eve' becomes two BibTeX authors": [
        "formats/and-in-a-first-name-builds.yaml"],
    "a carriage return forges 'ready for review' headings in the pull-request summary": [
        "formats/carriage-return-forges-a-heading.yaml"],
    "raw terminal escape sequences reach the mifa validate output": [
        "formats/terminal-escape-sequences.yaml"],
    "line breaks in one-line fields": ["formats/line-break-in-a-name-warns.yaml"],
}
"""Issue 15's class-5 examples, and their siblings, with the inputs that cover them."""
