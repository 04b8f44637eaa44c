"""Hostile and malformed uploads: each must end in one clear DatasetError.

More than 200 handmade files (truncated, wrong shapes and dtypes, NaN, huge
declared sizes, non-images, nested archives, ZIP bombs, unsafe member names,
pickles) go through ``load_user_dataset`` and through the app's upload helper
``app.upload.load_upload(name, raw)``; a seeded property test corrupts valid
files at random.  Nothing may be written outside the test's own folder, and the
helper's temporary folder must be gone afterwards.
"""
from __future__ import annotations

import importlib.util
import io
import os
import pickle
import struct
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from mechgan import user_data
from mechgan.user_data import DatasetError, load_user_dataset

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `app` is the repository's app/
from app.upload import load_upload  # noqa: E402

MARKER = Path("/tmp/mechgan-fuzz-pwned")  # a pickle payload would create it


# ------------------------------------------------------------------ builders

def npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)
    return buf.getvalue()


def npy_raw(header: dict, body: bytes = b"\0" * 64, version: tuple[int, int] = (1, 0)) -> bytes:
    """An .npy file with any header, to lie about shape and dtype."""
    buf = io.BytesIO()
    writer = {(1, 0): np.lib.format.write_array_header_1_0,
              (2, 0): np.lib.format.write_array_header_2_0}[version]
    writer(buf, header)
    return buf.getvalue() + body


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, raw in members.items():
            zf.writestr(name, raw)
    return buf.getvalue()


