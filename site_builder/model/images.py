"""Image-level module, after REMBI: what was imaged, how, and what the files hold."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from .base import MifaModel, recommended
from .types import Advice, DatasetPath, FbbiId, ImageSource, LicenceId, NcbiTaxon, Warns, mifa_error, quoted

_UNITS = {
    "nm": "nm", "nanometer": "nm", "nanometre": "nm",
    "µm": "µm", "μm": "µm", "um": "µm", "micron": "µm", "micrometer": "µm", "micrometre": "µm",
    "mm": "mm", "millimeter": "mm", "millimetre": "mm",
    "å": "Å", "Å": "Å", "a": "Å", "angstrom": "Å", "ångström": "Å",
    "m": "m",
}


class Organism(MifaModel):
    """An organism, named and identified in the NCBI Taxonomy."""

    scientific_name: str
    """Scientific name, e.g. Homo sapiens."""
    common_name: str | None = None
    """Common name, e.g. human."""
    ncbi_taxon: NcbiTaxon | None = recommended()
    """NCBI Taxonomy id (9606, NCBITaxon:9606 or the OBO purl)."""


class Biosample(MifaModel):
    """REMBI Biosample: the biological material imaged."""

    organism: list[Organism] = recommended(default=[])
    """Organisms in the sample; feeds the organism facet."""
    biological_entity: str | None = recommended()
    """What is imaged, e.g. "tumour touch imprints, nuclei"."""
    description: str | None = None
    """Free-text description of the biosample."""
    intrinsic_variables: list[str] = Field(default_factory=list)
    """Intrinsic variables, e.g. genetic changes."""
    extrinsic_variables: list[str] = Field(default_factory=list)
    """Extrinsic variables, e.g. treatments."""
    experimental_variables: list[str] = Field(default_factory=list)
    """What was varied on purpose, e.g. time."""


class SpecimenChannel(MifaModel):
    """Per-channel staining of the specimen."""

    label: str | None = None
    """Channel name as in the files."""
    content: str | None = None
    """Stain or probe, e.g. DAPI."""
    biological_entity: str | None = None
    """What the channel shows, e.g. nuclei."""
    contrast_mechanism: str | None = None
    """Signal or contrast mechanism, e.g. fluorescence."""


class Specimen(MifaModel):
    """REMBI Specimen: how the sample was prepared."""

    sample_preparation: str | None = recommended()
    """Preparation protocol."""
    growth_protocol: str | None = None
    """How the cells or organisms were grown."""
    channels: list[SpecimenChannel] = Field(default_factory=list)
    """Per-channel staining."""


class ImagingMethod(MifaModel):
    """An imaging method, named and identified in FBbi."""

    name: str
    """Method name, e.g. bright-field microscopy; feeds the imaging-method facet."""
    fbbi_id: FbbiId | None = recommended()
    """FBbi id, e.g. FBbi:00000243."""


class ImageAcquisition(MifaModel):
    """REMBI Image acquisition: the method, instrument and settings."""

    imaging_method: ImagingMethod | None = recommended()
    """The imaging method."""
    imaging_instrument: str | None = None
    """The instrument, e.g. Zeiss Axioplan-II."""
    acquisition_parameters: str | None = None
    """Objective, magnification, exposure and so on."""


class Dimensions(MifaModel):
    """Extent of an image in pixels along each axis."""

    x: int | None = Field(default=None, ge=1)
    y: int | None = Field(default=None, ge=1)
    z: int | None = Field(default=None, ge=1)
    c: int | None = Field(default=None, ge=1)
    t: int | None = Field(default=None, ge=1)


class PixelSize(MifaModel):
    """Physical size of one pixel or voxel."""

    x: float | None = Field(default=None, gt=0)
    y: float | None = Field(default=None, gt=0)
    z: float | None = Field(default=None, gt=0)
    unit: str | None = None
    """Length unit: nm, µm, mm, Å or m. Required whenever a size is given."""

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str | None) -> str | None:
        if value is None:
            return None
        unit = _UNITS.get(value.strip()) or _UNITS.get(value.strip().lower())
        if unit is None:
            raise mifa_error(f"'{value}' is not a length unit", "write nm, µm, mm, Å or m")
        return unit

    @model_validator(mode="after")
    def _unit_when_sized(self) -> PixelSize:
        if self.unit is None and any(v is not None for v in (self.x, self.y, self.z)):
            raise mifa_error("pixel sizes are given without a unit", "add `unit: µm` (or nm, Å)",
                             field="unit")
        return self


class ImageChannel(MifaModel):
    """A channel of the image files, in file order."""

    label: str
    """Channel name."""
    colour: str | None = None
    """Display colour, e.g. #00FF00 or green."""


