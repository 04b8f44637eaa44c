"""The training worker and the registry with a real Trainer: commands, live changes, queue, idle cleanup, faults."""
from __future__ import annotations

import errno
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mechgan.config import TrainConfig
from mechgan.data import load_designs

from app.registry import Registry
from app.views import ViewMaker
from app.worker import WorkerSettings, _Budget

SMALL = TrainConfig(nf=8, batch_size=16, latent_dim=16)


@pytest.fixture(scope="module")
def views():
    return ViewMaker(load_designs()[:300])


@pytest.fixture
def registry(views):
    reg = Registry(views, max_running=1, settings=WorkerSettings(idle_pause_s=60, idle_free_s=600))
    yield reg
    reg.shutdown(30)


def wait(worker, predicate, timeout=120.0, what=""):
    try:
        return worker.wait_until(predicate, timeout, poll=0.1)
    except TimeoutError as e:
        raise AssertionError(f"timed out waiting for {what}: {e}") from None


def started(registry, key="a", config=SMALL):
    w, new = registry.worker(key, config)
    assert new
    wait(w, lambda s: s.state == "paused", what="build")
    return w


def test_step_buttons_change_only_what_they_should(registry):
    w = started(registry)
    snap = w.wait_applied(w.send("step_d"), 60)
    assert snap.iteration == 0 and math.isnan(snap.history[-1]["loss_g"]) and np.isfinite(snap.history[-1]["loss_d"])
    assert snap.samples is not None and snap.sample_scores.shape == (16,)
    snap = w.wait_applied(w.send("step_g"), 60)
    assert snap.iteration == 0 and math.isnan(snap.history[-1]["loss_d"]) and np.isfinite(snap.history[-1]["loss_g"])
    snap = w.wait_applied(w.send("step"), 60)
    assert snap.iteration == 1 and snap.state == "paused"
    assert snap.distribution is None  # made only for a page that shows it
    w.touch("distribution")
    snap = wait(w, lambda s: s.distribution is not None, what="the distribution view")
    data = snap.distribution
    assert data.iteration == 1 and data.scores.shape == (len(data.grid_y), len(data.grid_x))
    snap = w.wait_applied(w.send("step_detailed"), 60)
    assert snap.iteration == 2 and set(snap.detail) >= {"noise", "fakes_before", "d_real", "grad_norms_g", "fakes_after"}


def test_play_live_change_and_pause(registry):
    w = started(registry)
    w.send("play")
    wait(w, lambda s: s.iteration >= 3, what="training")
    w.send("set", {"lr_g": 1e-3, "loss": "hinge"})
    snap = wait(w, lambda s: s.config.lr_g == 1e-3, what="the live change")
    assert snap.config.loss == "hinge" and snap.config_iteration >= 3
    wait(w, lambda s: s.iteration > snap.config_iteration, what="a step with the new settings")
    w.wait_applied(w.send("pause"), 30)
    stopped = wait(w, lambda s: s.state == "paused", what="pause").iteration
    time.sleep(1.0)
    assert w.snapshot().iteration == stopped


def test_a_paused_run_on_its_quality_view_reports_the_weights_it_has(views):
    """Stepped while paused, the Quality view reads the new weights' report at once, not the last one made on the
    metrics' time budget (here an hour, so only the view being shown can bring it)."""
    slow = WorkerSettings(metrics=_Budget(3600.0, 0.02))
    reg = Registry(views, max_running=1, settings=slow)
    try:
        w = started(reg)
        w.send("play")
        wait(w, lambda s: s.iteration >= 2, what="training")
        w.wait_applied(w.send("pause"), 30)
        stepped = w.wait_applied(w.send("step"), 60)
        assert stepped.metrics == ()  # the budget held every report back
        w.touch("quality")
        report = wait(w, lambda s: s.metrics and s.metrics[-1]["iteration"] == stepped.iteration, what="the stepped weights' report")
        assert np.isfinite(report.metrics[-1]["material_w1"])
    finally:
        reg.shutdown(30)


def test_the_first_play_compiles_in_a_build_slot_not_a_training_slot(registry):
    """A class that opens the Lab at once sees Play after each build (the trace is not part of it), and
    the trace at the first Play waits for a build slot without holding one of the training slots."""
    w = started(registry)
    slots = registry.scheduler.building
    for _ in range(registry.max_running):  # every build slot taken: other students' runs are building
        slots.acquire()
    try:
        w.send("play")
        wait(w, lambda s: s.state == "compiling", what="the first Play to compile")
        time.sleep(1.0)
        assert w.snapshot().state == "compiling" and w.snapshot().iteration == 0
        assert registry.stats().training == 0
    finally:
        for _ in range(registry.max_running):
            slots.release()
    wait(w, lambda s: s.state == "playing" and s.iteration > 0, what="training after the trace")


