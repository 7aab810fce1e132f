"""The MIFA manifest model (pydantic): study, images, annotations, version."""

from .annotations import AnnotationSet, ClassLabel, FileRecord
from .images import (
    Biosample,
    Dimensions,
    ImageAcquisition,
    ImageData,
    ImageLevel,
    ImagingMethod,
    Organism,
    PixelSize,
)
from .manifest import Manifest
from .study import Author, Grant, Organisation, Publication, Study
from .version import Credit, OriginalImages, Version

__all__ = [
    "AnnotationSet", "Author", "Biosample", "ClassLabel", "Credit", "Dimensions", "FileRecord", "Grant",
    "ImageAcquisition", "ImageData", "ImageLevel", "ImagingMethod", "Manifest", "Organisation",
    "Organism", "OriginalImages", "PixelSize", "Publication", "Study", "Version",
]
