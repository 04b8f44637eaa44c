"""What a replica publishes for the class view: real runs of a real registry, the Lab's own diagnosis."""
from __future__ import annotations

import numpy as np
import pytest

from mechgan import live
from mechgan.config import TrainConfig
from mechgan.data import load_designs

from app.class_feed import GROUPS, ClassFeed, changed_settings, health_state
from app.registry import Registry
from app.screens.class_view import sparkline
from app.teacher import token_matches
from app.views import ViewMaker
from app.worker import Snapshot, WorkerSettings

CLASS = TrainConfig(nf=8, batch_size=16, latent_dim=16)  # the class's defaults (MECHGAN_DEFAULTS)


@pytest.fixture(scope="module")
def registry():
    reg = Registry(ViewMaker(load_designs()[:300]), max_running=2, settings=WorkerSettings())
    yield reg
    reg.shutdown(30)


def test_a_replicas_live_runs_reach_the_shared_folder_and_leave_it(registry, tmp_path):
    trained, _ = registry.worker("student-1", CLASS.with_changes(lr_g=2e-3))
    idle, _ = registry.worker("student-2", CLASS)
    trained.wait_until(lambda s: s.state == "paused", 300)
    idle.wait_until(lambda s: s.state == "paused", 300)
    trained.send("play")
    trained.wait_until(lambda s: s.iteration >= 5 and s.samples is not None and s.sample_iteration > 0, 300)
    feed = ClassFeed(registry, tmp_path, CLASS)
    feed.publish_once()
    runs = {r["iteration"] > 0: r for r in live.live_runs(tmp_path)}
    assert set(runs) == {True, False}
    run, fresh = runs[True], runs[False]
    assert run["settings"] == {"lr_g": 2e-3} and fresh["settings"] == {}
    assert run["health"] in GROUPS and fresh["health"] == "starting"
    assert run["replica"] == live.replica_id() and run["tag"] != fresh["tag"]
    assert run["thumbnail"].startswith("data:image/png;base64,")
    assert len(run["loss_d"]) == len(run["loss_g"]) >= 1
    trained.send("stop")
    trained.join(30)
    feed.publish_once()
    assert [r["tag"] for r in live.live_runs(tmp_path)] == [fresh["tag"]]
    feed.publisher.withdraw()
    assert live.live_runs(tmp_path) == []


def test_health_states_follow_the_labs_diagnosis():
    diverged = Snapshot(state="diverged", iteration=40)
    assert health_state(diverged, 0.2) == "diverged"
    assert health_state(Snapshot(state="error", iteration=40), 0.2) == "error"
    assert health_state(Snapshot(state="paused", iteration=0), 0.2) == "starting"
    winning_d = tuple({"iteration": i, "d_real": 0.999, "d_fake": 0.001, "loss_d": 0.01, "loss_g": 6.0}
                      for i in range(60))
    assert health_state(Snapshot(state="playing", iteration=60, history=winning_d), 0.2) == "d_wins"


def test_changed_settings_name_only_what_differs_from_the_class():
    assert changed_settings(CLASS, CLASS) == {}
    assert changed_settings(CLASS.with_changes(loss="hinge", k_d=3), CLASS) == {"loss": "hinge", "k_d": 3}


def test_sparkline_draws_both_losses_and_survives_gaps():
    svg = sparkline([1.0, 0.8, None, 0.7], [2.0, 2.5, 3.0, float("nan")])
    assert svg.count("<polyline") == 2 and "nan" not in svg
    assert sparkline([], []) == "" and sparkline([None], [None]) == ""
    spiky = sparkline(list(np.linspace(1, 2, 30)) + [1e6], list(np.linspace(2, 3, 31)))
    assert "e+" not in spiky  # the spike is clipped to the chart, not drawn off-scale


def test_teacher_token_is_compared_whole():
    assert token_matches("s3cret", "s3cret")
    assert not token_matches("s3cre", "s3cret") and not token_matches("s3cret!", "s3cret")
    assert not token_matches("", "")  # a server without a token opens the page to nobody
