import gc
import threading
import weakref
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from mechgan import losses, palette, pieces, training, updates
from mechgan.config import LOSSES, OPTIMIZERS, TrainConfig
from mechgan.training import Trainer, generate_and_save, train, train_step

SMALL = TrainConfig(nf=4, latent_dim=8, batch_size=8, seed=0)


@pytest.fixture(scope="module")
def trainer(designs):
    return Trainer(SMALL, designs)


def _trainable(weights):
    return {k: v.numpy().copy() for k, v in weights.items() if v.trainable}


def _changed(before, weights):
    return [k for k, v in _trainable(weights).items() if not np.array_equal(v, before[k])]


@pytest.mark.usefixtures("eager")
@pytest.mark.parametrize("architecture", ["nf", "tutorial"])
def test_every_loss_trains_each_architecture(designs, architecture):
    t = Trainer(SMALL.with_changes(architecture=architecture), designs)
    for loss in LOSSES:
        t.update(loss=loss)
        rec = t.step()
        assert t.status == "ok", (loss, t.status_message)
        assert np.isfinite([rec["loss_d"], rec["loss_g"], rec["d_real"], rec["d_fake"]]).all()
        assert 0 <= rec["d_real"] <= 1 and 0 <= rec["d_fake"] <= 1
    assert t.iteration == len(LOSSES)
    assert t.generate(n=3).shape == (3, 50, 50)


@pytest.mark.usefixtures("eager")
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimizer_moves_both_players(trainer, optimizer):
    trainer.update(optimizer_g=optimizer, optimizer_d=optimizer, momentum=0.5)
    g0, d0 = _trainable(trainer._wg), _trainable(trainer._wd)
    trainer.step()
    assert trainer.status == "ok"
    assert _changed(g0, trainer._wg) and _changed(d0, trainer._wd)


@pytest.mark.usefixtures("eager")
def test_step_d_changes_only_the_discriminator(trainer):
    g0, d0 = _trainable(trainer._wg), _trainable(trainer._wd)
    it = trainer.iteration
    rec = trainer.step_d()
    assert not _changed(g0, trainer._wg) and len(_changed(d0, trainer._wd)) == len(d0)
    assert np.isnan(rec["loss_g"]) and np.isfinite(rec["loss_d"]) and trainer.iteration == it


@pytest.mark.usefixtures("eager")
def test_step_g_changes_only_the_generator(trainer):
    g0, d0 = _trainable(trainer._wg), _trainable(trainer._wd)
    rec = trainer.step_g()
    assert not _changed(d0, trainer._wd) and len(_changed(g0, trainer._wg)) == len(g0)
    assert np.isnan(rec["loss_d"]) and np.isfinite(rec["loss_g"])


@pytest.mark.usefixtures("eager")
def test_k_d_and_k_g_count_updates(designs):
    t = Trainer(SMALL.with_changes(optimizer_d="sgd", optimizer_g="sgd", k_d=3, k_g=2), designs)
    t.step()
    assert float(t._opt_d.t.numpy()) == 3 and float(t._opt_g.t.numpy()) == 2 and t.iteration == 1


def test_live_learning_rate_change_applies_at_the_next_step(designs):
    t = Trainer(SMALL, designs)
    t.step_d()  # compile once
    compiled = dict(t._updates.compiled)
    t.update(lr_d=1e-9)
    d0 = _trainable(t._wd)
    t.step_d()
    tiny = max(np.abs(v - d0[k]).max() for k, v in _trainable(t._wd).items())
    t.update(lr_d=1e-2)
    d1 = _trainable(t._wd)
    t.step_d()
    large = max(np.abs(v - d1[k]).max() for k, v in _trainable(t._wd).items())
    assert tiny < 1e-7 < 1e-3 < large
    assert t.config.lr_d == 1e-2 and t._updates.compiled == compiled  # nothing rebuilt


def test_connect_penalty_is_skipped_at_zero_and_changes_live(designs, monkeypatch):
    masks = []
    monkeypatch.setattr(losses, "connect_mask", lambda *a, **k: masks.append(1) or pieces.connect_mask(*a, **k))
    plain, connected = (Trainer(SMALL.with_changes(connect_weight=0.0), designs) for _ in range(2))
    connected.step_g()  # compile once
    plain.step_g()
    assert not masks  # at 0 the term is not computed: no mask was found
    compiled = dict(connected._updates.compiled)
    connected.update(connect_weight=100.0)
    g_plain, g_connected = plain.step_g()["loss_g"], connected.step_g()["loss_g"]
    assert len(masks) == 1 and g_connected > g_plain + 0.01  # an untrained G's scattered grey now costs
    assert connected._updates.compiled == compiled  # nothing rebuilt


