"""Who is credited for what across the whole catalogue (the MIFA 'incentives' pillar).

A person is keyed by ORCID, or by a folded name when no ORCID is given (such
people are flagged: one name may be several people, or one person may appear
under two spellings). E-mail addresses never enter this structure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .catalogue import Dataset
from .names import person_page
from .people import Mention, mentions, person_key


@dataclass(frozen=True)
class Credit:
    """One credit: a person named in one version of one dataset, in one role."""

    dataset_id: str
    dataset_title: str
    version: str
    kind: str
    """'author', 'annotator' or 'preserved'."""
    roles: tuple[str, ...]
    annotation_set: int | None
    """Index of the annotation set when credited as its annotator."""
    annotation_overview: str | None
    by_name_only: bool = False
    """Credited without an ORCID iD, and joined to this person by name (see collect_people)."""


@dataclass
class Person:
    """Everything one person is credited for."""

    key: str
    name: str
    orcid: str | None
    credits: list[Credit] = field(default_factory=list)
    other_orcids: tuple[str, ...] = ()
    """For a name-keyed person: the ORCID iDs this same name is credited with elsewhere in the
    catalogue (two or more, so which one is meant cannot be told)."""
    joined_names: tuple[str, ...] = ()
    """Name keys of the name-only credits joined to this ORCID holder."""

    @property
    def slug(self) -> str:
        """File-system-safe page name: the ORCID, or 'name-<folded name>' (a long one shortened)."""
        return person_page(self.key)

    @property
    def name_keyed(self) -> bool:
        return self.orcid is None

    @property
    def orcid_added(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(dataset id, title, versions) where this person is credited by name only, before or
        beside the credits that give their ORCID iD."""
        groups: dict[str, list[Credit]] = defaultdict(list)
        for credit in self.credits:
            if credit.by_name_only:
                groups[credit.dataset_id].append(credit)
        return [(dataset_id, credits[-1].dataset_title, tuple(dict.fromkeys(c.version for c in credits)))
                for dataset_id, credits in sorted(groups.items())]

    @property
    def datasets(self) -> list[str]:
        return sorted({c.dataset_id for c in self.credits})

    @property
    def annotated_datasets(self) -> list[str]:
        return sorted({c.dataset_id for c in self.credits if c.kind == "annotator"
                       or any("annotat" in r.lower() for r in c.roles)})

    @property
    def roles(self) -> list[str]:
        return sorted({r for c in self.credits for r in c.roles}, key=str.lower)

    @property
    def by_dataset(self) -> list[DatasetCredits]:
        """The credits grouped per dataset, as a person page lists them: one row per dataset,
        not one per version and role (four versions of one dataset are one contribution)."""
        groups: dict[str, list[Credit]] = defaultdict(list)
        for credit in self.credits:
            groups[credit.dataset_id].append(credit)
        rows = []
        for dataset_id, credits in sorted(groups.items()):
            ways: dict[str, list[str]] = defaultdict(list)
            for credit in credits:
                what = (f"annotator of annotation set {credit.annotation_set + 1}"
                        if credit.kind == "annotator" and credit.annotation_set is not None
                        else {"annotator": "annotator", "preserved": "earlier contributor (credit kept)"}
                        .get(credit.kind, "dataset author"))
                if credit.version not in ways[what]:
                    ways[what].append(credit.version)
            rows.append(DatasetCredits(
                dataset_id, credits[-1].dataset_title,
                tuple(dict.fromkeys(c.version for c in credits)),
                tuple((what, tuple(versions)) for what, versions in ways.items()),
                tuple(sorted({r for c in credits for r in c.roles}, key=str.lower))))
        return rows


@dataclass(frozen=True)
class DatasetCredits:
    """One dataset on a person's page: in which versions, and as what."""

    dataset_id: str
    dataset_title: str
    versions: tuple[str, ...]
    ways: tuple[tuple[str, tuple[str, ...]], ...]
    """(how they are credited, the versions that credit them so)."""
    roles: tuple[str, ...]


def _display_name(names: Counter[str]) -> str:
    """The most used spelling, ties broken alphabetically, so the choice is stable."""
    return sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]


def collect_people(datasets: list[Dataset]) -> list[Person]:
    """Every credited person, most-credited annotators first, then by name.

    A credit without an ORCID iD joins the person with that iD when their name (folded, see
    people.name_key) is credited with exactly one ORCID iD in the catalogue: adding an iD in a
    new version does not split a person's credit. A name credited with several iDs cannot be
    placed, so its name-only credits keep a page of their own that lists the iDs."""
    by_key: dict[str, list[tuple[Mention, Credit]]] = defaultdict(list)
    orcids_by_name: dict[str, set[str]] = defaultdict(set)
    for dataset in datasets:
        for manifest in dataset.manifests:
            for mention in mentions(manifest):
                set_index = mention.path[1] if mention.kind == "annotator" else None
                overview = (manifest.annotations[set_index].annotation_overview
                            if isinstance(set_index, int) else None)
                credit = Credit(dataset.id, manifest.study.title, manifest.version.version,
                                mention.kind, mention.roles,
                                set_index if isinstance(set_index, int) else None, overview)
                by_key[mention.key].append((mention, credit))
                if mention.orcid:
                    orcids_by_name[mention.name_key].add(mention.key)
    joined: dict[str, list[str]] = defaultdict(list)
    for key in [k for k in by_key if not k.startswith("orcid:")]:
        owners = orcids_by_name.get(key, set())
        if len(owners) == 1:
            owner = next(iter(owners))
            joined[owner].append(key)
            by_key[owner].extend(
                (mention, replace(credit, by_name_only=True)) for mention, credit in by_key.pop(key))
    people = []
    for key, entries in by_key.items():
        names = Counter(m.full_name for m, _ in entries if m.orcid or key.startswith("name:"))
        orcid = next((m.orcid for m, _ in entries if m.orcid), None)
        credits = sorted({c for _, c in entries},
                         key=lambda c: (c.dataset_id, c.version, c.kind, c.annotation_set or -1))
        others = tuple(sorted(k.removeprefix("orcid:") for k in orcids_by_name.get(key, ())))
        others = others if key.startswith("name:") else ()
        people.append(Person(key, _display_name(names), orcid, credits, others, tuple(joined[key])))
    return sorted(people, key=lambda p: (-len(p.annotated_datasets), -len(p.datasets),
                                         p.name.lower(), p.key))


def person_links(people: list[Person]) -> Callable[[str, str, str | None], str]:
    """person_url(first, last, orcid) for pages: where a credit so written is listed, which is
    the ORCID holder's page when collect_people joined a name-only credit to it."""
    pages = {person.key: f"people/{person.slug}/" for person in people}
    joined = {name: pages[p.key] for p in people for name in p.joined_names}

    def person_url(first: str, last: str, orcid: str | None) -> str:
        key = person_key(first, last, orcid)
        return pages.get(key) or joined.get(key) or f"people/{person_page(key)}/"

    return person_url
