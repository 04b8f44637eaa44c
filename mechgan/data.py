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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mechgan.topopt import LoadCase

SIZE = 50
DATASET_PATH = Path(__file__).resolve().parent.parent / "assets" / "designs.npz"

# Limits on user datasets: generous for real data, small enough to stop abuse.
MAX_FILE_BYTES = 64 * 2**20
MAX_DESIGNS = 20_000
MAX_SIDE = 512
MAX_ZIP_RATIO = 200
MAX_UNPACKED_BYTES = 256 * 2**20
MAX_VALUES = 64 * 2**20  # pixels held at once (256 MB as float32), checked before allocating
# What a corrupt, encrypted or exotic archive raises (NotImplementedError is a RuntimeError).
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError)


class DatasetError(ValueError):
    """A dataset that mechgan cannot use; the message names the problem."""


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


@lru_cache(maxsize=4)
def load_dataset(path: str | Path = DATASET_PATH) -> DesignSet:
    """The dataset file, unpacked once per process and shared read-only."""
    with np.load(Path(path), allow_pickle=False) as z:
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

    A full SVD of 5,000 x 2,500 takes a minute on a busy 2-core server; the
    randomized one with a few power iterations gives the same leading axes in
    about a second, deterministically for a seed.
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

def load_user_dataset(path: str | Path, resize: bool = False) -> np.ndarray:
    """Validate a user's designs and return float32 (N, 50, 50) in [0, 1].

    Accepts an .npy / .npz array (N, H, W) or a .zip / folder of PNG images.
    Nothing is unpickled.  Other sizes than 50x50 are resized only if
    ``resize`` is true.  Raises :class:`DatasetError` naming the problem.
    """
    path = Path(path)
    if path.is_dir():
        images = _read_png_folder(path)
    elif not path.is_file():
        raise DatasetError(f"{path.name}: no such file or folder")
    else:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DatasetError(f"{path.name}: file is larger than {MAX_FILE_BYTES // 2**20} MB")
        suffix = path.suffix.lower()
        readers = {".npy": _read_npy, ".npz": _read_npz, ".zip": _read_png_zip}
        if suffix not in readers:
            raise DatasetError(f"{path.name}: unsupported file type {suffix or '(none)'}; "
                               "use .npy, .npz, .zip of PNG images, or a folder of PNGs")
        images = readers[suffix](path)
    return _validate(images, path.name, resize)


def _read_npy(path: Path) -> np.ndarray:
    try:
        with path.open("rb") as f:
            _check_npy_header(f, path.stat().st_size, path.name)
        return np.load(path, allow_pickle=False)
    except DatasetError:
        raise
    except ValueError as e:
        raise DatasetError(f"{path.name}: not a plain numeric .npy array ({_short(e)})") from None
    except (OSError, EOFError) as e:
        raise DatasetError(f"{path.name}: unreadable .npy file ({_short(e)})") from None


def _read_npz(path: Path) -> np.ndarray:
    try:
        with zipfile.ZipFile(path) as zf:
            info = _npz_member(zf, path.name)
            _check_ratio(path.name, info)
            with zf.open(info) as f:
                _check_npy_header(f, info.file_size, path.name)
            with zf.open(info) as f:
                return np.lib.format.read_array(f, allow_pickle=False)
    except DatasetError:
        raise
    except _ARCHIVE_ERRORS as e:
        raise DatasetError(f"{path.name}: unreadable .npz archive ({_short(e)})") from None


def _npz_member(zf: zipfile.ZipFile, label: str) -> zipfile.ZipInfo:
    """The array named 'designs', or the only array of the archive."""
    for info in zf.infolist():
        _check_entry_name(label, info.filename)
    arrays = {i.filename[:-4]: i for i in zf.infolist() if i.filename.endswith(".npy")}
    if not arrays:
        raise DatasetError(f"{label}: the .npz archive holds no array")
    if "designs" in arrays:
        return arrays["designs"]
    if len(arrays) > 1:
        raise DatasetError(f"{label}: several arrays ({', '.join(list(arrays)[:5])}) "
                           "and none named 'designs'")
    return next(iter(arrays.values()))


def _check_npy_header(f, size: int, label: str) -> None:
    """Refuse, before numpy allocates anything, objects and shapes bigger than the bytes behind them."""
    version = np.lib.format.read_magic(f)
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version not in readers:
        raise DatasetError(f"{label}: unsupported .npy format version {version[0]}.{version[1]}")
    try:
        shape, _, dtype = readers[version](f)
    except (SyntaxError, tokenize.TokenError) as e:  # numpy parses the header as a Python literal
        raise DatasetError(f"{label}: malformed .npy header ({_short(e)})") from None
    size -= f.tell()
    if dtype.hasobject:
        raise DatasetError(f"{label}: not a plain numeric array: it holds Python objects, "
                           "and mechgan never unpickles data")
    count = math.prod(shape)
    if count > MAX_VALUES:
        raise DatasetError(f"{label}: an array of shape {shape} is too large "
                           f"(at most {MAX_VALUES} values)")
    if count * dtype.itemsize > size:
        raise DatasetError(f"{label}: truncated: shape {shape} needs {count * dtype.itemsize} "
                           f"bytes, the file holds {size}")


