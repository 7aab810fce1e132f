"""Vector annotation files (GeoJSON, COCO, CSV, STAR) read into shapes and drawn onto thumbnails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from PIL import Image

from site_builder.thumbnails.vector_annotations import (
    DEFAULT_COLOUR,
    Shape,
    VectorProblem,
    draw_shapes,
    label_colour,
    read_vector_annotations,
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- GeoJSON


def test_geojson_feature_collection(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"classification": {"name": "Tumor", "color": [200, 0, 0]}},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 5], [0, 0]]]},
            },
            {
                "type": "Feature",
                "properties": {"label": "cell"},
                "geometry": {"type": "MultiPoint", "coordinates": [[1, 2], [3.5, 4, 7]]},
            },
            {
                "type": "Feature",
                "properties": None,
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [5, 5]]},
            },
            {
                "type": "Feature",
                "properties": {"name": "gland"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[1, 1], [2, 1], [2, 2]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]],
                },
            },
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [9, 8]}},
        ],
    }
    shapes, problems = read_vector_annotations(write(tmp_path, "a.geojson", json.dumps(doc)))
    assert problems == []
    assert shapes == [
        Shape("polygon", ((0, 0), (10, 0), (10, 5)), "Tumor"),
        Shape("point", ((1, 2),), "cell"),
        Shape("point", ((3.5, 4),), "cell", 7),
        Shape("line", ((0, 0), (5, 5))),
        Shape("polygon", ((1, 1), (2, 1), (2, 2)), "gland"),
        Shape("polygon", ((5, 5), (6, 5), (6, 6)), "gland"),
        Shape("point", ((9, 8),)),
    ]


def test_geojson_single_feature_and_bare_geometry(tmp_path: Path) -> None:
    feature = {
        "type": "Feature",
        "properties": {"class": "nucleus"},
        "geometry": {"type": "Point", "coordinates": [1, 2]},
    }
    shapes, problems = read_vector_annotations(write(tmp_path, "f.json", json.dumps(feature)))
    assert (shapes, problems) == ([Shape("point", ((1, 2),), "nucleus")], [])
    bare = {"type": "LineString", "coordinates": [[0, 1], [2, 3], [4, 5]]}
    shapes, problems = read_vector_annotations(write(tmp_path, "g.geojson", json.dumps(bare)))
    assert (shapes, problems) == ([Shape("line", ((0, 1), (2, 3), (4, 5)))], [])


def test_geojson_bad_features_are_skipped_and_named(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["a", 1]}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}},
            {"type": "Feature", "geometry": {"type": "Circle", "coordinates": [1, 2]}},
        ],
    }
    # NaN is not strict JSON but Python (and some exporters) write it.
    text = (
        json.dumps(doc)[:-2]
        + ', {"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 1]}}]}'
    )
    shapes, problems = read_vector_annotations(
        write(tmp_path, "bad.geojson", text), display_name="ann/bad.geojson"
    )
    assert shapes == [Shape("point", ((1, 2),))]
    assert [(p.file, p.line, p.column) for p in problems] == [("ann/bad.geojson", 1, 1)] * 4
    messages = [p.message for p in problems]
    assert messages[0].startswith("feature 0") and "fewer than 3" in messages[0]
    assert messages[1].startswith("feature 1") and "not a number" in messages[1]
    assert messages[2].startswith("feature 3") and "Circle" in messages[2]
    assert messages[3].startswith("feature 4") and "not finite" in messages[3]


def test_broken_json_gives_line_and_column(tmp_path: Path) -> None:
    text = '{\n  "type": "FeatureCollection",\n  "features": [\n    {"type": "Feature",, }\n  ]\n}\n'
    shapes, problems = read_vector_annotations(
        write(tmp_path, "broken.geojson", text), display_name="broken.geojson"
    )
    assert shapes == []
    assert len(problems) == 1
    assert (problems[0].file, problems[0].line, problems[0].column) == ("broken.geojson", 4, 24)
    assert "invalid JSON" in problems[0].message


def test_json_of_unknown_shape_is_a_problem(tmp_path: Path) -> None:
    shapes, problems = read_vector_annotations(write(tmp_path, "x.json", "[1, 2]"))
    assert shapes == [] and len(problems) == 1 and "neither GeoJSON" in problems[0].message


# ---------------------------------------------------------------- COCO


COCO = {
    "images": [{"id": 1, "file_name": "train/img_001.png"}, {"id": 2, "file_name": "train/img_002.png"}],
    "categories": [{"id": 7, "name": "dilated HEV"}, {"id": 8, "name": "normal HEV"}],
    "annotations": [
        {"id": 1, "image_id": 1, "category_id": 7, "bbox": [10, 20, 30, 40], "segmentation": []},
        {
            "id": 2,
            "image_id": 1,
            "category_id": 8,
            "bbox": [0, 0, 5, 5],
            "segmentation": [[0, 0, 5, 0, 5, 5], [6, 6, 8, 6, 8, 8, 6, 8]],
        },
        {"id": 3, "image_id": 2, "category_id": 7, "bbox": [1, 1, 2, 2]},
        {
            "id": 4,
            "image_id": 2,
            "category_id": 8,
            "bbox": [3, 3, 1, 1],
            "segmentation": {"counts": [0, 4], "size": [10, 10]},
        },
        {"id": 5, "image_id": 2, "category_id": 99, "bbox": [1, 1, "wide", 2]},
    ],
}


def test_coco_boxes_polygons_and_categories(tmp_path: Path) -> None:
    shapes, problems = read_vector_annotations(write(tmp_path, "coco.json", json.dumps(COCO)))
    assert shapes == [
        Shape("box", ((10, 20), (40, 60)), "dilated HEV"),
        Shape("polygon", ((0, 0), (5, 0), (5, 5)), "normal HEV"),
        Shape("polygon", ((6, 6), (8, 6), (8, 8), (6, 8)), "normal HEV"),
        Shape("box", ((1, 1), (3, 3)), "dilated HEV"),
        Shape("box", ((3, 3), (4, 4)), "normal HEV"),  # RLE mask: its bbox is still shown
    ]
    assert [p.message.split(":")[0] for p in problems] == ["annotation 3", "annotation 4"]
    assert "RLE" in problems[0].message
    assert "not a number" in problems[1].message


def test_coco_filtered_by_image_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "coco.json", json.dumps(COCO))
    shapes, problems = read_vector_annotations(path, image_name="img_001.png")
    assert problems == []
    assert [s.label for s in shapes] == ["dilated HEV", "normal HEV", "normal HEV"]
    shapes, problems = read_vector_annotations(path, image_name="missing.png")
    assert shapes == [] and "missing.png" in problems[0].message


# ---------------------------------------------------------------- CSV


def test_csv_with_upper_case_xyz_and_label(tmp_path: Path) -> None:
    text = "X,Y,Z,Class\n1,2,3,spot\n4.5,5.5,6,\n"
    shapes, problems = read_vector_annotations(write(tmp_path, "p.csv", text))
    assert problems == []
    assert shapes == [Shape("point", ((1, 2),), "spot", 3), Shape("point", ((4.5, 5.5),), None, 6)]


def test_csv_napari_axis_columns_end_in_y_x(tmp_path: Path) -> None:
    text = "index,axis-0,axis-1,axis-2\n0,5,10,20\n1,6,11,21\n"
    shapes, problems = read_vector_annotations(write(tmp_path, "napari.csv", text))
    assert problems == []
    assert shapes == [Shape("point", ((20, 10),), None, 5), Shape("point", ((21, 11),), None, 6)]


def test_csv_bad_row_reports_its_line_and_the_rest_load(tmp_path: Path) -> None:
    text = "x;y\n1;2\n\n3;abc\n5;6\n7\n"
    shapes, problems = read_vector_annotations(write(tmp_path, "pts.csv", text), display_name="pts.csv")
    assert shapes == [Shape("point", ((1, 2),)), Shape("point", ((5, 6),))]
    assert [(p.file, p.line, p.column) for p in problems] == [("pts.csv", 4, 3), ("pts.csv", 6, 2)]
    assert "'abc' is not a number" in problems[0].message
    assert "no y value" in problems[1].message


def test_csv_without_coordinate_header_is_a_problem(tmp_path: Path) -> None:
    shapes, problems = read_vector_annotations(write(tmp_path, "h.csv", "1,2\n3,4\n"))
    assert shapes == []
    assert [(p.line, p.column) for p in problems] == [(1, 1)]
    assert "no x and y columns" in problems[0].message


# ---------------------------------------------------------------- STAR


STAR = """
# version 30001

