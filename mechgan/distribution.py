"""The distribution view's data: real and generated designs on the PCA plane, and where D believes designs are real.

GAN Lab's main view, computed from a trainer's current weights into plain
arrays (:class:`DistributionData`) that :func:`mechgan.training_figures.distribution_view` draws.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mechgan.data import binarize, material_level
from mechgan.pca import PCABasis


def material_levels(designs: np.ndarray) -> np.ndarray:
    """Solid pixels per design, from bool designs or model outputs in [-1, 1]."""
    d = np.asarray(designs)
    return material_level(d if d.dtype == bool else binarize(d))


@dataclass(frozen=True)
class DistributionData:
    """Real and generated designs on the data's PCA plane with D's score of each, where D believes
    designs are real (the background), G's push, and G's map of a latent grid."""

    real: np.ndarray  # (R, 2) plane coordinates of real designs
    fake: np.ndarray  # (F, 2) plane coordinates of generated designs
    real_scores: np.ndarray  # (R,) D's score of each real design, on the background's 0..1 scale
    fake_scores: np.ndarray  # (F,)
    grid_x: np.ndarray  # (G,)
    grid_y: np.ndarray  # (G,)
    scores: np.ndarray  # (G, G) the background: D's scores smoothed over the plane (row = y)
    arrows: np.ndarray  # (A, 2) generator gradient of fake[:A], projected on the plane
    fake_levels: np.ndarray  # (F,) material levels of the generated designs
    latent: np.ndarray  # (n*n, 50, 50) G's designs on a 2-D grid of its latent space, row by row
    latent_scores: np.ndarray  # (n*n,) D's score of each of them (0..1, as D outputs it)
    iteration: int

    @property
    def contrast(self) -> float:
        """Mean background under the real designs minus under the generated ones: near 0 when the
        plane is neutral, up to 1 when reals sit on full green and fakes on full purple."""
        return float(np.mean(self.background_at(self.real)) - np.mean(self.background_at(self.fake)))

    def background_at(self, points: np.ndarray) -> np.ndarray:
        """The background's value at plane points (nearest grid cell)."""
        return self.scores[_nearest(self.grid_y, points[:, 1]), _nearest(self.grid_x, points[:, 0])]


