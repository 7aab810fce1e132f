"""The zoo resolver against a small snapshot built from the real ids in bioimageio.md §4-§7."""

from __future__ import annotations

from dataclasses import replace

import pytest

from site_builder.zoo.resolver import Resolver, is_zoo_reference, normalise, osa_distance
from site_builder.zoo.snapshot import Snapshot, ZooItem


def item(nickname: str, kind: str, *, aliases: tuple[str, ...] = (), dois: tuple[str, ...] = (),
         training_data: str | None = None, links: tuple[str, ...] = (), source: str | None = None) -> ZooItem:
    return ZooItem(
        id=nickname, type=kind, name=nickname.replace("-", " "), description="", covers=(), license=None,
        tags=(), aliases=aliases, dois=dois, training_data=training_data, links=links, versions=("v0",),
        source=source, page=f"https://bioimage.io/#/artifacts/{nickname}",
    )


AFFABLE = item(
    "affable-shark", "model",
    aliases=("10.5281/zenodo.5764892", "10.5281/zenodo.5764892/6647674", "10.5281/zenodo.6647674"),
    dois=("10.1038/s41592-019-0612-7",),
    training_data="ilastik/stradist_dsb_training_data",
    links=("ilastik/stardist_dsb_training_data", "ilastik/ilastik", "https://github.com/x/y"),
)
SPICY = item("spicy-cucumber", "dataset", aliases=("ilastik/stardist_dsb_training_data",),
             dois=("10.1038/s41592-019-0612-7",),
             source="https://github.com/stardist/stardist/releases/download/0.1.0/dsb2018.zip")
FRAGRANT = item("fragrant-baguette", "dataset",
                aliases=("ilastik/covid_if_training_data", "10.5281/zenodo.5092850"),
                dois=("10.1002/bies.202000257",), source="https://zenodo.org/record/5092850")
CHIPMUNK = item("powerful-chipmunk", "model", aliases=("10.5281/zenodo.5847355",),
                training_data="ilastik/covid_if_training_data")
SLOTH = item("ambitious-sloth", "model", aliases=("10.5281/zenodo.7614645",),
             training_data="10.5281/zenodo.7612115")
ICE_CREAM = item("uplifting-ice-cream", "dataset",
                 aliases=("10.5281/zenodo.7612115", "10.5281/zenodo.7612115/7612152",
                          "10.5281/zenodo.7612152"),
                 dois=("10.1038/s41592-021-01136-0",),
                 source="https://www.ebi.ac.uk/biostudies/bioimages/studies/S-BSST604")
ZERO = item("zero-dataset", "dataset", aliases=("zero/Dataset_U-Net_2D_multilabel_DeepBacs",))
ZERO_MODEL = item("zero-model", "model", training_data="zero/dataset_u-net_2d_multilabel_deepbacs")
PLACEHOLDER_MODEL = item("lazy-owl", "model", training_data="0000")
FALAFEL = item("splendid-falafel", "dataset", source="https://zenodo.org/records/13380326")
LEOPARD = item("plucky-leopard", "model", training_data="splendid-falafel")
ILASTIK = item("ilastik", "application", aliases=("ilastik/ilastik",))
# two datasets claiming one legacy id: neither may win
TWIN_A = item("twin-alpha", "dataset", aliases=("shared/legacy_id",))
TWIN_B = item("twin-beta", "dataset", aliases=("shared/legacy_id",))
ITEMS = (AFFABLE, SPICY, FRAGRANT, CHIPMUNK, SLOTH, ICE_CREAM, ZERO, ZERO_MODEL, PLACEHOLDER_MODEL, FALAFEL,
         LEOPARD, ILASTIK, TWIN_A, TWIN_B)


def snapshot(*items: ZooItem) -> Snapshot:
    return Snapshot(items=items, index_timestamp="2026-05-20T04:54:18", source="test")


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(snapshot(*ITEMS))


@pytest.mark.parametrize("reference", [
    "affable-shark",
    "  affable-shark\n",
    "bioimage-io/affable-shark",
    "https://bioimage.io/#/artifacts/affable-shark",
    "https://bioimage.io/#/artifacts/bioimage-io%2Faffable-shark",
    "affable-shark/latest",
])
def test_nickname_forms(resolver: Resolver, reference: str) -> None:
    result = resolver.resolve(reference, expected_type="model")
    assert (result.kind, result.item, result.wrong_type) == ("nickname", AFFABLE, False)
    assert result.reference == reference


