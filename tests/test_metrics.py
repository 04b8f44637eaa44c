"""Every quality metric on hand-made cases whose answer is known."""
import dataclasses
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import ndimage

from mechgan import data, metrics, pieces, specification
from mechgan.pca import fit_pca
from mechgan.specification import dataset_conditions, load_pixel_rows


@pytest.fixture(scope="module")
def shipped():
    """A few hundred shipped designs with their load cases, and their PCA basis."""
    full = data.load_dataset()
    n = min(len(full), 200)
    fields = {f.name: getattr(full, f.name)[:n] for f in dataclasses.fields(full) if f.name != "meta"}
    subset = data.DesignSet(meta=full.meta, **fields)
    return subset, fit_pca(subset.designs, 50)


@pytest.fixture(scope="module")
def reference(shipped):
    return metrics.build_reference(*shipped)


def blank(n=1):
    return np.zeros((n, 50, 50), dtype=bool)


def bar_design():
    """A horizontal bar from the clamped edge to the load edge."""
    d = blank()
    d[0, 20:25, :] = True
    return d


def two_clusters(n=40, seed=0):
    """Designs solid on the left half vs on the right half, with random specks."""
    rng = np.random.default_rng(seed)
    left, right = blank(n), blank(n)
    left[:, :, :20] = True
    right[:, :, 30:] = True
    return left ^ (rng.random(left.shape) < 0.05), right ^ (rng.random(right.shape) < 0.05)


def noise_designs(n=32, seed=1):
    return np.random.default_rng(seed).random((n, 50, 50)) < 0.4


# ---------------------------------------------------------------- material W1

def test_material_w1_is_zero_for_identical_sets(shipped):
    designs = shipped[0].designs
    assert metrics.material_w1(designs, designs) == 0.0


def test_material_w1_is_the_level_shift_in_domain_fractions():
    real, gen = blank(10), blank(10)
    real.reshape(10, -1)[:, :100] = True
    gen.reshape(10, -1)[:, :150] = True
    assert metrics.material_w1(gen, real) == pytest.approx(50 / 2500)


# ---------------------------------------------------------------- JS on the PCA grid

def test_js_pca_is_zero_for_identical_sets(shipped):
    designs, pca = shipped[0].designs, shipped[1]
    assert metrics.js_pca(designs, designs, pca) == pytest.approx(0.0, abs=1e-12)


def test_js_pca_is_one_for_disjoint_clusters():
    left, right = two_clusters()
    pca = fit_pca(np.concatenate([left, right]), 2)
    assert metrics.js_pca(right, left, pca) == pytest.approx(1.0)
    assert metrics.js_pca(left, right, pca) == pytest.approx(1.0)


