"""Designs: the shipped dataset, material levels and the models' range of values.

Designs are (N, 50, 50) arrays: row 0 is the top of the domain, column 0 the
clamped edge.  The shipped set is bool; models see floats in [-1, 1].  A user's
designs are read by :mod:`mechgan.user_data`, the PCA plane is :mod:`mechgan.pca`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mechgan.topopt import LoadCase

SIZE = 50
DATASET_PATH = Path(__file__).resolve().parent.parent / "assets" / "designs.npz"


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


def resize_designs(designs: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Resize (N, H, W) designs in [0, 1] to size x size with ``tf.image.resize`` (bilinear)."""
    import tensorflow as tf

    x = tf.image.resize(np.asarray(designs, dtype=np.float32)[..., None], (size, size))
    return np.clip(x.numpy()[..., 0], 0.0, 1.0)
