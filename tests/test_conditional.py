"""The conditional GAN: splits, the shipped out-of-distribution set, training through the lab's Trainer,
saving and loading, the retrieval baseline and the shipped model."""
from __future__ import annotations

import numpy as np
import pytest

from mechgan import conditional, dataset_builder, models, physics_metrics, runs, specification
from mechgan.conditional import ConditionalTrainer, encode_condition
from mechgan.config import TrainConfig
from mechgan.errors import Refusal
from mechgan.training import Trainer, train_step

SMALL = TrainConfig(nf=4, latent_dim=8, batch_size=8, seed=3)


def _data(n: int = 64):
    s = specification.shipped_split()
    idx = s.train[:n]
    return s.dataset.designs[idx], s.conditions[idx]


@pytest.fixture(scope="module")
def trained():
    designs, conditions = _data()
    trainer = ConditionalTrainer(SMALL, designs, conditions)
    trainer.run(4)
    return trainer


def test_split_is_seeded_disjoint_and_ten_percent():
    train, test = specification.split(5000)
    assert len(test) == 500 and len(train) == 4500
    assert np.intersect1d(train, test).size == 0 and np.union1d(train, test).size == 5000
    assert np.array_equal(test, specification.split(5000)[1])
    assert not np.array_equal(test, specification.split(5000, seed=1)[1])


def test_conditions_of_the_shipped_family_span_minus_one_to_one():
    c = specification.shipped_split().conditions
    assert c.shape == (5000, 3) and c.dtype == np.float32
    assert np.allclose(c.min(axis=0), -1, atol=0.01) and np.allclose(c.max(axis=0), 1, atol=0.01)
    assert np.allclose(encode_condition(25, 0.0, 0.40), 0)


def test_the_shipped_ood_set_lies_outside_the_family_and_passes_the_builders_checks():
    ood = conditional.load_ood()
    fam = dataset_builder.OOD_FAMILY
    assert 280 <= len(ood) <= 320
    rows, angles, vols = ood.load_row, np.abs(ood.load_angle_deg), ood.volfrac_target
    assert np.all(((rows >= 2) & (rows <= 9)) | ((rows >= 41) & (rows <= 48)))
    assert np.all((angles >= fam.angle_min_deg) & (angles <= fam.angle_max_deg))
    assert (ood.load_angle_deg > 0).any() and (ood.load_angle_deg < 0).any()
    assert np.all(((vols >= 0.25) & (vols <= 0.30)) | ((vols >= 0.50) & (vols <= 0.55)))
    assert all(dataset_builder.is_valid_design(d, int(r)) for d, r in zip(ood.designs, rows))
    seed = ood.meta["seed"]
    for i in range(0, len(ood), 37):  # the stored case regenerates from its candidate index
        assert dataset_builder.candidate_params(seed, int(ood.candidate[i]), fam) == (
            int(rows[i]), float(ood.load_angle_deg[i]), float(vols[i]))


def test_ood_candidates_are_drawn_in_every_band():
    params = [dataset_builder.candidate_params(9, i, dataset_builder.OOD_FAMILY) for i in range(400)]
    rows, angles, vols = map(np.array, zip(*params))
    assert set(np.unique(rows)) == set(range(2, 10)) | set(range(41, 49))
    assert (angles < -40).any() and (angles > 40).any() and np.abs(angles).max() <= 60
    assert (vols < 0.30).any() and (vols > 0.50).any()


def test_conditional_models_take_the_condition():
    wg = models.initialize_weights_generator(4, 8, seed=0, condition_dim=3)
    wd = models.initialize_weights_discriminator(4, seed=0, condition_dim=3)
    z = np.zeros((2, 8), np.float32)
    c = encode_condition([10, 40], [-30, 30], [0.3, 0.5])
    x = models.generator(np.concatenate([z, c], axis=1), wg)
    assert x.shape == (2, 50, 50, 1)
    assert not np.allclose(x[0], x[1])  # same noise, two cases: two designs
    inputs = models.with_condition(x, c)
    assert inputs.shape == (2, 50, 50, 4) and np.allclose(inputs[1, :, :, 1:], c[1])
    assert models.discriminator(inputs, wd).shape == (2, 1)


def test_training_is_reproducible_and_finite(trained):
    designs, conditions = _data()
    again = ConditionalTrainer(SMALL, designs, conditions)
    again.run(4)
    assert trained.status == "ok" and trained.iteration == 4
    assert all(np.isfinite(r["loss_d"]) and np.isfinite(r["loss_g"]) for r in trained.history)
    assert np.array_equal(trained.fixed_samples(), again.fixed_samples())


@pytest.mark.parametrize("loss", ["wgan_gp", "hinge"])
def test_every_loss_and_live_change_works_for_a_conditional_run(loss):
    designs, conditions = _data(32)
    trainer = ConditionalTrainer(SMALL.with_changes(loss=loss), designs, conditions)
    trainer.run(2)
    trainer.update(lr_g=1e-3, optimizer_d="rmsprop", loss="least_squares")
    trainer.step_d()
    trainer.step_g()
    trainer.run(1)
    assert trainer.status == "ok" and trainer.iteration == 3


def test_a_trainer_needs_a_condition_per_design():
    designs, conditions = _data(16)
    with pytest.raises(ValueError, match="one \\(3,\\) condition per design"):
        ConditionalTrainer(SMALL, designs, conditions[:8])