def _check_ratio(label: str, info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_UNPACKED_BYTES:
        raise DatasetError(f"{label}: {info.filename} unpacks to more than "
                           f"{MAX_UNPACKED_BYTES // 2**20} MB")
    if info.file_size > 2**20 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
        raise DatasetError(f"{label}: {info.filename} has an absurd compression ratio "
                           "(a zip bomb?)")


def _read_png_zip(path: Path) -> np.ndarray:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            _check_zip_entries(path.name, infos)
            entries = ((i.filename, zf.read(i)) for i in sorted(infos, key=lambda i: i.filename))
            return _decode_pngs(entries, path.name)
    except DatasetError:
        raise
    except _ARCHIVE_ERRORS as e:
        raise DatasetError(f"{path.name}: unreadable ZIP archive ({_short(e)})") from None


def _check_zip_entries(label: str, infos: list[zipfile.ZipInfo]) -> None:
    if not infos:
        raise DatasetError(f"{label}: the archive is empty")
    if len(infos) > MAX_DESIGNS:
        raise DatasetError(f"{label}: more than {MAX_DESIGNS} files")
    total = 0
    for info in infos:
        _check_entry_name(label, info.filename)
        if not info.filename.lower().endswith(".png"):
            raise DatasetError(f"{label}: {info.filename!r} is not a PNG image")
        _check_ratio(label, info)
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise DatasetError(f"{label}: unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")


def _check_entry_name(label: str, name: str) -> None:
    """Archives are never extracted, but a name that climbs out of its folder marks a hostile file."""
    if name.startswith(("/", "\\")) or ":" in name or ".." in Path(name.replace("\\", "/")).parts:
        raise DatasetError(f"{label}: unsafe path in archive: {name!r}")


def _read_png_folder(path: Path) -> np.ndarray:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".png" and p.is_file())
    if not files:
        raise DatasetError(f"{path.name}: the folder holds no PNG image")
    if len(files) > MAX_DESIGNS:
        raise DatasetError(f"{path.name}: more than {MAX_DESIGNS} images")
    if sum(p.stat().st_size for p in files) > MAX_FILE_BYTES:
        raise DatasetError(f"{path.name}: images add up to more than {MAX_FILE_BYTES // 2**20} MB")
    return _decode_pngs([(p.name, p.read_bytes()) for p in files], path.name)


def _decode_pngs(entries: Iterable[tuple[str, bytes]], label: str) -> np.ndarray:
    from PIL import Image

    images, values = [], 0
    for name, raw in entries:
        try:
            with Image.open(io.BytesIO(raw)) as im:
                if im.format != "PNG":
                    raise DatasetError(f"{label}: {name} is not a PNG image")
                if max(im.size) > MAX_SIDE:
                    raise DatasetError(f"{label}: {name} is {im.size[0]}x{im.size[1]}; "
                                       f"images may be at most {MAX_SIDE} pixels a side")
                values += im.size[0] * im.size[1]
                if values > MAX_VALUES:
                    raise DatasetError(f"{label}: the images add up to more than {MAX_VALUES} pixels")
                images.append(np.asarray(im.convert("L"), dtype=np.float32) / 255.0)
        except DatasetError:
            raise
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
            raise DatasetError(f"{label}: {name} is not a readable image ({_short(e)})") from None
    if len({im.shape for im in images}) > 1:
        raise DatasetError(f"{label}: the images do not all have the same size")
    return np.stack(images)


def _validate(x: np.ndarray, label: str, resize: bool) -> np.ndarray:
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        raise DatasetError(f"{label}: values must be numbers (bool, int or float), got "
                           f"{getattr(x, 'dtype', type(x).__name__)}")
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3:
        raise DatasetError(f"{label}: expected an array of shape (N, H, W), got {x.shape}")
    n, h, w = x.shape
    if n == 0 or h == 0 or w == 0:
        raise DatasetError(f"{label}: the dataset is empty (shape {x.shape})")
    if n > MAX_DESIGNS:
        raise DatasetError(f"{label}: {n} designs; at most {MAX_DESIGNS} are accepted")
    if max(h, w) > MAX_SIDE:
        raise DatasetError(f"{label}: designs are {h}x{w}; at most {MAX_SIDE} pixels a side")
    x = x.astype(np.float32) / (255.0 if x.dtype == np.uint8 else 1.0)
    if not np.isfinite(x).all():
        raise DatasetError(f"{label}: the designs contain NaN or infinite values")
    lo, hi = float(x.min()), float(x.max())
    if lo < 0 or hi > 1:
        raise DatasetError(f"{label}: values must lie in [0, 1] (or 0..255 for uint8); "
                           f"found {lo:g} to {hi:g}")
    if (h, w) != (SIZE, SIZE):
        if not resize:
            raise DatasetError(f"{label}: designs are {h}x{w}; mechgan needs {SIZE}x{SIZE} "
                               "(ask for resizing to convert them)")
        x = resize_designs(x)
    return x


def _short(e: Exception) -> str:
    return str(e).splitlines()[0][:120] if str(e) else type(e).__name__
