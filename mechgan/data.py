"""Designs: the shipped dataset, user datasets, material levels and the PCA plane.

Designs are (N, 50, 50) arrays: row 0 is the top of the domain, column 0 the
clamped edge.  The shipped set is bool; models see floats in [-1, 1].
"""
from __future__ import annotations

import io
import json
import math
import tokenize
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import numpy as np

from mechgan.errors import Refusal
from mechgan.topopt import LoadCase

SIZE = 50
DATASET_PATH = Path(__file__).resolve().parent.parent / "assets" / "designs.npz"

# Limits on user datasets: generous for real data, small enough to stop abuse.
MAX_FILE_BYTES = 64 * 2**20
MAX_DESIGNS = 20_000
MAX_SIDE = 512
MAX_ZIP_RATIO = 200
MAX_UNPACKED_BYTES = 256 * 2**20
MAX_VALUES = 64 * 2**20  # pixels held at once (one byte each), checked before allocating
MAX_IMAGE_BYTES = 4 * 2**20  # one PNG: a 512x512 RGBA 16-bit image takes 2 MB uncompressed
# All of an upload's PNGs, unpacked: one upload's decode work (inflating, CRCs, decoding) scales with it, so
# a student repeating one cannot hold a core (bench/upload_cpu.py); real design PNGs take far less.
MAX_IMAGES_BYTES = 64 * 2**20
MAX_IMAGE_TEXT_BYTES = 2 * 2**20  # one PNG's text and colour-profile chunks, once decompressed
MAX_DIRECTORY_BYTES = 8 * 2**20  # a ZIP's central directory: ~100 bytes an entry
CHUNK_VALUES = 2**20  # values converted at once (a few MB of temporaries)
# What a corrupt, encrypted or exotic archive raises (NotImplementedError is a RuntimeError).
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError)


class DatasetError(Refusal):
    """A dataset that mechgan cannot use; the message names the problem, ``code`` and ``fields`` too."""


@dataclass(frozen=True)
class DesignSet:
    """The shipped designs with the specification each one answers."""

    designs: np.ndarray  # (N, 50, 50) bool
    load_row: np.ndarray  # (N,) load node row on the right edge
    load_angle_deg: np.ndarray  # (N,) load direction, degrees from straight down
    volfrac_target: np.ndarray
    volfrac: np.ndarray
    compliance: np.ndarray
    iterations: np.ndarray
    candidate: np.ndarray  # (N,) index of the builder run, for regenerating a design
    meta: dict

    def __len__(self) -> int:
        return len(self.designs)

    def load_case(self, i: int) -> LoadCase:
        return LoadCase(int(self.load_row[i]), float(self.load_angle_deg[i]))


def load_dataset(path: str | Path = DATASET_PATH) -> DesignSet:
    """The dataset file, unpacked once per process however its path is spelled, and shared read-only."""
    return _unpack(Path(path).resolve())


@lru_cache(maxsize=4)
def _unpack(path: Path) -> DesignSet:
    with np.load(path, allow_pickle=False) as z:
        n = len(z["bits"])
        designs = np.unpackbits(z["bits"], axis=1)[:, : SIZE * SIZE].reshape(n, SIZE, SIZE)
        arrays = {k: z[k] for k in ("load_row", "load_angle_deg", "volfrac_target",
                                     "volfrac", "compliance", "iterations", "candidate")}
        meta = json.loads(str(z["meta"]))
    arrays["designs"] = designs.astype(bool)
    for a in arrays.values():
        a.setflags(write=False)
    return DesignSet(meta=meta, **arrays)


def load_designs(path: str | Path = DATASET_PATH) -> np.ndarray:
    """(N, 50, 50) bool designs of the shipped (or given) dataset file."""
    return load_dataset(path).designs


