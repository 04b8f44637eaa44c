"""SIMP compliance minimization on a 50x50 cantilever, in the spirit of top88.

Plane stress, bilinear Q4 elements on a unit grid, a density filter, a
Heaviside projection with beta continuation and an OC update.  The stiffness
matrix has the same sparsity pattern at every iteration, so the index arrays
and the (CHOLMOD) symbolic factorization are built once per mesh and reused.

Images are (nely, nelx) arrays: row = element row from the top, column =
element column from the clamped (left) edge.  Node (row r, column c) has index
c * (nely + 1) + r and degrees of freedom 2n (x) and 2n + 1 (y, pointing down).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from scipy.ndimage import correlate
from scipy.optimize import brentq

try:  # CHOLMOD via cvxopt: faster than SciPy's spsolve at this size (bench/topopt_bench.py).
    import cvxopt
    from cvxopt import cholmod

    HAVE_CHOLMOD = True
except ImportError:  # pragma: no cover - exercised only without cvxopt
    HAVE_CHOLMOD = False

E0, EMIN, NU, PENAL = 1.0, 1e-9, 0.3, 3.0
LOG_L_MAX = 60.0  # bracket of the OC multiplier in log space: e^-60 .. e^60
# Share of the uniform volume in a polish's start: OC's multiplicative step never grows material where a
# start has none. 0.5 beat 0.6 on training-split cases (bench/polish_bench.py --train --mix M).
POLISH_MIX = 0.5


@dataclass(frozen=True)
class LoadCase:
    """A unit point load on the right edge: node row and direction.

    ``angle_deg`` is measured from straight down (+y), positive towards +x.
    """

    row: int
    angle_deg: float

    def force(self) -> tuple[float, float]:
        a = np.deg2rad(self.angle_deg)
        return float(np.sin(a)), float(np.cos(a))


@dataclass(frozen=True)
class SimpSettings:
    """Solver settings; the defaults are the ones that built the shipped dataset."""

    rmin: float = 2.0
    move: float = 0.2
    eta: float = 0.5
    beta_start: float = 1.0
    beta_max: float = 16.0
    iters_per_beta: int = 15
    tol: float = 0.01
    max_iter: int = 100


@dataclass
class SimpResult:
    design: np.ndarray  # (nely, nelx) bool, thresholded at the target volume
    densities: np.ndarray  # (nely, nelx) final physical densities in [0, 1]
    compliance: float  # of the binary design
    iterations: int


def element_stiffness(nu: float = NU) -> np.ndarray:
    """The 8x8 Q4 stiffness matrix of top88 (unit Young modulus, unit square)."""
    k = np.array([1 / 2 - nu / 6, 1 / 8 + nu / 8, -1 / 4 - nu / 12, -1 / 8 + 3 * nu / 8,
                  -1 / 4 + nu / 12, -1 / 8 - nu / 8, nu / 6, 1 / 8 - 3 * nu / 8])
    order = [[0, 1, 2, 3, 4, 5, 6, 7], [1, 0, 7, 6, 5, 4, 3, 2], [2, 7, 0, 5, 6, 3, 4, 1],
             [3, 6, 5, 0, 7, 2, 1, 4], [4, 5, 6, 7, 0, 1, 2, 3], [5, 4, 3, 2, 1, 0, 7, 6],
             [6, 3, 4, 1, 2, 7, 0, 5], [7, 2, 1, 4, 3, 6, 5, 0]]
    return E0 / (1 - nu**2) * k[np.array(order)]


class Mesh:
    """Index arrays, reduced stiffness pattern and factorization of one grid.

    Built once per grid size (see :func:`mesh`) and shared by every solve.
    """

    def __init__(self, nelx: int = 50, nely: int = 50):
        self.nelx, self.nely = nelx, nely
        self.ndof = 2 * (nelx + 1) * (nely + 1)
        self.KE = element_stiffness()
        nodes = np.arange((nelx + 1) * (nely + 1)).reshape(nelx + 1, nely + 1)
        # Element e = col * nely + row, lower-left node first, counter-clockwise (top88).
        n1 = nodes[:-1, 1:].ravel()  # lower-left
        n2 = nodes[1:, 1:].ravel()  # lower-right
        self.edof = np.stack([2 * n1, 2 * n1 + 1, 2 * n2, 2 * n2 + 1,
                              2 * n2 - 2, 2 * n2 - 1, 2 * n1 - 2, 2 * n1 - 1], axis=1)
        fixed = np.arange(2 * (nely + 1))  # every dof of the left edge
        self.free = np.setdiff1d(np.arange(self.ndof), fixed)
        self._build_pattern()
        self._symbolic = None
        self._lock = threading.Lock()

    def _build_pattern(self) -> None:
        """The reduced lower-triangular CSC pattern, and a sparse map from element
        moduli to its values, so each assembly is one sparse mat-vec."""
        rows = np.repeat(self.edof, 8, axis=1).ravel()
        cols = np.tile(self.edof, (1, 8)).ravel()
        reduced = np.full(self.ndof, -1)
        reduced[self.free] = np.arange(self.free.size)
        r, c = reduced[rows], reduced[cols]
        keep = (r >= 0) & (c >= 0) & (r >= c)
        r, c = r[keep], c[keep]
        n = self.free.size
        pattern = sp.csc_matrix((np.ones(r.size), (r, c)), shape=(n, n))
        pattern.sum_duplicates()
        pattern.sort_indices()
        lin = pattern.indices.astype(np.int64) + n * np.repeat(
            np.arange(n, dtype=np.int64), np.diff(pattern.indptr))
        slot = np.searchsorted(lin, r.astype(np.int64) + n * c.astype(np.int64))
        element = np.repeat(np.arange(self.edof.shape[0]), 64)[keep]
        ke = np.tile(self.KE.ravel(), self.edof.shape[0])[keep]
        self._assemble = sp.csr_matrix((ke, (slot, element)), shape=(pattern.nnz, self.edof.shape[0]))
        self._pattern = pattern

    def stiffness(self, young: np.ndarray) -> sp.csc_matrix:
        """Reduced lower-triangular stiffness for element Young moduli (element order)."""
        K = self._pattern.copy()
        K.data = self._assemble @ young
        return K

    def solve(self, young: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Full displacement vector for element moduli ``young`` and full load ``f``."""
        K = self.stiffness(young)
        u = np.zeros(self.ndof)
        if HAVE_CHOLMOD:
            u[self.free] = self._cholmod_solve(K, f[self.free])
        else:
            from scipy.sparse.linalg import spsolve

            full = K + sp.tril(K, -1).T
            u[self.free] = spsolve(full.tocsc(), f[self.free])
        return u

    def _cholmod_solve(self, K: sp.csc_matrix, b: np.ndarray) -> np.ndarray:
        """Numeric factorization on the symbolic one made at the first call.

        The cvxopt matrix and factor are reused (only their values change), so
        a lock keeps concurrent solves on this shared mesh apart.
        """
        with self._lock:
            if self._symbolic is None:
                n = K.shape[0]
                cols = np.repeat(np.arange(n), np.diff(K.indptr))
                self._A = cvxopt.spmatrix(cvxopt.matrix(K.data), cvxopt.matrix(K.indices.astype(int)),
                                          cvxopt.matrix(cols), (n, n))
                self._symbolic = cholmod.symbolic(self._A, uplo="L")
            self._A.V = cvxopt.matrix(K.data)
            cholmod.numeric(self._A, self._symbolic)
            x = cvxopt.matrix(b)
            cholmod.solve(self._symbolic, x)
        return np.array(x).ravel()

    def load_vector(self, load: LoadCase) -> np.ndarray:
        if not 0 <= load.row <= self.nely:
            raise ValueError(f"load row {load.row} is outside 0..{self.nely}")
        f = np.zeros(self.ndof)
        node = self.nelx * (self.nely + 1) + load.row
        f[2 * node], f[2 * node + 1] = load.force()
        return f

    def element_energy(self, u: np.ndarray) -> np.ndarray:
        ue = u[self.edof]
        return np.einsum("ij,jk,ik->i", ue, self.KE, ue)

    def to_elements(self, image: np.ndarray) -> np.ndarray:
        """(nely, nelx) image -> element-ordered vector (column-major)."""
        return np.asarray(image, dtype=float).T.ravel()

    def to_image(self, x: np.ndarray) -> np.ndarray:
        return x.reshape(self.nelx, self.nely).T


