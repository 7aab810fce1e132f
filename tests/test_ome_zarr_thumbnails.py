"""OME-Zarr thumbnails, tested against real stores written by ome-zarr's own writer."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr
from ome_zarr.format import FormatV04  # type: ignore[import-untyped]
from ome_zarr.writer import write_image, write_labels  # type: ignore[import-untyped]
from PIL import Image
from zarr.storage import FsspecStore, LocalStore

from site_builder.thumbnails.ome_zarr_image import (
    Rendered,
    ThumbnailError,
    inspect_store,
    label_colour,
    render_thumbnail,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning",
                                        "ignore::UserWarning")

RED_GREEN = {"channels": [
    {"label": "nuclei", "color": "FF0000", "active": True,
     "window": {"min": 0, "max": 65535, "start": 100, "end": 1000}},
    {"label": "membrane", "color": "00FF00", "active": True,
     "window": {"min": 0, "max": 65535, "start": 0, "end": 500}},
]}


def write_store(path: Path, data: np.ndarray[Any, Any], axes: str, *, version: str = "0.5",
                scale_factors: tuple[int, ...] = (), omero: dict[str, Any] | None = None,
                labels: np.ndarray[Any, Any] | None = None, label_axes: str = "yx",
                colors: list[dict[str, Any]] | None = None) -> Path:
    """A real OME-Zarr store: v0.4 on a zarr v2 store, v0.5 (the writer's default) on zarr v3."""
    fmt: dict[str, Any] = {"fmt": FormatV04()} if version == "0.4" else {}
    group = zarr.open_group(str(path), mode="w", zarr_format=2 if version == "0.4" else 3)
    extra: dict[str, Any] = {"omero": omero} if omero else {}
    scale = {a: 0.5 for a in axes if a in "zyx"}
    units = {a: "micrometer" for a in axes if a in "zyx"}
    write_image(data, group, axes=axes, scale_factors=list(scale_factors), scale=scale, axes_units=units,
                **fmt, **extra)
    if labels is not None:
        write_labels(labels, group, name="cells", axes=label_axes, scaler=None,
                     scale_factors=list(scale_factors), label_metadata={"colors": colors} if colors else None,
                     **fmt)
    return path


def square(shape: tuple[int, ...], value: int = 1000, lo: int = 16, hi: int = 48) -> np.ndarray[Any, Any]:
    """A dark image with one bright square object in y/x (the last two axes)."""
    data = np.zeros(shape, dtype=np.uint16)
    data[..., lo:hi, lo:hi] = value
    return data


def rgb(rendered: Rendered, x: int, y: int) -> tuple[int, int, int]:
    pixel = rendered.image.getpixel((x, y))
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


@pytest.fixture
def chunk_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every key read from any local store, so a test can prove which levels were touched."""
    keys: list[str] = []
    original = LocalStore.get

    async def recording_get(self: LocalStore, key: str, *args: Any, **kwargs: Any) -> Any:
        keys.append(key)
        return await original(self, key, *args, **kwargs)

    monkeypatch.setattr(LocalStore, "get", recording_get)
    yield keys


def chunk_keys(keys: list[str]) -> list[str]:
    metadata = ("zarr.json", ".zarray", ".zattrs", ".zgroup", ".zmetadata")
    return [k for k in keys if not k.endswith(metadata)]


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_inspect_reads_metadata_without_assuming_level_paths(tmp_path: Path, version: str) -> None:
    store = write_store(tmp_path / "img.zarr", square((2, 64, 64)), "cyx", version=version,
                        scale_factors=(2,), labels=square((64, 64), 1), omero=RED_GREEN)
    info = inspect_store(store)
    assert info.version == version
    assert info.axes == ("c", "y", "x")
    assert info.level_paths == ("s0", "s1")
    assert info.level_shapes == ((2, 64, 64), (2, 32, 32))
    assert info.pixel_sizes == {"y": 0.5, "x": 0.5}
    assert info.units == {"y": "micrometer", "x": "micrometer"}
    assert info.has_omero
    assert [(c.label, c.colour, c.start, c.end) for c in info.channels] == [
        ("nuclei", "#FF0000", 100.0, 1000.0), ("membrane", "#00FF00", 0.0, 500.0)]
    assert info.label_names == ("cells",)


@pytest.mark.parametrize(("axes", "shape", "version"), [
    ("yx", (64, 64), "0.4"), ("yx", (64, 64), "0.5"),
    ("zyx", (5, 64, 64), "0.5"), ("czyx", (1, 5, 64, 64), "0.4"),
    ("tczyx", (2, 1, 5, 64, 64), "0.5"), ("tczyx", (2, 1, 5, 64, 64), "0.4"),
])
def test_every_dimensionality_renders_the_object_in_grey(tmp_path: Path, axes: str, shape: tuple[int, ...],
                                                         version: str) -> None:
    store = write_store(tmp_path / "img.zarr", square(shape), axes, version=version)
    rendered = render_thumbnail(store, size=32)
    assert rendered.image.mode == "RGB"
    assert rendered.image.size == (32, 32)
    assert not rendered.info.has_omero
    centre, corner = rgb(rendered, 16, 16), rgb(rendered, 2, 2)
    assert centre[0] == centre[1] == centre[2] > 200  # one channel without OMERO: grey, stretched
    assert corner == (0, 0, 0)


def test_middle_z_and_first_t_by_default_and_explicit_planes(tmp_path: Path) -> None:
    data = np.zeros((2, 1, 5, 64, 64), dtype=np.uint16)
    data[0, 0, 2, 16:48, 16:48] = 1000  # only the middle z of the first t
    data[1, 0, 0, 0:8, 0:8] = 1000  # only t=1, z=0, top-left
    store = write_store(tmp_path / "img.zarr", data, "tczyx")
    assert rgb(render_thumbnail(store, size=64), 32, 32)[0] > 200
    other = render_thumbnail(store, size=64, z=0, t=1)
    assert rgb(other, 2, 2)[0] > 200
    assert rgb(other, 32, 32) == (0, 0, 0)
    with pytest.raises(ThumbnailError, match="z=7"):
        render_thumbnail(store, size=64, z=7)


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_omero_colours_and_windows(tmp_path: Path, version: str) -> None:
    data = np.zeros((2, 64, 64), dtype=np.uint16)
    data[0, 8:24, 8:24] = 1000  # red channel at its window end -> full red
    data[1, 40:56, 40:56] = 250  # green channel at half its window -> half green
    data[0, 40:56, 8:24] = 50  # below the red window start -> black
    store = write_store(tmp_path / "img.zarr", data, "cyx", version=version, omero=RED_GREEN)
    rendered = render_thumbnail(store, size=64)
    assert rgb(rendered, 16, 16) == (255, 0, 0)
    red, green, blue = rgb(rendered, 48, 48)
    assert red == 0 and blue == 0 and 120 <= green <= 135
    assert rgb(rendered, 16, 48) == (0, 0, 0)


def test_inactive_omero_channel_is_not_shown(tmp_path: Path) -> None:
    omero = json.loads(json.dumps(RED_GREEN))
    omero["channels"][0]["active"] = False
    data = np.full((2, 32, 32), 1000, dtype=np.uint16)
    rendered = render_thumbnail(write_store(tmp_path / "img.zarr", data, "cyx", omero=omero), size=32)
    assert rgb(rendered, 5, 5) == (0, 255, 0)


def test_without_omero_channels_take_the_palette_and_add_up(tmp_path: Path) -> None:
    data = np.zeros((2, 64, 64), dtype=np.uint16)
    data[0, 8:24, 8:24] = 900  # channel 0 -> green
    data[1, 40:56, 40:56] = 30  # channel 1 -> magenta, stretched by its own percentiles
    data[:, 40:56, 8:24] = [[[900]], [[30]]]  # both -> green + magenta = white
    rendered = render_thumbnail(write_store(tmp_path / "img.zarr", data, "cyx"), size=64)
    assert rgb(rendered, 16, 16) == (0, 255, 0)
    assert rgb(rendered, 48, 48) == (255, 0, 255)
    assert rgb(rendered, 16, 48) == (255, 255, 255)


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_store_labels_outline_with_metadata_colours(tmp_path: Path, version: str) -> None:
    labels = np.zeros((64, 64), dtype=np.uint8)
    labels[16:48, 16:48] = 3
    store = write_store(tmp_path / "img.zarr", square((64, 64), 0), "yx", version=version, labels=labels,
                        colors=[{"label-value": 3, "rgba": [0, 0, 255, 255]}])
    rendered = render_thumbnail(store, size=64, labels="cells")
    assert rendered.labels_drawn
    assert rgb(rendered, 16, 30) == (0, 0, 255)  # on the object's boundary
    assert rgb(rendered, 30, 30) == (0, 0, 0)  # inside: an outline, not a fill
    assert rgb(rendered, 4, 4) == (0, 0, 0)  # far away: nothing
    blue = np.all(np.asarray(rendered.image) == (0, 0, 255), axis=-1)
    assert blue[:14].sum() == 0 and blue[50:].sum() == 0


def test_store_labels_at_the_matching_level_and_plane(tmp_path: Path) -> None:
    image = np.zeros((5, 256, 256), dtype=np.uint16)
    labels = np.zeros((5, 256, 256), dtype=np.uint16)
    labels[2, 64:192, 64:192] = 7  # the middle z only
    store = write_store(tmp_path / "img.zarr", image, "zyx", labels=labels, label_axes="zyx",
                        scale_factors=(2, 4))
    rendered = render_thumbnail(store, size=64, labels="cells")
    assert rendered.level == 2
    assert rgb(rendered, 16, 32) == label_colour(7)
    assert not render_thumbnail(store, size=64, z=0, labels="cells").labels_drawn


def test_fill_style_blends_the_label_colour(tmp_path: Path) -> None:
    labels = np.zeros((64, 64), dtype=np.uint8)
    labels[16:48, 16:48] = 1
    store = write_store(tmp_path / "img.zarr", np.zeros((64, 64), np.uint16), "yx", labels=labels,
                        colors=[{"label-value": 1, "rgba": [255, 0, 0, 255]}])
    rendered = render_thumbnail(store, size=64, labels="cells", style="fill")
    assert rgb(rendered, 30, 30) == (102, 0, 0)  # 40% of red over black
    assert rgb(rendered, 4, 4) == (0, 0, 0)


def test_label_image_file_with_stable_palette(tmp_path: Path) -> None:
    store = write_store(tmp_path / "img.zarr", square((128, 128), 0), "yx")
    mask = np.zeros((128, 128), dtype=np.uint8)
    mask[32:96, 32:96] = 5
    Image.fromarray(mask).save(tmp_path / "mask.png")
    first = render_thumbnail(store, size=64, label_image=tmp_path / "mask.png")
    again = render_thumbnail(store, size=64, label_image=tmp_path / "mask.png")
    assert first.labels_drawn
    assert rgb(first, 16, 30) == label_colour(5)
    assert rgb(first, 4, 4) == (0, 0, 0)
    assert first.image.tobytes() == again.image.tobytes()


def test_label_palette_is_stable_and_distinct() -> None:
    assert label_colour(1) == (38, 101, 255)  # pinned: a changed palette would recolour every site
    assert label_colour(1) == label_colour(1)
    colours = {label_colour(v) for v in range(1, 11)}
    assert len(colours) == 10


def test_unknown_label_name_is_named(tmp_path: Path) -> None:
    store = write_store(tmp_path / "img.zarr", square((64, 64)), "yx", labels=square((64, 64), 1))
    with pytest.raises(ThumbnailError, match=r"'nuclei'.*cells"):
        render_thumbnail(store, size=32, labels="nuclei")


@pytest.fixture(scope="module")
def pyramid(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = np.random.default_rng(0).integers(0, 255, (1024, 1024), dtype=np.uint8)
    return write_store(tmp_path_factory.mktemp("pyr") / "big.zarr", data, "yx", scale_factors=(2, 4))


@pytest.mark.parametrize(("size", "level", "path"), [(200, 2, "s2/"), (400, 1, "s1/"), (256, 2, "s2/"),
                                                     (1000, 0, "s0/"), (4000, 0, "s0/")])
def test_smallest_sufficient_level_is_the_only_one_read(pyramid: Path, chunk_reads: list[str], size: int,
                                                        level: int, path: str) -> None:
    assert inspect_store(pyramid).level_shapes == ((1024, 1024), (512, 512), (256, 256))
    assert chunk_keys(chunk_reads) == []  # inspecting reads metadata only
    rendered = render_thumbnail(pyramid, size=size)
    assert rendered.level == level
    assert max(rendered.image.size) == min(size, 1024)
    read = chunk_keys(chunk_reads)
    assert read and all(k.startswith(path) for k in read), read


def test_max_pixels_refuses_a_large_plane_before_reading(pyramid: Path, chunk_reads: list[str]) -> None:
    with pytest.raises(ThumbnailError, match="exceeds the limit"):
        render_thumbnail(pyramid, size=1024, max_pixels=500_000)
    assert chunk_keys(chunk_reads) == []
    assert render_thumbnail(pyramid, size=200, max_pixels=100_000).level == 2


def _edit_json(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize("shape", [[10**7, 10**7], [0, 64], [-1, 64]])
def test_absurd_declared_shape_is_refused_before_reading(tmp_path: Path, chunk_reads: list[str],
                                                         shape: list[int]) -> None:
    store = write_store(tmp_path / "img.zarr", square((64, 64)), "yx")
    _edit_json(store / "s0" / "zarr.json", lambda doc: doc.update(shape=shape))
    with pytest.raises(ThumbnailError, match=r"absurd declared shape|cannot read"):
        render_thumbnail(store, size=32)
    assert chunk_keys(chunk_reads) == []


@pytest.mark.parametrize(("version", "damage", "message"), [
    ("0.5", lambda s: (s / "s0" / "zarr.json").unlink(), "s0"),
    ("0.4", lambda s: (s / "s0" / ".zarray").unlink(), "s0"),
    ("0.5", lambda s: (s / "zarr.json").write_text("{not json"), "img.zarr"),
    ("0.4", lambda s: (s / ".zattrs").write_text("garbage]"), "img.zarr"),
    ("0.5", lambda s: _edit_json(s / "zarr.json", lambda d: d["attributes"]["ome"].pop("multiscales")),
     "multiscales"),
    ("0.4", lambda s: _edit_json(s / ".zattrs", lambda d: d["multiscales"][0].update(datasets=[])),
     "datasets"),
])
def test_broken_stores_raise_thumbnail_error(tmp_path: Path, version: str, damage: Callable[[Path], Any],
                                             message: str) -> None:
    store = write_store(tmp_path / "img.zarr", square((64, 64)), "yx", version=version, scale_factors=(2,))
    damage(store)
    with pytest.raises(ThumbnailError, match=message) as caught:
        render_thumbnail(store, size=16)
    assert caught.value.message == str(caught.value)


def test_missing_path_and_non_zarr_directory(tmp_path: Path) -> None:
    with pytest.raises(ThumbnailError, match="not found"):
        render_thumbnail(tmp_path / "absent.zarr", size=32)
    (tmp_path / "empty.zarr").mkdir()
    with pytest.raises(ThumbnailError, match=r"empty\.zarr"):
        inspect_store(tmp_path / "empty.zarr")
    with pytest.raises(ThumbnailError, match="only local paths"):
        render_thumbnail("s3://bucket/img.zarr", size=32)


def test_unreachable_url_fails_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(ThumbnailError, match=r"127\.0\.0\.1"):
        render_thumbnail("http://127.0.0.1:9/img.zarr", size=32)
    assert time.monotonic() - started < 10


def test_huge_declared_shape_is_named_absurd(tmp_path: Path, chunk_reads: list[str]) -> None:
    store = write_store(tmp_path / "img.zarr", square((64, 64)), "yx", version="0.4")
    _edit_json(store / "s0" / ".zarray", lambda doc: doc.update(shape=[10**7, 10**7]))
    with pytest.raises(ThumbnailError, match="absurd declared shape"):
        inspect_store(store)
    assert chunk_keys(chunk_reads) == []


def test_remote_reads_have_timeouts_and_are_retried_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.thumbnails import ome_zarr_image as module

    monkeypatch.setattr("site_builder.thumbnails.ome_zarr_image.time.sleep", lambda _seconds: None)
    src = module._open("http://127.0.0.1:9/img.zarr")
    assert isinstance(src.store, FsspecStore) and src.remote
    timeout = src.store.fs.client_kwargs["timeout"]
    assert (timeout.connect, timeout.sock_read) == (module.CONNECT_TIMEOUT_S, module.READ_TIMEOUT_S)
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionResetError("peer went away")
        return "chunk"

    assert src.call("chunk", flaky) == "chunk" and len(calls) == 3
    calls.clear()

    def dead() -> str:
        calls.append(1)
        raise ConnectionResetError("still down")

    with pytest.raises(ThumbnailError, match="still down"):
        src.call("chunk", dead)
    assert len(calls) == 3  # the first try and two retries


# ---------------------------------------------------------------- what a read may cost


def _declare(array: Path, **changes: Any) -> None:
    """Rewrite an array's metadata (shape, chunks, dtype) and drop its chunks: they read as fill."""
    def edit(meta: dict[str, Any]) -> None:
        meta.update({k: v for k, v in changes.items() if k in ("shape", "data_type")})
        if "chunks" in changes:
            meta["chunk_grid"]["configuration"]["chunk_shape"] = changes["chunks"]
    _edit_json(array / "zarr.json", edit)
    for chunk in sorted((array / "c").rglob("*"), reverse=True):
        chunk.rmdir() if chunk.is_dir() else chunk.unlink()


@pytest.mark.parametrize(("axes", "changes", "message"), [
    ("cyx", {"shape": [48, 8000, 8000], "chunks": [1, 1000, 1000]},
     "s0: one plane of 48 × 8000 × 8000 (c × y × x) of uint16 takes 5.72 GiB, more than the limit of 256 MiB;"
     " add a smaller resolution level"),
    ("cyx", {"shape": [1, 8000, 8000], "chunks": [1, 1000, 1000], "data_type": "float64"},
     "s0: one plane of 1 × 8000 × 8000 (c × y × x) of float64 takes 488 MiB, more than the limit of 256 MiB;"
     " add a smaller resolution level"),
    ("cyx", {"chunks": [2, 50_000, 50_000]},
     "s0: one chunk of 2 × 50000 × 50000 uint16 decompresses to 9.31 GiB, more than the limit of 512 MiB;"
     " use smaller chunks"),
    ("cyx", {"shape": [2, 4000, 4000], "chunks": [1, 1, 1]},
     "s0: one plane touches 32,000,000 chunks of 1 × 1 × 1, more than the limit of 10,000; use larger chunks"
     " or add a smaller resolution level"),
    ("zyx", {"shape": [64, 4000, 4000], "chunks": [64, 1000, 1000]},  # one z plane, whole z-deep chunks
     "s0: one plane decompresses 16 chunks of 64 × 1000 × 1000 uint16, 1.91 GiB, more than the limit of"
     " 512 MiB; use smaller chunks or add a smaller resolution level"),
])
def test_a_read_beyond_its_budget_is_refused_before_any_chunk(
        tmp_path: Path, chunk_reads: list[str], axes: str, changes: dict[str, Any], message: str) -> None:
    """Every axis read counts, at the dtype's size, and so does every chunk touched, decompressed whole."""
    store = write_store(tmp_path / "img.zarr", square((2 if axes == "cyx" else 5, 64, 64)), axes)
    _declare(store / "s0", **changes)
    with pytest.raises(ThumbnailError) as refused:
        render_thumbnail(store, size=960, name="samples/img.zarr")
    assert refused.value.message == "samples/img.zarr/" + message
    assert chunk_keys(chunk_reads) == []


def test_a_plane_within_every_budget_is_read(tmp_path: Path) -> None:
    """The limits leave room: 8000 x 8000 of uint16 in one channel, in 1000 x 1000 chunks, is drawn."""
    store = write_store(tmp_path / "img.zarr", square((1, 64, 64)), "cyx")
    _declare(store / "s0", shape=[1, 8000, 8000], chunks=[1, 1000, 1000])
    rendered = render_thumbnail(store, size=100)
    assert rendered.image.size == (100, 100) and rendered.info.level_shapes[0] == (1, 8000, 8000)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda root, s0: _declare(s0, shape=[1_000_000, 8, 8], chunks=[1_000_000, 8, 8]),
     "img.zarr: 1,000,000 channels, more than the limit of 1,024 channels that can be coloured into one"
     " thumbnail"),
    (lambda root, s0: _edit_json(root / "zarr.json", lambda meta: meta["attributes"]["ome"]["multiscales"][0]
                                 .update(datasets=[{"path": "s0"}] * 1000)),
     "img.zarr: 1,000 resolution levels, more than the limit of 64"),
])
def test_channel_and_level_counts_are_bounded(tmp_path: Path, chunk_reads: list[str],
                                              edit: Callable[[Path, Path], None], message: str) -> None:
    store = write_store(tmp_path / "img.zarr", square((2, 64, 64)), "cyx")
    edit(store, store / "s0")
    with pytest.raises(ThumbnailError) as refused:
        render_thumbnail(store, size=64, name="img.zarr")
    assert refused.value.message == message
    assert chunk_keys(chunk_reads) == []


