"""Accessions resolve through the catalogue's archives table; the table's mistakes are reported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from site_builder.archives import ArchiveTableError, archive_rules, resolve_accession
from site_builder.render.use_panel import _example, _listed


@pytest.mark.parametrize(("accession", "archive", "landing", "files"), [
    ("S-BIAD634", "BioImage Archive", "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BIAD634",
     "https://ftp.ebi.ac.uk/biostudies/fire/S-BIAD/634/S-BIAD634/Files/"),
    ("s-biad1012", "BioImage Archive", "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BIAD1012",
     "https://ftp.ebi.ac.uk/biostudies/fire/S-BIAD/012/S-BIAD1012/Files/"),
    ("S-BIAD8", "BioImage Archive", "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BIAD8",
     "https://ftp.ebi.ac.uk/biostudies/fire/S-BIAD/S-BIAD0-99/S-BIAD8/Files/"),
    ("S-BSST323", "BioImage Archive", "https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BSST323",
     "https://ftp.ebi.ac.uk/biostudies/nfs/S-BSST/323/S-BSST323/Files/"),
    ("EMPIAR-11658", "EMPIAR", "https://www.ebi.ac.uk/empiar/EMPIAR-11658/",
     "https://ftp.ebi.ac.uk/empiar/world_availability/11658/data/"),
    ("IDR0001", "Image Data Resource", "https://idr.openmicroscopy.org/search/?query=Name:idr0001", None),
    ("zenodo.3362543", "Zenodo", "https://zenodo.org/records/3362543", "https://zenodo.org/records/3362543/files/"),
])
def test_known_accessions_resolve(accession: str, archive: str, landing: str, files: str | None) -> None:
    link = resolve_accession(accession)
    assert link is not None
    assert (link.archive, link.landing, link.files) == (archive, landing, files)


def test_an_unknown_archive_is_not_guessed() -> None:
    assert resolve_accession("GSE12345") is None
    assert resolve_accession(None) is None


def _table(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "archives.yaml"
    path.write_text(text)
    return path


def test_a_wrong_table_names_the_entry_and_the_fault(tmp_path: Path) -> None:
    bad = _table(tmp_path, "archives:\n  - name: X\n    accession: '^X(?P<number>\\d+'\n"
                           "    landing: https://x.org/{acession}\n")
    with pytest.raises(ArchiveTableError) as caught:
        archive_rules(bad)
    message = str(caught.value)
    assert "archives.0.accession" in message and "archives.0.landing" in message
    assert "{acession}" in message and "{accession}" in message


def test_the_table_is_read_from_catalogue_data(tmp_path: Path) -> None:
    table = _table(tmp_path, "archives:\n  - name: Lab store\n    accession: '^LAB-(?P<number>\\d+)$'\n"
                             "    case: upper\n    landing: https://lab.example/{number}\n")
    link = resolve_accession("lab-7", archive_rules(table))
    assert link is not None and (link.archive, link.landing, link.files) == ("Lab store", "https://lab.example/7",
                                                                           None)


HOSTILE = "x'); import os; os.system('rm -rf ~'); ('\"\n"


def test_a_submitters_text_reaches_a_snippet_only_as_a_string_literal() -> None:
    example = _example("https://data.example/a.zarr", HOSTILE, illustrative=False, number=1)
    listed = _listed("https://site.example/api.json",
                     "https://data.example/" + HOSTILE.strip(), HOSTILE, 3)
    for snippet in (example, listed):
        tree = ast.parse(snippet.code)
        calls = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                 for node in ast.walk(tree) if isinstance(node, ast.Call)}
        assert "system" not in calls
        assert any(isinstance(n, ast.Constant) and isinstance(n.value, str) and "os.system" in n.value
                   for n in ast.walk(tree))