class ImageData(MifaModel):
    """REMBI Image data: file format, size and channels of a group of images."""

    format: str | None = recommended()
    """File format, lower-case without a leading dot: ome.zarr, tiff, png, mrc, jpeg."""
    dimensions: Dimensions | None = None
    """Extent in pixels (x, y, z, c, t)."""
    pixel_size: PixelSize | None = None
    """Physical pixel or voxel size."""
    channels: list[ImageChannel] = Field(default_factory=list)
    """Channel names in file order."""
    type: Literal["primary", "processed", "segmentation"] | None = None
    """REMBI image type."""

    @field_validator("format", mode="before")
    @classmethod
    def _format_spelling(cls, value: Any) -> Any:
        return value.strip().lstrip(".").lower() if isinstance(value, str) else value


class Plane(MifaModel):
    """Which plane of a multi-dimensional image to show."""

    z: int | None = Field(default=None, ge=0)
    """Z index; default: the middle plane."""
    t: int | None = Field(default=None, ge=0)
    """Time index; default: the first time point."""


_SCRIPT_FILE = re.compile(r"[\w-]\.(?:py|ipynb|sh|ijm|groovy)$", re.IGNORECASE)
_SCRIPT_FOLDER = re.compile(r"(?:^|/)scripts?/", re.IGNORECASE)
_WORD_EDGES = "\"'`()[]{}<>,;:!?"


def _caption_warnings(value: Any) -> list[Advice]:
    """A caption is read on the dataset page: a build script's path tells the reader nothing
    about the picture, nor whether it comes from the dataset."""
    if not isinstance(value, str):
        return []
    for word in value.split():  # word by word: linear in the caption's length
        word = word.strip(_WORD_EDGES).rstrip(".")
        if _SCRIPT_FILE.search(word) or _SCRIPT_FOLDER.search(word):
            return [(f"the caption names a script ({quoted(word)}), which tells a reader nothing "
                     "about the picture",
                     "describe the picture in a reader's words: what it shows, whether it is an image "
                     "from the dataset or an illustrative sample made to show the kind of data (then "
                     "also set `illustrative: true`), and where it came from")]
    return []


Caption = Annotated[str, Warns(_caption_warnings)]


class ExampleImage(MifaModel):
    """An example image shown as a thumbnail, with its annotation drawn over it."""

    image: ImageSource
    """OME-Zarr store (a path in the dataset folder, or an http(s)/s3 URL), or a PNG, JPEG
    or TIFF file in the dataset folder."""
    labels: str | None = None
    """Name of a label image in the OME-Zarr store's `labels` group."""
    label_image: DatasetPath | None = None
    """A separate label mask (PNG/TIFF) in the dataset folder, the same size as the image."""
    annotations: DatasetPath | None = None
    """A vector annotation file in the dataset folder: GeoJSON, COCO JSON, CSV points or RELION STAR."""
    annotation_image_name: str | None = None
    """Which image the annotation file's records belong to (COCO file name, STAR micrograph name)."""
    plane: Plane | None = None
    """The plane to show (default: middle z, first t)."""
    overlay: Literal["outline", "fill"] = "outline"
    """How labels are drawn: object outlines, or a translucent fill."""
    caption: Caption | None = None
    """What the image shows; say so when it is illustrative rather than data from the dataset."""
    illustrative: bool = False
    """True for a made-up sample that only illustrates the kind of data."""


class ImageLevel(MifaModel):
    """Image-level metadata (REMBI): every block is a list, since datasets mix samples."""

    biosample: list[Biosample] = recommended(default=[])
    """The biological material imaged."""
    specimen: list[Specimen] = Field(default_factory=list)
    """How it was prepared."""
    image_acquisition: list[ImageAcquisition] = recommended(default=[])
    """How it was imaged."""
    image_data: list[ImageData] = recommended(default=[])
    """What the image files hold."""
    license: LicenceId | None = None
    """SPDX licence of the images, when it differs from `study.license`."""
    image_count: int | None = Field(default=None, ge=0)
    """Number of images in the dataset."""
    total_size_bytes: int | None = Field(default=None, ge=0)
    """Total size of the image files, in bytes."""
    examples: list[ExampleImage] = Field(default_factory=list)
    """Example images shown as thumbnails with their annotations."""
