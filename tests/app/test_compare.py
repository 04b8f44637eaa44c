"""The Lab's compare mode and pretrained start, with real workers: two paired runs train in turn;
the shipped trained run continues in the Lab with its settings in the controls."""
from __future__ import annotations

import pytest

from mechgan.config import TrainConfig
from mechgan.data import load_designs
from mechgan.runs import read_meta

from app.lab_controls import PRETRAINED
from app.registry import Registry
from app.views import ViewMaker
from app.worker import WorkerSettings

from lab_helpers import metrics, new_app, preset_picker, ready, wait_until, worker_of

SMALL = TrainConfig(nf=4, batch_size=16, latent_dim=8)


@pytest.fixture
def registry():
    reg = Registry(ViewMaker(load_designs()[:200]), max_running=2, settings=WorkerSettings())
    yield reg
    reg.shutdown(30)


def test_paired_runs_train_in_turn(registry):
    a, _ = registry.worker("a", SMALL)
    b, _ = registry.worker("a/B", SMALL.with_changes(lr_g=5e-2, lr_d=5e-2))
    a.pair(b)
    b.pair(a)
    for w in (a, b):
        w.wait_until(lambda s: s.state == "paused", 120)
    for w in (a, b):
        w.send("play")
    gaps = []

    def far_enough(snap) -> bool:
        gaps.append(abs(snap.iteration - b.snapshot().iteration))
        return snap.iteration >= 30

    a.wait_until(far_enough, 300)
    for w in (a, b):
        w.wait_applied(w.send("pause"), 30)
    assert a.snapshot().iteration >= 30 and b.snapshot().iteration >= 25
    # a published snapshot lags its run by at most 0.1 s: neither run gets far ahead of the other
    assert max(gaps) <= 3, gaps


def test_start_from_the_pretrained_run(lab):
    meta = read_meta(PRETRAINED)
    lab.button(key="btn_pretrained_A").click().run()
    wait_until(lab, lambda at: ready(at) and worker_of(at).snapshot().iteration == meta["progress"]["iteration"],
               120, "the pretrained run")
    config = worker_of(lab).snapshot().config
    assert config == TrainConfig.from_dict(meta["config"])
    assert lab.session_state["cfg_nf"] == config.nf and lab.session_state["cfg_lr_g"] == config.lr_g
    assert metrics(lab)["Iteration"] == "3,000" and not lab.exception
    assert preset_picker(lab).value == ""  # the pretrained settings are no preset
    lab.button(key="btn_step").click().run()
    wait_until(lab, lambda at: worker_of(at).snapshot().iteration == 3001, 120, "a step after the pretrained run")


def test_compare_mode_in_the_lab_builds_b_from_a_copy():
    at = new_app()
    wait_until(at, ready, 300, "the worker to build")
    at.toggle(key="_widget_compare_en").set_value(True).run()
    b = None
    try:
        wait_until(at, lambda a: (b := _b(a)) is not None and b.snapshot().state == "paused", 300, "run B")
        b = _b(at)
        assert b.snapshot().config == worker_of(at).snapshot().config  # same seed: same weights and noise
        assert not at.exception
        at.toggle(key="_widget_compare_en").set_value(False).run()
        b.join(30)
        assert not b.is_alive()  # leaving the compare mode frees run B
    finally:
        for w in (worker_of(at), b):
            if w is not None and w.is_alive():
                w.send("stop")
                w.join(30)


def _b(at):
    from app.state import registry

    return registry().existing(at.session_state["session_key"] + "/B")