def _nearest(grid: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of the nearest point of an evenly spaced ``grid``."""
    step = (grid[-1] - grid[0]) / max(len(grid) - 1, 1)
    return np.clip(np.round((values - grid[0]) / step), 0, len(grid) - 1).astype(int)


def plane_extent(real_coords: np.ndarray, margin: float = 0.15) -> tuple[float, float, float, float]:
    """A box around the real designs on the plane, with some room for wandering samples."""
    lo, hi = real_coords.min(axis=0), real_coords.max(axis=0)
    pad = (hi - lo) * margin
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


BANDWIDTH = 0.04  # kernel width, as a share of the plane's larger side (a few designs apart)
PRIOR = 1.0  # kernel weight of the neutral prior: where few designs lie, the plane stays neutral


def smoothed_scores(points: np.ndarray, scores: np.ndarray, weights: np.ndarray, gx: np.ndarray, gy: np.ndarray,
                    bandwidth: float, neutral: float = 0.5, prior: float = PRIOR) -> np.ndarray:
    """Nadaraya–Watson estimate of D's score over a grid, from designs D actually scored.

    Why this and not D's score of each grid point decoded back into a design: the
    inverse PCA of a plane point is a blurry grey image, unlike every design D is
    trained on, so D calls it fake everywhere and the plane was one flat colour.
    Here every value comes from a real or generated design, scored as D scores
    during training; a Gaussian kernel averages them over their neighbourhood on the
    plane (a local weighted mean, the simplest consistent regression).  ``weights``
    give real and generated designs equal total weight, and a ``prior`` of weight at
    ``neutral`` pulls empty parts of the plane, and mixed ones where D cannot tell,
    to the neutral colour rather than extrapolating.
    """
    # a Gaussian kernel is separable: K = Ky Kx, so both sums over designs are two small matrix products
    kx = np.exp(-0.5 * ((gx[:, None] - points[None, :, 0]) / bandwidth) ** 2)  # (Gx, N)
    ky = np.exp(-0.5 * ((gy[:, None] - points[None, :, 1]) / bandwidth) ** 2)  # (Gy, N)
    total = ky @ (kx * weights).T
    field = (ky @ (kx * weights * scores).T + prior * neutral) / (total + prior)
    return field.astype(np.float32)


def background_scale(real_scores: np.ndarray, fake_scores: np.ndarray,
                     probability: bool) -> tuple[np.ndarray, np.ndarray]:
    """Scores on a 0..1 scale where 0.5 means "D cannot tell".

    Under minimax and non-saturating losses D's output is a probability: kept as is.
    Under the other losses it is a score with an arbitrary offset (a critic can
    call everything 0.99 and still rank reals above fakes): its logit is centred
    on the mean over both sets before the sigmoid, so only D's ranking shows.
    """
    if probability:
        return real_scores, fake_scores
    logit = lambda p: np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))  # noqa: E731
    lr, lf = logit(real_scores), logit(fake_scores)
    centre = 0.5 * (lr.mean() + lf.mean())
    return 1 / (1 + np.exp(-(lr - centre))), 1 / (1 + np.exp(-(lf - centre)))


def latent_grid(latent_dim: int, side: int = 5, reach: float = 2.0, seed: int = 7) -> np.ndarray:
    """``side`` x ``side`` latent points on the plane of two fixed random orthonormal directions,
    from -reach to +reach standard deviations (GAN Lab's view of how G maps its input space)."""
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.standard_normal((latent_dim, 2)))
    steps = np.linspace(-reach, reach, side)
    a, b = np.meshgrid(steps, steps)
    return (np.stack([a.ravel(), b.ravel()], axis=1) @ basis.T).astype(np.float32)


def distribution_data(trainer, pca: PCABasis, reals: np.ndarray, real_coords: np.ndarray, noise: np.ndarray,
                      extent: tuple[float, float, float, float], latent: np.ndarray, grid: int = 40,
                      arrows: int = 16, probability: bool = True) -> DistributionData:
    """Everything the distribution view draws, computed with the trainer's current weights.

    ``reals`` (bool designs) sit at ``real_coords``; D scores them and the generated
    designs of ``noise``, and :func:`smoothed_scores` spreads those scores over the
    plane.  G's gradient -dL_G/dx at each sample is projected on the plane (PCA is linear).
    """
    gx = np.linspace(extent[0], extent[1], grid, dtype=np.float32)
    gy = np.linspace(extent[2], extent[3], grid, dtype=np.float32)
    fakes = np.asarray(trainer.generate(noise=noise))
    grid_designs = np.asarray(trainer.generate(noise=latent))
    scores = np.asarray(trainer.d_scores(np.concatenate([np.where(reals, 1.0, -1.0).astype(np.float32),
                                                         fakes, grid_designs])))
    n_real, n_fake = len(reals), len(fakes)
    real_s, fake_s = background_scale(scores[:n_real], scores[n_real:n_real + n_fake], probability)
    fake_coords = pca.project((fakes + 1.0) / 2.0, 2)
    points = np.concatenate([real_coords, fake_coords])
    weights = np.concatenate([np.full(n_real, 0.5 * (n_real + n_fake) / n_real),
                              np.full(n_fake, 0.5 * (n_real + n_fake) / n_fake)])
    bandwidth = BANDWIDTH * max(extent[1] - extent[0], extent[3] - extent[2])
    background = smoothed_scores(points, np.concatenate([real_s, fake_s]), weights, gx, gy, bandwidth)
    grads = np.asarray(trainer.generator_gradients(noise[:arrows]), dtype=np.float32)
    push = 0.5 * grads.reshape(len(grads), -1) @ pca.components[:2].T  # x = 2*x01 - 1
    return DistributionData(real=real_coords, fake=fake_coords, real_scores=real_s, fake_scores=fake_s,
                            grid_x=gx, grid_y=gy, scores=background, arrows=push,
                            fake_levels=material_levels(fakes), latent=grid_designs,
                            latent_scores=scores[n_real + n_fake:], iteration=int(trainer.iteration))
