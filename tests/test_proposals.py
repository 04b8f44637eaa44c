"""G proposes, SIMP finishes: the Design page's three ways to a case, on the shipped conditional G."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from mechgan import conditional, pieces, proposals, topopt

LOAD, VOLFRAC = topopt.LoadCase(30, 20.0), 0.4


@lru_cache(maxsize=1)
def _model() -> conditional.ConditionalGenerator:
    return conditional.load_generator()


def test_generated_are_the_models_designs_with_their_compliance_and_floating_material():
    g = proposals.generated(_model(), LOAD, VOLFRAC, 3, seed=2)
    assert np.array_equal(g.designs, _model().design(30, 20.0, VOLFRAC, 3, 2))
    assert g.iterations == 0 and g.designs.dtype == bool
    assert np.allclose(g.compliance, [topopt.compliance(d, LOAD) for d in g.designs])
    assert np.array_equal(g.floating, pieces.floating_mask(g.designs))


def test_polished_are_the_library_polish_and_stiffer_than_gs_own():
    g = proposals.generated(_model(), LOAD, VOLFRAC, 2, seed=0)
    p = proposals.polished(g, LOAD, VOLFRAC, 3)
    assert np.array_equal(p.designs, _model().design(30, 20.0, VOLFRAC, 2, 0, polish=3))  # as `mechgan design --polish`
    assert p.iterations == 3 and p.seconds > g.seconds  # G's share counts in the whole's time
    simp = proposals.from_scratch(LOAD, VOLFRAC)
    reference = float(simp.compliance[0])
    assert np.median(np.abs(p.errors(reference))) < np.median(np.abs(g.errors(reference)))


def test_from_scratch_is_the_reference_and_shows_every_iteration():
    seen = []
    simp = proposals.from_scratch(LOAD, VOLFRAC, on_iteration=lambda it, densities: seen.append(it))
    assert seen == list(range(1, simp.iterations + 1)) and simp.iterations > 20
    assert simp.designs.shape == (1, 50, 50) and abs(simp.designs.mean() - VOLFRAC) < 0.01
    assert simp.errors(float(simp.compliance[0])) == [0.0]
    assert np.isclose(simp.compliance[0], topopt.optimize(LOAD, VOLFRAC).compliance)