def test_a_reset_only_field_is_refused_live_and_applied_by_reset(registry):
    w = started(registry)
    snap = w.wait_applied(w.send("set", {"nf": 4}), 30)
    assert snap.config.nf == 8  # not a live field: ignored until Reset
    w.send("reset", SMALL.with_changes(nf=4, seed=3))
    snap = wait(w, lambda s: s.state == "paused" and s.config.nf == 4, what="the rebuilt run")
    assert snap.iteration == 0 and snap.config.seed == 3


def test_the_scheduler_queues_a_second_run_and_starts_it_when_the_first_pauses(registry):
    a, b = started(registry, "a"), started(registry, "b")
    a.send("play")
    wait(a, lambda s: s.state == "playing", what="a to play")
    b.send("play")
    snap = wait(b, lambda s: s.state == "waiting", what="b to wait")
    assert snap.queue_position == 1 and registry.stats().waiting == 1
    a.send("pause")
    wait(b, lambda s: s.state == "playing" and s.iteration > 0, what="b to train")
    assert registry.stats().training == 1


def test_an_idle_run_pauses_then_is_freed(views):
    reg = Registry(views, max_running=2, settings=WorkerSettings(idle_pause_s=1.0, idle_free_s=3.0))
    w, _ = reg.worker("idle", SMALL)
    wait(w, lambda s: s.state == "paused", what="build")
    w.send("play")
    wait(w, lambda s: s.iteration > 0, what="training")
    deadline = time.monotonic() + 30  # nobody polls any more
    while w.snapshot().message != "idle" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert w.snapshot().state == "paused" and w.snapshot().message == "idle"
    w.join(30)
    assert not w.is_alive() and reg.stats().live_workers == 0 and reg.existing("idle") is None


def test_a_failing_step_shows_an_error_and_reset_recovers(registry, monkeypatch, caplog):
    w = started(registry)
    boom = RuntimeError("simulated failure")

    def failing_step():
        raise boom

    w.wait_applied(w.send("step"), 60)
    monkeypatch.setattr(w._trainer, "step", failing_step)
    snap = w.wait_applied(w.send("step"), 30)
    assert snap.state == "error" and w.is_alive()
    assert (snap.message, snap.message_fields) == ("unexpected", {"kind": "RuntimeError"})  # no English for the page
    assert "simulated failure" in caplog.text and "Traceback" in caplog.text  # the log keeps the trace
    w.send("reset", SMALL)
    snap = wait(w, lambda s: s.state == "paused", what="recovery")
    assert snap.iteration == 0 and not snap.message


def test_a_failed_save_and_a_refused_value_reach_the_page_as_codes(registry, monkeypatch, tmp_path):
    from mechgan import runs

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    w = started(registry)
    w.wait_applied(w.send("step"), 60)
    monkeypatch.setattr(runs, "save_run", disk_full)
    snap = w.wait_applied(w.send("save", "demo", tmp_path), 60)
    assert (snap.saved, snap.message, snap.message_fields) == ("", "disk_full", {})
    snap = w.wait_applied(w.send("set", {"lr_g": -1.0}), 30)
    assert snap.message == "setting_range" and snap.message_fields["setting"] == "lr_g"
    assert snap.config.lr_g == SMALL.lr_g


def test_a_session_with_its_own_designs_gets_its_own_worker_and_views(registry, views):
    own = load_designs()[300:380]
    a = started(registry, "a")
    b, new = registry.worker("b", SMALL, designs=own)
    assert new
    wait(b, lambda s: s.state == "paused", what="build on own designs")
    assert b.views.designs is own and b.views is not views and a.views is views  # nothing shared
    assert registry.views_of("b") is b.views and registry.views_of("a") is views
    assert registry.worker("b", SMALL, designs=own) == (b, False)  # same designs: same run
    again, new = registry.worker("b", SMALL)  # back to the shared designs: a fresh run
    assert new and again is not b
    b.join(30)
    assert not b.is_alive()
    wait(again, lambda s: s.state == "paused", what="rebuild on the shared designs")
    assert again.views is views and registry.existing("b") is again


def test_the_warm_up_hides_the_long_lived_objects_from_the_collector(registry, views):
    import gc

    import tensorflow

    registry.views  # waits for the warm-up
    seen = gc.get_objects()  # what a full collection walks: frozen objects are not among them
    assert not any(o is views or o is tensorflow for o in seen)  # the shared data, TensorFlow's modules
    fresh = ViewMaker.__new__(ViewMaker)  # made after the warm-up: the collector sees it
    assert any(o is fresh for o in gc.get_objects())


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux's")
def test_a_replica_pinned_to_one_core_counts_one_core():
    """Its training slots and TensorFlow threads come from the cores it may run on (taskset, a cpuset)."""
    code = "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); " \
           "from app.registry import usable_cores; print(usable_cores())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.split() == ["1"]
