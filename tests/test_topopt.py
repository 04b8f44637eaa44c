import numpy as np
import pytest
import scipy.sparse as sp

from mechgan import topopt
from mechgan.topopt import LoadCase, compliance, mesh, optimize, threshold_at_volume


def test_element_stiffness_is_symmetric_with_rigid_body_modes():
    ke = topopt.element_stiffness()
    assert np.allclose(ke, ke.T)
    # Q4 corners (counter-clockwise from lower-left): translations and a rotation cost nothing.
    xy = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    tx, ty = np.tile([1.0, 0.0], 4), np.tile([0.0, 1.0], 4)
    rot = np.column_stack([-xy[:, 1], xy[:, 0]]).ravel()
    for mode in (tx, ty, rot):
        assert np.abs(ke @ mode).max() < 1e-12
    assert np.linalg.matrix_rank(ke) == 5


def test_reduced_stiffness_matches_direct_assembly():
    m = mesh()
    young = np.random.default_rng(0).uniform(0.1, 1.0, 2500)
    rows = np.repeat(m.edof, 8, axis=1).ravel()
    cols = np.tile(m.edof, (1, 8)).ravel()
    vals = (m.KE.ravel()[None, :] * young[:, None]).ravel()
    full = sp.coo_matrix((vals, (rows, cols)), shape=(m.ndof, m.ndof)).tocsc()
    expected = sp.tril(full[m.free][:, m.free])
    assert abs(expected - m.stiffness(young)).max() < 1e-12


def test_cholmod_and_scipy_solves_agree(monkeypatch):
    design = np.ones((50, 50))
    load = LoadCase(25, 10.0)
    fast = compliance(design, load)
    monkeypatch.setattr(topopt, "HAVE_CHOLMOD", False)
    assert compliance(design, load) == pytest.approx(fast, rel=1e-9)


def test_compliance_orders_designs_sensibly():
    load = LoadCase(25, 0.0)
    solid = np.ones((50, 50))
    half = np.ones((50, 50))
    half[:, 25:] = 0.5
    assert 0 < compliance(solid, load) < compliance(half, load)
    # A bar that leaves the load point unsupported is very compliant.
    gap = solid.copy()
    gap[:, 30] = 0
    assert compliance(gap, load) > 1e6 * compliance(solid, load)


def test_compliance_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        compliance(np.ones(2500), LoadCase(25, 0))
    with pytest.raises(ValueError, match="load row"):
        compliance(np.ones((50, 50)), LoadCase(80, 0))


def test_threshold_keeps_the_densest_elements():
    dens = np.arange(16, dtype=float).reshape(4, 4) / 15
    out = threshold_at_volume(dens, 0.25)
    assert out.sum() == 4 and out[-1].all()


def test_optimize_gives_a_crisp_design_at_the_target_volume():
    res = optimize(LoadCase(25, 0.0), 0.4)
    assert res.design.dtype == bool and res.design.shape == (50, 50)
    assert res.design.sum() == 1000
    gray = ((res.densities > 0.1) & (res.densities < 0.9)).mean()
    assert gray < 0.05, f"{gray:.1%} of the final densities are gray"
    assert res.design[:, 0].any() and res.design[24:26, -1].any()
    # Optimized material beats the same material spread uniformly.
    assert res.compliance < compliance(np.full((50, 50), 0.4), LoadCase(25, 0.0))
    with pytest.raises(ValueError, match="volume fraction"):
        optimize(LoadCase(25, 0.0), 1.5)


def test_optimize_hands_out_the_state_each_iteration_leaves():
    load, states = LoadCase(10, 20.0), []
    res = optimize(load, 0.4, nelx=20, nely=20, on_iteration=lambda it, dens: states.append((it, dens)))
    assert [it for it, _ in states] == list(range(1, res.iterations + 1))
    assert np.array_equal(states[-1][1], res.densities)
    plain = optimize(load, 0.4, nelx=20, nely=20)  # watching changes no number
    assert plain.iterations == res.iterations and np.array_equal(plain.densities, res.densities)
    # The state after k iterations is what a solve stopped at k returns.
    short = optimize(load, 0.4, nelx=20, nely=20, settings=topopt.SimpSettings(max_iter=12))
    assert np.array_equal(states[11][1], short.densities)


def test_optimize_from_a_starting_density_keeps_the_volume_and_improves_the_start():
    load = LoadCase(10, 20.0)
    start = optimize(LoadCase(6, -10.0), 0.4, nelx=20, nely=20).design  # a neighbouring case's answer
    res = topopt.polish(start, load, 0.4, 5)
    assert res.iterations == 5 and res.design.sum() == 160
    assert res.compliance <= compliance(start, load)
    direct = optimize(load, 0.4, nelx=20, nely=20, settings=topopt.SimpSettings(max_iter=5), start=start)
    assert direct.design.sum() == 160 and direct.compliance <= compliance(start, load)
    # The start is where the solve begins: a short polish stays nearer to it than a cold solve as short.
    cold = optimize(load, 0.4, nelx=20, nely=20, settings=topopt.SimpSettings(max_iter=5))
    assert (res.design != start).sum() < (cold.design != start).sum()


def test_a_starting_density_must_fit_the_mesh():
    with pytest.raises(ValueError, match="starting density"):
        optimize(LoadCase(10, 0.0), 0.4, nelx=20, nely=20, start=np.full((10, 20), 0.4))
    with pytest.raises(ValueError, match="starting density"):
        optimize(LoadCase(10, 0.0), 0.4, nelx=20, nely=20, start=np.full((20, 20), np.nan))
    with pytest.raises(ValueError, match="at least one"):
        topopt.polish(np.ones((20, 20)), LoadCase(10, 0.0), 0.4, 0)
