"""Synthetic catalogues for benchmarks: varied, valid manifests made from a seed.

Built to look like a real catalogue to the builder, so its figures mean something:
- every manifest validates (0 errors), every ORCID carries a valid checksum, and one
  ORCID always goes with one name;
- field sizes vary like real manifests: descriptions of 40 to 600 words, 1 to 6 authors
  with roles and affiliations, publications, class lists, and a few large manifests
  with tens of annotation file records (like s-biad634);
- annotators come from a shared pool of 800 people with a long tail: the busiest annotate
  about 5 % of all datasets, so some credit pages are big;
- exactly 20 % of datasets (count // 5) have several versions (most 2, one in four 3: 1.0 -> 1.1 -> 1.2),
  with later timestamps, `previous_version` and `changes`, and the same people, so credit
  is preserved;
- about 1 % (at least one from 5 datasets) carry a local OME-Zarr example image in
  `samples/example.ome.zarr`, so thumbnails cost what they cost.

Deterministic: the same count and seed write the same bytes. Each dataset draws from its
own seeded generator, so choosing which datasets get versions or images does not shift the
others. Three small stores are written with ome-zarr and copied, since writing one per
dataset would dominate the generation time at 10,000 datasets.
"""

from __future__ import annotations

import math
import random
import shutil
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

ORGANISMS = [
    ("Homo sapiens", "human", 9606),
    ("Mus musculus", "mouse", 10090),
    ("Danio rerio", "zebrafish", 7955),
    ("Drosophila melanogaster", "fruit fly", 7227),
    ("Caenorhabditis elegans", None, 6239),
    ("Saccharomyces cerevisiae", "yeast", 4932),
    ("Arabidopsis thaliana", None, 3702),
]
METHODS = [
    ("fluorescence microscopy", "FBbi:00000246"),
    ("bright-field microscopy", "FBbi:00000243"),
    ("confocal microscopy", None),
    ("electron tomography", None),
    ("light-sheet microscopy", None),
]
TYPES = [
    "segmentation_mask",
    "bounding_boxes",
    "point_annotations",
    "class_labels",
    "tracks",
    "counts",
    "geometrical_annotations",
    "weak_annotations",
]
WORDS = [
    "nucleus", "cell", "membrane", "mitochondria", "tissue", "embryo", "neuron", "tumour", "organoid",
    "vesicle", "chromatin", "cytoplasm", "spindle", "synapse", "axon", "dendrite", "lumen", "epithelium",
    "stroma", "nuclei", "division", "migration", "apoptosis", "development", "regeneration", "infection",
    "imaging", "atlas",
]
LICENCES = ["CC0-1.0", "CC-BY-4.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0"]
FIRST = ["Ada", "Grace", "Inge", "Klaus", "Tamara", "Eva", "Florian", "Maria", "Peter", "Sabine", "Jun",
         "Aiko", "Ravi", "Lena", "Omar"]
LAST = ["Lovelace", "Hopper", "Ambros", "Beiske", "Weiss", "Bozsaky", "Kromp", "Berneder", "Novak", "Sato",
        "Patel", "Keller"]
ORGANISATIONS = [
    ("European Bioinformatics Institute (EMBL-EBI)", "Wellcome Genome Campus, Hinxton, UK"),
    ("Children's Cancer Research Institute", "Zimmermannplatz 10, 1090 Vienna, Austria"),
    ("Oslo University Hospital", "Ullernchausseen 70, 0379 Oslo, Norway"),
    ("Max Planck Institute of Molecular Cell Biology and Genetics", "Pfotenhauerstrasse 108, Dresden"),
    ("Francis Crick Institute", "1 Midland Road, London, UK"),
    ("RIKEN Center for Biosystems Dynamics Research", "Kobe, Japan"),
    ("Janelia Research Campus", "Ashburn, Virginia, USA"),
    ("University of Tartu", "Ülikooli 18, Tartu, Estonia"),
    ("Institut Pasteur", "25-28 Rue du Docteur Roux, Paris, France"),
    ("Broad Institute", "Cambridge, Massachusetts, USA"),
    ("Weizmann Institute of Science", "Rehovot, Israel"),
    ("National Centre for Biological Sciences", "Bengaluru, India"),
]
AUTHOR_ROLES = ["conceptualization", "data acquisition", "data curation", "supervision", "software",
                "microscopy", "sample preparation"]