@lru_cache(maxsize=4)
def mesh(nelx: int = 50, nely: int = 50) -> Mesh:
    return Mesh(nelx, nely)


def compliance(design: np.ndarray, load_case: LoadCase) -> float:
    """Compliance f.u of a binary or gray (nely, nelx) design in [0, 1] (SIMP moduli)."""
    design = np.asarray(design, dtype=float)
    if design.ndim != 2:
        raise ValueError(f"design must be a 2-D image, got shape {design.shape}")
    m = mesh(design.shape[1], design.shape[0])
    x = np.clip(m.to_elements(design), 0.0, 1.0)
    u = m.solve(EMIN + x**PENAL * (E0 - EMIN), m.load_vector(load_case))
    return float(m.load_vector(load_case) @ u)


def _filter_kernel(rmin: float) -> np.ndarray:
    r = int(np.ceil(rmin)) - 1
    d = np.hypot(*np.mgrid[-r:r + 1, -r:r + 1])
    return np.maximum(0.0, rmin - d)


def threshold_at_volume(densities: np.ndarray, volfrac: float) -> np.ndarray:
    """Binary design keeping the ``round(volfrac * size)`` densest elements."""
    k = int(round(volfrac * densities.size))
    order = np.argsort(-densities.ravel(), kind="stable")
    out = np.zeros(densities.size, dtype=bool)
    out[order[:k]] = True
    return out.reshape(densities.shape)


