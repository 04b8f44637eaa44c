"""What every reader of a user's designs shares: the limits, the error, and the levels that become designs.

The readers (:mod:`mechgan.user_data`) fill one :class:`Levels` array a piece at
a time, each piece checked; its reading of the values then makes bool designs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mechgan.data import SIZE, material_level, resize_designs
from mechgan.errors import Refusal

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


class DatasetError(Refusal):
    """A dataset that mechgan cannot use; the message names the problem, ``code`` and ``fields`` too."""




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



class Levels:
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



def first_line(e: Exception) -> str:
    """An exception's first line, cut short, to quote in a message for the command line."""
    return str(e).splitlines()[0][:120] if str(e) else type(e).__name__