def test_a_store_of_text_is_not_drawn(tmp_path: Path) -> None:
    store = tmp_path / "text.zarr"
    group = zarr.open_group(str(store), mode="w")
    group.create_array("s0", shape=(4, 4), dtype=str)
    group.attrs["ome"] = {"version": "0.5", "multiscales": [{"axes": [{"name": "y", "type": "space"},
                                                                      {"name": "x", "type": "space"}],
                                                             "datasets": [{"path": "s0"}]}]}
    with pytest.raises(ThumbnailError, match=r"^text\.zarr/s0: data type .* is not a number type"):
        render_thumbnail(store, size=4, name="text.zarr")


def test_every_label_is_coloured_in_one_pass(tmp_path: Path) -> None:
    """4,096 labels of 4 x 4 pixels, filled: each in its own colour, however many there are."""
    labels = (np.arange(64 * 64, dtype=np.uint32).reshape(64, 64) + 1).repeat(4, axis=0).repeat(4, axis=1)
    store = write_store(tmp_path / "img.zarr", np.zeros((256, 256), np.uint16), "yx", labels=labels)
    rendered = render_thumbnail(store, size=256, labels="cells", style="fill")
    assert rendered.labels_drawn and rendered.notes == ()
    for value in (1, 77, 2048, 4096):
        y, x = divmod(value - 1, 64)
        expected = tuple(int(0.4 * c) for c in label_colour(value))  # 40% over black
        assert rgb(rendered, x * 4 + 1, y * 4 + 1) == expected, value


