"""Health messages: each diagnosis from crafted snapshots (deterministic) or a real tiny run, advice that
never suggests what is already set, and a tracker that keeps messages steady on a clock the test drives."""
from __future__ import annotations

import numpy as np
import pytest

from app import health
from app.health import HealthTracker, diagnose
from app.worker import Snapshot
from mechgan.config import TrainConfig

DIVERSITY = 0.2


def records(d_real, d_fake, loss_d=0.5, loss_g=2.0, start=0):
    """History records from sequences (or constants) of D scores and losses."""
    n = max(len(np.atleast_1d(v)) for v in (d_real, d_fake, loss_d, loss_g))
    col = lambda v: np.broadcast_to(np.asarray(v, float), (n,))  # noqa: E731
    return tuple({"iteration": start + i, "d_real": r, "d_fake": f, "loss_d": ld, "loss_g": lg}
                 for i, (r, f, ld, lg) in enumerate(zip(col(d_real), col(d_fake), col(loss_d), col(loss_g))))


def keys(snap, stalled_s=0.0):
    return [f.key for f in diagnose(snap, DIVERSITY, stalled_s)]


def lively(n=60, seed=0):
    """D's scores of a healthy run: jumping ~0.1-0.15 a step around 0.7 / 0.3."""
    rng = np.random.default_rng(seed)
    return records(0.7 + 0.1 * rng.standard_normal(n), 0.3 + 0.1 * rng.standard_normal(n))


def test_a_healthy_run_has_no_message():
    assert keys(Snapshot(state="playing", iteration=60, history=lively(), steps_per_s=20)) == []


def test_swinging_scores_are_oscillating_and_crawling_ones_barely_learning():
    n = 60
    flip = np.where(np.arange(n) % 2, 0.9, 0.3)
    assert "oscillating" in keys(Snapshot(state="playing", history=records(flip, 1.0 - flip), steps_per_s=20))
    crawl = np.linspace(0.50, 0.60, n)
    found = diagnose(Snapshot(state="playing", history=records(crawl, 1.0 - crawl), steps_per_s=20), DIVERSITY)
    assert [f.key for f in found] == ["barely_learning"]
    assert found[0].values["swing"] == pytest.approx(0.1 / (n - 1))


def test_a_saturated_winning_d_is_not_called_barely_learning():
    snap = Snapshot(state="playing", history=records(0.999, 0.001, loss_g=np.linspace(5, 7, 60)))
    assert keys(snap) == ["d_wins"]


def test_oscillation_is_measured_against_the_gap_d_keeps_and_a_fooled_d_is_told():
    rng = np.random.default_rng(0)
    jumpy = 0.12 * rng.standard_normal(60)  # the same jumps: noise around a wide gap, a swing around a narrow one
    assert keys(Snapshot(state="playing", history=records(0.85 + jumpy, 0.15 - jumpy))) == []
    assert keys(Snapshot(state="playing", history=records(0.6 + jumpy, 0.4 - jumpy))) == ["oscillating"]
    fooled = records(0.5 + 0.01 * rng.standard_normal(60), 0.75 + 0.01 * rng.standard_normal(60))
    found = diagnose(Snapshot(state="playing", config=TrainConfig(k_g=5, lr_g=2e-3), history=fooled), DIVERSITY)
    assert found[0].key == "g_wins" and found[0].advice == ("lower_lr_g", "lower_k_g")


def test_the_tracker_shows_the_most_serious_message_only():
    snap = Snapshot(state="playing", history=records(np.full(60, 0.999), 0.001, loss_d=0.0, loss_g=180.0),
                    steps_per_s=20)
    assert keys(snap) == ["exploding", "d_wins"]  # a frozen run: both hold...
    assert [f.key for f in HealthTracker().update(snap, DIVERSITY, 0.0)] == ["exploding"]  # ...one is said


def test_exploding_losses_are_seen_from_the_first_records():
    snap = Snapshot(state="playing", history=records(0.9, 0.1, loss_d=910.0, loss_g=1340.0)[:2])
    found = diagnose(snap, DIVERSITY)
    assert [f.key for f in found] == ["exploding"] and found[0].values["loss"] == 1340.0
    one_spike = records(0.7, 0.3, loss_g=[150.0] + [2.0] * 9)  # the early spike of a sound run
    assert keys(Snapshot(state="playing", history=one_spike)) == []


