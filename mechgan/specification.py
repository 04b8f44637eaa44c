"""A cantilever's specification (load row, angle, volume) as a conditional model reads it; no TensorFlow here,
so a command can refuse a nonsense case at once.

The shipped designs are split once, by a seed: 10 % are held out as the test
cases no model trains on.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mechgan import data, pieces
from mechgan.dataset_builder import FAMILY

CONDITION_DIM = 3
TEST_FRACTION, SPLIT_SEED = 0.10, 0
# The cases a conditional run's fixed samples show (row, angle, volume): four noises each, a row of the Lab's grid.
FIXED_CASES = ((15, -30.0, 0.35), (25, 0.0, 0.40), (35, 30.0, 0.45), (20, 15.0, 0.50))


def encode_condition(row, angle_deg, volfrac) -> np.ndarray:
    """(n, 3) float32 conditions; the shipped family maps to [-1, 1] on each axis."""
    mid_row = (FAMILY.row_min + FAMILY.row_max) / 2
    mid_vol = (FAMILY.volfrac_min + FAMILY.volfrac_max) / 2
    c = np.stack(np.broadcast_arrays(
        (np.asarray(row, np.float64) - mid_row) / (FAMILY.row_max - mid_row),
        np.asarray(angle_deg, np.float64) / FAMILY.angle_max_deg,
        (np.asarray(volfrac, np.float64) - mid_vol) / (FAMILY.volfrac_max - mid_vol)), axis=-1)
    return np.atleast_2d(c).astype(np.float32)


def load_pixel_rows(conditions: np.ndarray | None, n: int, height: int = data.SIZE) -> np.ndarray:
    """(n, 2) int first and last pixel rows of the last column that touch each design's load node, for
    images ``height`` pixels tall.  Without conditions (an unconditional run) the load may be anywhere in
    the shipped family's band of rows: the span of that band."""
    if conditions is None:
        return _pixel_rows(np.tile([FAMILY.row_min, FAMILY.row_max], (n, 1)).astype(np.float64), height)
    mid_row = (FAMILY.row_min + FAMILY.row_max) / 2
    return node_pixel_rows(np.rint(mid_row + np.asarray(conditions)[:, 0] * (FAMILY.row_max - mid_row)), height)


def node_pixel_rows(rows, height: int = data.SIZE) -> np.ndarray:
    """(n, 2) int first and last pixel rows of the last column that touch load node ``rows[i]``."""
    rows = np.asarray(rows, np.float64).reshape(-1, 1)
    return _pixel_rows(np.hstack([rows, rows]), height)


def prune_to_parts(designs: np.ndarray, load_rows) -> np.ndarray:
    """Each (N, H, W) bool design with the pieces cut off from the one that joins the clamped edge to load node
    ``load_rows[i]`` set to void (``pieces.prune``): a part, in one piece, as stiff as before."""
    designs = np.asarray(designs, bool)
    return pieces.prune(designs, node_pixel_rows(load_rows, designs.shape[1]))


def _pixel_rows(rows: np.ndarray, height: int) -> np.ndarray:
    rows = np.clip(rows + [-1, 0], 0, data.SIZE - 1)  # node r lies between pixel rows r - 1 and r
    return (rows * height // data.SIZE).astype(np.int64)


def dataset_conditions(ds: data.DesignSet) -> np.ndarray:
    """The condition of every design of a dataset (its target volume, not the one reached)."""
    return encode_condition(ds.load_row, ds.load_angle_deg, ds.volfrac_target)


def split(n: int, seed: int = SPLIT_SEED, test_fraction: float = TEST_FRACTION) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (train, test) indices of ``n`` designs; the same for a seed on every machine."""
    order = np.random.default_rng([seed, n]).permutation(n)
    cut = int(round(test_fraction * n))
    return np.sort(order[cut:]), np.sort(order[:cut])


@dataclass(frozen=True)
class Split:
    """The shipped designs cut into training and held-out test cases."""

    dataset: data.DesignSet
    train: np.ndarray
    test: np.ndarray

    @property
    def conditions(self) -> np.ndarray:
        return dataset_conditions(self.dataset)


@lru_cache(maxsize=1)
def shipped_split() -> Split:
    """The shipped designs' split, loaded once a process (a class's runs share it; treat it as read-only)."""
    ds = data.load_dataset(data.DATASET_PATH)
    return Split(ds, *split(len(ds)))


@lru_cache(maxsize=1)
def training_cases() -> tuple[np.ndarray, np.ndarray]:
    """The training split's designs and conditions, one copy a process."""
    s = shipped_split()
    return s.dataset.designs[s.train], s.conditions[s.train]


def in_trained_ranges(row: int, angle_deg: float, volfrac: float) -> bool:
    """Whether a case lies inside the ranges the shipped designs (and model) cover."""
    return (FAMILY.row_min <= row <= FAMILY.row_max and abs(angle_deg) <= FAMILY.angle_max_deg
            and FAMILY.volfrac_min <= volfrac <= FAMILY.volfrac_max)


def check_case(row: float, angle_deg: float, volfrac: float) -> None:
    """Refuse what no cantilever can be: a load off the right edge, a volume outside (0, 1)."""
    if not (float(row).is_integer() and 0 <= row <= data.SIZE):
        raise ValueError(f"load row must be a whole number from 0 (top) to {data.SIZE} (bottom), got {row:g}")
    if not np.isfinite(angle_deg):
        raise ValueError(f"angle must be a finite number of degrees, got {angle_deg}")
    if not 0 < volfrac < 1:
        raise ValueError(f"volume fraction must be between 0 and 1 (exclusive), got {volfrac:g}")


def read_cases(path: str | Path) -> np.ndarray:
    """(m, 3) float (row, angle, volume) cases from a text file, one ``row,angle,volume`` a line; a header
    line (no digits) first and blank lines are skipped.  A bad line is refused by its number."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"cannot read the cases file {path}: {e}") from None
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (number == 1 and not any(ch.isdigit() for ch in line)):
            continue
        try:
            cases.append(_parse_case(line))
        except ValueError as e:
            raise ValueError(f"{path} line {number}: {e}") from None
    if not cases:
        raise ValueError(f"{path} holds no cases (one row,angle,volume a line)")
    return np.array(cases)


def _parse_case(line: str) -> tuple[float, float, float]:
    try:
        row, angle, volume = (float(cell) for cell in line.split(","))
    except ValueError:  # a word, or not three cells
        raise ValueError(f"expected row,angle,volume, got {line.strip()!r}") from None
    check_case(row, angle, volume)
    return row, angle, volume