def test_only_live_fields_change_during_a_run(trainer):
    with pytest.raises(ValueError, match="nf"):
        trainer.update(nf=32)
    with pytest.raises(ValueError, match="lr_g"):
        trainer.update(lr_g=-1.0)


@pytest.mark.usefixtures("eager")
def test_nan_guard_stops_without_raising_and_keeps_weights(designs):
    t = Trainer(SMALL, designs)
    t.step()
    t._wd["dense/bias"].assign([float("nan")])
    g0 = _trainable(t._wg)
    records = t.run(5)
    assert t.status == "diverged" and "NaN" in t.status_message
    assert len(records) == 1 and np.isnan(records[0]["loss_d"])
    assert not _changed(g0, t._wg)
    assert t.step()["iteration"] == t.iteration == 1  # stays stopped, no exception


@pytest.mark.usefixtures("eager")
def test_run_stops_at_its_count_or_its_deadline(designs):
    t = Trainer(SMALL, designs)
    assert len(t.run(2, minutes=60)) == 2 and t.iteration == 2  # the count ends first
    assert t.run(minutes=0) == [] and t.iteration == 2  # a deadline already past
    with pytest.raises(ValueError, match="iterations or of minutes"):
        t.run()


def test_same_seed_and_config_give_the_same_first_losses(designs):
    runs = [Trainer(SMALL, designs).run(3) for _ in range(2)]
    for key in ("loss_d", "loss_g", "d_real", "d_fake"):
        np.testing.assert_allclose([r[key] for r in runs[0]], [r[key] for r in runs[1]], rtol=1e-5)


@pytest.mark.parametrize("architecture", ["nf", "tutorial"])
def test_tracing_ahead_changes_nothing_and_is_not_repeated(designs, architecture):
    config = replace(SMALL, architecture=architecture)
    plain, traced = Trainer(config, designs), Trainer(config, designs)
    traced.trace()
    compiled, traces = dict(traced._updates.compiled), _tracing_counts(traced)
    assert traced.iteration == 0 and len(traced.history) == 0
    first, expected = traced.step(), plain.step()
    for key in ("loss_d", "loss_g", "d_real", "d_fake"):  # no RNG state or weight moved
        assert first[key] == pytest.approx(expected[key], rel=1e-5)
    assert len(compiled) == 2 and traced._updates.compiled == compiled and _tracing_counts(traced) == traces


def _shared(trainer, side):
    """The compiled update of ``trainer``'s structure, loss and optimizer for ``side``, shared by all its runs."""
    c = trainer.config
    return updates._shared_updates.get(side, trainer._wg.structure, trainer._wd.structure, c.loss,
                                       getattr(c, f"optimizer_{side}"))


def _tracing_counts(trainer):
    return [_shared(trainer, side).experimental_get_tracing_count() for side in "dg"]


def test_runs_of_one_structure_share_their_compiled_updates_but_not_their_state(designs):
    config = SMALL.with_changes(seed=11, lr_g=1e-3)
    alone = Trainer(config, designs).run(3)
    a, b = Trainer(config, designs), Trainer(config.with_changes(seed=12, lr_d=1e-2), designs)
    a.step()
    traces = _tracing_counts(a)
    for _ in range(2):
        b.step()
        a.step()
    assert b._updates.compiled == a._updates.compiled  # the same concrete functions, traced once
    assert _tracing_counts(a) == _tracing_counts(b) == traces
    for key in ("loss_d", "loss_g", "d_real", "d_fake"):  # b's steps in between changed nothing of a's
        np.testing.assert_allclose([r[key] for r in a.history], [r[key] for r in alone], rtol=1e-5)
    assert b.history[0]["loss_d"] != a.history[0]["loss_d"]


def test_a_shared_update_lives_while_a_run_holds_it_then_gives_way(designs):
    first = Trainer(SMALL.with_changes(nf=6), designs)
    first.step_d()
    update = weakref.ref(_shared(first, "d"))
    for nf in (7, 9):  # later structures take the cache's places
        Trainer(SMALL.with_changes(nf=nf), designs).step_d()
    gc.collect()
    assert update() is not None  # `first` still trains with it
    del first
    gc.collect()
    assert update() is None  # its graphs and kernels are freed


def test_only_what_shapes_the_graph_gets_a_compiled_update_of_its_own(designs):
    base = Trainer(SMALL, designs)
    for changes in ({"optimizer_d": "sgd"}, {"nf": 5}, {"latent_dim": 9}, {"architecture": "tutorial"},
                    {"loss": "hinge"}):
        assert _shared(Trainer(SMALL.with_changes(**changes), designs), "d") is not _shared(base, "d"), changes
    live = Trainer(SMALL.with_changes(seed=3, lr_d=0.1, beta1=0.9, label_smoothing=0.2, optimizer_g="sgd"), designs)
    assert _shared(live, "d") is _shared(base, "d") and _shared(live, "g") is not _shared(base, "g")


