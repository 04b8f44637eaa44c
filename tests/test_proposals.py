"""G proposes, SIMP finishes: the Design page's three ways to a case, on the shipped conditional G."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from mechgan import conditional, physics_metrics, proposals, topopt

LOAD, VOLFRAC = topopt.LoadCase(30, 20.0), 0.4
ISLANDS = topopt.LoadCase(35, -20.0)  # a case where G draws floating pieces in 5 designs of 8 (seed 1)


@lru_cache(maxsize=1)
def _model() -> conditional.ConditionalGenerator:
    return conditional.load_generator()


def test_generated_are_the_models_designs_as_parts_with_the_floating_material_removed_beside():
    g = proposals.generated(_model(), ISLANDS, VOLFRAC, 8, seed=1)
    drawn = _model().design(35, -20.0, VOLFRAC, 8, 1, prune=False)
    assert np.array_equal(g.designs, _model().design(35, -20.0, VOLFRAC, 8, 1))  # as `mechgan design`
    assert np.array_equal(g.designs | g.floating, drawn) and not (g.designs & g.floating).any()
    assert g.floating.any()  # this draw holds floating material: the test sees a removal
    assert [physics_metrics.pieces(d) for d in g.designs] == [1] * 8
    assert g.iterations == 0 and g.designs.dtype == bool
    assert np.allclose(g.compliance, [topopt.compliance(d, ISLANDS) for d in g.designs])
    # the material removed carries no load: the part is as stiff as the design drawn
    assert np.allclose(g.compliance, [topopt.compliance(d, ISLANDS) for d in drawn], rtol=1e-6)


def test_polished_are_the_library_polish_and_stiffer_than_gs_own():
    g = proposals.generated(_model(), LOAD, VOLFRAC, 2, seed=0)
    p = proposals.polished(g, LOAD, VOLFRAC, 3)
    assert np.array_equal(p.designs, _model().design(30, 20.0, VOLFRAC, 2, 0, polish=3))  # as `mechgan design --polish`
    assert np.array_equal(p.designs | p.floating, _model().design(30, 20.0, VOLFRAC, 2, 0, polish=3, prune=False))
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
