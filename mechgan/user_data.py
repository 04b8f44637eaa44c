"""A user's designs: a .npy / .npz array, a .zip of PNG images or a folder of PNGs, validated and read.

Nothing is unpickled and archives are never extracted; every declared size
(.npy header, ZIP directory, PNG header) passes the limits below before
anything is allocated or decoded.
"""
from __future__ import annotations

import io
import math
import tokenize
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import numpy as np

from mechgan.data import SIZE
from mechgan.user_levels import (CHUNK_VALUES, MAX_DESIGNS, MAX_DIRECTORY_BYTES, MAX_FILE_BYTES,  # noqa: F401
                                 MAX_IMAGE_BYTES, MAX_IMAGE_TEXT_BYTES, MAX_IMAGES_BYTES, MAX_SIDE,
                                 MAX_UNPACKED_BYTES, MAX_VALUES, MAX_ZIP_RATIO, READINGS, DatasetError, Levels,
                                 UserDesigns, first_line)

# What a corrupt, encrypted or exotic archive raises (NotImplementedError is a RuntimeError).
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError)


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


# .npy and .npz arrays

def _read_npy(f: BinaryIO, label: str, resize: bool) -> UserDesigns:
    try:
        size = f.seek(0, io.SEEK_END)
        f.seek(0)
        return _read_array(f, size, label, resize)
    except DatasetError:
        raise
    except ValueError as e:
        raise DatasetError(f"{label}: not a plain numeric .npy array ({first_line(e)})", "npy_unreadable") from None
    except (OSError, EOFError) as e:
        raise DatasetError(f"{label}: unreadable .npy file ({first_line(e)})", "npy_unreadable") from None


def _read_npz(f: BinaryIO, label: str, resize: bool) -> UserDesigns:
    with _open_zip(f, label, ".npz") as zf:
        info = _npz_member(zf, label)
        _check_ratio(label, info)
        with zf.open(info) as member:
            return _read_array(member, info.file_size, label, resize)


def _read_array(f: BinaryIO, size: int, label: str, resize: bool) -> UserDesigns:
    """An .npy stream whose header passed the limits, read a chunk of values at a time."""
    shape, fortran, dtype = _check_npy_header(f, size, label, resize)
    levels = Levels(shape, label, fortran)
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
        raise DatasetError(f"{label}: malformed .npy header ({first_line(e)})", "npy_unreadable") from None
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
        raise DatasetError(f"{label}: unreadable {kind} archive ({first_line(e)})", "archive_unreadable",
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
                    levels = Levels((len(entries), size[1], size[0]), label)
                elif im.size != size:
                    raise DatasetError(f"{label}: the images do not all have the same size "
                                       f"({name} is {im.size[0]}x{im.size[1]}, others {size[0]}x{size[1]})",
                                       "mixed_sizes", name=name, width=im.size[0], height=im.size[1])
                levels.put_image(i, im)
        except DatasetError:
            raise
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
            raise DatasetError(f"{label}: {name} is not a readable image ({first_line(e)})", "image_unreadable",
                               name=name) from None
    return levels.designs(resize)
