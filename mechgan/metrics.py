"""How good generated designs are as mechanical designs, not only as images.

Every metric compares a batch of generated designs with the training designs.
Designs are (N, 50, 50) bool arrays (solid = True, column 0 the clamped edge);
``quality_report`` also takes raw model outputs in [-1, 1] and binarizes them.

The training side (PCA coordinates, float pixels, the novelty threshold) is
computed once per dataset as a :class:`Reference`; the shipped dataset's is
cached.  Most of a report's time goes to its compliance solves
(``compliance_samples=0`` skips them; bench/metrics_bench.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist, jensenshannon
from scipy.stats import wasserstein_distance

from mechgan import data, topopt
from mechgan.pca import PCABasis, data_pca, fit_pca
from mechgan.pieces import SPECK_PIXELS, floating_mask, piece_counts  # noqa: F401  (metrics.*)

GRID_BINS = 30
# Padding of the JS grid on each side, as a share of the real data's extent.  It
# is wider than one cell, so the edge cells hold no real design: generated
# designs that fall outside the real cloud (clipped into them) count as disjoint.
GRID_MARGIN = 0.05
PR_K = 3
PR_DIMS = 50
PR_MAX_REAL = 2000
NOVELTY_QUERIES = 1000
GAP_CAP = 100.0
SEED = 0
# Two points this close in PCA space (pixel units) are one point: the same
# design projected in two batches can differ by float32 rounding.
_TIE = 1e-3


# ---------------------------------------------------------------- the metrics

def material_w1(generated: np.ndarray, real: np.ndarray) -> float:
    """Wasserstein-1 distance between material levels as fractions of the domain.

    0.02 means the generated levels sit, on average, 50 pixels (2 % of 2,500)
    away from the real ones.
    """
    return float(wasserstein_distance(_fractions(generated), _fractions(real)))


def js_pca(generated: np.ndarray, real: np.ndarray, pca: PCABasis,
           bins: int = GRID_BINS) -> float:
    """GAN Lab's "JS divergence by grid" on the data's 2-D PCA plane, base 2, in [0, 1].

    The grid spans the real designs' projection plus a margin; generated
    designs outside it are clipped into the (real-free) edge cells.  Few
    samples on 900 cells leave a floor: 256 training designs themselves score
    ~0.33 against the 5,000, so compare runs at equal sample counts.
    """
    return _js_grid(pca.project(_as_designs(generated), 2), pca.project(_as_designs(real), 2), bins)


def floating_rate(designs: np.ndarray) -> float:
    """Share of designs whose solid is not one 8-connected piece (empty counts as floating)."""
    return float((piece_counts(_as_designs(designs)) != 1).mean())


def support_contact_rate(designs: np.ndarray) -> float:
    """Share of designs with solid in column 0, the clamped edge."""
    return float(_as_designs(designs)[:, :, 0].any(axis=1).mean())


def binarity(images: np.ndarray) -> float:
    """Mean |x| of raw outputs in [-1, 1]: 1 = every pixel at -1 or +1, 0 = all mid-gray.

    Bool designs are binary by construction and give 1.
    """
    x = np.asarray(images)
    if x.dtype == bool:
        return 1.0
    return float(np.abs(x.astype(np.float32)).mean())


def precision_recall(generated: np.ndarray, real: np.ndarray, pca: PCABasis,
                     k: int = PR_K, dims: int = PR_DIMS) -> tuple[float, float]:
    """k-NN manifold precision and recall (Kynkäänniemi et al. 2019) in PCA space.

    Precision: share of generated designs inside the real manifold (within the
    k-th-neighbour radius of some real design); recall: share of real designs
    inside the generated manifold.  As in the paper both sets have the same
    size: a fixed-seed subset of the real designs as large as the generated
    batch (at most PR_MAX_REAL), so identical distributions give P ~ R.

    The space is the ``dims`` PCA coordinates plus the distance to the PCA
    subspace: pixel noise has almost no component along the data's axes and
    would otherwise sit near the mean design, inside the real manifold.
    """
    gen = _features(_as_designs(generated), pca, dims)
    real = _as_designs(real)
    return _precision_recall(gen, _features(real[_subset(len(real), len(gen))], pca, dims), k)


def novelty(generated: np.ndarray, real: np.ndarray, threshold: float | None = None) -> float:
    """Share of generated designs farther than ``threshold`` pixels (Hamming) from every real one.

    The default threshold is the median distance from a training design to its
    nearest other training design: a sample counts as new when it is as far
    from the data as a fresh training design would be.  Copies give 0.
    """
    ref_flat = _flat(_as_designs(real))
    if threshold is None:
        threshold = _novelty_threshold(ref_flat)
    return float((_nearest(_flat(_as_designs(generated)), ref_flat)[1] > threshold).mean())


def compliance_gap(generated: np.ndarray, dataset: data.DesignSet, n: int = 32) -> float:
    """Median relative compliance gap (c_gen - c_j) / c_j over n evenly spaced samples.

    j is each sample's nearest training design (Hamming distance, the same
    neighbour novelty uses) and both compliances are under j's load case, so
    0 means "as stiff as the design it resembles", 0.5 means 50 % more flexible.
    A design that does not carry the load has a compliance ~1e9 times too
    large; each gap is capped at GAP_CAP and the median keeps a minority of
    such samples from dominating.  Less material than j also raises the gap.
    """
    designs = _as_designs(generated)
    nearest = _nearest(_flat(designs), _flat(dataset.designs))[0]
    return _compliance_gap(designs, nearest, dataset, n)


# ---------------------------------------------------------------- the report

@dataclass(frozen=True, eq=False)
class Reference:
    """The training side of every metric, computed once per dataset and PCA basis.

    Shared read-only between sessions; build one with :func:`build_reference`
    when reporting repeatedly on a dataset other than the shipped one.
    """

    designs: np.ndarray  # (N, 50, 50) bool
    dataset: data.DesignSet | None  # load cases for the compliance gap; None for bare designs
    pca: PCABasis
    features: np.ndarray  # (N, PR_DIMS + 1) see _features; the first two are the JS plane
    flat: np.ndarray  # (N, 2500) float32 pixels, for Hamming distances
    novelty_threshold: float  # pixels


def build_reference(dataset: data.DesignSet | np.ndarray | None = None,
                    pca: PCABasis | None = None) -> Reference:
    """Reference for ``dataset`` (default: the shipped one, cached).

    ``dataset`` may be a DesignSet or bare designs ((N, 50, 50) bool or floats
    in [0, 1], thresholded at 0.5), which have no load cases and hence no
    compliance gap.  ``pca`` defaults to the basis of the given designs.
    """
    if dataset is None and pca is None:
        return _shipped_reference()
    if dataset is None:
        dataset = data.load_dataset()
    designs = _training_designs(dataset)
    if len(designs) <= PR_K:
        raise ValueError(f"the training set needs at least {PR_K + 1} designs, got {len(designs)}")
    if pca is None:
        pca = data_pca() if dataset is data.load_dataset() else fit_pca(designs, PR_DIMS)
    flat, features = _flat(designs), _features(designs, pca, PR_DIMS)
    for shared in (flat, features):
        shared.setflags(write=False)
    return Reference(designs, dataset if isinstance(dataset, data.DesignSet) else None, pca,
                     features, flat, _novelty_threshold(flat))


@lru_cache(maxsize=1)
def _shipped_reference() -> Reference:
    return build_reference(data.load_dataset(), data_pca())


def quality_report(generated: np.ndarray, dataset: data.DesignSet | np.ndarray | None = None,
                   pca: PCABasis | None = None, compliance_samples: int = 32,
                   reference: Reference | None = None) -> dict[str, float]:
    """Every metric of ``generated`` against the training designs, as plain floats.

    ``generated``: (M, 50, 50) or (M, 50, 50, 1) model outputs in [-1, 1], or
    bool designs; M >= 4.  Pass ``reference`` (from :func:`build_reference`) to
    skip rebuilding the training side on every call for a non-shipped dataset;
    when given, it replaces ``dataset`` and ``pca``.
    compliance_gap is NaN when the dataset has no load cases or
    ``compliance_samples`` is 0 (which skips the solves, most of the cost).
    """
    images = _as_images(generated)
    designs = data.binarize(images)
    ref = reference or build_reference(dataset, pca)
    features = _features(designs, ref.pca, PR_DIMS)
    nearest, distance = _nearest(_flat(designs), ref.flat)
    precision, recall = _precision_recall(
        features, ref.features[_subset(len(ref.features), len(features))], PR_K)
    gap = (float("nan") if ref.dataset is None or compliance_samples < 1
           else _compliance_gap(designs, nearest, ref.dataset, compliance_samples))
    return {
        "material_w1": material_w1(designs, ref.designs),
        "js_pca": _js_grid(features[:, :2], ref.features[:, :2], GRID_BINS),
        "floating_rate": floating_rate(designs),
        "support_contact_rate": support_contact_rate(designs),
        "binarity": binarity(images),
        "precision": precision,
        "recall": recall,
        "novelty": float((distance > ref.novelty_threshold).mean()),
        "compliance_gap": gap,
    }


# ---------------------------------------------------------------- the bar

@dataclass(frozen=True)
class Criterion:
    """One line of the quality bar: ``report[key] op threshold``."""

    key: str
    op: str  # "<=" or ">="
    threshold: float

    def met(self, report: dict[str, float]) -> bool:
        """False for NaN, so a broken metric never passes."""
        value = report[self.key]
        return bool(value <= self.threshold if self.op == "<=" else value >= self.threshold)

    def __str__(self) -> str:
        return f"{self.key} {self.op} {self.threshold:g}"


# The bar the default configuration must reach on 256 samples (issue 3).
QUALITY_BAR = MappingProxyType({c.key: c for c in (
    Criterion("material_w1", "<=", 0.02),
    Criterion("floating_rate", "<=", 0.20),
    Criterion("support_contact_rate", ">=", 0.90),
    Criterion("recall", ">=", 0.5),
)})


def bar_failures(report: dict[str, float]) -> list[str]:
    """Keys of the QUALITY_BAR criteria the report misses (``str(QUALITY_BAR[key])`` describes one)."""
    return [key for key, criterion in QUALITY_BAR.items() if not criterion.met(report)]


def passes_bar(report: dict[str, float]) -> bool:
    return not bar_failures(report)


# ---------------------------------------------------------------- helpers

def _as_designs(designs: np.ndarray) -> np.ndarray:
    """(N, H, W[, 1]) bool or 0/1 designs -> bool; anything else is a clear error."""
    x = np.asarray(designs)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or 0 in x.shape:
        raise ValueError(f"expected designs of shape (N, H, W) with N >= 1, got {x.shape}")
    if x.dtype != bool:
        if x.dtype.kind not in "biuf" or not np.isin(x, (0, 1)).all():
            raise ValueError("designs must be bool or 0/1; binarize model outputs with "
                             "mechgan.data.binarize first")
        x = x.astype(bool)
    return x


def _as_images(generated: np.ndarray) -> np.ndarray:
    """Model outputs (M, 50, 50[, 1]) in [-1, 1] or bool designs -> float32 (M, 50, 50)."""
    x = np.asarray(generated)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or x.shape[1:] != (data.SIZE, data.SIZE):
        raise ValueError(f"generated designs must have shape (M, {data.SIZE}, {data.SIZE}) "
                         f"or (M, {data.SIZE}, {data.SIZE}, 1), got {x.shape}")
    if len(x) <= PR_K:
        raise ValueError(f"the quality report needs at least {PR_K + 1} generated designs, got {len(x)}")
    if x.dtype == bool:
        return np.where(x, 1.0, -1.0).astype(np.float32)
    if x.dtype.kind not in "iuf":
        raise ValueError(f"generated designs must be numbers, got dtype {x.dtype}")
    x = x.astype(np.float32)
    if not np.isfinite(x).all():
        raise ValueError("generated designs contain NaN or infinite values (has training diverged?)")
    if x.min() < -1.001 or x.max() > 1.001:
        raise ValueError(f"generated designs must lie in [-1, 1], found {x.min():g} to {x.max():g}")
    return x


def _training_designs(dataset: data.DesignSet | np.ndarray) -> np.ndarray:
    if isinstance(dataset, data.DesignSet):
        return dataset.designs
    x = np.asarray(dataset)
    return _as_designs(x if x.dtype == bool else x > 0.5)


def _fractions(designs: np.ndarray) -> np.ndarray:
    d = _as_designs(designs)
    return data.material_level(d) / (d.shape[1] * d.shape[2])


def _flat(designs: np.ndarray) -> np.ndarray:
    return designs.reshape(len(designs), -1).astype(np.float32)


def _features(designs: np.ndarray, pca: PCABasis, dims: int) -> np.ndarray:
    """(N, dims + 1): the first ``dims`` PCA coordinates, then the distance to their subspace."""
    centred = _flat(designs) - pca.mean
    coords = (centred @ pca.components[:dims].T).astype(np.float64)
    off_plane = np.square(centred, dtype=np.float64).sum(axis=1) - np.square(coords).sum(axis=1)
    return np.column_stack([coords, np.sqrt(np.maximum(off_plane, 0.0))])


def _js_grid(gen_xy: np.ndarray, real_xy: np.ndarray, bins: int) -> float:
    lo, hi = real_xy.min(axis=0), real_xy.max(axis=0)
    pad = GRID_MARGIN * np.maximum(hi - lo, 1e-6)
    lo, width = lo - pad, (hi - lo) + 2 * pad

    def histogram(xy: np.ndarray) -> np.ndarray:
        cell = np.clip(np.floor((xy - lo) / width * bins).astype(int), 0, bins - 1)
        return np.bincount(cell[:, 0] * bins + cell[:, 1], minlength=bins * bins)

    # scipy returns the JS *distance*, the square root of the divergence.
    return float(np.clip(jensenshannon(histogram(gen_xy), histogram(real_xy), base=2) ** 2, 0, 1))


def _subset(n: int, size: int) -> np.ndarray:
    """A fixed-seed choice of min(size, n, PR_MAX_REAL) indices out of n."""
    size = min(size, n, PR_MAX_REAL)
    return np.sort(np.random.default_rng(SEED).choice(n, size, replace=False))


def _knn_radius(features: np.ndarray, k: int) -> np.ndarray:
    if len(features) <= k:
        raise ValueError(f"precision/recall with k={k} needs at least {k + 1} designs per set")
    distance, _ = cKDTree(features).query(features, k=k + 1)  # the first neighbour is itself
    return distance[:, -1]


def _precision_recall(gen: np.ndarray, real: np.ndarray, k: int) -> tuple[float, float]:
    d = cdist(gen, real)
    precision = (d <= _knn_radius(real, k)[None, :] + _TIE).any(axis=1).mean()
    recall = (d <= _knn_radius(gen, k)[:, None] + _TIE).any(axis=0).mean()
    return float(precision), float(recall)


def _hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pixel-wise Hamming distances between rows of two 0/1 float32 matrices, exact."""
    return a.sum(axis=1)[:, None] + b.sum(axis=1)[None, :] - 2 * (a @ b.T)


