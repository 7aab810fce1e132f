"""Read vector annotation files and draw them over a dataset's example image.

Thumbnails show what a dataset's annotations look like. This module reads the vector formats the
MIFA paper recommends (GeoJSON, COCO JSON, CSV point tables, RELION STAR) into plain shapes in
full-resolution pixel coordinates. Anything unreadable becomes a `VectorProblem` with a position,
never an exception, so one bad annotation file cannot stop a catalogue build.

Every file is bounded before it is parsed: a regular file only (a FIFO would block, a device never
ends), at most `max_bytes`, at most `max_records` lines, features or annotations, at most
`max_shapes` shapes; its problems are listed up to MAX_PROBLEMS and then counted, and a value is
quoted only in part, so a file of nine million bad rows gives a dozen short problems.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import reprlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from PIL import Image, ImageDraw

from ..regular_files import NotRegularFile, TooLarge, read_regular

MAX_PROBLEMS = 10
"""Problems listed per file; the rest are counted in one more."""
_QUOTE = reprlib.Repr()
_QUOTE.maxstring, _QUOTE.maxother, _QUOTE.maxlist, _QUOTE.maxdict, _QUOTE.maxlevel = 60, 60, 6, 4, 2

ShapeKind = Literal["polygon", "box", "point", "line"]


@dataclass(frozen=True)
class Shape:
    """One annotation; a box's points are two opposite corners, (x0, y0) and (x1, y1)."""
    kind: ShapeKind
    points: tuple[tuple[float, float], ...]
    label: str | None = None
    z: float | None = None


@dataclass(frozen=True)
class VectorProblem:
    """Where a file (or one record in it) could not be used; 1-based, 1/1 when unknown."""
    file: str
    line: int
    column: int
    message: str


class _BadRecord(ValueError):
    """One record that cannot be used; `field` is the offending CSV/STAR field index when known."""
    def __init__(self, message: str, field: int | None = None) -> None:
        super().__init__(message)
        self.field = field


def _quoted(value: object) -> str:
    """`repr(value)`, shortened: a problem quotes what it found, not ten megabytes of it."""
    return _QUOTE.repr(value)


class _Reader:
    """Collects the shapes and problems of one file so that each parser only says what it found,
    keeping at most `max_records` records, `max_shapes` shapes and MAX_PROBLEMS problems."""
    def __init__(self, file: str, max_records: int, max_shapes: int) -> None:
        self.file, self.max_records, self.max_shapes = file, max_records, max_shapes
        self.shapes: list[Shape] = []
        self.problems: list[VectorProblem] = []
        self.limits: list[VectorProblem] = []
        self.dropped = 0
        self.unlisted = 0
        self.first_unlisted = (1, 1)

    @property
    def full(self) -> bool:
        return len(self.shapes) >= self.max_shapes

    def add(self, shape: Shape) -> None:
        if self.full:
            self.dropped += 1
        else:
            self.shapes.append(shape)

    def problem(self, message: str, line: int = 1, column: int = 1) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(VectorProblem(self.file, line, column, message))
            return
        if not self.unlisted:
            self.first_unlisted = (line, column)
        self.unlisted += 1

    def limit(self, count: int, what: str, line: int = 1) -> None:
        """The file holds more `what` than read; always reported, whatever else is wrong."""
        self.limits.append(VectorProblem(
            self.file, line, 1, f"the file has {count:,} {what}, more than the limit of {self.max_records:,};"
            f" only the first {self.max_records:,} are read"))

    def report(self) -> list[VectorProblem]:
        found = [*self.limits, *self.problems]
        if self.dropped:
            count = len(self.shapes) + self.dropped
            found.insert(0, VectorProblem(self.file, 1, 1, f"{count:,} shapes, more than the limit of "
                                          f"{self.max_shapes:,}; only the first are kept"))
        if self.unlisted:
            found.append(VectorProblem(self.file, *self.first_unlisted, f"and {self.unlisted:,} more "
                                       f"problems like these (only the first {MAX_PROBLEMS} are listed)"))
        return found


def _head(text: str, max_lines: int) -> tuple[str, int]:
    """The text up to the end of its `max_lines`-th line, and how many lines it has when that cuts it
    (0 when it does not)."""
    end = -1
    for _ in range(max_lines):
        end = text.find("\n", end + 1)
        if end < 0:
            return text, 0
    if end + 1 >= len(text):
        return text, 0
    rest = text.count("\n", end + 1)
    return text[:end + 1], max_lines + rest + (0 if text.endswith("\n") else 1)