CHANGES = [
    "Corrected annotations in some images.",
    "Added annotations for the remaining images and a second annotator's review.",
    "Fixed the object counts and the annotation coverage statement after a re-count.",
    "Re-exported the masks with consistent label ids; no change to the images.",
]
PEOPLE = 3000
"""Authors are drawn uniformly from this many people."""
ANNOTATORS = 800
"""Annotators are drawn from the first this many people, most often the first ones (Zipf)."""
ANNOTATOR_WEIGHTS = list(accumulate(1 / (rank + 1) ** 0.5 for rank in range(ANNOTATORS)))


def _vocabulary(size: int = 6000) -> list[str]:
    """Pseudo-words for descriptions: enough distinct terms to behave like real prose."""
    onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cr",
              "dr", "fl", "gr", "pl", "pr", "st", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ia", "io", "ea", "ou"]
    codas = ["", "n", "r", "s", "l", "m", "x", "nd", "st", "rt"]
    words: list[str] = []
    seen: set[str] = set()
    rng = random.Random(7)
    while len(words) < size:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(1, 3)))
        word += rng.choice(codas)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return WORDS + words


VOCABULARY = _vocabulary()
ZIPF = list(accumulate(1 / (rank + 1) for rank in range(len(VOCABULARY))))
"""Cumulative word weights: prose where a few terms are everywhere and most are rare."""

# kind of store: (channels, 3-D?, shape of one channel, scale of one pixel in µm, caption)
STORES: list[tuple[str, int, bool, tuple[int, ...], tuple[float, ...], str]] = [
    ("nuclei", 1, False, (512, 512), (0.65, 0.65), "Fluorescent nuclei with instance masks"),
    ("tissue", 3, False, (384, 384), (0.5, 0.5), "Three-channel tissue with object masks"),
    ("volume", 1, True, (16, 192, 192), (2.0, 0.4, 0.4), "A small volume with segmented objects"),
]


def _orcid(n: int) -> str:
    """A valid ORCID iD (ISO 7064 11-2 checksum) for person number n."""
    digits = f"{n:015d}"
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    full = digits + ("X" if check == 10 else str(check))
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def _person(n: int, roles: list[str], indent: str) -> str:
    """Person n: always the same name and ORCID, so credit pages gather across datasets."""
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    organisation, address = ORGANISATIONS[n % len(ORGANISATIONS)]
    return (f"{indent}- author_first_name: {first}\n"
            f"{indent}  author_last_name: {last}{n}\n"
            f"{indent}  orcid_id: {_orcid(1_000_000 + n)}\n"
            f"{indent}  role: [{', '.join(roles)}]\n"
            f"{indent}  organisation:\n"
            f"{indent}    - organisation_name: \"{organisation}\"\n"
            f"{indent}      address: \"{address}\"\n")


def _prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=ZIPF, k=words))


def _description_length(rng: random.Random) -> int:
    """Mostly 80 to 250 words, a long tail to 600, like real dataset descriptions."""
    return max(40, min(600, round(rng.lognormvariate(math.log(150), 0.5))))


