"""Read-only data every run's views share: the designs, their PCA plane, fixed view noise.

Built once per server process (the registry holds it), so thirty sessions share
one copy of the dataset and its PCA basis.
"""
from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np

from mechgan import data
from mechgan.config import PROBABILITY_LOSSES
from mechgan.distribution import DistributionData, distribution_data, latent_grid, plane_extent
from mechgan.pca import data_pca, fit_pca

log = logging.getLogger(__name__)

REAL_POINTS = 256  # real designs drawn on the PCA plane (and scored by D at every view)
VIEW_SAMPLES = 128  # generated designs drawn on the plane and in the histogram
LATENT_SIDE = 5  # the generator view: a 5 x 5 grid of G's latent space
LIVE_SKIP = ("compliance_gap",)  # metrics left to the Runs page


class ViewMaker:
    """Computes the worker's expensive views from a trainer and the shared data."""

    def __init__(self, designs: np.ndarray | None = None) -> None:
        self.designs = data.load_designs() if designs is None else designs
        self.pca = data_pca() if designs is None else fit_pca(self.designs, 10)
        rng = np.random.default_rng(0)
        pick = rng.choice(len(self.designs), min(REAL_POINTS, len(self.designs)), replace=False)
        self.real_points = self.designs[np.sort(pick)]  # scored by D for the distribution view's background
        self.real_coords = self.pca.project(self.real_points, 2)
        self._diversity = self.diversity(self.designs[pick[:64]])
        self.real_levels = data.material_level(self.designs)
        self.extent = plane_extent(self.real_coords)
        self.shipped = designs is None
        self._reference = None  # the metrics' training side, built on first use

    @property
    def real_diversity(self) -> float:
        """Mean pixel distance between real designs: the yardstick of mode collapse."""
        return self._diversity

    @staticmethod
    def diversity(designs: np.ndarray) -> float:
        """Mean share of differing pixels over pairs of (bool) designs."""
        flat = np.asarray(designs, dtype=bool).reshape(len(designs), -1)
        if len(flat) < 2:
            return 0.0
        diff = (flat[:, None, :] != flat[None, :, :]).mean(axis=2)
        return float(diff.sum() / (len(flat) * (len(flat) - 1)))

    @lru_cache(maxsize=8)
    def noise(self, latent_dim: int) -> np.ndarray:
        """The same latent points for every snapshot, so the view moves only when G does."""
        return np.random.default_rng(1234).standard_normal((VIEW_SAMPLES, latent_dim)).astype(np.float32)

    @lru_cache(maxsize=8)
    def latent(self, latent_dim: int) -> np.ndarray:
        """The generator view's fixed grid of latent points."""
        return latent_grid(latent_dim, LATENT_SIDE)

    def distribution(self, trainer) -> DistributionData:
        config = trainer.config
        return distribution_data(trainer, self.pca, self.real_points, self.real_coords, self.noise(config.latent_dim),
                                 self.extent, self.latent(config.latent_dim),
                                 probability=config.loss in PROBABILITY_LOSSES)

    def metrics(self, trainer, n: int) -> dict | None:
        """The quality report of ``n`` fresh samples, or None when the metrics module is missing."""
        try:
            from mechgan import metrics
        except ImportError:
            return None
        if self._reference is None:
            self._reference = metrics.build_reference(None if self.shipped else self.designs)
        # no compliance solves live: they would cost more than the training step itself
        report = metrics.quality_report(trainer.generate(n=n), reference=self._reference, compliance_samples=0)
        report = {k: float(v) for k, v in report.items() if k not in LIVE_SKIP}
        if trainer.config.conditional:  # a few held-out cases against SIMP, on the metrics' budget
            from mechgan.conditional import live_physics
            from mechgan.physics_metrics import TARGETS

            physics = live_physics(trainer)
            report |= {k: physics[k] for k in TARGETS}
        return report