def read_vector_annotations(
    path: Path, *, image_name: str | None = None, display_name: str | None = None,
    max_bytes: int = 20_000_000, max_records: int = 200_000, max_shapes: int = 200_000,
) -> tuple[list[Shape], list[VectorProblem]]:
    """Read a .geojson/.json (GeoJSON or COCO), .csv or .star file; `image_name` picks one image's rows."""
    r, suffix, data = _Reader(display_name or str(path), max_records, max_shapes), path.suffix.lower(), b""
    parse = {".csv": _read_csv, ".star": _read_star, ".json": _read_json, ".geojson": _read_json}.get(suffix)
    try:
        if parse is None:
            r.problem(f"unsupported format {suffix or '(no suffix)'}; use .geojson, .json, .csv or .star")
        else:
            data = read_regular(path, max_bytes)
            parse(r, data.decode("utf-8-sig"), image_name)
    except NotRegularFile as refused:
        r.problem(f"is {refused.kind}, not a regular file; it is not read")
    except TooLarge as large:
        size = f"{large.size:,} bytes" if large.size is not None else "more bytes than it says"
        r.problem(f"file is {size}, more than the limit of {max_bytes:,} bytes")
    except OSError as exc:
        r.problem(f"cannot read the file: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start)
        r.problem("not UTF-8 text", data.count(b"\n", 0, exc.start) + 1, exc.start - line_start)
    return r.shapes, r.report()


def _same_image(candidate: object, wanted: str) -> bool:
    """Match image names across directories and container suffixes ("9.rec" vs "tomos/9.mrc")."""
    if not isinstance(candidate, str):
        return False
    a, b = (PurePosixPath(name.strip().replace("\\", "/")) for name in (candidate, wanted))
    return a == b or a.name == b.name or (a.stem != "" and a.stem == b.stem)


def _number(value: object, what: str, field: int | None = None) -> float:
    """A finite coordinate from a JSON number or a text cell; anything else is a bad record."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _BadRecord(f"{what} {_quoted(value)} is not a number", field)
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise _BadRecord(f"{what} {_quoted(value)} is not a number", field) from None
    if not math.isfinite(number):
        raise _BadRecord(f"{what} {_quoted(value)} is not finite", field)
    return number


def _read_json(r: _Reader, text: str, image_name: str | None) -> None:
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
        return r.problem(f"invalid JSON: {getattr(exc, 'msg', 'nested too deeply')}", *where)
    if isinstance(doc, dict) and "annotations" in doc and "images" in doc:
        _read_coco(r, doc, image_name)
    elif isinstance(doc, dict) and "type" in doc:
        _read_geojson(r, doc)
    else:
        r.problem('JSON is neither GeoJSON (no "type") nor COCO (no "annotations" and "images")')


def _coord(value: object) -> tuple[float, float, float | None]:
    if not isinstance(value, list) or len(value) < 2:
        raise _BadRecord(f"position {_quoted(value)} is not [x, y] or [x, y, z]")
    z = _number(value[2], "z") if len(value) > 2 else None
    return _number(value[0], "x"), _number(value[1], "y"), z


def _path(value: object, kind: ShapeKind, label: str | None) -> Shape:
    """A polygon ring or a line; GeoJSON repeats a ring's first point at its end, which is dropped."""
    if not isinstance(value, list):
        raise _BadRecord(f"{kind} coordinates are not a list")
    coords = [_coord(item) for item in value]
    if kind == "polygon" and len(coords) > 1 and coords[0] == coords[-1]:
        coords.pop()
    minimum = 3 if kind == "polygon" else 2
    if len(coords) < minimum:
        raise _BadRecord(f"{kind} has {len(coords)} points, fewer than {minimum}")
    z = zs.pop() if len(zs := {c[2] for c in coords}) == 1 else None
    return Shape(kind, tuple((x, y) for x, y, _ in coords), label, z)


def _geometry(r: _Reader, geom: object, label: str | None, where: str) -> None:
    """Add a geometry's shapes; a bad part is reported and its siblings still load."""
    if geom is None:
        return  # GeoJSON allows features without a location.
    if not isinstance(geom, dict):
        return r.problem(f"{where}: geometry is not an object")
    kind, coords = geom.get("type"), geom.get("coordinates")
    if kind not in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"):
        return r.problem(f"{where}: unsupported geometry type {_quoted(kind)}")
    single = kind in ("Point", "LineString", "Polygon")
    parts = [coords] if single else coords if isinstance(coords, list) else [None]
    for index, part in enumerate(parts):
        if r.full:  # the rest would only be counted
            r.dropped += len(parts) - index
            return None
        here = where if single else f"{where} part {index}"
        for ring in part if kind.endswith("Polygon") and isinstance(part, list) else [part]:
            try:
                if kind.endswith("Point"):
                    x, y, z = _coord(ring)
                    r.add(Shape("point", ((x, y),), label, z))
                else:
                    r.add(_path(ring, "polygon" if kind.endswith("Polygon") else "line", label))
            except _BadRecord as exc:
                r.problem(f"{here}: {exc}")
    return None


def _feature_label(props: object) -> str | None:
    """The feature's class; QuPath writes it as classification: {name, color}."""
    if not isinstance(props, dict):
        return None
    for key in ("label", "class", "classification", "category", "name"):
        value = props.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str | int | float) and not isinstance(value, bool) and value != "":
            return str(value)
    return None


