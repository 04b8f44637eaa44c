"""G proposes, SIMP finishes: one load case's designs three ways, with what a student compares.

G alone (the conditional generator's binarized designs), G + K SIMP iterations
from each of them (``topopt.polish``), and SIMP from scratch to convergence,
the reference each design's compliance error (CE) is measured against.  Each
comes as an :class:`Attempt`: its designs made parts (the floating material
removed, ``specification.prune_to_parts``), their compliances, the material
removed, the SIMP iterations each had and the wall time they took.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mechgan import topopt
from mechgan.specification import prune_to_parts


@dataclass(frozen=True)
class Attempt:
    """A case's designs made one way."""

    designs: np.ndarray  # (n, 50, 50) bool parts
    compliance: np.ndarray  # (n,) of each binary design
    floating: np.ndarray  # (n, 50, 50) bool: the pieces removed, cut off from the clamp and the load
    iterations: int  # SIMP iterations each design had (0: G's designs as drawn)
    seconds: float  # wall time for all n, G's share included

    def errors(self, reference: float) -> np.ndarray:
        """CE of each design, C / C_reference - 1 (``physics_metrics.compliance_error``): 0 is as stiff."""
        return self.compliance / reference - 1.0

    @property
    def seconds_each(self) -> float:
        return self.seconds / len(self.designs)


def _attempt(drawn: np.ndarray, load: topopt.LoadCase, iterations: int, seconds: float) -> Attempt:
    """The attempt of designs as ``drawn``: made parts, the material removed kept aside to be shown."""
    drawn = np.asarray(drawn, bool)
    designs = prune_to_parts(drawn, np.full(len(drawn), load.row))
    return Attempt(designs, np.array([topopt.compliance(d, load) for d in designs]), drawn & ~designs,
                   iterations, seconds)


def generated(model, load: topopt.LoadCase, volfrac: float, n: int, seed: int) -> Attempt:
    """``n`` designs of ``model`` (a ``conditional.ConditionalGenerator``) for the case, as drawn."""
    start = time.perf_counter()
    designs = model.design(load.row, load.angle_deg, volfrac, n, seed, prune=False)
    return _attempt(designs, load, 0, time.perf_counter() - start)


def polished(proposals: Attempt, load: topopt.LoadCase, volfrac: float, iterations: int) -> Attempt:
    """``iterations`` SIMP iterations from each design of ``proposals`` as drawn (the material removed
    included, as ``mechgan design --polish``); its time adds theirs (G proposes, SIMP finishes: the time of
    the whole)."""
    start = time.perf_counter()
    results = [topopt.polish(d, load, volfrac, iterations) for d in proposals.designs | proposals.floating]
    seconds = proposals.seconds + time.perf_counter() - start
    return _attempt(np.array([r.design for r in results]), load, max(r.iterations for r in results), seconds)


def from_scratch(load: topopt.LoadCase, volfrac: float,
                 on_iteration: Callable[[int, np.ndarray], None] | None = None) -> Attempt:
    """SIMP from the uniform density to convergence: the reference.  ``on_iteration`` as ``topopt.optimize``'s;
    the time it takes (drawing the solve, say) is left out, so the three ways' times compare."""
    aside = 0.0

    def timed(iteration: int, densities: np.ndarray) -> None:
        nonlocal aside
        start = time.perf_counter()
        on_iteration(iteration, densities)
        aside += time.perf_counter() - start

    start = time.perf_counter()
    result = topopt.optimize(load, volfrac, on_iteration=timed if on_iteration else None)
    return _attempt(result.design[None], load, result.iterations, time.perf_counter() - start - aside)
