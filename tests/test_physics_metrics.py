"""Physics metrics on designs whose answer is known."""
from __future__ import annotations

import numpy as np
import pytest

from mechgan import physics_metrics as pm, specification


@pytest.fixture(scope="module")
def cases():
    s = specification.shipped_split()
    return pm.Cases.of(s.dataset, s.test[:12])


def test_simp_designs_score_zero(cases):
    per = pm.measure(cases.simp_designs, cases)
    assert np.abs(per["ce"]).max() < 1e-6
    assert per["vfe"].max() < 0.002  # thresholded at round(volume * 2500) pixels
    assert not per["fm8"].any() and not per["ld"].any() and per["support"].all()
    row = pm.summarize(per)
    assert row["n"] == 12 and row["fm8"] == 0 and row["ld"] == 0 and row["support"] == 1


def test_empty_and_full_designs(cases):
    empty = np.zeros_like(cases.simp_designs)
    per = pm.measure(empty, cases)
    assert per["ld"].all() and per["fm8"].all() and not per["support"].any()
    assert (per["vfe"] == 1).all() and (per["ce"] > 1e3).all()  # nothing carries the load
    assert np.isnan(pm.summarize(per)["ce_loaded"])  # no design has material under the load
    per["ld"][:3], per["ce"][:3] = False, [0.1, -0.3, 0.2]
    assert np.isclose(pm.summarize(per)["ce_loaded"], 0.2)  # median |CE| of those that have
    full = pm.measure(np.ones_like(cases.simp_designs), cases)
    assert (full["ce"] < 0).all()  # stiffer than SIMP, at a volume the VFE shows
    assert not full["ld"].any() and not full["fm8"].any()


def test_floating_material_counts_pieces_both_ways():
    two = np.zeros((50, 50), bool)
    two[10:15, 0:20], two[30:35, 30:50] = True, True
    assert pm.pieces(two) == 2 and pm.pieces(two, four_connected=True) == 2
    diagonal = np.eye(50, dtype=bool)
    assert pm.pieces(diagonal) == 1 and pm.pieces(diagonal, four_connected=True) == 50


def test_load_disrespect_looks_at_the_two_elements_of_the_load_node():
    d = np.zeros((50, 50), bool)
    d[19, 49] = True
    assert not pm.load_disrespect(d, 20) and not pm.load_disrespect(d, 19)
    assert pm.load_disrespect(d, 21) and pm.load_disrespect(d, 0)
    d[49, 49] = True
    assert not pm.load_disrespect(d, 50)


def test_measure_needs_one_design_per_case(cases):
    with pytest.raises(ValueError, match="one \\(50, 50\\) design per case"):
        pm.measure(cases.simp_designs[:3], cases)


def test_table_lists_every_row():
    row = {"median_ce": 0.01, "median_abs_ce": 0.02, "ce_loaded": 0.02, "median_vfe": 0.005, "fm8": 0.0, "fm4": 0.1,
           "ld": 0.0, "support": 1.0, "n": 500}
    text = pm.format_table({"G test": row, "retrieval test": row})
    assert text.splitlines()[1].startswith("G test") and "1.0%" in text and "500" in text
