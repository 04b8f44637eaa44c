"""A cantilever's specification (load row, angle, volume) as a conditional model reads it; no TensorFlow here,
so a command can refuse a nonsense case at once."""
from __future__ import annotations

import numpy as np

from mechgan.dataset_builder import FAMILY

CONDITION_DIM = 3
SIZE = 50
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


def in_trained_ranges(row: int, angle_deg: float, volfrac: float) -> bool:
    """Whether a case lies inside the ranges the shipped designs (and model) cover."""
    return (FAMILY.row_min <= row <= FAMILY.row_max and abs(angle_deg) <= FAMILY.angle_max_deg
            and FAMILY.volfrac_min <= volfrac <= FAMILY.volfrac_max)


def check_case(row: float, angle_deg: float, volfrac: float) -> None:
    """Refuse what no cantilever can be: a load off the right edge, a volume outside (0, 1)."""
    if not (float(row).is_integer() and 0 <= row <= SIZE):
        raise ValueError(f"load row must be a whole number from 0 (top) to {SIZE} (bottom), got {row:g}")
    if not np.isfinite(angle_deg):
        raise ValueError(f"angle must be a finite number of degrees, got {angle_deg}")
    if not 0 < volfrac < 1:
        raise ValueError(f"volume fraction must be between 0 and 1 (exclusive), got {volfrac:g}")