@pytest.mark.usefixtures("eager")
def test_history_is_bounded(designs, monkeypatch):
    monkeypatch.setattr(training, "HISTORY_SIZE", 3)
    t = Trainer(SMALL, designs)
    t.run(5)
    assert [r["iteration"] for r in t.history] == [3, 4, 5]
    seconds = [r["seconds"] for r in t.history]  # training time so far: it never goes back
    assert seconds == sorted(seconds) and seconds[0] >= 0


@pytest.mark.usefixtures("eager")
def test_inspection(trainer):
    samples = trainer.fixed_samples()
    assert samples.shape == (16, 50, 50) and samples.dtype == np.float32
    assert np.abs(samples).max() <= 1 and np.array_equal(samples, trainer.fixed_samples())
    scores = trainer.d_scores(samples[:5])
    assert scores.shape == (5,) and ((scores >= 0) & (scores <= 1)).all()
    grads = trainer.generator_gradients(trainer.fixed_noise[:2])
    assert grads.shape == (2, 50, 50) and np.isfinite(grads).all() and np.abs(grads).max() > 0


@pytest.mark.usefixtures("eager")
def test_sampling_fresh_noise_does_not_disturb_training(designs):
    a, b = Trainer(SMALL, designs), Trainer(SMALL, designs)
    b.generate(n=4)
    assert a.step()["loss_d"] == pytest.approx(b.step()["loss_d"], rel=1e-6)


@pytest.mark.usefixtures("eager")
def test_step_detailed_exposes_one_iteration(trainer):
    it = trainer.iteration
    d = trainer.step_detailed()
    n = SMALL.batch_size
    assert d["noise"].shape == (n, 8) and d["reals"].shape == d["fakes_before"].shape == (n, 50, 50)
    assert d["d_real"].shape == d["d_fake"].shape == (n,)
    assert set(d["grad_norms_d"]) == {"conv1", "conv2", "conv3", "dense"}
    assert "dense" in d["grad_norms_g"] and all(v > 0 for v in d["grad_norms_g"].values())
    assert not np.array_equal(d["fakes_before"], d["fakes_after"])
    assert trainer.iteration == it + 1 and np.isfinite([d["loss_d"], d["loss_g"]]).all()


@pytest.mark.usefixtures("eager")
def test_stepping_while_another_thread_samples(designs):
    t = Trainer(SMALL, designs)
    errors = []

    def sample():
        try:
            for _ in range(10):
                t.generate(n=2)
                t.d_scores(np.zeros((2, 50, 50), np.float32))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    thread = threading.Thread(target=sample)
    thread.start()
    t.run(4)
    thread.join()
    assert not errors and t.iteration == 4


@pytest.mark.usefixtures("eager")
def test_lab_functions_from_a_notebook(designs, tmp_path):
    t = train(designs, steps=2, config=SMALL)
    assert t.iteration == 2
    rec = train_step(t, designs[:8])
    assert rec["iteration"] == 3 and set(rec) >= {"loss_d", "loss_g", "d_real", "d_fake"}
    path = generate_and_save(t, t.fixed_noise, tmp_path / "grid.png")
    assert Image.open(path).size == (2 * (4 * 52 + 2),) * 2
    path = generate_and_save(t._wg, t.fixed_noise[:3], tmp_path / "weights.png", columns=3)
    assert Image.open(path).size == (2 * (3 * 52 + 2), 2 * (52 + 2))


def test_image_grid_draws_solid_black_on_white():
    images = np.stack([np.ones((50, 50)), -np.ones((50, 50))]).astype(np.float32)
    grid = palette.image_grid(images, columns=2, scale=1, gap=0)
    assert grid[:, :50].max() == 0 and grid[:, 50:].min() == 255


def test_bad_designs_are_named():
    with pytest.raises(ValueError, match="designs must be"):
        Trainer(SMALL, np.zeros((4, 28, 28), bool))


@pytest.mark.usefixtures("eager")
def test_samples_come_from_the_moving_average_when_ema_is_on(designs):
    t = Trainer(SMALL.with_changes(ema=0.9), designs)
    t.run(3)
    raw = t._images(t.fixed_noise, t._wg)
    assert not np.allclose(t.fixed_samples(), raw, atol=1e-4)
    t.update(ema=0.0)
    np.testing.assert_array_equal(t.fixed_samples(), raw)
