"""Baseline for bench/topopt_bench.py: a straightforward top88-style port.

Same problem, filter, projection, continuation and stopping rule as
``mechgan.topopt.optimize``, written the way a direct port of the 88-line
MATLAB code reads: the stiffness matrix is assembled from COO triplets and
solved with ``scipy.sparse.linalg.spsolve`` at every iteration, the filter is
an explicit sparse matrix H, and the OC multiplier is found by top88's plain
bisection (mechgan warm-starts Brent's method in log space instead).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from mechgan.topopt import EMIN, PENAL, LoadCase, SimpSettings, element_stiffness, threshold_at_volume


def top88(load: LoadCase, volfrac: float, nelx: int = 50, nely: int = 50,
          s: SimpSettings = SimpSettings()) -> tuple[np.ndarray, int]:
    """Return (thresholded design as a (nely, nelx) image, iterations)."""
    KE = element_stiffness()
    nodenrs = np.arange((1 + nelx) * (1 + nely)).reshape(1 + nelx, 1 + nely).T
    edofVec = (2 * nodenrs[:-1, :-1] + 2).T.ravel()
    edofMat = edofVec[:, None] + np.array([0, 1, 2 * nely + 2, 2 * nely + 3,
                                           2 * nely, 2 * nely + 1, -2, -1])
    iK = np.kron(edofMat, np.ones((8, 1))).ravel().astype(int)
    jK = np.kron(edofMat, np.ones((1, 8))).ravel().astype(int)
    ndof = 2 * (nelx + 1) * (nely + 1)
    F = np.zeros(ndof)
    node = nelx * (nely + 1) + load.row
    F[2 * node], F[2 * node + 1] = load.force()
    freedofs = np.setdiff1d(np.arange(ndof), np.arange(2 * (nely + 1)))
    # Filter matrix, as in top88.
    r = int(np.ceil(s.rmin)) - 1
    iH, jH, sH = [], [], []
    for i1 in range(nelx):
        for j1 in range(nely):
            e1 = i1 * nely + j1
            for i2 in range(max(i1 - r, 0), min(i1 + r + 1, nelx)):
                for j2 in range(max(j1 - r, 0), min(j1 + r + 1, nely)):
                    iH.append(e1)
                    jH.append(i2 * nely + j2)
                    sH.append(max(0.0, s.rmin - np.hypot(i1 - i2, j1 - j2)))
    H = sp.coo_matrix((sH, (iH, jH)), shape=(nelx * nely, nelx * nely)).tocsr()
    Hs = np.asarray(H.sum(axis=1)).ravel()

    def phys_of(x, beta):
        xt = H @ x / Hs
        d = np.tanh(beta * s.eta) + np.tanh(beta * (1 - s.eta))
        th = np.tanh(beta * (xt - s.eta))
        return (np.tanh(beta * s.eta) + th) / d, beta * (1 - th**2) / d

    x = np.full(nelx * nely, volfrac)
    beta, at_beta, loop = s.beta_start, 0, 0
    while loop < s.max_iter:
        loop += 1
        at_beta += 1
        xPhys, dx = phys_of(x, beta)
        sK = (KE.ravel()[None, :] * (EMIN + xPhys[:, None] ** PENAL * (1 - EMIN))).ravel()
        K = sp.coo_matrix((sK, (iK, jK)), shape=(ndof, ndof)).tocsc()
        K = K[freedofs, :][:, freedofs]
        U = np.zeros(ndof)
        U[freedofs] = spsolve(K, F[freedofs])
        ce = np.sum((U[edofMat] @ KE) * U[edofMat], axis=1)
        dc = H @ (-PENAL * xPhys ** (PENAL - 1) * (1 - EMIN) * ce * dx / Hs)
        dv = H @ (dx / Hs)
        l1, l2 = 0.0, 1e9  # top88's bisection on the OC multiplier
        while (l2 - l1) / (l1 + l2) > 1e-3:
            lmid = 0.5 * (l2 + l1)
            xnew = np.clip(x * np.sqrt(np.maximum(-dc, 1e-30) / dv / lmid),
                           np.maximum(0.0, x - s.move), np.minimum(1.0, x + s.move))
            if phys_of(xnew, beta)[0].mean() > volfrac:
                l1 = lmid
            else:
                l2 = lmid
        change = np.abs(xnew - x).max()
        x = xnew
        if change < s.tol or at_beta >= s.iters_per_beta:
            if beta >= s.beta_max:
                break
            beta, at_beta = min(2 * beta, s.beta_max), 0
    image = phys_of(x, beta)[0].reshape(nelx, nely).T
    return threshold_at_volume(image, volfrac), loop
