"""A user's designs: every accepted format and reading, every refusal by its code."""
import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from mechgan import data
from mechgan.user_data import DatasetError, load_user_dataset, read_user_dataset

DS = data.load_dataset()


def _png(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr.astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def test_user_npy_npz_png_zip_and_folder_are_accepted(tmp_path):
    designs = DS.designs[:5].astype(np.float32)
    np.save(tmp_path / "d.npy", designs)
    np.savez(tmp_path / "d.npz", designs=designs, other=np.arange(3))
    with zipfile.ZipFile(tmp_path / "d.zip", "w") as zf:
        for i, d in enumerate(DS.designs[:5]):
            zf.writestr(f"designs/{i:03d}.png", _png(d * 255))
    (tmp_path / "pngs").mkdir()
    for i, d in enumerate(DS.designs[:5]):
        (tmp_path / "pngs" / f"{i}.png").write_bytes(_png(d * 255))
    for name in ("d.npy", "d.npz", "d.zip", "pngs"):
        out = load_user_dataset(tmp_path / name)
        assert out.shape == (5, 50, 50) and out.dtype == bool
        assert np.array_equal(out, DS.designs[:5]), name


def test_other_sizes_are_resized_only_when_asked(tmp_path):
    big = np.zeros((2, 100, 100), dtype=np.uint8)
    big[:, :, :40] = 255  # material on the left 40 %
    np.save(tmp_path / "big.npy", big)
    with pytest.raises(DatasetError) as caught:
        load_user_dataset(tmp_path / "big.npy")
    assert caught.value.code == "wrong_size" and caught.value.fields == {"height": 100, "width": 100, "size": 50}
    out = read_user_dataset(tmp_path / "big.npy", resize=True)
    assert out.reading == "greyscale" and out.designs.shape == (2, 50, 50)
    assert out.designs[:, :, :20].all() and not out.designs[:, :, 20:].any()


# How values become material: every dtype of 0/1 values keeps its designs (a uint8 0/1 array was read
# as 0-255 and became empty designs), greyscale is cut at mid-level, colour images by their luminance.
FIVE = DS.designs[:5]


def _rgb(design: np.ndarray, material: tuple, void: tuple) -> np.ndarray:
    out = np.empty(design.shape + (3,), np.uint8)
    out[design], out[~design] = material, void
    return out


READABLE = {
    "uint8_01": (lambda: FIVE.astype(np.uint8), "binary"),
    "int64_01": (lambda: FIVE.astype(np.int64), "binary"),
    "int8_01_channel": (lambda: FIVE.astype(np.int8)[..., None], "binary"),
    "big_endian_uint16_01": (lambda: FIVE.astype(">u2"), "binary"),
    "bool": (lambda: FIVE, "binary"),
    "float_01": (lambda: FIVE.astype(np.float16), "binary"),
    "uint8_0_255": (lambda: FIVE.astype(np.uint8) * 255, "greyscale"),
    "int32_greyscale": (lambda: np.where(FIVE, 128, 127).astype(np.int32), "greyscale"),
    "float_soft": (lambda: np.where(FIVE, 0.5, 0.4999).astype(np.float64), "float"),
    "fortran_float": (lambda: np.asfortranarray(np.where(FIVE, 0.9, 0.1)), "float"),
}


@pytest.mark.parametrize("case", sorted(READABLE))
def test_every_array_reading_keeps_the_designs(tmp_path, case):
    make, reading = READABLE[case]
    np.save(tmp_path / "x.npy", make())
    out = read_user_dataset(tmp_path / "x.npy")
    assert out.reading == reading and out.designs.dtype == bool
    np.testing.assert_array_equal(out.designs, FIVE)


@pytest.mark.parametrize("mode, image, reading", [
    ("L", lambda d: d.astype(np.uint8) * 255, "greyscale"),
    ("L 0/1", lambda d: d.astype(np.uint8), "binary"),
    ("1", lambda d: d, "greyscale"),
    ("I;16", lambda d: d.astype(np.uint16) * 200, "greyscale"),
    ("RGB", lambda d: _rgb(d, (120, 220, 90), (20, 30, 110)), "luminance"),
    ("RGBA", lambda d: np.dstack([_rgb(d, (250, 250, 250), (0, 0, 0)), np.full((50, 50), 255, np.uint8)]),
     "luminance"),
    ("P", lambda d: Image.fromarray(_rgb(d, (200, 90, 250), (5, 5, 5))).quantize(4), "luminance"),
])
def test_every_png_mode_keeps_the_designs(tmp_path, mode, image, reading):
    def encoded(d):
        im = image(d)
        return _png_image(im if isinstance(im, Image.Image) else Image.fromarray(im))

    _zip(tmp_path / "x.zip", [(f"{i}.png", encoded(d)) for i, d in enumerate(FIVE)])
    out = read_user_dataset(tmp_path / "x.zip")
    assert out.reading == reading
    np.testing.assert_array_equal(out.designs, FIVE)


def _png_image(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def test_macos_metadata_in_a_zip_is_skipped(tmp_path):
    pngs = [(f"d/{i}.png", _png(d * 255)) for i, d in enumerate(FIVE)]
    extra = [("__MACOSX/d/._0.png", b"\0\5\x16\7 AppleDouble"), ("d/.DS_Store", b"\0\0\0\1Bud1")]
    _zip(tmp_path / "x.zip", pngs + extra)
    np.testing.assert_array_equal(load_user_dataset(tmp_path / "x.zip"), FIVE)


def test_a_reading_that_empties_every_design_is_refused(tmp_path):
    _zip(tmp_path / "x.zip", [(f"{i}.png", _png_image(Image.fromarray(_rgb(d, (255, 0, 0), (0, 0, 0)))))
                              for i, d in enumerate(FIVE)])
    with pytest.raises(DatasetError) as caught:
        load_user_dataset(tmp_path / "x.zip")
    assert caught.value.code == "all_empty" and caught.value.fields == {"reading": "luminance"}


def _zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, payload in entries:
            zf.writestr(name, payload)
    return path


REJECTIONS = {
    "wrong_ndim": (lambda p: np.save(p / "x.npy", np.zeros((50, 50))), "x.npy", "shape"),
    "empty": (lambda p: np.save(p / "x.npy", np.zeros((0, 50, 50))), "x.npy", "empty"),
    "nan": (lambda p: np.save(p / "x.npy", np.full((2, 50, 50), np.nan)), "x.npy", "not_finite"),
    "inf": (lambda p: np.save(p / "x.npy", np.full((2, 50, 50), np.inf)), "x.npy", "not_finite"),
    "range": (lambda p: np.save(p / "x.npy", np.full((2, 50, 50), 3.0)), "x.npy", "float_range"),
    "int_range": (lambda p: np.save(p / "x.npy", np.full((2, 50, 50), 256, np.int16)), "x.npy", "int_range"),
    "all_empty": (lambda p: np.save(p / "x.npy", np.zeros((2, 50, 50), np.uint8)), "x.npy", "all_empty"),
    "all_full": (lambda p: np.save(p / "x.npy", np.ones((2, 50, 50), np.float32)), "x.npy", "all_full"),
    "complex": (lambda p: np.save(p / "x.npy", np.zeros((2, 50, 50), complex)), "x.npy", "dtype"),
    "strings": (lambda p: np.save(p / "x.npy", np.full((2, 50, 50), "a")), "x.npy", "dtype"),
    "pickle": (lambda p: np.save(p / "x.npy", np.array([{"a": 1}], dtype=object)), "x.npy", "npy_objects"),
    "huge_side": (lambda p: np.save(p / "x.npy", np.zeros((1, 600, 600), np.uint8)), "x.npy", "side"),
    "truncated": (lambda p: (p / "x.npy").write_bytes(b"\x93NUMPY\x01\x00v\x00{'descr'"), "x.npy", "npy_unreadable"),
    "suffix": (lambda p: (p / "x.txt").write_text("hello"), "x.txt", "file_type"),
    "npz_no_designs": (lambda p: np.savez(p / "x.npz", a=np.zeros(3), b=np.zeros(3)), "x.npz", "npz_several"),
    "zip_traversal": (lambda p: _zip(p / "x.zip", [("../evil.png", _png(np.zeros((50, 50))))]),
                      "x.zip", "unsafe_path"),
    "zip_absolute": (lambda p: _zip(p / "x.zip", [("/etc/evil.png", _png(np.zeros((50, 50))))]),
                     "x.zip", "unsafe_path"),
    "zip_bomb": (lambda p: _zip(p / "x.zip", [("bomb.png", b"\0" * (50 * 2**20))]), "x.zip", "zip_bomb"),
    "zip_nested": (lambda p: _zip(p / "x.zip", [("inner.zip", b"PK\x03\x04")]), "x.zip", "not_png"),
    "zip_not_png": (lambda p: _zip(p / "x.zip", [("a.png", b"not an image")]), "x.zip", "image_unreadable"),
    "zip_empty": (lambda p: _zip(p / "x.zip", []), "x.zip", "archive_empty"),
    "zip_broken": (lambda p: (p / "x.zip").write_bytes(b"PK\x03\x04garbage"), "x.zip", "archive_unreadable"),
    "png_sizes": (lambda p: _zip(p / "x.zip", [("a.png", _png(np.zeros((50, 50)))),
                                              ("b.png", _png(np.zeros((40, 40))))]),
                  "x.zip", "mixed_sizes"),
    "missing": (lambda p: None, "nothing.npy", "no_file"),
}


@pytest.mark.parametrize("case", sorted(REJECTIONS))
def test_bad_user_datasets_are_rejected_with_a_clear_message(tmp_path, case):
    make, name, code = REJECTIONS[case]
    make(tmp_path)
    with pytest.raises(DatasetError, match=r"\S") as caught:  # a message for the CLI, a code for the app
        load_user_dataset(tmp_path / name)
    assert caught.value.code == code