def test_a_slow_step_is_told_from_the_clock_before_any_iteration():
    snap = Snapshot(state="playing", iteration=0, steps_per_s=0.0)
    assert keys(snap, stalled_s=2.0) == []
    found = diagnose(snap, DIVERSITY, stalled_s=6.0)
    assert [f.key for f in found] == ["slow"] and found[0].values["seconds"] == 6.0
    assert keys(Snapshot(state="playing", steps_per_s=0.05)) == ["slow"]  # 20 s a step
    assert keys(Snapshot(state="paused", steps_per_s=0.0), stalled_s=60.0) == []  # a paused run is not slow
    assert keys(Snapshot(state="waiting"), stalled_s=60.0) == []  # queued: its turn will come


@pytest.mark.parametrize("changes, key, said, unsaid", [
    ({"loss": "nonsaturating"}, "d_wins", "lower_lr_d", "try_nonsaturating"),
    ({"loss": "minimax"}, "d_wins", "try_nonsaturating", None),
    ({"loss": "wgan_gp"}, "d_wins", "lower_lr_d", "try_wgan"),
    ({"k_d": 5}, "d_wins", "lower_k_d", "raise_k_g"),
    ({"lr_g": 1.0, "lr_d": 1.0, "k_d": 10, "batch_size": 256, "nf": 64}, "slow", "lower_batch", "server_busy"),
    ({}, "slow", "server_busy", "lower_batch"),  # nothing to lower: the class shares the server
    ({"lr_g": 1e-5, "lr_d": 1e-5}, "barely_learning", "raise_both_lr", "be_patient"),
    ({"lr_g": 1e-2, "lr_d": 1e-2}, "oscillating", "lower_both_lr", "be_patient"),
    ({"lr_g": 2e-4, "lr_d": 2e-4}, "oscillating", "be_patient", "lower_both_lr"),
])
def test_advice_only_suggests_what_would_change_something(changes, key, said, unsaid):
    advice = health._advice(key, TrainConfig().with_changes(**changes))
    assert said in advice and (unsaid is None or unsaid not in advice)


def test_the_extreme_sliders_get_the_slow_message_with_what_to_lower():
    config = TrainConfig().with_changes(lr_g=1.0, lr_d=1.0, k_d=10, batch_size=256, nf=64)
    found = diagnose(Snapshot(state="playing", config=config, steps_per_s=0.05), DIVERSITY)
    assert found[0].key == "slow"
    assert set(found[0].advice) == {"lower_batch", "lower_nf", "lower_k_d"}


def test_tracker_keeps_a_flickering_message_and_drops_it_after_a_quiet_while():
    tracker = HealthTracker()
    flip = np.where(np.arange(60) % 2, 0.9, 0.3)
    swinging, calm = records(flip, 1.0 - flip), lively()

    def shown(history, t):  # the run moves on: 10 iterations a second
        snap = Snapshot(state="playing", iteration=int(10 * t), history=history, steps_per_s=10)
        return [f.key for f in tracker.update(snap, DIVERSITY, t)]

    assert shown(swinging, 0.0) == ["oscillating"]
    assert shown(calm, 1.0) == ["oscillating"]  # the condition flickers off: the message stays
    assert shown(swinging, 2.0) == ["oscillating"]
    assert shown(calm, 5.5) == ["oscillating"]  # shown 5 s, but false only 3.5 s
    assert shown(calm, 6.1) == []  # false for 4 s and shown over 5 s: it goes
    assert shown(swinging, 6.2) == ["oscillating"]


def test_tracker_times_a_stalled_step_and_forgets_an_old_run():
    tracker = HealthTracker()
    playing = Snapshot(state="playing", iteration=3, steps_per_s=0.0)
    assert tracker.update(playing, DIVERSITY, 100.0) == []
    assert [f.key for f in tracker.update(playing, DIVERSITY, 105.0)] == ["slow"]  # no new step for 5 s
    assert tracker.update(Snapshot(state="paused", iteration=0), DIVERSITY, 106.0) == []  # Reset: a new run


def test_a_real_run_at_tiny_rates_is_barely_learning_and_one_at_default_rates_is_not():
    from mechgan.data import load_designs
    from mechgan.training import Trainer

    designs = load_designs()[:128]
    seen = {}
    for lr in (1e-5, 5e-4):
        trainer = Trainer(TrainConfig(nf=4, latent_dim=8, batch_size=16, lr_g=lr, lr_d=lr), designs)
        trainer.run(health.WINDOW)
        seen[lr] = keys(Snapshot(state="playing", config=trainer.config, history=tuple(trainer.history),
                                 iteration=trainer.iteration, steps_per_s=20))
    assert seen[1e-5] == ["barely_learning"] and "barely_learning" not in seen[5e-4]