def _read_geojson(r: _Reader, doc: dict[str, object]) -> None:
    """FeatureCollection, a single Feature, or a bare geometry."""
    kind = doc.get("type")
    single = doc if kind == "Feature" else {"geometry": doc}
    features = doc.get("features") if kind == "FeatureCollection" else [single]
    if not isinstance(features, list):
        return r.problem('FeatureCollection has no "features" list')
    if len(features) > r.max_records:
        r.limit(len(features), "features")
        features = features[:r.max_records]
    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            r.problem(f"feature {index}: not an object")
            continue
        _geometry(r, feature.get("geometry"), _feature_label(feature.get("properties")), f"feature {index}")


def _read_coco(r: _Reader, doc: dict[str, object], image_name: str | None) -> None:
    """COCO: polygon segmentations when present, otherwise the bbox; RLE masks are not drawn."""
    images, annotations, raw_categories = doc.get("images"), doc.get("annotations"), doc.get("categories")
    if not isinstance(images, list) or not isinstance(annotations, list):
        return r.problem('COCO "images" and "annotations" must be lists')
    cats = raw_categories if isinstance(raw_categories, list) else []
    categories = {cat["id"]: str(cat["name"]) for cat in cats
                  if isinstance(cat, dict) and isinstance(cat.get("id"), int | str) and "name" in cat}
    wanted: set[object] | None = None
    if image_name is not None:
        wanted = {img.get("id") for img in images
                  if isinstance(img, dict) and _same_image(img.get("file_name"), image_name)}
        if not wanted:
            return r.problem(f'no image named {_quoted(image_name)} in COCO "images"')
    if len(annotations) > r.max_records:
        r.limit(len(annotations), "annotations")
        annotations = annotations[:r.max_records]
    for index, ann in enumerate(annotations):
        if not isinstance(ann, dict):
            r.problem(f"annotation {index}: not an object")
            continue
        image_id = ann.get("image_id")
        if wanted is not None and (not isinstance(image_id, int | str) or image_id not in wanted):
            continue
        cat = ann.get("category_id")
        label = categories.get(cat, str(cat)) if isinstance(cat, int | str) else None
        _coco_annotation(r, ann, label, f"annotation {index}")