def _nearest(gen_flat: np.ndarray, ref_flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of and Hamming distance to each generated design's nearest training design."""
    d = _hamming(gen_flat, ref_flat)
    j = d.argmin(axis=1)
    return j, d[np.arange(len(d)), j]


def _novelty_threshold(ref_flat: np.ndarray) -> float:
    """Median Hamming distance from a training design to its nearest other one.

    Estimated on a fixed-seed subset of NOVELTY_QUERIES designs against all.
    """
    queries = np.sort(np.random.default_rng(SEED).choice(
        len(ref_flat), min(NOVELTY_QUERIES, len(ref_flat)), replace=False))
    d = _hamming(ref_flat[queries], ref_flat)
    d[np.arange(len(queries)), queries] = np.inf
    return float(np.median(d.min(axis=1)))


def _compliance_gap(designs: np.ndarray, nearest: np.ndarray, dataset: data.DesignSet,
                    n: int) -> float:
    picks = np.unique(np.linspace(0, len(designs) - 1, min(n, len(designs))).round().astype(int))
    gaps = []
    for i in picks:
        j = int(nearest[i])
        c_gen = topopt.compliance(designs[i], dataset.load_case(j))
        gaps.append(min((c_gen - dataset.compliance[j]) / dataset.compliance[j], GAP_CAP))
    return float(np.median(gaps))