@pytest.mark.parametrize("reference", [
    "10.5281/zenodo.5764892",
    "https://doi.org/10.5281/zenodo.5764892",
    "http://dx.doi.org/10.5281/zenodo.5764892",
    "doi:10.5281/zenodo.5764892",
    "DOI:10.5281/zenodo.5764892",
    "https://bioimage.io/#/?id=10.5281%2Fzenodo.5764892",
    "10.5281/zenodo.5764892/6647674",
    "10.5281/zenodo.6647674",
])
def test_doi_forms_are_legacy_aliases(resolver: Resolver, reference: str) -> None:
    result = resolver.resolve(reference, expected_type="model")
    assert (result.kind, result.item) == ("alias", AFFABLE)
    assert result.note.startswith("legacy id 10.5281/zenodo.")


def test_concept_record_falls_back_to_concept_then_version() -> None:
    only_concept = Resolver(snapshot(replace(AFFABLE, aliases=("10.5281/zenodo.5764892",))))
    result = only_concept.resolve("10.5281/zenodo.5764892/9999999")
    assert result.kind == "alias" and result.item is not None and result.item.id == "affable-shark"
    assert "10.5281/zenodo.5764892" in result.note
    only_version = Resolver(snapshot(replace(AFFABLE, aliases=("10.5281/zenodo.6647674",))))
    found = only_version.resolve("10.5281/zenodo.1/6647674").item
    assert found is not None and found.id == "affable-shark"


def test_partner_id_resolves_as_legacy_alias(resolver: Resolver) -> None:
    for reference in ("ilastik/covid_if_training_data", "ilastik/covid_if_training_data/latest"):
        result = resolver.resolve(reference, expected_type="dataset")
        assert (result.kind, result.item, result.wrong_type) == ("alias", FRAGRANT, False)
        assert result.note == "legacy id ilastik/covid_if_training_data"


def test_zenodo_record_in_source_is_an_alias(resolver: Resolver) -> None:
    assert resolver.resolve("10.5281/zenodo.13380326").item == FALAFEL
    assert resolver.resolve("https://zenodo.org/records/13380326").item == FALAFEL


def test_current_nickname_link(resolver: Resolver) -> None:
    result = resolver.resolve(LEOPARD.training_data or "", expected_type="dataset")
    assert (result.kind, result.item, result.note) == ("nickname", FALAFEL, "")


def test_typo_dangles_with_suggestions(resolver: Resolver) -> None:
    result = resolver.resolve(AFFABLE.training_data or "", expected_type="dataset", links=AFFABLE.links)
    assert result.kind == "dangling" and result.item is None
    assert result.suggestions[:2] == ("ilastik/stardist_dsb_training_data", "spicy-cucumber")
    assert "ilastik/ilastik" not in result.suggestions  # an application, not a dataset
    assert "did you mean ilastik/stardist_dsb_training_data" in result.note


def test_links_alone_give_suggestions(resolver: Resolver) -> None:
    result = resolver.resolve("something-else-entirely", links=("ilastik/covid_if_training_data",))
    assert result.kind == "dangling"
    assert result.suggestions == ("ilastik/covid_if_training_data", "fragrant-baguette")


def test_stale_doi_resolves_while_the_alias_survives(resolver: Resolver) -> None:
    result = resolver.resolve("10.5281/zenodo.7612115", expected_type="dataset")
    assert (result.kind, result.item) == ("alias", ICE_CREAM)


def test_stale_doi_dangles_once_the_alias_is_gone() -> None:
    renamed = replace(ICE_CREAM, aliases=())
    result = Resolver(snapshot(SLOTH, renamed)).resolve("10.5281/zenodo.7612115", expected_type="dataset")
    assert result.kind == "dangling" and result.item is None


def test_case_only_difference(resolver: Resolver) -> None:
    result = resolver.resolve("zero/dataset_u-net_2d_multilabel_deepbacs", expected_type="dataset")
    assert (result.kind, result.item) == ("case", ZERO)
    assert result.note == "letter case differs from zero/Dataset_U-Net_2D_multilabel_DeepBacs"
    assert resolver.resolve("Affable-Shark").kind == "case"


@pytest.mark.parametrize("reference", ["0000", "0", "", "  ", "none", "N/A"])
def test_placeholders(resolver: Resolver, reference: str) -> None:
    result = resolver.resolve(reference, expected_type="dataset")
    assert (result.kind, result.item) == ("placeholder", None)
    assert result.note.endswith("is a placeholder, not a link")
    assert resolver.resolve("0000").note == "0000 is a placeholder, not a link"