data_

loop_
_rlnMicrographName #1
_rlnCoordinateX #2
_rlnCoordinateY #3
_rlnCoordinateZ #4
9.rec   100.0   200.0   30.0
9.rec   110.0   210.0   31.0
10.rec  1.0     2.0     3.0
9.rec   abc     220.0   32.0
9.rec   120.0   230.0

"""


def test_star_filtered_by_micrograph(tmp_path: Path) -> None:
    path = write(tmp_path, "80S_bin1_cryoDRGN-ET_clean_tomo_9.star", STAR)
    shapes, problems = read_vector_annotations(path, image_name="9.rec", display_name="tomo_9.star")
    assert shapes == [Shape("point", ((100, 200),), None, 30), Shape("point", ((110, 210),), None, 31)]
    assert [(p.file, p.line, p.column) for p in problems] == [("tomo_9.star", 14, 9), ("tomo_9.star", 15, 1)]
    assert "rlnCoordinateX 'abc' is not a number" in problems[0].message
    assert "3 values" in problems[1].message


def test_star_without_filter_reads_every_row(tmp_path: Path) -> None:
    shapes, _ = read_vector_annotations(write(tmp_path, "all.star", STAR))
    assert [s.points[0] for s in shapes] == [(100, 200), (110, 210), (1, 2)]


def test_star_relion31_optics_block_and_unknown_micrograph(tmp_path: Path) -> None:
    text = (
        "data_optics\nloop_\n_rlnOpticsGroup #1\n_rlnImagePixelSize #2\n1 7.84\n\n"
        "data_particles\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n_rlnMicrographName #3\n"
        "5 6 tomos/9.mrc\n"
    )
    path = write(tmp_path, "p.star", text)
    assert read_vector_annotations(path, image_name="9.rec") == ([Shape("point", ((5, 6),))], [])
    shapes, problems = read_vector_annotations(path, image_name="12.rec")
    assert shapes == [] and "12.rec" in problems[0].message and "tomos/9.mrc" in problems[0].message


def test_star_without_coordinates_is_a_problem(tmp_path: Path) -> None:
    shapes, problems = read_vector_annotations(
        write(tmp_path, "n.star", "data_\nloop_\n_rlnAngleRot #1\n1.0\n")
    )
    assert shapes == [] and "rlnCoordinateX" in problems[0].message
    shapes, problems = read_vector_annotations(write(tmp_path, "m.star", "hello\n"))
    assert shapes == [] and "no data_ block" in problems[0].message


# ---------------------------------------------------------------- limits and files


def test_limits_and_unreadable_files_are_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "many.csv", "x,y\n" + "".join(f"{i},{i}\n" for i in range(10)))
    shapes, problems = read_vector_annotations(path, max_shapes=4)
    assert len(shapes) == 4 and "more than the limit of 4" in problems[0].message
    shapes, problems = read_vector_annotations(path, max_bytes=10)
    assert shapes == [] and "bytes" in problems[0].message
    shapes, problems = read_vector_annotations(tmp_path / "absent.geojson")
    assert shapes == [] and "cannot read" in problems[0].message
    shapes, problems = read_vector_annotations(write(tmp_path, "x.xml", "<a/>"))
    assert shapes == [] and "unsupported" in problems[0].message
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"x,y\n1,2\n\xe9,3\n")
    shapes, problems = read_vector_annotations(bad)
    assert shapes == [] and [(p.line, p.column) for p in problems] == [(3, 1)]


def test_problems_are_listed_up_to_ten_and_then_counted(tmp_path: Path) -> None:
    """A file with a bad value on every row gives eleven short problems, not one per row."""
    path = write(tmp_path, "bad.csv", "x,y\n" + "".join(f"{'9' * 5000}x,{i}\n" for i in range(25)))
    shapes, problems = read_vector_annotations(path, display_name="bad.csv")
    assert shapes == []
    assert [(p.line, p.column) for p in problems] == [(line, 1) for line in range(2, 13)]
    assert problems[0].message == f"line 2: x '{'9' * 27}...{'9' * 27}x' is not a number"
    assert problems[-1].message == "and 15 more problems like these (only the first 10 are listed)"


def test_rows_beyond_the_limit_are_not_read(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "x,y\n" + "".join(f"{i},{i}\n" for i in range(9)) + "bad\n" * 5)
    shapes, problems = read_vector_annotations(path, display_name="p.csv", max_records=5)
    assert shapes == [Shape("point", ((i, i),)) for i in range(4)]
    assert [(p.line, p.message) for p in problems] == [
        (6, "the file has 15 lines, more than the limit of 5; only the first 5 are read")]
    star = write(tmp_path, "s.star", "data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n" + "1 2\n" * 8)
    shapes, problems = read_vector_annotations(star, max_records=6)
    assert len(shapes) == 2 and [p.line for p in problems] == [7]
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [i, i]}} for i in range(7)]
    shapes, problems = read_vector_annotations(
        write(tmp_path, "f.geojson", json.dumps({"type": "FeatureCollection", "features": features})),
        max_records=3)
    assert len(shapes) == 3
    assert [p.message for p in problems] == [
        "the file has 7 features, more than the limit of 3; only the first 3 are read"]
    coco = {"images": [], "annotations": [{"bbox": [0, 0, 1, 1]}] * 4}
    shapes, problems = read_vector_annotations(write(tmp_path, "c.json", json.dumps(coco)), max_records=2)
    assert len(shapes) == 2
    assert [p.message for p in problems] == [
        "the file has 4 annotations, more than the limit of 2; only the first 2 are read"]


def test_shapes_beyond_the_limit_are_counted_not_kept(tmp_path: Path) -> None:
    points = {"type": "MultiPoint", "coordinates": [[i, i] for i in range(10)]}
    shapes, problems = read_vector_annotations(write(tmp_path, "m.geojson", json.dumps(points)), max_shapes=3)
    assert shapes == [Shape("point", ((i, i),)) for i in range(3)]
    assert [p.message for p in problems] == ["10 shapes, more than the limit of 3; only the first are kept"]


def test_a_fifo_or_a_folder_is_refused_without_being_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "folder.geojson").mkdir()
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.extend([
        read_vector_annotations(tmp_path / "pipe.csv", display_name="pipe.csv"),
        read_vector_annotations(tmp_path / "folder.geojson", display_name="folder.geojson")]), daemon=True)
    reader.start()
    reader.join(30)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert found == [
        ([], [VectorProblem("pipe.csv", 1, 1, "is a named pipe (FIFO), not a regular file; it is not read")]),
        ([], [VectorProblem("folder.geojson", 1, 1, "is a folder, not a regular file; it is not read")])]


# ---------------------------------------------------------------- drawing


def pixel(image: Image.Image, x: float, y: float) -> tuple[int, int, int]:
    value = image.getpixel((int(x), int(y)))
    assert isinstance(value, tuple)
    return (int(value[0]), int(value[1]), int(value[2]))


def test_box_outline_is_drawn_in_the_label_colour(tmp_path: Path) -> None:
    base = Image.new("L", (64, 64), 0)
    scale = 0.5
    out = draw_shapes(
        base, [Shape("box", ((10 / scale, 10 / scale), (40 / scale, 40 / scale)), "HEV")], scale=scale
    )
    assert out.mode == "RGB" and out.size == (64, 64) and base.getpixel((10, 10)) == 0
    colour = label_colour("HEV")
    assert pixel(out, 10, 10) == colour
    assert pixel(out, 40, 25) == colour
    assert pixel(out, 25, 25) == (0, 0, 0)  # outline only
    assert pixel(out, 55, 55) == (0, 0, 0)


def test_points_polygons_and_lines(tmp_path: Path) -> None:
    shapes = [
        Shape("point", ((20, 20),)),
        Shape("polygon", ((50, 10), (90, 10), (90, 50)), "a"),
        Shape("line", ((10, 100), (100, 100)), "b"),
    ]
    out = draw_shapes(Image.new("RGB", (60, 60)), shapes, scale=0.5)
    assert pixel(out, 10, 10) == DEFAULT_COLOUR and pixel(out, 12, 10) == DEFAULT_COLOUR
    assert pixel(out, 16, 10) == (0, 0, 0)
    assert pixel(out, 35, 5) == label_colour("a")
    assert pixel(out, 30, 50) == label_colour("b")
    assert pixel(out, 30, 30) == (0, 0, 0)


def test_points_on_other_planes_are_not_drawn() -> None:
    shapes = [Shape("point", ((10, 10),), "p", z=30.0), Shape("point", ((50, 50),), "p", z=40.0)]
    out = draw_shapes(Image.new("RGB", (64, 64)), shapes, scale=1.0, z=30.2)
    assert pixel(out, 10, 10) == label_colour("p")
    assert pixel(out, 50, 50) == (0, 0, 0)
    # At a quarter of the size one shown plane covers four full-resolution planes.
    out = draw_shapes(Image.new("RGB", (64, 64)), [Shape("point", ((40, 40),), z=31.5)], scale=0.25, z=30)
    assert pixel(out, 10, 10) == DEFAULT_COLOUR


def test_palette_is_stable_across_processes() -> None:
    labels = ["dilated HEV", "normal HEV", "ribosome", "nucleus"]
    code = (
        "from site_builder.thumbnails.vector_annotations import label_colour;"
        f"print([label_colour(x) for x in {labels!r}])"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123"},
        cwd=Path(__file__).resolve().parents[1],
    )
    assert other.stdout.strip() == str([label_colour(x) for x in labels])
    assert label_colour(None) == DEFAULT_COLOUR
    assert all(label_colour(x) != DEFAULT_COLOUR for x in labels)
    assert len({label_colour(x) for x in labels}) > 1


def test_problem_is_a_plain_value() -> None:
    assert VectorProblem("f", 2, 3, "m") == VectorProblem("f", 2, 3, "m")