def to_model_range(designs: np.ndarray) -> np.ndarray:
    """{0,1} or [0,1] designs -> float32 (N, 50, 50, 1) in [-1, 1], as the models see them."""
    x = np.asarray(designs, dtype=np.float32)
    return (2.0 * x - 1.0)[..., None]


def binarize(images: np.ndarray) -> np.ndarray:
    """Model outputs in [-1, 1] (any trailing channel) -> bool designs."""
    x = np.asarray(images)
    if x.ndim == 4:
        x = x[..., 0]
    return x > 0


def material_level(designs: np.ndarray) -> np.ndarray:
    """Number of solid pixels of each bool design (the lab's "niveau de matière")."""
    return np.asarray(designs, dtype=bool).reshape(len(designs), -1).sum(axis=1)


def describe(designs: np.ndarray) -> str:
    """Count and material-level summary, as ``mechgan dataset info`` prints it."""
    levels = material_level(designs)
    q = np.percentile(levels, [0, 25, 50, 75, 100])
    px = designs.shape[1] * designs.shape[2]
    return (f"{len(designs)} designs of {designs.shape[1]}x{designs.shape[2]} pixels\n"
            f"material level (solid pixels): mean {levels.mean():.1f} "
            f"({levels.mean() / px:.1%} of the domain), std {levels.std():.1f}\n"
            f"  min {q[0]:.0f}, quartiles {q[1]:.0f} / {q[2]:.0f} / {q[3]:.0f}, max {q[4]:.0f}")


@dataclass(frozen=True)
class PCABasis:
    """Principal axes of flattened designs: the 2-D plane views and 50-D metrics use it."""

    mean: np.ndarray  # (D,)
    components: np.ndarray  # (k, D), orthonormal rows
    explained_variance: np.ndarray  # (k,)

    def project(self, designs: np.ndarray, dims: int | None = None) -> np.ndarray:
        x = np.asarray(designs, dtype=np.float32).reshape(len(designs), -1)
        return (x - self.mean) @ self.components[:dims].T

    def reconstruct(self, coords: np.ndarray) -> np.ndarray:
        """Points of the first ``coords.shape[1]`` axes back to (M, 50, 50) images in ~[0, 1]."""
        k = coords.shape[1]
        x = self.mean + np.asarray(coords, dtype=np.float32) @ self.components[:k]
        side = int(round(np.sqrt(x.shape[1])))
        return x.reshape(len(coords), side, side)


def fit_pca(designs: np.ndarray, k: int = 50, seed: int = 0) -> PCABasis:
    """Top-``k`` principal axes by a randomized SVD (Halko et al.).

    A few power iterations give the same leading axes as a full SVD at a small
    part of its cost, deterministically for a seed (docs/decisions.md).
    """
    x = np.asarray(designs, dtype=np.float32).reshape(len(designs), -1)
    mean = x.mean(axis=0)
    xc = x - mean
    width = min(k + 20, *xc.shape)
    q = xc @ np.random.default_rng(seed).standard_normal((xc.shape[1], width), dtype=np.float32)
    for _ in range(3):
        q, _ = np.linalg.qr(xc @ (xc.T @ np.linalg.qr(q)[0]))
    _, s, vt = np.linalg.svd(q.T @ xc, full_matrices=False)
    k = min(k, width)
    return PCABasis(mean, vt[:k].copy(), (s[:k] ** 2) / max(len(x) - 1, 1))


@lru_cache(maxsize=4)
def data_pca(path: str | Path = DATASET_PATH, k: int = 50) -> PCABasis:
    """The PCA basis of the shipped dataset, computed once per process."""
    return fit_pca(load_designs(path), k)