def test_alias_claimed_twice_is_ambiguous(resolver: Resolver) -> None:
    result = resolver.resolve("shared/legacy_id", expected_type="dataset")
    assert (result.kind, result.item) == ("ambiguous", None)
    assert "twin-alpha" in result.note and "twin-beta" in result.note
    assert resolver.resolve("SHARED/legacy_id").kind == "ambiguous"


def test_case_folding_onto_two_items_is_ambiguous() -> None:
    upper = item("upper-case", "dataset", aliases=("lab/Data",))
    lower = item("lower-case", "dataset", aliases=("lab/DATA",))
    assert Resolver(snapshot(upper, lower)).resolve("lab/data").kind == "ambiguous"


def test_wrong_type(resolver: Resolver) -> None:
    result = resolver.resolve("affable-shark", expected_type="dataset")
    assert (result.kind, result.item, result.wrong_type) == ("nickname", AFFABLE, True)
    assert "expected a dataset, found a model" in result.note
    assert resolver.resolve("spicy-cucumber", expected_type="dataset").wrong_type is False


def test_cited_doi_only_when_unclaimed(resolver: Resolver) -> None:
    assert resolver.resolve("10.1002/bies.202000257").item == FRAGRANT  # cited by one item only
    shared = resolver.resolve("10.1038/s41592-019-0612-7")  # a paper affable-shark and spicy-cucumber cite
    assert shared.kind == "ambiguous"
    claimed = item("citer", "dataset", dois=("10.5281/zenodo.5764892",))
    assert Resolver(snapshot(AFFABLE, claimed)).resolve("10.5281/zenodo.5764892").item == AFFABLE


def test_external_references(resolver: Resolver) -> None:
    result = resolver.resolve("https://github.com/stardist/stardist")
    assert (result.kind, result.item) == ("external", None)


def test_backlinks(resolver: Resolver) -> None:
    links = resolver.backlinks()
    assert [model.id for model, _ in links["fragrant-baguette"]] == ["powerful-chipmunk"]
    assert links["fragrant-baguette"][0][1].kind == "alias"
    assert "spicy-cucumber" not in links  # affable-shark's typo is not a link
    assert [model.id for model, _ in links["splendid-falafel"]] == ["plucky-leopard"]
    assert [model.id for model, _ in links["uplifting-ice-cream"]] == ["ambitious-sloth"]
    assert [model.id for model, _ in links["zero-dataset"]] == ["zero-model"]
    assert "affable-shark" not in {m.id for models in links.values() for m, _ in models}
    kinds = {model.id: r.kind for model, r in resolver.training_links()}
    assert kinds["lazy-owl"] == "placeholder" and kinds["affable-shark"] == "dangling"


@pytest.mark.parametrize(("reference", "expected"), [
    ("https://bioimage.io/#/artifacts/affable-shark", True),
    ("https://bioimage.io/#/?id=10.5281%2Fzenodo.5764892", True),
    ("affable-shark", True),
    ("bioimage-io/affable-shark", True),
    ("ilastik/covid_if_training_data", True),
    ("10.5281/zenodo.5764892", True),
    ("doi:10.5281/zenodo.5764892", True),
    ("DOI:10.5281/zenodo.1", True),
    ("https://doi.org/10.5281/zenodo.5764892", True),
    ("https://github.com/stardist/stardist", False),
    ("https://example.org/models/unet.pt", False),
    ("https://doi.org/10.1038/s41592-019-0612-7", False),
])
def test_is_zoo_reference(reference: str, expected: bool) -> None:
    assert is_zoo_reference(reference) is expected


def test_datasets_for_catalogue(resolver: Resolver) -> None:
    assert resolver.datasets_for_catalogue(["S-BSST604"]) == [ICE_CREAM]
    assert resolver.datasets_for_catalogue(["s-bsst60"]) == []
    assert resolver.datasets_for_catalogue(["https://doi.org/10.5281/zenodo.5092850"]) == [FRAGRANT]
    assert resolver.datasets_for_catalogue(["10.1038/s41592-021-01136-0", ""]) == [ICE_CREAM]
    assert resolver.datasets_for_catalogue(["10.5281/zenodo.5764892"]) == []  # a model, not a dataset


def test_normalise_and_distance() -> None:
    url = " https://bioimage.io/#/?id=ilastik%2Fcovid_if_training_data "
    assert normalise(url) == "ilastik/covid_if_training_data"
    assert osa_distance("stradist", "stardist") == 1
    assert osa_distance("abc", "abc") == 0
    assert osa_distance("kitten", "sitting") == 3
    assert osa_distance("", "ab") == 2