def test_js_pca_of_a_partial_overlap_lies_strictly_between(shipped):
    designs, pca = shipped[0].designs, shipped[1]
    js = metrics.js_pca(designs[: len(designs) // 3], designs, pca)
    assert 0.0 < js < 1.0


# ---------------------------------------------------------------- floating material and contact

def test_one_bar_is_neither_floating_nor_detached():
    assert metrics.floating_rate(bar_design()) == 0.0
    assert metrics.support_contact_rate(bar_design()) == 1.0


def test_a_detached_speck_makes_a_design_floating():
    d = bar_design()
    d[0, 40, 40] = True
    assert metrics.floating_rate(d) == 1.0


def test_diagonal_neighbours_are_one_8_connected_piece():
    d = blank()
    d[0, 10, 0:10] = True
    d[0, 11, 10:20] = True  # touches the first segment only at a corner
    assert metrics.floating_rate(d) == 0.0
    assert ndimage.label(d[0])[1] == 2  # ...while 4-connectivity sees two pieces


def test_an_empty_design_counts_as_floating():
    assert metrics.floating_rate(blank()) == 1.0


def test_floating_rate_is_a_share_of_the_batch():
    specked = bar_design()
    specked[0, 40, 40] = True
    batch = np.concatenate([bar_design(), specked, bar_design(), blank()])
    assert metrics.floating_rate(batch) == 0.5


def test_a_design_off_the_clamped_edge_has_no_contact():
    d = bar_design()
    d[0, :, 0] = False
    assert metrics.support_contact_rate(d) == 0.0
    assert metrics.floating_rate(d) == 0.0


def images(designs):
    return np.where(designs, 1.0, -1.0).astype(np.float32)


def test_floating_mask_marks_every_piece_cut_off_from_the_clamped_one():
    d = blank(2)
    d[0, 20:25, :10] = True  # clamped: the main piece
    d[0, 0:10, 20:40] = True  # larger but free: floating, however big
    d[0, 40, 40] = True  # a speck
    d[1, 10:30, :30] = True  # one piece, no floating material
    mask = metrics.floating_mask(d)
    assert mask.dtype == bool and mask.shape == d.shape
    assert np.array_equal(mask[0], d[0] & ~np.isin(np.arange(50), range(20, 25))[:, None]) and not mask[1].any()
    assert metrics.floating_mask(images(d)[..., None]).shape == (2, 50, 50, 1)  # model outputs, traced above 0
    assert metrics.floating_rate(d) == mask.reshape(2, -1).any(axis=1).mean()


def test_prune_keeps_the_piece_joining_clamp_and_load_alone():
    d = blank(3)
    d[0, 20:25, :] = True  # from the clamped edge to the load on rows 20..24
    d[0, 35:45, :30] = True  # clamped and larger, but short of the load: removed
    d[0, 0:5, 30:45] = True  # free: removed
    d[1, 5:8, :20] = True  # no piece reaches the load: the larger clamped one stays
    d[1, 30:40, :25] = True
    d[1, 45:50, 40:] = True
    d[2, 10:30, :30] = True  # one piece: as it is
    load = np.array([[22, 23], [22, 23], [22, 23]])
    parts = pieces.prune(d, load)
    assert parts.dtype == bool and parts.shape == d.shape and not (parts & ~d).any()
    assert np.array_equal(parts[0], np.isin(np.arange(50), range(20, 25))[:, None] & np.ones(50, bool))
    assert parts[1].sum() == 250 and parts[1, 30:40, :25].all() and np.array_equal(parts[2], d[2])
    assert np.array_equal(pieces.prune(parts, load), parts)  # a part stays as it is
    assert np.array_equal(pieces.prune(d), d & ~metrics.floating_mask(d))  # no load: the clamped piece's
    assert np.array_equal(specification.prune_to_parts(d, [23, 23, 23]), parts)  # load node 23: pixel rows 22, 23


def test_connect_mask_marks_the_specks_cut_off_from_the_piece_joining_clamp_and_load():
    d = blank(2)
    d[:, 20:25, :] = True  # from the clamped edge to the load on the right edge, rows 20..24
    d[0, 35:37, :10] = True  # clamped, but short of the load: dangling (20 px)
    d[0, 40, 40] = True  # free: floating
    d[0, 0:10, 25:45] = True  # free but large (200 px): not a speck
    d[1, 20:25, 45:] = False  # clamped and larger, but short of the load on rows 38..39...
    d[1, 39, :] = True  # ...which this 50-px piece meets: it is the structure
    load = np.array([[22, 23], [38, 39]])
    mask = pieces.connect_mask(images(d), load, max_pixels=60)
    assert mask.dtype == np.float32 and mask.shape == d.shape
    marked = mask == 1.0
    assert marked[0, 35:37, :10].all() and marked[0, 34, 5] and not marked[0, 30, 5]  # with its void ring, only
    assert marked[0, 39:42, 39:42].all() and not marked[0, 0:10, 25:45].any() and not marked[0, 20:25].any()
    assert not marked[1, 39].any() and not marked[1, 20:25].any()  # the bar is cut off, but too large
    assert pieces.connect_mask(images(d)[..., None], load).shape == (2, 50, 50, 1)


def test_connect_mask_finds_nothing_in_training_designs_at_their_own_loads(shipped):
    ds = shipped[0]
    load = load_pixel_rows(dataset_conditions(ds), len(ds))
    assert pieces.connect_mask(images(ds.designs), load).sum() == 0


def test_shipped_designs_are_connected_and_supported(shipped):
    designs = shipped[0].designs
    assert metrics.floating_rate(designs) == 0.0
    assert metrics.support_contact_rate(designs) == 1.0


def test_structural_metrics_refuse_raw_model_outputs():
    with pytest.raises(ValueError, match="binarize"):
        metrics.floating_rate(np.full((2, 50, 50), -0.7, dtype=np.float32))


# ---------------------------------------------------------------- binarity

def test_binarity_of_binary_gray_and_bool_outputs():
    signs = np.where(np.random.default_rng(0).random((4, 50, 50)) < 0.5, -1.0, 1.0)
    assert metrics.binarity(signs) == 1.0
    assert metrics.binarity(np.zeros((4, 50, 50))) == 0.0
    assert metrics.binarity(signs * 0.5) == 0.5
    assert metrics.binarity(signs > 0) == 1.0


# ---------------------------------------------------------------- precision and recall

def test_generated_equal_to_real_has_full_precision_and_recall(shipped):
    designs, pca = shipped[0].designs, shipped[1]
    assert metrics.precision_recall(designs, designs, pca) == (1.0, 1.0)


def test_a_collapsed_generator_is_precise_but_has_low_recall(shipped):
    designs, pca = shipped[0].designs, shipped[1]
    collapsed = np.repeat(designs[:1], 64, axis=0)
    precision, recall = metrics.precision_recall(collapsed, designs, pca)
    assert precision == 1.0
    assert recall <= 1 / 64


def test_noise_is_outside_the_real_manifold(shipped):
    designs, pca = shipped[0].designs, shipped[1]
    precision, recall = metrics.precision_recall(noise_designs(), designs, pca)
    assert precision == 0.0 and recall == 0.0


# ---------------------------------------------------------------- novelty

def test_copies_of_training_designs_are_not_novel(shipped):
    designs = shipped[0].designs
    assert metrics.novelty(designs[::3], designs) == 0.0


def test_noise_designs_are_novel(shipped):
    assert metrics.novelty(noise_designs(), shipped[0].designs) == 1.0


def test_novelty_counts_samples_beyond_the_threshold(shipped):
    real = shipped[0].designs[:1]
    moved = np.concatenate([real, real])
    moved[0].reshape(-1)[:10] ^= True  # 10 pixels from the training design
    assert metrics.novelty(moved, real, threshold=9.5) == 0.5
    assert metrics.novelty(moved, real, threshold=10) == 0.0


def test_default_novelty_threshold_is_the_median_nearest_neighbour_distance(shipped):
    designs = shipped[0].designs[:30]
    flat = designs.reshape(30, -1)
    nearest = [min(np.sum(flat[i] != flat[j]) for j in range(30) if j != i) for i in range(30)]
    assert metrics.build_reference(designs).novelty_threshold == np.median(nearest)


# ---------------------------------------------------------------- compliance gap

def test_a_training_design_has_no_compliance_gap_to_itself(shipped):
    dataset = shipped[0]
    # the same solve as the builder's, up to the sparse solver's rounding (-8e-14 on some CPUs)
    assert metrics.compliance_gap(dataset.designs[:4], dataset) == pytest.approx(0.0, abs=1e-9)


def test_thinning_a_design_raises_its_compliance_gap(shipped):
    one = single_design_set(shipped[0], 0)  # its nearest training design is itself
    thinned = ndimage.binary_erosion(one.designs[0])[None]
    assert metrics.compliance_gap(thinned, one) > 0.0


def test_a_design_that_carries_nothing_gets_the_capped_gap(shipped):
    assert metrics.compliance_gap(blank(), single_design_set(shipped[0], 0)) == metrics.GAP_CAP


def single_design_set(dataset, i):
    fields = {f.name: getattr(dataset, f.name)[i:i + 1] for f in dataclasses.fields(dataset)
              if f.name != "meta"}
    return data.DesignSet(meta=dataset.meta, **fields)


# ---------------------------------------------------------------- the report and the bar

def test_training_designs_in_model_range_pass_the_bar(shipped, reference):
    images = data.to_model_range(shipped[0].designs)  # (N, 50, 50, 1) floats in [-1, 1]
    report = metrics.quality_report(images, reference=reference)
    assert set(report) == {"material_w1", "js_pca", "floating_rate", "support_contact_rate",
                           "binarity", "precision", "recall", "novelty", "compliance_gap"}
    assert all(isinstance(v, float) for v in report.values())
    assert report["material_w1"] == 0.0 and report["js_pca"] == pytest.approx(0.0, abs=1e-12)
    assert report["floating_rate"] == 0.0 and report["support_contact_rate"] == 1.0
    assert report["binarity"] == 1.0 and report["novelty"] == 0.0
    assert report["precision"] == report["recall"] == 1.0
    assert report["compliance_gap"] == pytest.approx(0.0, abs=1e-9)
    assert metrics.passes_bar(report)


def test_bool_and_float_inputs_give_the_same_report(shipped, reference):
    designs = shipped[0].designs[:64]
    gray = np.where(designs, 0.6, -0.6).astype(np.float32)
    from_bool = metrics.quality_report(designs, reference=reference, compliance_samples=4)
    from_gray = metrics.quality_report(gray, reference=reference, compliance_samples=4)
    assert from_gray.pop("binarity") == pytest.approx(0.6)
    assert from_bool.pop("binarity") == 1.0
    assert from_gray == from_bool


def test_noise_fails_the_bar_on_structure_and_recall(reference):
    images = np.random.default_rng(0).uniform(-1, 1, (32, 50, 50)).astype(np.float32)
    report = metrics.quality_report(images, reference=reference, compliance_samples=2)
    assert {"floating_rate", "recall"} <= set(metrics.bar_failures(report))
    assert report["novelty"] == 1.0 and report["compliance_gap"] == metrics.GAP_CAP


def test_bare_designs_have_no_compliance_gap(shipped):
    designs = shipped[0].designs
    report = metrics.quality_report(designs[:16], dataset=designs.astype(np.float32))
    assert math.isnan(report["compliance_gap"])
    assert report["novelty"] == 0.0


@pytest.mark.parametrize("bad, message", [
    (np.zeros((8, 28, 28)), "shape"),
    (np.zeros((2, 50, 50)), "at least 4"),
    (np.full((8, 50, 50), np.nan), "NaN"),
    (np.full((8, 50, 50), 3.0), r"\[-1, 1\]"),
])
def test_bad_generated_input_is_one_clear_error(reference, bad, message):
    with pytest.raises(ValueError, match=message):
        metrics.quality_report(bad, reference=reference)


def test_the_bar_names_the_criteria_that_fail():
    good = {"material_w1": 0.02, "floating_rate": 0.2, "support_contact_rate": 0.9, "recall": 0.5}
    assert metrics.passes_bar(good) and metrics.bar_failures(good) == []
    bad = {**good, "floating_rate": 0.54, "recall": float("nan")}
    assert metrics.bar_failures(bad) == ["floating_rate", "recall"]
    assert not metrics.passes_bar(bad)
    assert str(metrics.QUALITY_BAR["floating_rate"]) == "floating_rate <= 0.2"


def test_the_metrics_do_not_import_tensorflow():
    code = "import sys, mechgan.metrics; sys.exit('tensorflow' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