def png(array: np.ndarray | None = None, size: tuple[int, int] = (50, 50), mode: str = "L",
        fmt: str = "PNG") -> bytes:
    image = Image.fromarray(array) if array is not None else Image.new(mode, size)
    buf = io.BytesIO()
    image.save(buf, fmt)
    return buf.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header (with a valid CRC) declares another size."""
    raw = bytearray(png())
    ihdr = struct.pack(">II", width, height) + bytes(raw[24:29])
    raw[16:29] = ihdr
    raw[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(raw)


def flag_encrypted(archive: bytes) -> bytes:
    raw = bytearray(archive)
    raw[6] |= 1
    central = raw.find(b"PK\x01\x02")
    raw[central + 8] |= 1
    return bytes(raw)


def _patch_headers(archive: bytes, local_at: int, central_at: int, fmt: str, value: int) -> bytes:
    """Write one field of the first entry in both its local and its central-directory header."""
    raw = bytearray(archive)
    field = struct.pack(fmt, value)
    raw[local_at:local_at + len(field)] = field
    central = raw.find(b"PK\x01\x02") + central_at
    raw[central:central + len(field)] = field
    return bytes(raw)


def set_method(archive: bytes, method: int) -> bytes:
    return _patch_headers(archive, 8, 10, "<H", method)


def lying_size(archive: bytes, size: int) -> bytes:
    """Declare an uncompressed size (local and central header) the data does not have."""
    return _patch_headers(archive, 22, 24, "<I", size)


def corrupt_deflate(archive: bytes, name: str) -> bytes:
    raw = bytearray(archive)
    start = raw.find(name.encode()) + len(name) + 4
    raw[start:start + 24] = b"\xff" * 24
    return bytes(raw)


class Payload:
    """Unpickling this runs code: mechgan must never do it."""

    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


GOOD = np.zeros((4, 50, 50), dtype=bool)
GOOD[:, 10:40, 5:45] = True
GOOD_NPY = npy(GOOD)
GOOD_NPZ = zipped({"designs.npy": GOOD_NPY}, zipfile.ZIP_DEFLATED)
GOOD_PNG = png((GOOD[0] * 255).astype(np.uint8))
GOOD_ZIP = zipped({f"d{i}.png": GOOD_PNG for i in range(3)})


# ------------------------------------------------------------------ the cases

Case = tuple[str, Callable[[], bytes]]


def empty_and_foreign_cases() -> list[Case]:
    cases: list[Case] = [(f"empty{ext}", lambda: b"") for ext in (".npy", ".npz", ".zip", ".NPY", ".Zip")]
    for ext in (".txt", ".pkl", ".png", ".csv", ".tar.gz", ".exe", ".h5", "", ".npy.txt", ".jpg"):
        cases.append((f"foreign{ext or '_noext'}", lambda: GOOD_NPY))
    for ext in (".npy", ".npz", ".zip"):
        cases += [
            (f"text{ext}", lambda: b"designs,0,1\n1,0,1\n"),
            (f"html{ext}", lambda: b"<html><script>alert(1)</script></html>"),
            (f"random{ext}", lambda: np.random.default_rng(1).bytes(4096)),
            (f"gzip{ext}", lambda: __import__("gzip").compress(GOOD_NPY)),
            (f"pickle_array{ext}", lambda: pickle.dumps(GOOD)),
            (f"pickle_payload{ext}", lambda: pickle.dumps(Payload())),
            (f"png_instead{ext}", lambda: GOOD_PNG),
            (f"nul_bytes{ext}", lambda: b"\0" * 1000),
        ]
    cases.append(("npz_named_npy.npy", lambda: GOOD_NPZ))
    cases.append(("npy_named_npz.npz", lambda: GOOD_NPY))
    cases.append(("npy_named_zip.zip", lambda: GOOD_NPY))
    return cases


def bad_array_cases() -> list[Case]:
    """Readable .npy files whose content is not a dataset."""
    arrays = {
        "object": np.array([GOOD[0], "x"], dtype=object),
        "object_payload": np.array([Payload(), 1], dtype=object),
        "complex64": GOOD.astype(np.complex64),
        "complex128": GOOD.astype(np.complex128),
        "unicode": np.full((2, 50, 50), "1"),
        "bytes": np.full((2, 50, 50), b"1"),
        "structured": np.zeros((2, 50, 50), dtype=[("a", "f4"), ("b", "i4")]),
        "void": np.zeros((2, 50, 50), dtype="V4"),
        "datetime": np.zeros((2, 50, 50), dtype="datetime64[s]"),
        "timedelta": np.zeros((2, 50, 50), dtype="timedelta64[s]"),
        "scalar": np.array(1.0),
        "vector": np.ones(2500),
        "single_2d": np.ones((50, 50)),
        "five_d": np.ones((1, 1, 50, 50, 1)),
        "rgb": np.ones((2, 50, 50, 3)),
        "channels_first": np.ones((2, 1, 50, 50)),
        "zero_designs": np.ones((0, 50, 50)),
        "zero_height": np.ones((3, 0, 50)),
        "zero_width": np.ones((3, 50, 0)),
        "49x50": np.ones((3, 49, 50)),
        "51x51": np.ones((3, 51, 51)),
        "too_wide": np.ones((1, 2, 600)),
        "too_many": np.zeros((user_data.MAX_DESIGNS + 1, 1, 1), dtype=bool),
        "nan": np.where(GOOD, np.nan, 0.0),
        "one_nan": np.concatenate([GOOD.astype(float), np.full((1, 50, 50), np.nan)]),
        "inf": np.where(GOOD, np.inf, 0.0),
        "neg_inf": np.where(GOOD, -np.inf, 0.0),
        "overflow_f32": np.full((2, 50, 50), 1e300),
        "negative": -GOOD.astype(np.float32),
        "above_one": GOOD * 2.0,
        "float_255": GOOD * 255.0,
        "int16_300": (GOOD * 300).astype(np.int16),
        "all_empty_uint8": np.zeros((2, 50, 50), dtype=np.uint8),
        "all_full_bool": np.ones((2, 50, 50), dtype=bool),
        "all_empty_greyscale": np.full((2, 50, 50), 127, dtype=np.uint8),
        "all_empty_float": np.full((2, 50, 50), 0.49, dtype=np.float32),
        "int64_huge": np.full((2, 50, 50), 2**62, dtype=np.int64),
        "int8_negative": np.full((2, 50, 50), -1, dtype=np.int8),
        "uint16_max": np.full((2, 50, 50), 65535, dtype=np.uint16),
        "float16_inf": np.full((2, 50, 50), np.inf, dtype=np.float16),
    }
    return [(f"array_{name}.npy", lambda a=a: npy(a)) for name, a in arrays.items()]


def lying_header_cases() -> list[Case]:
    """Headers that declare more than the file holds, or are malformed."""
    shapes = [(20000, 512, 512), (10**6, 10**6, 50), (2**40, 50, 50), (user_data.MAX_DESIGNS, 50, 50),
              (1000, 50, 50), (3, 50, 50), (2**31, 2**31, 2**31), (10**8, 1, 1),
              (26_843, 50, 50)]  # issue 12's 64 MB uint8 file, refused from its header
    cases: list[Case] = []
    for shape in shapes:
        for descr in ("<f8", "|b1", "<c16", "|u1"):
            header = {"descr": descr, "fortran_order": False, "shape": shape}
            cases.append((f"lying_{descr[1:]}_{'x'.join(map(str, shape))}.npy", lambda h=header: npy_raw(h)))
        header = {"descr": "<f4", "fortran_order": True, "shape": shape}
        cases.append((f"lying_v2_{'x'.join(map(str, shape))}.npy", lambda h=header: npy_raw(h, version=(2, 0))))
        cases.append((f"lying_in_npz_{'x'.join(map(str, shape))}.npz",
                      lambda h=header: zipped({"designs.npy": npy_raw(h)})))
    magic = np.lib.format.magic
    cases += [
        ("bad_magic.npy", lambda: b"\x93NUMPX\x01\x00" + GOOD_NPY[8:]),
        ("version_3.npy", lambda: magic(3, 0) + GOOD_NPY[8:]),
        ("version_9.npy", lambda: magic(9, 9) + GOOD_NPY[8:]),
        ("header_len_huge.npy", lambda: magic(1, 0) + struct.pack("<H", 65535) + b"{" * 100),
        ("header_v2_len_huge.npy", lambda: magic(2, 0) + struct.pack("<I", 2**31) + b"{" * 100),
        ("header_not_dict.npy", lambda: magic(1, 0) + struct.pack("<H", 6) + b"[1,2]\n"),
        ("header_code.npy", lambda: magic(1, 0) + struct.pack("<H", 30) + b"__import__('os').system('x')\n"),
        ("header_missing_keys.npy", lambda: magic(1, 0) + struct.pack("<H", 16) + b"{'shape': (1,)}\n"),
        ("header_bad_descr.npy", lambda: npy_raw({"descr": "<f8", "fortran_order": False, "shape": (2, 50, 50)})
         .replace(b"'<f8'", b"'<zz'")),
        ("header_negative_shape.npy", lambda: npy_raw({"descr": "<f8", "fortran_order": False, "shape": (2, 50, 50)})
         .replace(b"(2, 50, 50)", b"(-2, 50, 50)")),
        ("header_object.npy", lambda: npy_raw({"descr": "|O", "fortran_order": False, "shape": (2,)})),
        ("header_object_npz.npz", lambda: zipped({"designs.npy": npy_raw(
            {"descr": "|O", "fortran_order": False, "shape": (2,)}, pickle.dumps(Payload()))})),
    ]
    return cases


def truncation_cases() -> list[Case]:
    cases: list[Case] = []
    sources = {"npy": GOOD_NPY, "npz": GOOD_NPZ, "zip": GOOD_ZIP,
               "f32npy": npy(GOOD.astype(np.float32))}
    for kind, raw in sources.items():
        ext = "." + kind.removeprefix("f32")
        for frac in (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99):
            cut = max(1, int(len(raw) * frac))
            cases.append((f"trunc_{kind}_{frac}{ext}", lambda raw=raw, cut=cut: raw[:cut]))
        cases.append((f"trunc_{kind}_last_byte{ext}", lambda raw=raw: raw[:-1]))
    for frac in (0.1, 0.3, 0.5, 0.7, 0.8, 0.9):  # PNG cut before the end of its pixel data
        cases.append((f"trunc_png_member_{frac}.zip",
                      lambda frac=frac: zipped({"a.png": GOOD_PNG[:int((len(GOOD_PNG) - 16) * frac)]})))
        cases.append((f"trunc_npy_member_{frac}.npz",
                      lambda frac=frac: zipped({"designs.npy": GOOD_NPY[:int(len(GOOD_NPY) * frac)]})))
    return cases


def npz_cases() -> list[Case]:
    two = {"a.npy": GOOD_NPY, "b.npy": GOOD_NPY}
    return [
        ("npz_empty_zip.npz", lambda: zipped({})),
        ("npz_no_npy.npz", lambda: zipped({"designs.txt": b"1"})),
        ("npz_member_without_suffix.npz", lambda: zipped({"designs": GOOD_NPY})),
        ("npz_two_unnamed.npz", lambda: zipped(two)),
        ("npz_designs_bad.npz", lambda: zipped({"designs.npy": b"not an array", **two})),
        ("npz_designs_object.npz", lambda: zipped({"designs.npy": npy(np.array([1, "a"], dtype=object))})),
        ("npz_designs_nan.npz", lambda: zipped({"designs.npy": npy(np.full((2, 50, 50), np.nan))})),
        ("npz_designs_wrong_shape.npz", lambda: zipped({"designs.npy": npy(np.ones((2, 50)))})),
        ("npz_nested_npz.npz", lambda: zipped({"designs.npy": GOOD_NPZ})),
        ("npz_nested_zip_member.npz", lambda: zipped({"inner.zip": GOOD_ZIP})),
        ("npz_traversal.npz", lambda: zipped({"../../designs.npy": GOOD_NPY})),
        ("npz_absolute.npz", lambda: zipped({"/etc/designs.npy": GOOD_NPY})),
        ("npz_drive.npz", lambda: zipped({"C:\\designs.npy": GOOD_NPY})),
        ("npz_backslash_traversal.npz", lambda: zipped({"..\\..\\designs.npy": GOOD_NPY})),
        ("npz_bomb.npz", lambda: zipped({"designs.npy": npy(np.zeros((800, 50, 50)))}, zipfile.ZIP_DEFLATED)),
        ("npz_lying_size.npz", lambda: lying_size(zipped({"designs.npy": GOOD_NPY}), 100)),
        ("npz_lying_size_big.npz", lambda: lying_size(zipped({"designs.npy": GOOD_NPY}), 2**31)),
        ("npz_encrypted.npz", lambda: flag_encrypted(zipped({"designs.npy": GOOD_NPY}))),
        ("npz_ppmd.npz", lambda: set_method(zipped({"designs.npy": GOOD_NPY}), 98)),
        ("npz_unknown_method.npz", lambda: set_method(zipped({"designs.npy": GOOD_NPY}), 77)),
        ("npz_corrupt_deflate.npz", lambda: corrupt_deflate(GOOD_NPZ, "designs.npy")),
        ("npz_complex.npz", lambda: zipped({"designs.npy": npy(GOOD.astype(np.complex64))})),
        ("npz_strings.npz", lambda: zipped({"designs.npy": npy(np.full((2, 50, 50), "a"))})),
        ("npz_51x51.npz", lambda: zipped({"designs.npy": npy(np.ones((2, 51, 51)))})),
    ]


def png_zip_cases() -> list[Case]:
    names = ["../a.png", "../../../../tmp/mechgan-fuzz-evil.png", "/abs.png", "/etc/passwd.png",
             "C:\\win.png", "c:/win.png", "a/../../b.png", "..\\..\\c.png", "\\server\\share.png",
             "ok/../../../d.png"]
    cases: list[Case] = [(f"zip_traversal_{i}.zip", lambda n=n: zipped({"ok.png": GOOD_PNG, n: GOOD_PNG}))
                         for i, n in enumerate(names)]
    foreign = {"txt": b"hello", "npy": GOOD_NPY, "zip": GOOD_ZIP, "npz": GOOD_NPZ, "exe": b"MZ\x90",
               "png.exe": GOOD_PNG, "pickle": pickle.dumps(Payload()), "py": b"import os"}
    cases += [(f"zip_member_{ext}.zip", lambda ext=ext, raw=raw: zipped({"a.png": GOOD_PNG, f"b.{ext}": raw}))
              for ext, raw in foreign.items()]
    not_png = {"jpeg": png(size=(50, 50), fmt="JPEG"), "gif": png(size=(50, 50), fmt="GIF"),
               "bmp": png(size=(50, 50), fmt="BMP"), "tiff": png(size=(50, 50), fmt="TIFF"),
               "npy": GOOD_NPY, "zip": GOOD_ZIP, "random": np.random.default_rng(2).bytes(300),
               "empty": b"", "text": b"\x89PNG but not really", "pickle": pickle.dumps(Payload())}
    cases += [(f"zip_fake_png_{kind}.zip", lambda raw=raw: zipped({"a.png": GOOD_PNG, "b.png": raw}))
              for kind, raw in not_png.items()]
    cases += [
        ("zip_empty.zip", lambda: zipped({})),
        ("zip_only_dirs.zip", lambda: zipped({"a/": b"", "b/c/": b""})),
        ("zip_too_wide.zip", lambda: zipped({"a.png": png(size=(600, 10))})),
        ("zip_too_tall.zip", lambda: zipped({"a.png": png(size=(10, 513))})),
        ("zip_claims_100000px.zip", lambda: zipped({"a.png": png_claiming(100_000, 100_000)})),
        ("zip_claims_2e9px.zip", lambda: zipped({"a.png": png_claiming(2**31 - 1, 2**31 - 1)})),
        ("zip_claims_zero.zip", lambda: zipped({"a.png": png_claiming(0, 0)})),
        ("zip_mixed_sizes.zip", lambda: zipped({"a.png": GOOD_PNG, "b.png": png(size=(40, 40))})),
        ("zip_51x51.zip", lambda: zipped({"a.png": png(size=(51, 51))})),
        ("zip_too_many.zip", lambda: zipped({f"{i}.png": b"" for i in range(user_data.MAX_DESIGNS + 1)})),
        ("zip_too_many_pixels.zip",
         lambda: zipped({f"{i:03d}.png": png(size=(512, 512)) for i in range(user_data.MAX_VALUES // 512**2 + 1)})),
        ("zip_bomb_member.zip", lambda: zipped({"a.png": b"\0" * (4 * 2**20)}, zipfile.ZIP_DEFLATED)),
        ("zip_bomb_png.zip", lambda: zipped({"a.png": GOOD_PNG + b"\0" * (4 * 2**20)}, zipfile.ZIP_DEFLATED)),
        ("zip_nested_bomb.zip",
         lambda: zipped({"a.png": zipped({"b.png": b"\0" * (4 * 2**20)}, zipfile.ZIP_DEFLATED)})),
        ("zip_lying_size.zip", lambda: lying_size(zipped({"a.png": GOOD_PNG}), 10)),
        ("zip_lying_size_big.zip", lambda: lying_size(zipped({"a.png": GOOD_PNG}), 2**31)),
        ("zip_encrypted.zip", lambda: flag_encrypted(zipped({"a.png": GOOD_PNG}))),
        ("zip_ppmd.zip", lambda: set_method(zipped({"a.png": GOOD_PNG}), 98)),
        ("zip_unknown_method.zip", lambda: set_method(zipped({"a.png": GOOD_PNG}), 77)),
        ("zip_corrupt_deflate.zip",
         lambda: corrupt_deflate(zipped({"a.png": GOOD_PNG}, zipfile.ZIP_DEFLATED), "a.png")),
        ("zip_bad_crc.zip", lambda: zipped({"a.png": GOOD_PNG}).replace(GOOD_PNG[40:48], b"\0" * 8, 1)),
        ("zip_no_central_dir.zip", lambda: GOOD_ZIP[:GOOD_ZIP.find(b"PK\x01\x02")]),
        ("zip_garbage_eocd.zip", lambda: GOOD_ZIP[:-22] + b"PK\x05\x06" + b"\xff" * 18),
        # issue 12: refused from the PNG headers, before any image is decoded
        ("zip_blank_512px_pngs.zip",
         lambda: zipped({f"{i:03d}.png": png(size=(512, 512)) for i in range(256)}, zipfile.ZIP_DEFLATED)),
        # colour that reads as no material at all: refused, never accepted as empty designs
        ("zip_red_on_black_pngs.zip", lambda: zipped({f"{i}.png": png(np.stack(
            [GOOD[0] * 255, 0 * GOOD[0], 0 * GOOD[0]], axis=-1).astype(np.uint8)) for i in range(3)})),
        ("zip_all_black_pngs.zip", lambda: zipped({f"{i}.png": png(size=(50, 50)) for i in range(3)})),
        ("zip_16bit_png.zip", lambda: zipped({"a.png": png((GOOD[0] * 65535).astype(np.uint16))})),
        ("zip_one_big_png.zip", lambda: zipped({"a.png": GOOD_PNG + b"\0" * (user_data.MAX_IMAGE_BYTES + 1)})),
        ("zip_directory_bomb.zip", lambda: zipped({f"{i:0150x}": b"" for i in range(50_000)})),  # 9.6 MB directory
        ("zip_zip64_end.zip", lambda: GOOD_ZIP[:-22] + b"PK\x06\x07" + b"\0" * 16 + GOOD_ZIP[-22:]),
    ]
    return cases


def all_cases() -> list[Case]:
    return (empty_and_foreign_cases() + bad_array_cases() + lying_header_cases()
            + truncation_cases() + npz_cases() + png_zip_cases())


CASES = all_cases()


# ------------------------------------------------------------------ the tests

UPLOAD_PATHS: list[Callable[[Path], object]] = [
    load_user_dataset,  # the library's loader
    lambda p: load_upload(p.name, p.read_bytes()),  # the Data page's upload helper
]


def test_at_least_200_distinct_hostile_files():
    names = [name for name, _ in CASES]
    assert len(names) >= 200
    assert len(set(names)) == len(names)


EVIL = Path("/tmp/mechgan-fuzz-evil.png")  # where a traversal entry would land if extracted


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """Uploads in their own folder; runs, the working directory and the temporary folder in others,
    which must stay empty."""
    uploads, runs, temp = tmp_path / "uploads", tmp_path / "runs", tmp_path / "temp"
    for folder in (uploads, runs, temp):
        folder.mkdir()
    monkeypatch.setenv("MECHGAN_RUNS_DIR", str(runs))
    monkeypatch.chdir(runs)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    for p in (MARKER, EVIL):
        p.unlink(missing_ok=True)
    yield uploads
    assert not any(runs.iterdir()), "something was written in the runs folder"
    assert not any(temp.iterdir()), "the upload helper left its temporary folder behind"
    assert {p.name for p in tmp_path.iterdir()} == {"uploads", "runs", "temp"}
    assert not MARKER.exists(), "a pickle payload ran"
    assert not EVIL.exists(), "an archive entry was extracted"


@pytest.mark.parametrize("name, build", CASES, ids=[name for name, _ in CASES])
def test_hostile_file_gets_one_clear_error(name, build, sandbox):
    path = sandbox / name
    path.write_bytes(build())
    for load in UPLOAD_PATHS:
        with pytest.raises(DatasetError) as caught:
            load(path)
        message = str(caught.value)
        assert message.strip() and "Traceback" not in message
        assert len(message) < 400


@pytest.mark.parametrize("folder", ["no_png", "bad_png", "mixed_sizes", "size_51"])
def test_hostile_folder(folder, sandbox):
    path = sandbox / folder
    path.mkdir()
    files = {"no_png": {"a.txt": b"x", "b.npy": GOOD_NPY},
             "bad_png": {"a.png": GOOD_PNG, "b.png": b"\x89PNG\r\n\x1a\n broken"},
             "mixed_sizes": {"a.png": GOOD_PNG, "b.png": png(size=(30, 30))},
             "size_51": {"a.png": png(size=(51, 51))}}[folder]
    for fname, raw in files.items():
        (path / fname).write_bytes(raw)
    with pytest.raises(DatasetError, match=r"\S"):
        load_user_dataset(path)


@pytest.mark.parametrize("name, raw", [("good.npy", GOOD_NPY), ("good.npz", GOOD_NPZ), ("good.zip", GOOD_ZIP)])
def test_valid_files_still_load(name, raw, sandbox):
    """The checks refuse hostile files, not real datasets."""
    path = sandbox / name
    path.write_bytes(raw)
    np.testing.assert_array_equal(load_user_dataset(path), GOOD[:3] if name == "good.zip" else GOOD)


def _mutate(raw: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    out = bytearray(raw)
    for kind, where, value in edits:
        if not out:
            break
        i = where % len(out)
        if kind == 0:
            out[i] = value
        elif kind == 1:
            del out[i:i + 1 + value % 64]
        else:
            out[i:i] = bytes([value]) * (1 + value % 16)
    return bytes(out)


@settings(derandomize=True, max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["a.npy", "a.npz", "a.zip"]),
       edits=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2**20), st.integers(0, 255)),
                      min_size=1, max_size=6))
def test_random_corruption_is_refused_or_valid(name, edits, sandbox):
    """Corrupted files either still load as a valid dataset or fail with DatasetError."""
    raw = {"a.npy": GOOD_NPY, "a.npz": GOOD_NPZ, "a.zip": GOOD_ZIP}[name]
    path = sandbox / name
    path.write_bytes(_mutate(raw, edits))
    try:
        x = load_user_dataset(path)
    except DatasetError as e:
        assert str(e).strip()
        return
    assert x.dtype == bool and x.ndim == 3 and x.shape[1:] == (50, 50)
    assert 0 < x.sum() < x.size  # never all empty nor all full


# ------------------------------------------------------------------ memory of the worst uploads

def _upload_bench():
    spec = importlib.util.spec_from_file_location("upload_memory", ROOT / "bench" / "upload_memory.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


MEMORY_CASES = ["blank_512px_pngs.zip", "uint8_64MB.npy", "colour_pngs.zip", "red_on_black_pngs.zip",
                "text_bomb_pngs.zip", "uint8_01_20000.npy", "float64_fortran_3000.npy", "bool_compressed_20000.npz"]


@pytest.mark.parametrize("name", MEMORY_CASES)
def test_worst_upload_stays_within_its_memory_bound(name, tmp_path):
    """Issue 12: at most 10x the upload's size and 256 MB, in a fresh process (so no test order moves it).

    The bounds are design limits with wide margins (the bench prints the figures), not timings.
    """
    bench = _upload_bench()
    path = tmp_path / name
    path.write_bytes(bench.WORST[name]())
    report = bench.peak_extra(path)
    assert report["extra_bytes"] <= report["allowed_bytes"], report
    expected = {"colour_pngs.zip": "luminance", "uint8_01_20000.npy": "binary",
                "float64_fortran_3000.npy": "float", "bool_compressed_20000.npz": "binary"}
    assert report.get("reading", "refused") == expected.get(name, "refused"), report


# ------------------------------------------------------------------ decode work of one upload

def _cpu_bench():
    sys.path.insert(0, str(ROOT / "bench"))  # it builds on upload_memory's helpers
    import upload_cpu

    return upload_cpu


def test_more_image_bytes_than_one_upload_may_decode_are_refused_from_the_directory(monkeypatch):
    """Issue 22: a ZIP of 4 MB PNG members (each under the ratio limit) made the server inflate gigabytes."""
    bench = _cpu_bench()
    member = bench._padded_png(np.eye(50, dtype=bool), user_data.MAX_IMAGE_BYTES - 64)
    over = bench._repeated_member_zip(member, user_data.MAX_IMAGES_BYTES // len(member) + 1)
    with monkeypatch.context() as patched:
        patched.setattr(user_data, "_decode_pngs", lambda *args: pytest.fail("an image was decoded"))
        with pytest.raises(DatasetError) as caught:
            load_upload("bomb.zip", over)
    assert caught.value.code == "images_too_large" and caught.value.fields == {"mb": user_data.MAX_IMAGES_BYTES // 2**20}
    assert str(caught.value).startswith("bomb.zip: the images add up to 68 MB once unpacked; at most 64 MB")
    at_bound = bench._repeated_member_zip(bench._padded_png(np.eye(50, dtype=bool), 2**20 - 1024), 64)
    assert load_upload("fine.zip", at_bound).designs.shape == (64, 50, 50)