def optimize(load: LoadCase, volfrac: float, nelx: int = 50, nely: int = 50,
             settings: SimpSettings = SimpSettings(),
             on_iteration: Callable[[int, np.ndarray], None] | None = None,
             start: np.ndarray | None = None) -> SimpResult:
    """Minimize compliance at volume ``volfrac``; return the thresholded design.

    ``start``, a (nely, nelx) density in [0, 1] (e.g. a generated design), replaces the uniform
    ``volfrac`` as the first design variables; the first OC step brings it to the volume.

    ``on_iteration(iteration, densities)``, if given, sees the physical densities
    each iteration leaves (a fresh (nely, nelx) array; the last equals the
    result's), e.g. to draw the solve as it goes.  It changes no number.
    """
    if not 0.05 <= volfrac <= 0.95:
        raise ValueError(f"volume fraction {volfrac} is outside [0.05, 0.95]")
    m, s = mesh(nelx, nely), settings
    f = m.load_vector(load)
    h = _filter_kernel(s.rmin)
    hs = correlate(np.ones((nely, nelx)), h, mode="constant")
    filt = lambda img: correlate(img, h, mode="constant")  # noqa: E731 - symmetric kernel

    def project(xt: np.ndarray, beta: float) -> tuple[np.ndarray, np.ndarray]:
        d = np.tanh(beta * s.eta) + np.tanh(beta * (1 - s.eta))
        th = np.tanh(beta * (xt - s.eta))
        return (np.tanh(beta * s.eta) + th) / d, beta * (1 - th**2) / d

    physical = lambda z: project(filt(z) / hs, beta)[0]  # noqa: E731 - at the current beta
    x = np.full((nely, nelx), volfrac) if start is None else _start_densities(start, nely, nelx)
    beta, at_beta, it, log_l, done = s.beta_start, 0, 0, 0.0, False
    while not done and it < s.max_iter:
        it += 1
        at_beta += 1
        xt = filt(x) / hs
        phys, dphys = project(xt, beta)
        xe = m.to_elements(phys)
        u = m.solve(EMIN + xe**PENAL * (E0 - EMIN), f)
        ce = m.to_image(m.element_energy(u))
        dc = filt(-PENAL * phys ** (PENAL - 1) * (E0 - EMIN) * ce * dphys / hs)
        dv = filt(dphys / hs)
        x_new, log_l = oc_update(x, dc, dv, volfrac, s.move, physical, log_l)
        change = float(np.abs(x_new - x).max())
        x = x_new
        if change < s.tol or at_beta >= s.iters_per_beta:  # this beta's stage is over
            done = beta >= s.beta_max
            if not done:
                beta, at_beta = min(2 * beta, s.beta_max), 0
        if on_iteration is not None:
            on_iteration(it, physical(x))
    phys = physical(x)
    design = threshold_at_volume(phys, volfrac)
    return SimpResult(design, phys, compliance(design, load), it)


def polish(design: np.ndarray, load: LoadCase, volfrac: float, iterations: int,
           settings: SimpSettings = SimpSettings(),
           on_iteration: Callable[[int, np.ndarray], None] | None = None, mix: float = POLISH_MIX) -> SimpResult:
    """``iterations`` SIMP iterations from a proposed (nely, nelx) design in [0, 1], e.g. a generated
    one: a proposal near the optimum needs a few where a cold start needs dozens."""
    if iterations < 1:
        raise ValueError(f"a polish needs at least one SIMP iteration, got {iterations}")
    design = np.asarray(design, dtype=float)
    if design.ndim != 2:
        raise ValueError(f"a design to polish must be a 2-D image, got shape {design.shape}")
    start = (1 - mix) * design + mix * volfrac
    return optimize(load, volfrac, design.shape[1], design.shape[0], replace(settings, max_iter=iterations),
                    on_iteration, start)


def _start_densities(start: np.ndarray, nely: int, nelx: int) -> np.ndarray:
    x = np.asarray(start, dtype=float)
    if x.shape != (nely, nelx) or not np.all((x >= 0) & (x <= 1)):
        raise ValueError(f"a starting density must be a ({nely}, {nelx}) array in [0, 1], got shape {x.shape}")
    return x.copy()


def oc_update(x: np.ndarray, dc: np.ndarray, dv: np.ndarray, volfrac: float, move: float,
              physical, log_l_guess: float = 0.0) -> tuple[np.ndarray, float]:
    """Optimality-criteria step; returns the new design variables and log(multiplier).

    The multiplier spans many decades, so Brent's method finds it in log space
    against the volume of the *physical* (filtered, projected) densities,
    starting from a narrow bracket around the previous iteration's value.
    """
    lo, hi = np.maximum(0.0, x - move), np.minimum(1.0, x + move)
    ratio = np.sqrt(np.maximum(-dc, 1e-30) / dv)
    step = lambda log_l: np.clip(x * ratio * np.exp(-0.5 * log_l), lo, hi)  # noqa: E731
    excess = lambda log_l: physical(step(log_l)).mean() - volfrac  # noqa: E731
    a, b = log_l_guess - 1.0, log_l_guess + 1.0
    if not excess(a) > 0 > excess(b):
        a, b = -LOG_L_MAX, LOG_L_MAX
        if excess(b) >= 0:  # volume still too high at the lower move limits
            return step(b), b
        if excess(a) <= 0:  # too low even at the upper move limits
            return step(a), a
    log_l = brentq(excess, a, b, xtol=1e-6)
    return step(log_l), log_l