def _coco_annotation(r: _Reader, ann: dict[str, object], label: str | None, where: str) -> None:
    """Polygon segmentations when there are usable ones, else the bbox (also for RLE masks)."""
    seg, before = ann.get("segmentation"), len(r.shapes)
    if isinstance(seg, dict):
        r.problem(f"{where}: RLE segmentation skipped (only polygons are drawn)")
    elif isinstance(seg, list) and seg:
        parts = [seg] if not isinstance(seg[0], list) else seg
        for index, flat in enumerate(parts):
            try:
                values = [_number(v, "coordinate") for v in (flat if isinstance(flat, list) else [])]
                if len(values) < 6 or len(values) % 2:
                    raise _BadRecord(f"polygon has {len(values)} coordinates, not 3 or more x, y pairs")
                r.add(Shape("polygon", tuple(zip(values[0::2], values[1::2], strict=True)), label))
            except _BadRecord as exc:
                r.problem(f"{where} segmentation {index}: {exc}")
    if len(r.shapes) > before:
        return
    bbox = ann.get("bbox")
    try:
        if not isinstance(bbox, list) or len(bbox) != 4:
            raise _BadRecord("no polygon segmentation and no bbox [x, y, width, height]")
        x, y, w, h = (_number(v, "bbox value") for v in bbox)
        if w < 0 or h < 0:
            raise _BadRecord(f"bbox has a negative size {w} x {h}")
        r.add(Shape("box", ((x, y), (x + w, y + h)), label))
    except _BadRecord as exc:
        r.problem(f"{where}: {exc}")


_AXES = {a: (a, f"pos_{a}", f"position_{a}", f"centroid_{a}", f"{a}_px", f"coordinate_{a}") for a in "xyz"}
_CSV_LABELS = ("label", "class", "class_name", "category", "name", "type")


def _csv_columns(names: list[str]) -> tuple[int, int, int | None, int | None] | None:
    """Column indexes of x, y, z and label; napari's axis-N columns end in (..., z, y, x)."""

    def find(candidates: Sequence[str]) -> int | None:
        return next((names.index(c) for c in candidates if c in names), None)
    x, y, z = find(_AXES["x"]), find(_AXES["y"]), find(_AXES["z"])
    if x is None or y is None:
        axes = {int(m[1]): i for i, n in enumerate(names) if (m := re.fullmatch(r"axis[-_ ]?(\d+)", n))}
        order = [axes[k] for k in sorted(axes)]
        if len(order) < 2:
            return None
        x, y, z = order[-1], order[-2], order[-3] if len(order) > 2 else None
    return x, y, z, find(_CSV_LABELS)


def _lines(text: str, last: list[str]) -> Iterator[str]:
    """The text's lines, lazily; `last[0]` is the line most recently handed out."""
    for line in io.StringIO(text, newline=""):
        last[0] = line
        yield line


def _read_csv(r: _Reader, text: str, image_name: str | None = None) -> None:
    """Point tables carry no image column, so `image_name` is unused."""
    text, total = _head(text, r.max_records)
    if total:
        r.limit(total, "lines", r.max_records + 1)
    header_line = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    delimiter = max((",", "\t", ";"), key=header_line.count)
    last = [""]
    reader = csv.reader(_lines(text, last), delimiter=delimiter)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        columns = _csv_columns([cell.strip().lower() for cell in header or []])
        if columns is None:
            return r.problem(f"CSV header has no x and y columns: {_quoted(header)}", reader.line_num)
        xi, yi, zi, li = columns
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            try:
                cells = [(xi, "x"), (yi, "y")] + ([(zi, "z")] if zi is not None else [])
                for index, name in cells:
                    if index >= len(row):
                        raise _BadRecord(f"row has no {name} value", len(row))
                values = [_number(row[i].strip(), name, i) for i, name in cells]
            except _BadRecord as exc:
                column, field = 1, exc.field
                if field is not None and '"' not in last[0]:  # quotes would shift columns
                    column = len(delimiter.join(row[:field])) + (1 if 0 < field < len(row) else 0) + 1
                r.problem(f"line {reader.line_num}: {exc}", reader.line_num, column)
                continue
            label = row[li].strip() or None if li is not None and li < len(row) else None
            z = values[2] if zi is not None else None
            r.add(Shape("point", ((values[0], values[1]),), label, z))
    except csv.Error as exc:
        r.problem(f"CSV does not parse: {exc}", reader.line_num)


