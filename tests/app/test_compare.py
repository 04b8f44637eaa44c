"""The Lab's compare mode and pretrained start, with real workers: two paired runs train in turn;
the shipped trained run continues in the Lab with its settings in the controls."""
from __future__ import annotations

import time

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


def built(registry, key: str, config: TrainConfig = SMALL):
    w, _ = registry.worker(key, config)
    w.wait_until(lambda s: s.state == "paused", 300)
    return w


class Steps:
    """Records, at every training step of either run, both runs' iterations read from their trainers
    (not from the snapshots, which lag): the pair's guarantee is checked at each of them."""

    def __init__(self, monkeypatch, a, b, slow_b: float = 0.0) -> None:
        self.points: list[tuple[str, int, int]] = []  # (who stepped, iteration of A, iteration of B)
        self.a, self.b = a, b
        for name, w in (("A", a), ("B", b)):
            monkeypatch.setattr(w._trainer, "step", self._recorded(name, w._trainer.step, slow_b * (name == "B")))

    def _recorded(self, name, step, delay):
        def recorded():
            time.sleep(delay)  # a slower partner: the other must wait, not run ahead
            out = step()
            self.points.append((name, self.a._trainer.iteration, self.b._trainer.iteration))
            return out
        return recorded

    def gaps(self, since: int = 0) -> list[int]:
        return [abs(a - b) for _, a, b in self.points[since:]]

    def steps_of(self, name: str) -> int:
        return sum(who == name for who, _, _ in self.points)


def test_paired_runs_train_in_step_whatever_one_of_them_does(registry, monkeypatch):
    """B steps slowly and refreshes its views slowly; B alone is paused, then A alone is played: at every
    step of either run they are at most one iteration apart, and Play and Pause act on both."""
    a, b = built(registry, "a"), built(registry, "a/B", SMALL.with_changes(lr_g=5e-2, lr_d=5e-2))
    a.pair(b)
    b.pair(a)
    steps = Steps(monkeypatch, a, b, slow_b=0.03)
    refresh = b._refresh_views
    monkeypatch.setattr(b, "_refresh_views", lambda: (time.sleep(0.05), refresh()))
    for w in (a, b):
        w.send("play")
    a.wait_until(lambda s: s.iteration >= 30, 300)
    b.wait_applied(b.send("pause"), 30)  # B's Pause pauses A too
    a.wait_until(lambda s: s.state == "paused", 30)
    held = len(steps.points)
    a.wait_applied(a.send("play"), 30)  # A's Play plays B too
    b.wait_until(lambda s: s.iteration >= 45, 300)
    a.wait_applied(a.send("pause"), 30)
    b.wait_until(lambda s: s.state == "paused", 30)
    assert steps.steps_of("A") >= 45 and steps.steps_of("B") >= 45
    assert max(steps.gaps()) <= 1, steps.points
    assert held < len(steps.points)  # trained again after the pause
    paused = a._trainer.iteration, b._trainer.iteration
    assert abs(paused[0] - paused[1]) <= 1


def test_compare_mode_entered_while_a_plays_starts_b_and_a_waits_for_it(registry, monkeypatch):
    """Run B, paired while A trains, plays without a Play of its own and catches up: A takes no step
    while B is behind, and from then on they train in step."""
    a = built(registry, "a")
    a.send("play")
    a.wait_until(lambda s: s.iteration >= 10, 300)
    b, _ = registry.worker("a/B", SMALL)
    a.pair(b)
    b.pair(a)
    paired_at = a._trainer.iteration
    b.wait_until(lambda s: s.state != "building", 300)
    steps = Steps(monkeypatch, a, b)
    at_pairing = a._trainer.iteration
    assert paired_at <= at_pairing <= paired_at + 1  # A held while B was built (one step it was taking)
    assert at_pairing >= 10 and b._trainer.iteration == 0  # B starts afresh
    b.wait_until(lambda s: s.iteration >= at_pairing + 15, 300)
    for w in (a, b):
        w.wait_applied(w.send("pause"), 30)
    assert steps.steps_of("B") >= at_pairing + 15
    assert all(a_at <= b_at + 1 for who, a_at, b_at in steps.points if who == "A"), steps.points
    caught_up = next(i for i, (_, a_at, b_at) in enumerate(steps.points) if b_at >= a_at)
    assert max(steps.gaps(caught_up)) <= 1, steps.points
    assert steps.steps_of("A") >= 10  # and A trains on with it


