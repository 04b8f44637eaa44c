"""Each preset, run 300 iterations, brings the Lab's health box to the message its description names, and no
message that contradicts it on the way (real TensorFlow, fixed seeds, CPU; the preset's own settings on the
tests' small networks).  Picked mid-run, a preset restarts the run (tests/app/test_lab_page.py), so this is
also what a student sees after picking one mid-run."""
from __future__ import annotations

import pytest

from mechgan import data
from mechgan.config import TrainConfig
from mechgan.presets import PRESETS
from mechgan.training import Trainer

from app.health import diagnose
from app.views import ViewMaker
from app.worker import Snapshot

BASE = TrainConfig(nf=8, latent_dim=16, batch_size=16, seed=0)
STEPS, EVERY = 300, 50
# The message each description names ("the Lab says ..."); None: no message at all
EXPECTED = {"balanced": None, "both_large": "oscillating", "both_small": "barely_learning",
            "d_too_strong": "d_wins", "g_too_strong": "g_wins"}
LATER = {"g_too_strong": "collapse"}  # "... then that G collapses"


@pytest.fixture(scope="module")
def designs():
    return data.load_designs()


def shown(trainer: Trainer, real_diversity: float) -> str | None:
    """The one message the Lab's health box shows for the trainer's state now (the most serious)."""
    samples, scores = trainer.scored_fixed_samples()
    snap = Snapshot(state="paused", config=trainer.config, history=tuple(trainer.history), samples=samples,
                    sample_scores=scores, sample_iteration=trainer.iteration, iteration=trainer.iteration)
    found = diagnose(snap, real_diversity)
    return found[0].key if found else None


def test_every_preset_names_the_message_the_lab_shows_for_it():
    from app.i18n import text

    assert set(EXPECTED) == set(PRESETS)
    for name, key in EXPECTED.items():
        about = {lang: text(f"preset_{name}_about", lang) for lang in ("en", "fr")}
        assert text(f"preset_{name}", "en") and text(f"preset_{name}", "fr")
        assert all(a.endswith(".") for a in about.values())
        if key is None:
            assert "no warning" in about["en"] and "sans avertissement" in about["fr"]
            continue
        for lang, description in about.items():
            assert "(" + ("the Lab says" if lang == "en" else "le Lab dit") in description, (name, lang)
        assert text(f"health_{key}", "en")  # a message the Lab has


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_preset_reaches_the_health_state_it_describes(name, designs):
    real_diversity = ViewMaker.diversity(designs[:64])
    trainer = Trainer(PRESETS[name].apply(BASE), designs)
    seen = []
    while trainer.iteration < STEPS and trainer.status == "ok":
        trainer.run(EVERY)
        seen.append(shown(trainer, real_diversity))
    assert trainer.status == "ok" and trainer.iteration == STEPS
    allowed = {EXPECTED[name], LATER.get(name), None}
    assert set(seen) <= allowed, f"{name}: messages every {EVERY} iterations {seen}"
    assert EXPECTED[name] in seen or name in LATER and seen[-1] == LATER[name], seen
    if EXPECTED[name] is not None:
        assert seen[-1] is not None, f"{name}: no message at iteration {STEPS} ({seen})"
