"""The PCA plane of the designs: the 2-D views and the 50-D metrics read designs in its axes."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mechgan.data import DATASET_PATH, load_designs


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