class _Dataset:
    """Everything one dataset's versions share; each version changes only a few fields."""

    def __init__(self, rng: random.Random, index: int, example: str | None) -> None:
        self.index = index
        self.example = example
        self.organism = rng.choice(ORGANISMS)
        self.method = rng.choice(METHODS)
        self.types = rng.sample(TYPES, rng.randint(1, 2))
        self.words = rng.sample(WORDS, 6)
        self.description = _prose(rng, _description_length(rng))
        self.licence = rng.choice(LICENCES)
        self.authors = [(n, rng.sample(AUTHOR_ROLES, rng.randint(1, 2)))
                        for n in rng.sample(range(PEOPLE), rng.randint(1, 6))]
        self.annotators = sorted({rng.choices(range(ANNOTATORS), cum_weights=ANNOTATOR_WEIGHTS)[0]
                                  for _ in range(rng.randint(1, 3))})
        self.publication = rng.random() < 0.6
        self.year = 2015 + rng.randrange(10)
        self.image_format = "ome.zarr" if example else rng.choice(["ome.zarr", "tiff", "png"])
        self.image_count = rng.randint(10, 5000)
        self.annotation_format = rng.choice(["tiff", "geojson", "csv"])
        self.object_count = rng.randint(100, 100000)
        self.classes = [(f"class_{c}", rng.randint(5, 5000)) for c in range(rng.randint(2, 6))] \
            if "class_labels" in self.types else []
        self.file_records = rng.randint(20, 80) if rng.random() < 0.05 else 0
        self.start = datetime(2020, 1, 1, 10, tzinfo=UTC) + timedelta(days=rng.randrange(1500))
        # What versions 1.1 and 1.2 add, drawn for every dataset so the stream does not depend
        # on how many versions it has: more text, more objects, sometimes one more annotator.
        self.steps = [(_prose(rng, rng.randint(10, 40)), rng.randint(10, 5000),
                       rng.randrange(ANNOTATORS, PEOPLE) if rng.random() < 0.3 else None, rng.choice(CHANGES))
                      for _ in range(2)]

    def manifest(self, version: int) -> str:
        """Version 1.<version>: each later version keeps everything and everyone of the one before."""
        index, organism, method, types = self.index, self.organism, self.method, self.types
        description = self.description
        object_count = self.object_count
        annotators = list(self.annotators)
        for prose, objects, annotator, _ in self.steps[:version]:
            description += " " + prose
            object_count += objects
            if annotator is not None:
                annotators.append(annotator)
        authors = "".join(_person(n, roles, "    ") for n, roles in self.authors)
        annotation_authors = "".join(_person(n, ["data annotation"], "      ")
                                     for n in dict.fromkeys(annotators))
        common = f"\n          common_name: {organism[1]}" if organism[1] else ""
        fbbi = f"\n          fbbi_id: '{method[1]}'" if method[1] else ""
        publications = ""
        if self.publication:
            names = ", ".join(f"{FIRST[n % len(FIRST)][0]}. {LAST[(n // len(FIRST)) % len(LAST)]}{n}"
                              for n, _ in self.authors)
            publications = (f"  publications:\n"
                            f"    - publication_title: A {self.words[0]} {types[0].replace('_', ' ')} "
                            f"resource for {organism[0]} number {index}\n"
                            f"      publication_authors: \"{names}\"\n"
                            f"      publication_doi: 10.5555/synthetic.{index}\n"
                            f"      publication_year: {self.year}\n")
        examples = ""
        if self.example:
            kind = next(s for s in STORES if s[0] == self.example)
            examples = ("  examples:\n"
                        "    - image: samples/example.ome.zarr\n"
                        "      labels: annotations\n"
                        f"      caption: {kind[5]}, a synthetic sample for dataset {index}.\n"
                        "      illustrative: true\n")
        classes = "".join(f"      - name: {name}\n        count: {count}\n" for name, count in self.classes)
        classes = f"    classes:\n{classes}" if classes else ""
        records = "".join(f"      - annotation_id: annotations/img_{i:04d}.{self.annotation_format}\n"
                          f"        annotation_type: [{types[0]}]\n"
                          f"        source_image_id: [images/img_{i:04d}.tif]\n"
                          f"        spatial_information: pixel coordinates of image {i}\n"
                          f"        confidence: {'confirmed' if i % 7 else 'reviewed'}\n"
                          for i in range(self.file_records))
        records = f"    file_metadata:\n{records}" if records else ""
        timestamp = self.start + timedelta(days=120 * version, hours=2 * version)
        text = f"""study:
  title: {self.words[0].capitalize()} and {self.words[1]} {types[0].replace("_", " ")} dataset {index}
  description: {description}
  keywords: [{", ".join(self.words[2:])}]
  license: {self.licence}
  authors:
{authors}  funding_statement: Synthetic dataset for benchmarks.
{publications}  data_url: https://example.org/datasets/{index}
images:
  biosample:
    - organism:
        - scientific_name: {organism[0]}{common}
          ncbi_taxon: {organism[2]}
      biological_entity: {self.words[0]}
  image_acquisition:
    - imaging_method:
          name: {method[0]}{fbbi}
  image_data:
    - format: {self.image_format}
  image_count: {self.image_count}
{examples}annotations:
  - annotation_overview: {types[0].replace("_", " ").capitalize()} of {self.words[0]} in {organism[0]}.
    annotation_type: [{", ".join(types)}]
    annotation_method: Drawn by experts and checked by a second annotator.
    annotation_confidence_level: Two annotators agreed on most objects.
    annotation_criteria: Only objects in focus were annotated.
    annotation_coverage: All images.
    annotation_source_indicator: file_name_exact_match
    annotation_format: [{self.annotation_format}]
    object_count: {object_count}
{classes}{records}    authors:
{annotation_authors}version:
  version: "1.{version}"
  timestamp: {timestamp.isoformat()}
"""
        if version:
            text += f'  previous_version: "1.{version - 1}"\n  changes: {self.steps[version - 1][3]}\n'
        return text


