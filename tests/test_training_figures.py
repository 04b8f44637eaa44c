"""Training-view figures: built from real records and a real (tiny) Trainer, checked on their data."""
from __future__ import annotations

import base64
import dataclasses
import io
import math

import numpy as np
import pytest
from PIL import Image

from mechgan import distribution, figures
from mechgan import training_figures as tf_fig
from mechgan.config import TrainConfig
from mechgan.data import load_designs
from mechgan.pca import fit_pca


@pytest.fixture(scope="module")
def trainer():
    from mechgan.training import Trainer

    t = Trainer(TrainConfig(nf=4, latent_dim=8, batch_size=8), load_designs()[:64])
    t.run(2)
    return t


def test_loss_curves_skip_the_nan_of_a_lone_step():
    history = [{"iteration": 0, "loss_d": 1.0, "loss_g": math.nan, "d_real": 0.6, "d_fake": 0.4},
               {"iteration": 1, "loss_d": 0.9, "loss_g": 2.0, "d_real": 0.7, "d_fake": 0.3}]
    fig = tf_fig.loss_curves(history)
    assert list(fig.data[0].x) == [0, 1] and list(fig.data[1].x) == [1]
    fig = tf_fig.d_score_curves(history)
    assert list(fig.data[1].y) == [0.4, 0.3]