def test_g_gradients_push_each_sample_towards_real_for_its_own_condition(trained):
    noise = trained.fixed_noise[::4]  # one sample of each fixed load case
    conditions, samples = noise[:, -trained.condition_dim:], trained.generate(noise)
    grads = trained.generator_gradients(noise)
    step = 0.05 * grads / np.linalg.norm(grads.reshape(len(grads), -1), axis=1)[:, None, None]
    assert (trained.d_scores(samples + step, conditions) > trained.d_scores(samples, conditions)).all()


def test_saved_run_resumes_exactly(trained, tmp_path, monkeypatch):
    designs, conditions = _data()
    path = runs.save_run(trained, "c", tmp_path)
    assert runs.is_conditional_run(path) and not runs.is_conditional_run(
        runs.save_run(Trainer(SMALL, designs), "plain", tmp_path))
    # load_run rebuilds a conditional run on the shipped training split: here, the fixture's part of it
    monkeypatch.setattr(specification, "training_cases", lambda: (designs, conditions))
    loaded = runs.load_run(path)
    assert loaded.condition_dim == 3 and loaded.config == trained.config
    assert loaded.iteration == trained.iteration
    assert np.array_equal(loaded.fixed_samples(), trained.fixed_samples())


def test_a_config_says_whether_a_run_is_conditional():
    designs, conditions = _data(16)
    assert Trainer(SMALL, designs).condition_dim == 0
    run = Trainer(SMALL.with_changes(conditional=True), designs, conditions)
    assert run.condition_dim == 3 and run.fixed_noise.shape == (16, SMALL.latent_dim + 3)
    assert ConditionalTrainer(SMALL, designs, conditions).config.conditional  # the notebook's way says so too
    with pytest.raises(Refusal, match="shipped designs only") as refused:  # a student's upload has no load cases
        Trainer(SMALL.with_changes(conditional=True), designs)
    assert refused.value.code == "conditional_needs_cases"
    with pytest.raises(ValueError, match="conditional run only"):
        Trainer(SMALL, designs, conditions)


def test_train_step_takes_a_batch_with_its_conditions():
    designs, conditions = _data(16)
    run = ConditionalTrainer(SMALL, designs, conditions)
    rec = train_step(run, designs[:8], conditions[:8])
    assert rec["iteration"] == 1 and np.isfinite([rec["loss_d"], rec["loss_g"]]).all()
    with pytest.raises(ValueError, match="3 condition values an image, got none"):
        train_step(run, designs[:8])
    assert run.iteration == 1


def test_d_scores_a_conditional_sample_for_its_own_case(trained):
    samples, scores = trained.scored_fixed_samples()
    assert samples.shape == (16, 50, 50) and scores.shape == (16,)
    assert np.allclose(scores, trained.d_scores(samples, trained.fixed_conditions))
    assert not np.allclose(scores, trained.d_scores(samples, trained.fixed_conditions[::-1]))
    with pytest.raises(ValueError, match="3 condition values"):
        trained.d_scores(samples)
    cases = np.array(specification.FIXED_CASES)  # four cases, a row of four samples each
    assert np.allclose(trained.fixed_conditions, np.repeat(encode_condition(*cases.T), 4, axis=0))


def test_recon_weight_is_a_live_setting(trained):
    designs, conditions = _data(32)
    run = ConditionalTrainer(SMALL, designs, conditions)
    run.update(recon_weight=3.0)
    assert run.config.recon_weight == 3.0 and float(run._extra["recon_weight"]) == 3.0
    run.run(1)
    assert run.status == "ok"


def test_live_physics_measures_held_out_cases(trained):
    report = conditional.live_physics(trained)
    assert report["n"] == physics_metrics.LIVE_CASES
    assert set(physics_metrics.TARGETS) <= set(report) and 0 <= report["fm8"] <= 1 and report["median_vfe"] >= 0
    assert conditional.live_physics(trained) == report  # fixed cases and noise: only training moves it


def test_generator_file_round_trip(trained, tmp_path):
    g = conditional.ConditionalGenerator.of(trained)
    loaded = conditional.load_generator(g.save(tmp_path / "g.npz"))
    assert loaded.meta["iterations"] == 4
    assert np.array_equal(g.design(20, 10.0, 0.4, n=3, seed=5), loaded.design(20, 10.0, 0.4, n=3, seed=5))
    with pytest.raises(ValueError, match="no conditional model"):
        conditional.load_generator(tmp_path / "missing.npz")


def test_retrieval_returns_the_training_design_of_a_training_case():
    designs, conditions = _data()
    r = conditional.Retrieval(designs, conditions)
    assert np.array_equal(r.designs(conditions[[5, 9]]), designs[[5, 9]])


def test_case_checks():
    specification.check_case(0, -90, 0.01)
    for bad, match in (((51, 0, 0.4), "load row"), ((2.5, 0, 0.4), "load row"), ((10, 0, 1.0), "volume"),
                       ((10, float("nan"), 0.4), "angle")):
        with pytest.raises(ValueError, match=match):
            specification.check_case(*bad)
    assert specification.in_trained_ranges(10, -40, 0.3) and not specification.in_trained_ranges(9, 0, 0.4)


def test_the_shipped_model_draws_designs_for_a_case():
    g = conditional.load_generator()
    designs = g.design(25, 0.0, 0.40, n=4, seed=0)
    assert designs.shape == (4, 50, 50) and designs.dtype == bool
    assert g.meta["config"]["latent_dim"] == g.latent_dim


def test_the_shipped_model_meets_its_test_cases():
    """Loose bounds on 20 held-out cases (the bench prints the real figures on all of them)."""
    table = conditional.physics_table(conditional.load_generator(), limit=20)["G test"]
    assert table["median_abs_ce"] < 0.25 and table["median_vfe"] < 0.05 and table["ld"] == 0
