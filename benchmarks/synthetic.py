"""Synthetic catalogues for benchmarks: varied, valid manifests made from a seed.

Every manifest validates; a third of the datasets have a second version. The
vocabulary is small and real (organisms, methods, annotation types) so facets,
search and credit pages see realistic overlap.
"""

from __future__ import annotations

import random
from pathlib import Path

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
    "nucleus",
    "cell",
    "membrane",
    "mitochondria",
    "tissue",
    "embryo",
    "neuron",
    "tumour",
    "organoid",
    "vesicle",
    "chromatin",
    "cytoplasm",
    "spindle",
    "synapse",
    "axon",
    "dendrite",
    "lumen",
    "epithelium",
    "stroma",
    "nuclei",
    "division",
    "migration",
    "apoptosis",
    "development",
    "regeneration",
    "infection",
    "imaging",
    "atlas",
]
LICENCES = ["CC0-1.0", "CC-BY-4.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0"]
FIRST = [
    "Ada",
    "Grace",
    "Inge",
    "Klaus",
    "Tamara",
    "Eva",
    "Florian",
    "Maria",
    "Peter",
    "Sabine",
    "Jun",
    "Aiko",
    "Ravi",
    "Lena",
    "Omar",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Ambros",
    "Beiske",
    "Weiss",
    "Bozsaky",
    "Kromp",
    "Berneder",
    "Novak",
    "Sato",
    "Patel",
    "Keller",
]


def _vocabulary(size: int = 6000) -> list[str]:
    """Pseudo-words for descriptions: enough distinct terms to behave like real prose."""
    onsets = [
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "z",
        "br",
        "cr",
        "dr",
        "fl",
        "gr",
        "pl",
        "pr",
        "st",
        "tr",
    ]
    vowels = ["a", "e", "i", "o", "u", "ia", "io", "ea", "ou"]
    codas = ["", "n", "r", "s", "l", "m", "x", "nd", "st", "rt"]
    words, rng = [], random.Random(7)
    while len(words) < size:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(1, 3)))
        word += rng.choice(codas)
        if word not in words:
            words.append(word)
    return WORDS + words


VOCABULARY = _vocabulary()
ZIPF = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def _orcid(n: int) -> str:
    digits = f"{n:015d}"
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    full = digits + ("X" if check == 10 else str(check))
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def _person(rng: random.Random, pool: int) -> str:
    n = rng.randrange(pool)
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    return (
        f"      - author_first_name: {first}\n        author_last_name: {last}{n}\n"
        f"        orcid_id: {_orcid(1_000_000 + n)}\n"
    )


def manifest(rng: random.Random, index: int, version: str, previous: str | None) -> str:
    organism = rng.choice(ORGANISMS)
    method = rng.choice(METHODS)
    types = rng.sample(TYPES, rng.randint(1, 2))
    words = rng.sample(WORDS, 6)
    description = " ".join(rng.choices(VOCABULARY, weights=ZIPF, k=150))
    authors = "".join(_person(rng, 3000) for _ in range(rng.randint(1, 4)))
    annotators = "".join(
        _person(rng, 3000).replace("orcid_id", "role: data annotation\n        orcid_id")
        for _ in range(rng.randint(1, 3))
    )
    common = f"\n          common_name: {organism[1]}" if organism[1] else ""
    fbbi = f"\n          fbbi_id: '{method[1]}'" if method[1] else ""
    text = f"""study:
  title: {words[0].capitalize()} and {words[1]} {types[0].replace("_", " ")} dataset {index}
  description: {description}
  keywords: [{", ".join(words[2:])}]
  license: {rng.choice(LICENCES)}
  authors:
{authors.replace("      - ", "    - ").replace("        ", "      ")}  funding_statement: Synthetic dataset for benchmarks.
  data_url: https://example.org/datasets/{index}
images:
  biosample:
    - organism:
        - scientific_name: {organism[0]}{common}
          ncbi_taxon: {organism[2]}
      biological_entity: {words[0]}
  image_acquisition:
    - imaging_method:
          name: {method[0]}{fbbi}
  image_data:
    - format: {rng.choice(["ome.zarr", "tiff", "png"])}
  image_count: {rng.randint(10, 5000)}
annotations:
  - annotation_overview: {types[0].replace("_", " ").capitalize()} of {words[0]} in {organism[0]}.
    annotation_type: [{", ".join(types)}]
    annotation_method: Drawn by experts and checked by a second annotator.
    annotation_confidence_level: Two annotators agreed on most objects.
    annotation_criteria: Only objects in focus were annotated.
    annotation_coverage: All images.
    annotation_source_indicator: file_name_exact_match
    annotation_format: [{rng.choice(["tiff", "geojson", "csv"])}]
    object_count: {rng.randint(100, 100000)}
    authors:
{annotators}version:
  version: "{version}"
  timestamp: 2024-{1 + index % 12:02d}-{1 + index % 28:02d}T10:00:00+00:00
"""
    if previous:
        text = text.replace("T10:00:00+00:00\n", "T12:00:00+00:00\n", 1)
        text += f'  previous_version: "{previous}"\n  changes: Corrected annotations in some images.\n'
    return text


def write_synthetic_catalogue(root: Path, count: int, *, seed: int = 42) -> Path:
    """Write `count` datasets under root/datasets and return that folder."""
    rng = random.Random(seed)
    datasets = root / "datasets"
    for index in range(count):
        folder = datasets / f"synthetic-{index:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        state = rng.getstate()
        (folder / "1.0.yaml").write_text(manifest(rng, index, "1.0", None), encoding="utf-8")
        if index % 3 == 0:
            rng.setstate(state)  # the same people, so credit is preserved
            (folder / "1.1.yaml").write_text(manifest(rng, index, "1.1", "1.0"), encoding="utf-8")
    return datasets