def test_a_label_per_pixel_is_left_out_with_a_note(tmp_path: Path) -> None:
    """A 'mask' with a label per pixel is an intensity image: the thumbnail shows the image alone."""
    labels = np.arange(1, 300 * 300 + 1, dtype=np.uint32).reshape(300, 300)
    store = write_store(tmp_path / "img.zarr", square((300, 300)), "yx", labels=labels)
    rendered = render_thumbnail(store, size=300, labels="cells")
    plain = render_thumbnail(store, size=300)
    assert not rendered.labels_drawn
    assert rendered.notes == ("label image 'cells': 90,000 distinct labels at thumbnail size, more than the "
                              "50,000 a thumbnail can show; they are not drawn (is it an intensity image "
                              "rather than a mask?)",)
    assert rendered.image.tobytes() == plain.image.tobytes()


def test_a_large_plane_is_averaged_down_before_it_is_coloured(tmp_path: Path) -> None:
    """A 2400 x 2400 plane shown at 300 px is coloured at 600 px: the square is where it was, as bright."""
    data = np.zeros((2400, 2400), dtype=np.uint16)
    data[600:1800, 600:1800] = 1000
    store = write_store(tmp_path / "img.zarr", data, "yx")
    rendered = render_thumbnail(store, size=300)
    assert rendered.image.size == (300, 300)
    assert rgb(rendered, 150, 150)[0] > 200 and rgb(rendered, 20, 20) == (0, 0, 0)
    assert rgb(rendered, 80, 150)[0] > 200 and rgb(rendered, 70, 150)[0] < 60  # the edge stays at 75 px