def test_a_partner_that_fails_or_stops_holds_nobody_back(registry, monkeypatch):
    a, b = built(registry, "a"), built(registry, "a/B")
    a.pair(b)
    b.pair(a)

    def failing_step():
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(b._trainer, "step", failing_step)
    for w in (a, b):
        w.send("play")
    assert b.wait_until(lambda s: s.state == "error", 300).iteration == 0
    a.wait_until(lambda s: s.iteration >= 5 and s.state == "playing", 300)  # A trains on alone
    b.send("stop")
    b.join(30)
    reached = a._trainer.iteration
    a.wait_until(lambda s: s.iteration >= reached + 3, 300)  # and once B is closed
    a.wait_applied(a.send("pause"), 30)


def test_start_from_the_pretrained_run(lab):
    meta = read_meta(PRETRAINED)
    lab.button(key="btn_pretrained_A").click().run()
    wait_until(lab, lambda at: ready(at) and worker_of(at).snapshot().iteration == meta["progress"]["iteration"],
               120, "the pretrained run")
    config = worker_of(lab).snapshot().config
    assert config == TrainConfig.from_dict(meta["config"])
    assert lab.session_state["cfg_nf"] == config.nf and lab.session_state["cfg_lr_g"] == config.lr_g
    assert metrics(lab)["Iteration"] == f"{meta['progress']['iteration']:,}" and not lab.exception
    assert preset_picker(lab).value == ""  # the pretrained settings are no preset
    lab.button(key="btn_step").click().run()
    wait_until(lab, lambda at: worker_of(at).snapshot().iteration == meta["progress"]["iteration"] + 1, 120,
               "a step after the pretrained run")


def test_compare_mode_turned_on_while_a_plays_builds_b_from_a_copy_and_plays_both():
    """Issue 18.11: B stayed paused at iteration 0 while A trained on; Play drives both however the mode
    was entered."""
    at = new_app()
    wait_until(at, ready, 300, "the worker to build")
    a = worker_of(at)
    at.button(key="btn_play").click().run()
    a.wait_until(lambda s: s.iteration >= 3, 300)
    at.toggle(key="_widget_compare_en").set_value(True).run()
    b = None
    try:
        wait_until(at, lambda x: (b := _b(x)) is not None and b.snapshot().state != "building", 300, "run B")
        b = _b(at)
        assert b.snapshot().config == a.snapshot().config  # same seed: same weights and noise
        toggled_at = a.snapshot().iteration
        # no Play pressed for B: it trains, catches up with A, and they go on in step
        wait_until(at, lambda x: b.snapshot().iteration >= toggled_at + 5, 300, "run B to train")
        statuses = [m.value for m in at.metric if m.label == "Status"]
        assert len(statuses) == 2 and "paused" not in statuses and not at.exception, statuses
        at.button(key="btn_play").click().run()  # Pause
        wait_until(at, lambda x: {a.snapshot().state, b.snapshot().state} == {"paused"}, 60, "both to pause")
        assert abs(a.snapshot().iteration - b.snapshot().iteration) <= 1
        at.toggle(key="_widget_compare_en").set_value(False).run()
        b.join(30)
        assert not b.is_alive()  # leaving the compare mode frees run B
        at.button(key="btn_play").click().run()
        reached = a.snapshot().iteration
        a.wait_until(lambda s: s.iteration >= reached + 3, 300)  # and A trains alone
    finally:
        for w in (a, b):
            if w is not None and w.is_alive():
                w.send("stop")
                w.join(30)


def _b(at):
    from app.state import registry

    return registry().existing(at.session_state["session_key"] + "/B")