def resize_designs(designs: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Resize (N, H, W) designs in [0, 1] to size x size with ``tf.image.resize`` (bilinear)."""
    import tensorflow as tf

    x = tf.image.resize(np.asarray(designs, dtype=np.float32)[..., None], (size, size))
    return np.clip(x.numpy()[..., 0], 0.0, 1.0)


# ---------------------------------------------------------------- user datasets
#
# A user's file is read one design (or one chunk of values) at a time into a single uint8 array of
# levels, after every declared size (.npy header, ZIP directory, PNG header) has passed the limits;
# one integer threshold then turns that array, in place, into the bool designs.  So an upload costs
# about its designs' bytes, never a float copy of the set or a decoded image it would refuse.

READINGS = {  # how values become material; the app shows the reading it used
    "binary": "0/1 values",
    "greyscale": "greyscale 0-255 thresholded at 128",
    "luminance": "luminance of colour images thresholded at 128",
    "float": "floats thresholded at 0.5",
}
_GREY_MODES = {"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N"}  # PIL modes without colour
_WIDE_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N"}  # 16-bit PNGs: their values, as integer arrays


@dataclass(frozen=True)
class UserDesigns:
    """A user's designs and the reading of their values that made them."""

    designs: np.ndarray  # (N, 50, 50) bool
    reading: str  # a key of READINGS


def load_user_dataset(path: str | Path, resize: bool = False) -> np.ndarray:
    """A user's designs, (N, 50, 50) bool: see :func:`read_user_dataset`."""
    return read_user_dataset(path, resize).designs


def read_user_dataset(path: str | Path, resize: bool = False) -> UserDesigns:
    """Validate and read a user's .npy / .npz array (N, H, W), .zip of PNG images or folder of PNGs.

    Nothing is unpickled and archives are never extracted.  Other sizes than
    50x50 are resized only if ``resize`` is true.  Raises :class:`DatasetError`
    naming the problem.
    """
    path = Path(path)
    if path.is_dir():
        return _read_png_folder(path, resize)
    if not path.is_file():
        raise DatasetError(f"{path.name}: no such file or folder", "no_file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DatasetError(f"{path.name}: file is larger than {MAX_FILE_BYTES // 2**20} MB", "file_too_large",
                           mb=MAX_FILE_BYTES // 2**20)
    with path.open("rb") as f:
        return read_user_file(f, path.name, resize)


def read_user_file(f: BinaryIO, name: str, resize: bool = False) -> UserDesigns:
    """Read an open, seekable file (an upload's bytes need no temporary file); ``name``'s suffix picks the reader."""
    suffix = PurePosixPath(name).suffix.lower()
    readers = {".npy": _read_npy, ".npz": _read_npz, ".zip": _read_png_zip}
    if suffix not in readers:
        raise DatasetError(f"{name}: unsupported file type {suffix or '(none)'}; "
                           "use .npy, .npz, .zip of PNG images, or a folder of PNGs", "file_type")
    return readers[suffix](f, name, resize)


class _Levels:
    """The designs' values as one uint8 array, filled piece by piece, then thresholded in place.

    Integers and images keep their values (0-255, checked); floats in [0, 1]
    become round(255 x).  The reading follows from what was seen: 0/1 values,
    greyscale, luminance of colour images, or fractional floats.
    """

    def __init__(self, shape: tuple[int, int, int], label: str, fortran: bool = False):
        self.store = np.empty(shape, np.uint8, order="F" if fortran else "C")
        self.flat = self.store.reshape(-1, order="F" if fortran else "C")  # a view, in the file's order
        self.label = label
        self.peak = 0  # highest integer value seen
        self.floats = self.fractional = self.colour = False

    def levels(self, values: np.ndarray) -> np.ndarray:
        """Check one piece of values and return it as levels."""
        if values.dtype.kind == "f":
            if not np.isfinite(values).all():
                raise DatasetError(f"{self.label}: the designs contain NaN or infinite values", "not_finite")
            lo, hi = float(values.min()), float(values.max())
            if lo < 0 or hi > 1:
                raise DatasetError(f"{self.label}: float values must lie in [0, 1]; found {lo:g} to {hi:g}",
                                   "float_range", low=lo, high=hi)
            self.floats = True
            self.fractional = self.fractional or not ((values == 0) | (values == 1)).all()
            return np.rint(values * np.float32(255))
        if values.dtype.kind == "b":
            values = values.view(np.uint8) != 0  # any nonzero byte is True
        lo, hi = int(values.min()), int(values.max())
        if lo < 0 or hi > 255:
            raise DatasetError(f"{self.label}: integer values must be 0/1 or greyscale 0-255; "
                               f"found {lo} to {hi}", "int_range", low=lo, high=hi)
        self.peak = max(self.peak, hi)
        return values

    def put_image(self, i: int, image) -> None:
        """One decoded PIL image: 16-bit ones as their values, colour ones as their luminance."""
        if image.mode in _WIDE_MODES:
            self.store[i] = self.levels(np.asarray(image))
            return
        self.colour = self.colour or image.mode not in _GREY_MODES
        self.store[i] = self.levels(np.asarray(image.convert("L")))

    def designs(self, resize: bool) -> UserDesigns:
        if self.floats:
            reading = "float" if self.fractional else "binary"
        else:
            reading = "binary" if self.peak <= 1 else "luminance" if self.colour else "greyscale"
        scale = 255 if self.floats or self.peak > 1 else 1
        levels = np.ascontiguousarray(self.store)  # a copy only for Fortran-ordered arrays
        self.store = self.flat = None
        if resize and levels.shape[1:] != (SIZE, SIZE):
            designs = _resized(levels, scale)
        else:
            designs = _threshold_in_place(levels, (scale + 1) // 2)
        _check_not_uniform(designs, self.label, reading)
        return UserDesigns(designs, reading)


def _threshold_in_place(levels: np.ndarray, threshold: int) -> np.ndarray:
    """``levels >= threshold`` as bool, written over ``levels`` chunk by chunk."""
    flat = levels.reshape(-1)
    out = flat.view(bool)
    for start in range(0, flat.size, CHUNK_VALUES):
        piece = slice(start, start + CHUNK_VALUES)
        out[piece] = flat[piece] >= threshold
    return out.reshape(levels.shape)


def _resized(levels: np.ndarray, scale: int) -> np.ndarray:
    """Levels of another size -> (N, 50, 50) bool, resized a chunk of designs at a time."""
    out = np.empty((len(levels), SIZE, SIZE), bool)
    step = max(1, CHUNK_VALUES // levels[0].size)
    for start in range(0, len(levels), step):
        out[start:start + step] = resize_designs(levels[start:start + step] / np.float32(scale)) >= 0.5
    return out


def _check_not_uniform(designs: np.ndarray, label: str, reading: str) -> None:
    """A reading that leaves every design empty (or full) lost the data: refuse it."""
    levels = material_level(designs)
    full = levels.min() == designs.shape[1] * designs.shape[2]
    if full or levels.max() == 0:
        raise DatasetError(f"{label}: read as {READINGS[reading]}, every design is "
                           f"{'full' if full else 'empty (no material)'}; material must be 1 (or white, 255) and "
                           "void 0 (black)", "all_full" if full else "all_empty", reading=reading)


# .npy and .npz arrays

def _read_npy(f: BinaryIO, label: str, resize: bool) -> UserDesigns:
    try:
        size = f.seek(0, io.SEEK_END)
        f.seek(0)
        return _read_array(f, size, label, resize)
    except DatasetError:
        raise
    except ValueError as e:
        raise DatasetError(f"{label}: not a plain numeric .npy array ({_short(e)})", "npy_unreadable") from None
    except (OSError, EOFError) as e:
        raise DatasetError(f"{label}: unreadable .npy file ({_short(e)})", "npy_unreadable") from None


def _read_npz(f: BinaryIO, label: str, resize: bool) -> UserDesigns:
    with _open_zip(f, label, ".npz") as zf:
        info = _npz_member(zf, label)
        _check_ratio(label, info)
        with zf.open(info) as member:
            return _read_array(member, info.file_size, label, resize)


def _read_array(f: BinaryIO, size: int, label: str, resize: bool) -> UserDesigns:
    """An .npy stream whose header passed the limits, read a chunk of values at a time."""
    shape, fortran, dtype = _check_npy_header(f, size, label, resize)
    levels = _Levels(shape, label, fortran)
    step = max(1, CHUNK_VALUES // dtype.itemsize)
    for start in range(0, levels.flat.size, step):
        count = min(step, levels.flat.size - start)
        raw = f.read(count * dtype.itemsize)
        if len(raw) < count * dtype.itemsize:
            raise DatasetError(f"{label}: truncated: the array ends after {start + len(raw) // dtype.itemsize} "
                               f"of its {levels.flat.size} values", "truncated")
        levels.flat[start:start + count] = levels.levels(np.frombuffer(raw, dtype))
    return levels.designs(resize)


def _npz_member(zf: zipfile.ZipFile, label: str) -> zipfile.ZipInfo:
    """The array named 'designs', or the only array of the archive."""
    for info in zf.infolist():
        _check_entry_name(label, info.filename)
    arrays = {i.filename[:-4]: i for i in zf.infolist() if i.filename.endswith(".npy")}
    if not arrays:
        raise DatasetError(f"{label}: the .npz archive holds no array", "npz_empty")
    if "designs" in arrays:
        return arrays["designs"]
    if len(arrays) > 1:
        raise DatasetError(f"{label}: several arrays ({', '.join(list(arrays)[:5])}) "
                           "and none named 'designs'", "npz_several", names=", ".join(list(arrays)[:5]))
    return next(iter(arrays.values()))


def _check_npy_header(f: BinaryIO, size: int, label: str, resize: bool) -> tuple[tuple[int, int, int], bool, np.dtype]:
    """Shape (N, H, W), order and dtype from the header, refused before anything is allocated if over a limit."""
    version = np.lib.format.read_magic(f)
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version not in readers:
        raise DatasetError(f"{label}: unsupported .npy format version {version[0]}.{version[1]}", "npy_unreadable")
    try:
        shape, fortran, dtype = readers[version](f)
    except (SyntaxError, tokenize.TokenError) as e:  # numpy parses the header as a Python literal
        raise DatasetError(f"{label}: malformed .npy header ({_short(e)})", "npy_unreadable") from None
    size -= f.tell()
    if dtype.hasobject:
        raise DatasetError(f"{label}: not a plain numeric array: it holds Python objects, "
                           "and mechgan never unpickles data", "npy_objects")
    if dtype.kind not in "biuf" or dtype.fields:
        raise DatasetError(f"{label}: values must be numbers (bool, int or float), got {dtype}", "dtype",
                           dtype=str(dtype))
    if len(shape) == 4 and shape[-1] == 1:
        shape = shape[:3]
    if len(shape) != 3:
        raise DatasetError(f"{label}: expected an array of shape (N, H, W), got {shape}", "shape", shape=str(shape))
    _check_design_shape(label, shape, resize)
    if math.prod(shape) * dtype.itemsize > size:
        raise DatasetError(f"{label}: truncated: shape {shape} needs {math.prod(shape) * dtype.itemsize} "
                           f"bytes, the file holds {size}", "truncated")
    return shape, fortran, dtype


def _check_design_shape(label: str, shape: tuple[int, int, int], resize: bool) -> None:
    n, h, w = shape
    if n == 0 or h == 0 or w == 0:
        raise DatasetError(f"{label}: the dataset is empty (shape {shape})", "empty")
    if n > MAX_DESIGNS:
        raise DatasetError(f"{label}: {n} designs; at most {MAX_DESIGNS} are accepted", "too_many", count=n,
                           most=MAX_DESIGNS)
    if max(h, w) > MAX_SIDE:
        raise DatasetError(f"{label}: designs are {h}x{w}; at most {MAX_SIDE} pixels a side", "side", height=h, width=w,
                           most=MAX_SIDE)
    if (h, w) != (SIZE, SIZE) and not resize:
        raise DatasetError(f"{label}: designs are {h}x{w}; mechgan needs {SIZE}x{SIZE}", "wrong_size", height=h,
                           width=w, size=SIZE)
    if n * h * w > MAX_VALUES:
        raise DatasetError(f"{label}: {n} designs of {h}x{w} are too many pixels (at most {MAX_VALUES})",
                           "too_many_pixels", count=n, height=h, width=w)


# ZIP archives

@contextmanager
def _open_zip(f: BinaryIO, label: str, kind: str) -> Iterator[zipfile.ZipFile]:
    """The archive, once its central directory is known to be small; archive errors become DatasetError."""
    try:
        _check_directory_size(f, label)
        with zipfile.ZipFile(f) as zf:
            yield zf
    except DatasetError:
        raise
    except _ARCHIVE_ERRORS as e:
        raise DatasetError(f"{label}: unreadable {kind} archive ({_short(e)})", "archive_unreadable",
                           kind=kind) from None


def _check_directory_size(f: BinaryIO, label: str) -> None:
    """zipfile holds an object per directory entry (~120 bytes each): bound the directory before it parses it.

    Reads the end record as zipfile finds it (the last one, within the
    trailing 64 KiB); a ZIP64 archive is refused, no upload needs one.
    """
    end = f.seek(0, io.SEEK_END)
    f.seek(max(0, end - 2**16 - 22))
    tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return  # not a ZIP archive: zipfile says so
    if tail[max(0, at - 20):at].startswith(b"PK\x06\x07"):
        raise DatasetError(f"{label}: ZIP64 archives are not accepted", "zip64")
    directory = int.from_bytes(tail[at + 12:at + 16], "little")
    if directory > MAX_DIRECTORY_BYTES:
        raise DatasetError(f"{label}: the archive's directory takes {directory} bytes; "
                           f"at most {MAX_DIRECTORY_BYTES // 2**20} MB (a few entries per design)", "archive_directory",
                           mb=MAX_DIRECTORY_BYTES // 2**20)
    f.seek(0)


def _check_ratio(label: str, info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_UNPACKED_BYTES:
        raise DatasetError(f"{label}: {info.filename} unpacks to more than "
                           f"{MAX_UNPACKED_BYTES // 2**20} MB", "member_too_large", name=info.filename,
                           mb=MAX_UNPACKED_BYTES // 2**20)
    if info.file_size > 2**20 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
        raise DatasetError(f"{label}: {info.filename} has an absurd compression ratio "
                           "(a zip bomb?)", "zip_bomb", name=info.filename)


def _check_entry_name(label: str, name: str) -> None:
    """Archives are never extracted, but a name that climbs out of its folder marks a hostile file."""
    if not name:
        raise DatasetError(f"{label}: an entry of the archive has no name", "unnamed_entry")
    if name.startswith(("/", "\\")) or ":" in name or ".." in Path(name.replace("\\", "/")).parts:
        raise DatasetError(f"{label}: unsafe path in archive: {name!r}", "unsafe_path", name=name)


def _is_metadata(name: str) -> bool:
    """What macOS adds to an archive (``__MACOSX/``, ``._x.png``, ``.DS_Store``): skipped, never decoded."""
    return name.startswith("__MACOSX/") or PurePosixPath(name).name.startswith(".")


# PNG images

def _read_png_zip(f: BinaryIO, label: str, resize: bool) -> UserDesigns:
    with _open_zip(f, label, "ZIP") as zf:
        for info in zf.infolist():
            _check_entry_name(label, info.filename)
        infos = sorted((i for i in zf.infolist() if not i.is_dir() and not _is_metadata(i.filename)),
                       key=lambda i: i.filename)
        if not infos:
            raise DatasetError(f"{label}: the archive is empty", "archive_empty")
        _check_image_count(label, len(infos))
        for info in infos:
            if not info.filename.lower().endswith(".png"):
                raise DatasetError(f"{label}: {info.filename!r} is not a PNG image", "not_png", name=info.filename)
            _check_ratio(label, info)
            _check_image_bytes(label, info.filename, info.file_size)
        _check_images_total(label, sum(i.file_size for i in infos))
        return _decode_pngs([(i.filename, partial(zf.read, i)) for i in infos], label, resize)


def _read_png_folder(path: Path, resize: bool) -> UserDesigns:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".png" and p.is_file())
    if not files:
        raise DatasetError(f"{path.name}: the folder holds no PNG image", "no_png")
    _check_image_count(path.name, len(files))
    _check_images_total(path.name, sum(p.stat().st_size for p in files))
    for p in files:
        _check_image_bytes(path.name, p.name, p.stat().st_size)
    return _decode_pngs([(p.name, p.read_bytes) for p in files], path.name, resize)


def _check_image_count(label: str, count: int) -> None:
    if count > MAX_DESIGNS:
        raise DatasetError(f"{label}: {count} images; at most {MAX_DESIGNS} are accepted", "too_many", count=count,
                           most=MAX_DESIGNS)


def _check_images_total(label: str, size: int) -> None:
    """Refuse, from the sizes alone, more image bytes than one upload may make the server decode."""
    if size > MAX_IMAGES_BYTES:
        mb = MAX_IMAGES_BYTES // 2**20
        raise DatasetError(f"{label}: the images add up to {size / 2**20:.0f} MB once unpacked; at most {mb} MB "
                           "are read from one upload", "images_too_large", mb=mb)


def _check_image_bytes(label: str, name: str, size: int) -> None:
    if size > MAX_IMAGE_BYTES:
        raise DatasetError(f"{label}: {name} takes {size} bytes; one design image may take at most "
                           f"{MAX_IMAGE_BYTES // 2**20} MB", "image_too_large", name=name, mb=MAX_IMAGE_BYTES // 2**20)


def _decode_pngs(entries: list[tuple[str, Callable[[], bytes]]], label: str, resize: bool) -> UserDesigns:
    """Decode the images one at a time into the levels, sized by the first one's header."""
    from PIL import Image, PngImagePlugin

    # Pillow lets one PNG's compressed text chunks unpack to 64 MB (bench/upload_memory.py); design images
    # carry no text worth more than this, so the process-wide limit is lowered.
    PngImagePlugin.MAX_TEXT_MEMORY = min(PngImagePlugin.MAX_TEXT_MEMORY, MAX_IMAGE_TEXT_BYTES)
    levels, size = None, None
    for i, (name, read) in enumerate(entries):
        raw = read()
        try:
            with Image.open(io.BytesIO(raw)) as im:  # lazy: only the header is parsed here
                if im.format != "PNG":
                    raise DatasetError(f"{label}: {name} is not a PNG image", "not_png", name=name)
                if size is None:
                    size = im.size
                    _check_design_shape(f"{label}: {name}", (len(entries), size[1], size[0]), resize)
                    levels = _Levels((len(entries), size[1], size[0]), label)
                elif im.size != size:
                    raise DatasetError(f"{label}: the images do not all have the same size "
                                       f"({name} is {im.size[0]}x{im.size[1]}, others {size[0]}x{size[1]})",
                                       "mixed_sizes", name=name, width=im.size[0], height=im.size[1])
                levels.put_image(i, im)
        except DatasetError:
            raise
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
            raise DatasetError(f"{label}: {name} is not a readable image ({_short(e)})", "image_unreadable",
                               name=name) from None
    return levels.designs(resize)


def _short(e: Exception) -> str:
    return str(e).splitlines()[0][:120] if str(e) else type(e).__name__