def _blobs(rng: Any, shape: tuple[int, ...], count: int, radius: tuple[int, int]) -> Any:
    """A label image of `count` round objects (later ones do not overwrite earlier ones)."""
    import numpy as np

    labels = np.zeros(shape, dtype=np.uint16)
    grids = np.ogrid[tuple(slice(0, s) for s in shape)]
    for value in range(1, count + 1):
        r = int(rng.integers(*radius))
        centre = [int(rng.integers(r, s - r)) for s in shape]
        distance = sum((g - c) ** 2 for g, c in zip(grids, centre, strict=True))
        labels[(distance <= r * r) & (labels == 0)] = value
    return labels


def write_store(target: Path, kind: str, *, seed: int = 0) -> Path:
    """A small multiscale OME-Zarr store (image, 3 levels, and an `annotations` label image)."""
    import numpy as np
    import zarr
    from ome_zarr.io import parse_url  # type: ignore[import-untyped]
    from ome_zarr.writer import write_image, write_labels  # type: ignore[import-untyped]

    _, channels, volume, shape, scale, _ = next(s for s in STORES if s[0] == kind)
    rng = np.random.default_rng(seed)
    labels = _blobs(rng, shape, 12 if volume else 40, (3, 6) if volume else (7, 16))
    image = np.zeros((channels, *shape), dtype=np.uint16)
    for c in range(channels):
        signal = (labels > 0) * int(rng.integers(800, 3000)) if c == 0 else (labels % (c + 2) == 1) * 2500
        image[c] = (signal + rng.normal(300, 60, shape).clip(0)).astype(np.uint16)
    spatial = "zyx" if volume else "yx"
    units = dict.fromkeys(spatial, "micrometer")
    scales = dict(zip(spatial, scale, strict=True))
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    root = zarr.group(store=parse_url(str(target), mode="w").store)
    write_image(image, root, axes="c" + spatial, scale_factors=(2, 4), scale={"c": 1.0, **scales},
                axes_units=units)
    names = ["DAPI", "CD31", "membrane"][:channels]
    omero: dict[str, Any] = {"channels": [
        {"label": name, "color": ["FFFFFF", "FF00FF", "00FFFF"][i], "active": True,
         "window": {"start": 200, "end": 3200, "min": 0, "max": 65535}} for i, name in enumerate(names)]}
    attrs: dict[str, Any] = dict(root.attrs.asdict())
    if "ome" in attrs:  # NGFF 0.5 keeps everything under "ome"
        root.attrs["ome"] = {**attrs["ome"], "omero": omero}
    else:
        root.attrs["omero"] = omero
    write_labels(labels, root, name="annotations", axes=spatial, scaler=None, scale_factors=(2, 4),
                 scale=scales, axes_units=units)
    return target


def multi_version_indices(count: int, *, seed: int = 42) -> dict[int, int]:
    """Index -> number of versions, for exactly count // 5 datasets; one in four of them has 3."""
    chosen = sorted(random.Random(f"{seed}:versions").sample(range(count), count // 5))
    return {index: 3 if position % 4 == 1 else 2 for position, index in enumerate(chosen)}


def example_indices(count: int, *, seed: int = 42) -> dict[int, str]:
    """Index -> kind of OME-Zarr example, for about 1 % of datasets (at least one from 5)."""
    wanted = max(1, round(count / 100)) if count >= 5 else 0
    chosen = sorted(random.Random(f"{seed}:examples").sample(range(count), wanted))
    return {index: STORES[position % len(STORES)][0] for position, index in enumerate(chosen)}


def write_synthetic_catalogue(root: Path, count: int, *, seed: int = 42) -> Path:
    """Write `count` datasets under root/datasets and return that folder."""
    datasets = root / "datasets"
    versions = multi_version_indices(count, seed=seed)
    examples = example_indices(count, seed=seed)
    written: dict[str, Path] = {}
    for index in range(count):
        folder = datasets / f"synthetic-{index:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        rng = random.Random(f"{seed}:{index}")
        dataset = _Dataset(rng, index, examples.get(index))
        for version in range(versions.get(index, 1)):
            (folder / f"1.{version}.yaml").write_text(dataset.manifest(version), encoding="utf-8")
        kind = examples.get(index)
        if kind is not None:
            target = folder / "samples" / "example.ome.zarr"
            if kind in written:
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(written[kind], target)
            else:
                written[kind] = write_store(target, kind, seed=seed)
    return datasets
