"""Each preset, run briefly on fixed seeds, must show the phenomenon its description claims."""
import math

import numpy as np
import pytest

from mechgan import data
from mechgan.config import LIVE_FIELDS, TrainConfig
from mechgan.presets import PRESETS
from mechgan.training import Trainer

BASE = TrainConfig(nf=8, latent_dim=16, batch_size=16, seed=0)
STEPS = 40


@pytest.fixture(scope="module")
def designs():
    return data.load_designs()[:200]


@pytest.fixture(scope="module")
def outcome(designs):
    """name -> summary of a short run of that preset (computed lazily, once each)."""
    cache = {}

    def get(name):
        if name not in cache:
            t = Trainer(PRESETS[name].apply(BASE), designs)
            start = np.concatenate([v.numpy().ravel() for v in t._wg.trainable])
            t.run(STEPS)
            end = np.concatenate([v.numpy().ravel() for v in t._wg.trainable])
            last = t.history[-10:]
            losses_d = np.array([r["loss_d"] for r in t.history])
            cache[name] = {
                "status": t.status,
                **{k: float(np.mean([r[k] for r in last])) for k in ("loss_d", "loss_g", "d_real", "d_fake")},
                "jumps": float(np.mean(np.abs(np.diff(losses_d)))),
                "g_moved": float(np.linalg.norm(end - start) / np.linalg.norm(start)),
            }
        return cache[name]

    return get


def test_presets_change_only_live_settings():
    assert set(PRESETS) == {"balanced", "both_large", "both_small", "d_too_strong", "g_too_strong"}
    for p in PRESETS.values():
        assert set(p.changes) <= LIVE_FIELDS
        p.apply(BASE)  # valid values


def test_balanced_keeps_both_players_in_the_game(outcome):
    o = outcome("balanced")
    assert o["status"] == "ok"
    assert 0.1 < o["d_fake"] < o["d_real"] < 0.97
    assert o["jumps"] < 0.2


def test_both_large_makes_the_losses_jump(outcome):
    o = outcome("both_large")
    assert o["status"] == "diverged" or o["jumps"] > 5 * outcome("balanced")["jumps"]


def test_both_small_changes_almost_nothing(outcome):
    o = outcome("both_small")
    assert abs(o["loss_d"] - 2 * math.log(2)) < 0.05  # D still at chance
    assert o["g_moved"] < 0.01 * outcome("balanced")["g_moved"]


def test_d_too_strong_rejects_every_fake(outcome):
    o = outcome("d_too_strong")
    assert o["d_fake"] < 0.05 and o["d_real"] > 0.95
    assert o["loss_g"] > 3


def test_g_too_strong_fools_the_discriminator(outcome):
    o = outcome("g_too_strong")
    assert o["d_fake"] > o["d_real"]
    assert o["loss_d"] > 2 * math.log(2)
