"""Who is credited for what across the whole catalogue (the MIFA 'incentives' pillar).

A person is keyed by ORCID, or by a folded name when no ORCID is given (such
people are flagged: one name may be several people, or one person may appear
under two spellings). E-mail addresses never enter this structure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .catalogue import Dataset
from .names import person_page
from .people import Mention, mentions


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


@dataclass
class Person:
    """Everything one person is credited for."""

    key: str
    name: str
    orcid: str | None
    credits: list[Credit] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """File-system-safe page name: the ORCID, or 'name-<folded name>' (a long one shortened)."""
        return person_page(self.key)

    @property
    def name_keyed(self) -> bool:
        return self.orcid is None

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
    """Every credited person, most-credited annotators first, then by name."""
    by_key: dict[str, list[tuple[Mention, Credit]]] = defaultdict(list)
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
    people = []
    for key, entries in by_key.items():
        names = Counter(m.full_name for m, _ in entries)
        orcid = next((m.orcid for m, _ in entries if m.orcid), None)
        credits = sorted({c for _, c in entries},
                         key=lambda c: (c.dataset_id, c.version, c.kind, c.annotation_set or -1))
        people.append(Person(key, _display_name(names), orcid, credits))
    return sorted(people, key=lambda p: (-len(p.annotated_datasets), -len(p.datasets),
                                         p.name.lower(), p.key))