def test_sample_grid_places_each_design_in_its_cell_with_its_score():
    samples = -np.ones((3, 50, 50), np.float32)
    samples[1] = 1.0  # the second design is all solid
    fig = tf_fig.sample_grid(samples, np.array([0.1, 0.9, 0.5]), cols=2)
    header, encoded = fig.data[0].source.split(",", 1)
    assert header == "data:image/png;base64"
    scale = figures.GRID_SCALE
    full = np.asarray(Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGB"))
    rgb = full[::scale, ::scale]
    assert fig.data[0].dx == fig.data[0].dy == 1 / scale  # drawn back at one unit per design pixel
    gap = figures.GRID_GAP
    cell = 50 + gap
    assert rgb.shape == (2 * cell, 2 * cell - gap, 3)
    assert (rgb[gap:cell, cell:cell + 50] == (0x1f, 0x29, 0x37)).all()  # solid: dark
    assert (rgb[gap:cell, :50] == 255).all()  # void: white
    assert (rgb[gap:cell, 50:cell] == (0xcb, 0xd5, 0xe1)).all()  # the gap between cells

    def label_colours(row: int, col: int) -> set:  # the colours written in the gap above a tile
        strip = full[row * cell * scale: (row * cell + gap) * scale, col * cell * scale: (col * cell + 50) * scale]
        return {tuple(c) for c in strip.reshape(-1, 3)}

    real, fake = (tuple(int(tf_fig.REAL[i:i + 2], 16) for i in (1, 3, 5)),
                  tuple(int(tf_fig.FAKE[i:i + 2], 16) for i in (1, 3, 5)))
    assert fake in label_colours(0, 0) and real not in label_colours(0, 0)  # D 0.10: called generated
    assert real in label_colours(0, 1) and fake not in label_colours(0, 1)  # D 0.90: called real
    assert real in label_colours(1, 0)  # D 0.50: real, as the page's caption says
    unlabelled = tf_fig.sample_png(samples, cols=2).split(",", 1)[1]
    colours = {tuple(c) for c in np.asarray(Image.open(io.BytesIO(base64.b64decode(unlabelled))).convert("RGB"))
               .reshape(-1, 3)}
    assert real not in colours and fake not in colours  # no scores, no labels


def test_sample_png_draws_floating_material_in_orange_and_scores_the_page_s_way():
    samples = np.full((2, 50, 50), -1.0, np.float32)
    samples[:, 20:30, :20] = 1.0  # a clamped bar
    samples[0, 40:43, 40:43] = 1.0  # cut off
    floating = np.zeros(samples.shape, bool)
    floating[0, 40:43, 40:43] = True

    def rgb(uri: str) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")).astype(int)

    plain, marked = rgb(tf_fig.sample_png(samples, cols=2)), rgb(tf_fig.sample_png(samples, cols=2, floating=floating))
    changed = np.argwhere((plain != marked).any(axis=2)) // figures.GRID_SCALE
    gap = figures.GRID_GAP
    # without scores, no band for them above the tiles (a thumbnail's); with scores, one of ``gap`` pixels
    assert plain.shape[0] == 50 * figures.GRID_SCALE
    assert {tuple(p) for p in changed} == {(r, c) for r in range(40, 43) for c in range(40, 43)}
    r, g, b = marked[41 * figures.GRID_SCALE, 41 * figures.GRID_SCALE]
    assert r > g > b  # orange, where the bar stays grey
    scores = np.array([0.25, 0.75])
    dot, comma = (rgb(tf_fig.sample_png(samples, scores, cols=2, decimal=m)) for m in ".,")
    assert (dot != comma).any() and (dot[gap * figures.GRID_SCALE:] == comma[gap * figures.GRID_SCALE:]).all()


def test_material_comparison_histograms_the_given_levels():
    fig = tf_fig.material_comparison(np.array([100, 200]), np.array([300]))
    assert list(fig.data[0].x) == [100, 200] and list(fig.data[1].x) == [300]
    assert distribution.material_levels(np.ones((2, 50, 50), np.float32)).tolist() == [2500, 2500]


@pytest.fixture(scope="module")
def plane():
    """A PCA basis of 64 real designs and their coordinates on its plane."""
    designs = load_designs()[:64]
    pca = fit_pca(designs, 5)
    return pca, pca.project(designs, 2), designs


def _data(trainer, plane, n_noise=12, arrows=4, grid=6, probability=True):
    pca, real, designs = plane
    noise = np.random.default_rng(0).standard_normal((n_noise, 8)).astype(np.float32)
    return noise, distribution.distribution_data(trainer, pca, designs, real, noise, distribution.plane_extent(real),
                                                 distribution.latent_grid(8, 3), grid=grid, arrows=arrows,
                                                 probability=probability)


def test_distribution_data_scores_real_and_generated_designs_and_projects_them(trainer, plane):
    pca, real, designs = plane
    noise, data = _data(trainer, plane)
    assert data.scores.shape == (6, 6) and ((0 <= data.scores) & (data.scores <= 1)).all()
    assert data.fake.shape == (12, 2) and data.arrows.shape == (4, 2) and data.fake_levels.shape == (12,)
    fakes = trainer.generate(noise=noise)
    assert np.allclose(data.fake, pca.project((fakes + 1) / 2, 2), atol=1e-4)
    assert np.allclose(data.real_scores, trainer.d_scores(np.where(designs, 1.0, -1.0)), atol=1e-5)
    assert np.allclose(data.fake_scores, trainer.d_scores(fakes), atol=1e-5)
    assert data.latent.shape == (9, 50, 50) and data.latent_scores.shape == (9,)
    grads = trainer.generator_gradients(noise[:4]).reshape(4, -1)
    assert np.allclose(data.arrows, 0.5 * grads @ pca.components[:2].T, rtol=1e-3, atol=1e-6)


def test_smoothed_scores_show_where_d_calls_designs_real_and_stay_neutral_where_it_cannot_tell():
    rng = np.random.default_rng(0)
    real, fake = rng.normal([-3, 0], 0.5, (50, 2)), rng.normal([3, 0], 0.5, (50, 2))
    points, weights = np.concatenate([real, fake]), np.ones(100)
    gx, gy = np.linspace(-6, 6, 25), np.linspace(-3, 3, 11)
    wins = distribution.smoothed_scores(points, np.r_[np.full(50, 0.95), np.full(50, 0.05)], weights, gx, gy, 1.0)
    assert wins[5, 6] > 0.85 and wins[5, 18] < 0.15  # green under the reals, purple under the fakes
    assert abs(wins[5, 0] - 0.5) < abs(wins[5, 6] - 0.5)  # far from every design: towards neutral
    even = distribution.smoothed_scores(points, np.full(100, 0.5), weights, gx, gy, 1.0)
    assert np.allclose(even, 0.5, atol=1e-6)


def test_contrast_is_zero_on_a_neutral_plane_and_large_when_d_tells_every_design(trainer, plane):
    _, data = _data(trainer, plane, grid=30)
    assert dataclasses.replace(data, scores=np.full_like(data.scores, 0.5)).contrast == 0.0
    points = np.concatenate([data.real, data.fake])
    told = distribution.smoothed_scores(points, np.r_[np.ones(len(data.real)), np.zeros(len(data.fake))],
                                        np.ones(len(points)), data.grid_x, data.grid_y,
                                        distribution.BANDWIDTH * (data.grid_x[-1] - data.grid_x[0]))
    assert dataclasses.replace(data, scores=told).contrast > 0.5


def test_a_critics_scores_are_centred_so_only_its_ranking_shows():
    real, fake = distribution.background_scale(np.array([0.999, 0.998]), np.array([0.99, 0.98]), probability=False)
    assert (real > 0.5).all() and (fake < 0.5).all() and np.isclose(real.mean() + fake.mean(), 1.0, atol=0.02)
    real, fake = distribution.background_scale(np.array([0.9]), np.array([0.8]), probability=True)
    assert real[0] == 0.9 and fake[0] == 0.8


def test_latent_grid_spans_a_plane_of_the_noise_space():
    points = distribution.latent_grid(16, side=5, reach=2.0)
    assert points.shape == (25, 16) and np.allclose(points[12], 0) and np.linalg.matrix_rank(points) == 2
    assert np.isclose(np.linalg.norm(points[0]), 2 * np.sqrt(2), rtol=1e-5)


def test_distribution_view_draws_only_the_chosen_layers(trainer, plane):
    _, data = _data(trainer, plane, n_noise=8, arrows=3, grid=5)
    full = tf_fig.distribution_view(data)
    assert [t.type for t in full.data] == ["heatmap", "scatter", "scatter", "scatter"]
    assert [t.name for t in tf_fig.distribution_view(data, layers=("real",)).data] == ["real"]
    xs = np.array(full.data[3].x, dtype=float).reshape(-1, 3)  # start, end, gap per arrow
    lengths = np.hypot(xs[:, 1] - xs[:, 0], np.array(full.data[3].y, dtype=float).reshape(-1, 3)[:, 1]
                       - np.array(full.data[3].y, dtype=float).reshape(-1, 3)[:, 0])
    assert lengths.max() == pytest.approx(0.08 * (data.grid_x[-1] - data.grid_x[0]), rel=1e-4)


def test_metric_and_step_figures():
    metrics = [{"iteration": 10, "js_pca": 0.5, "floating_rate": 0.2, "recall": 0.1, "material_w1": 0.05}]
    fig = tf_fig.metric_curves(metrics)
    assert [t.yaxis for t in fig.data] == ["y", "y", "y", "y2"]
    assert list(fig.data[3].y) == [0.05 * tf_fig.W1_PIXELS]
    physics = [{"iteration": 10, "median_abs_ce": 31.2, "median_vfe": 0.5, "fm8": 0.25, "ld": 0.0},
               {"iteration": 20, "median_abs_ce": 0.04, "median_vfe": 0.01, "fm8": 0.0, "ld": 0.0}]
    fig = tf_fig.physics_curves(physics)
    assert fig.layout.yaxis.type == "log"
    assert {t.name: list(t.y) for t in fig.data} == {"median |CE|": [3120.0, 4.0], "median VFE": [50.0, 1.0],
                                                     "floating material": [25.0, 0.1],  # 0 drawn at the floor
                                                     "load disrespect": [0.1, 0.1]}
    ticks = fig.layout.yaxis.tickvals  # a tick per decade, the top one above every point: none drawn off the scale
    assert list(ticks) == [0.1, 1, 10, 100, 1000, 10000] and fig.layout.yaxis.range[1] >= np.log10(ticks[-1])
    french = tf_fig.physics_curves(physics[1:], decimal=",")
    assert list(french.layout.yaxis.ticktext) == ["≤0,1", "1", "10"]
    assert tf_fig.shown_value("material_w1", 0.01) == 25 and tf_fig.shown_value("median_abs_ce", 0.05) == 5
    assert tf_fig.shown_value("recall", 0.5) == 0.5
    fig = tf_fig.gradient_norms({"conv1": 0.5}, {"dense": 2.0})
    assert list(fig.data[0].x) == [0.5] and list(fig.data[1].y) == ["G: dense"]
    fig = tf_fig.score_strip(np.array([0.9, 0.8]), np.array([0.1]))
    assert list(fig.data[0].x) == [0.9, 0.8]
    fig = tf_fig.runs_overlay({"a": [{"iteration": 1, "loss_g": 1.0}], "b": []}, "loss_g", "G loss")
    assert [t.name for t in fig.data] == ["a", "b"]