def _read_star(r: _Reader, text: str, image_name: str | None) -> None:
    """Particle picks from every loop_ with rlnCoordinateX/Y; other blocks (e.g. optics) are ignored."""
    text, total = _head(text, r.max_records)
    if total:
        r.limit(total, "lines", r.max_records + 1)
    lines = text.splitlines()
    if not any(line.strip().startswith("data_") for line in lines):
        return r.problem("not a STAR file: no data_ block")
    seen_names: set[str] = set()
    used_loop, matched, i = False, 0, 0
    while i < len(lines):
        i += 1
        if lines[i - 1].strip() != "loop_":
            continue
        columns: dict[str, int] = {}
        while i < len(lines) and (lines[i].strip().startswith(("_", "#")) or not lines[i].strip()):
            head = lines[i].split()
            if head and head[0].startswith("_"):
                declared = head[1] if len(head) > 1 and re.fullmatch(r"#\d+", head[1]) else None
                columns[head[0][1:]] = int(declared[1:]) - 1 if declared else len(columns)
            i += 1
        width = max(columns.values(), default=-1) + 1
        use = "rlnCoordinateX" in columns and "rlnCoordinateY" in columns
        used_loop = used_loop or use
        mic = next((columns[c] for c in ("rlnMicrographName", "rlnTomoName") if c in columns), None)
        while i < len(lines) and not lines[i].strip().startswith(("data_", "loop_", "_")):
            i += 1
            number, tokens = i, [(m.start() + 1, m.group()) for m in re.finditer(r"\S+", lines[i - 1])]
            if not use or not tokens or tokens[0][1].startswith("#"):
                continue
            if len(tokens) != width:
                r.problem(f"line {number}: {len(tokens)} values, the loop declares {width}", number)
                continue
            if image_name is not None and mic is not None:
                seen_names.add(tokens[mic][1])
                if not _same_image(tokens[mic][1], image_name):
                    continue
            matched += 1
            try:
                pick = [(c, columns.get(c)) for c in ("rlnCoordinateX", "rlnCoordinateY", "rlnCoordinateZ")]
                x, y, z = (None if k is None else _number(tokens[k][1], c, k) for c, k in pick)
                if x is None or y is None:
                    continue
            except _BadRecord as exc:
                column = tokens[exc.field][0] if exc.field is not None else 1
                r.problem(f"line {number}: {exc}", number, column)
                continue
            r.add(Shape("point", ((x, y),), None, z))
    if not used_loop:
        r.problem("no loop_ with _rlnCoordinateX and _rlnCoordinateY columns")
    elif image_name is not None and seen_names and not matched:
        names = ", ".join(_quoted(name)[1:-1] for name in sorted(seen_names)[:5])
        r.problem(f"no rows for micrograph {_quoted(image_name)}; the file names: {names}")


# Distinct, colour-blind-tolerant hues (Trubetskoy's list); yellow is kept back for unlabeled shapes.
_PALETTE: tuple[tuple[int, int, int], ...] = (
    (230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
    (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (170, 110, 40), (128, 0, 0),
)
DEFAULT_COLOUR: tuple[int, int, int] = (255, 225, 25)
POINT_RADIUS = 3


def label_colour(label: str | None) -> tuple[int, int, int]:
    """A colour per label from a digest (not hash(), which is salted per process) so builds are stable."""
    if label is None:
        return DEFAULT_COLOUR
    digest = hashlib.sha256(label.encode("utf-8")).digest()
    return _PALETTE[int.from_bytes(digest[:4], "big") % len(_PALETTE)]


def draw_shapes(
    image: Image.Image, shapes: Sequence[Shape], *, scale: float, z: float | None = None,
    z_tolerance: float = 0.5, outline_width: int = 2,
) -> Image.Image:
    """A new RGB image with the shapes drawn; with `z`, shapes on other planes are left out."""
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    out = image.convert("RGB") if image.mode != "RGB" else image.copy()
    draw = ImageDraw.Draw(out)
    limit, rad = z_tolerance / scale, POINT_RADIUS
    for shape in shapes:
        if z is not None and shape.z is not None and abs(shape.z - z) > limit:
            continue
        colour = label_colour(shape.label)
        pts = [(x * scale, y * scale) for x, y in shape.points]
        if shape.kind == "point":
            for x, y in pts:
                draw.ellipse((x - rad, y - rad, x + rad, y + rad), fill=colour)
        elif shape.kind == "box" and len(pts) >= 2:
            (x0, y0), (x1, y1) = pts[0], pts[1]
            box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            draw.rectangle(box, outline=colour, width=outline_width)
        elif shape.kind == "polygon" and len(pts) >= 3:
            draw.polygon(pts, outline=colour, width=outline_width)
        elif shape.kind == "line" and len(pts) >= 2:
            draw.line(pts, fill=colour, width=outline_width, joint="curve")
    return out
