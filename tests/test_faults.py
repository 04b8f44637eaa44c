"""Faults a class server meets, at the library level: the student gets a clear message and can go on.

NaN losses from an exploding learning rate, every slider at its extremes,
a disk that fills up while a run is saved (never a half-written run), and a
server restart in the middle of training (the saved run resumes exactly).
"""
from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from mechgan import data, run_folders, runs
from mechgan.config import ARCHITECTURES, LIVE_FIELDS, LOSSES, OPTIMIZERS, PARAMS, TrainConfig
from mechgan.training import Trainer

ROOT = Path(__file__).resolve().parents[1]

SMALL = TrainConfig(nf=4, latent_dim=8, batch_size=8, seed=0)


def _finite_state(t: Trainer) -> bool:
    return bool(np.isfinite(t.generate(n=4)).all() and np.isfinite(t.d_scores(t.generate(n=4))).all())


def _slider_end(name: str, end: int):
    """One end of the Lab's slider for ``name`` (the steps a student moves through)."""
    return PARAMS[name].steps[end]


def _extremes(case: str) -> dict:
    """Every numeric slider at one end; the biggest model and the biggest batch apart, to stay fast."""
    ends = {n: _slider_end(n, 0) for n, p in PARAMS.items() if p.steps}
    if case == "largest_model":
        ends.update({n: _slider_end(n, -1) for n in ("nf", "latent_dim", "lr_g", "lr_d")})
    elif case == "largest_batch_and_k":
        ends.update({n: _slider_end(n, -1) for n in ("batch_size", "k_d", "k_g")})
    return ends


# ------------------------------------------------------------------ NaN losses

@pytest.mark.usefixtures("eager")
def test_exploding_learning_rate_stops_with_a_message_and_the_class_goes_on(designs, tmp_path):
    wild = SMALL.with_changes(lr_g=10.0, lr_d=10.0, optimizer_g="sgd", optimizer_d="sgd", loss="least_squares")
    t = Trainer(wild, designs)
    records = t.run(30)  # must not raise
    assert t.status == "diverged" and len(records) < 30
    assert "NaN" in t.status_message and "learning rate" in t.status_message
    assert _finite_state(t), "the NaN guard must keep the last usable weights"
    stuck = t.iteration
    t.step()
    t.step_d()
    t.step_g()
    assert t.iteration == stuck and t.status == "diverged"

    saved = runs.save_run(t, "exploded", root=tmp_path)
    again = runs.load_run(saved, designs)
    assert again.status == "diverged" and again.status_message

    calm = Trainer(wild.with_changes(lr_g=2e-4, lr_d=2e-4, optimizer_g="adam", optimizer_d="adam"), designs)
    calm.run(3)
    assert calm.status == "ok" and calm.iteration == 3


# ------------------------------------------------------------------ extreme slider values

@pytest.mark.usefixtures("eager")
@pytest.mark.parametrize("case", ["smallest", "largest_model", "largest_batch_and_k"])
@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_every_slider_at_its_end_builds_and_steps(designs, case, architecture):
    t = Trainer(TrainConfig(architecture=architecture, **_extremes(case)), designs)
    record = t.step()
    _stepped_or_stopped_cleanly(t, record, 1)
    if case != "largest_model":  # the smallest learning rates: nothing can blow up
        assert t.status == "ok"
    assert _finite_state(t)


def _stepped_or_stopped_cleanly(t: Trainer, record: dict, iteration: int) -> None:
    """Either the step ran with finite losses, or the NaN guard stopped the run with a message and
    kept it where it was (an extreme learning rate may do either; nothing else is allowed)."""
    if t.status == "ok":
        assert t.iteration == iteration and np.isfinite(record["loss_d"]) and np.isfinite(record["loss_g"])
    else:
        assert t.status == "diverged" and "learning rate" in t.status_message
        assert t.iteration == iteration - 1


@pytest.mark.usefixtures("eager")
def test_live_changes_to_every_extreme_never_raise(designs):
    t = Trainer(SMALL, designs)
    changes = [{name: _slider_end(name, end)} for name in ("lr_g", "lr_d", "k_d", "k_g", "connect_weight", "recon_weight")
               for end in (0, -1)]
    changes += [{"optimizer_g": o, "optimizer_d": o} for o in OPTIMIZERS]
    changes += [{"loss": loss} for loss in LOSSES]
    changes += [{"beta1": 0.0, "beta2": 0.0}, {"momentum": 0.99}, {"instance_noise": 5.0},
                {"label_smoothing": 0.49}, {"gp_weight": 0.0}, {"gp_weight": 1e6}, {"ema": 0.0},
                {"ema": 0.9999}]
    assert {k for c in changes for k in c} == set(LIVE_FIELDS)
    for change in changes:
        if t.status != "ok":  # what the student does: Reset, then go on
            t = Trainer(SMALL, designs)
        t.update(**change)
        before = t.iteration
        _stepped_or_stopped_cleanly(t, t.step(), before + 1)
        assert t.config.to_dict().items() >= change.items()
    assert _finite_state(t)


@pytest.mark.usefixtures("eager")
@pytest.mark.parametrize("field, value", [
    ("lr_g", 0.0), ("lr_d", -1e-3), ("lr_g", 11.0), ("lr_d", float("nan")), ("lr_g", float("inf")),
    ("k_d", 0), ("k_g", -3), ("label_smoothing", 0.5), ("label_smoothing", -0.1), ("ema", 1.0),
    ("connect_weight", -1.0), ("connect_weight", float("nan")), ("recon_weight", -1.0),
])
def test_out_of_range_values_are_refused_by_name_and_the_run_keeps_going(designs, field, value):
    with pytest.raises(ValueError, match=field):
        TrainConfig().with_changes(**{field: value})
    t = Trainer(SMALL, designs)
    with pytest.raises(ValueError, match=field):
        t.update(**{field: value})
    assert t.config == SMALL
    t.step()
    assert t.status == "ok" and t.iteration == 1


@pytest.mark.parametrize("field", ["nf", "latent_dim", "batch_size", "architecture", "seed"])
def test_reset_only_fields_are_refused_while_running(designs, field):
    t = Trainer(SMALL, designs)
    with pytest.raises(ValueError, match=field):
        t.update(**{field: getattr(SMALL, field)})


# ------------------------------------------------------------------ a full disk while saving

@contextmanager
def file_size_limit(nbytes: int):
    """A real OS-level write failure: any file past ``nbytes`` fails with EFBIG (as a full disk does)."""
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, old[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
        signal.signal(signal.SIGXFSZ, handler)


def _leftovers(root: Path) -> list[str]:
    """What a runs folder holds, but the lock file that saves share."""
    return sorted(p.name for p in root.iterdir() if p.name != runs.LOCK_FILE) if root.exists() else []


@pytest.fixture(scope="module")
def trained(designs):
    t = Trainer(SMALL, designs)
    t.run(3)
    return t


@pytest.mark.parametrize("limit", [0, 300, 4_000, 30_000])
def test_full_disk_never_leaves_a_half_written_run(trained, tmp_path, limit):
    root = tmp_path / "runs"
    root.mkdir()
    with file_size_limit(limit), pytest.raises(OSError) as caught:
        runs.save_run(trained, "class-demo", root=root)
    assert caught.value.errno in (errno.EFBIG, errno.ENOSPC)
    assert _leftovers(root) == [] and runs.list_runs(root) == []
    saved = runs.save_run(trained, "class-demo", root=root)  # disk freed: the student saves again
    assert runs.load_run(saved).iteration == trained.iteration


def test_full_disk_keeps_the_previous_save_intact(designs, tmp_path):
    t = Trainer(SMALL, designs)
    t.run(2)
    first = runs.save_run(t, "mine", root=tmp_path)
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    t.run(2)
    with file_size_limit(2_000), pytest.raises(OSError) as caught:
        runs.save_run(t, "mine", root=tmp_path, overwrite=True)
    assert caught.value.errno in (errno.EFBIG, errno.ENOSPC)  # the disk, not the name check, stopped it
    assert _leftovers(tmp_path) == ["mine"]
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    assert runs.load_run(first, designs).iteration == 2


@pytest.mark.parametrize("stage", ["savez", "history", "grid", "rename"])
def test_enospc_at_every_stage_of_a_save(trained, tmp_path, monkeypatch, stage):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    target = {"savez": (runs.np, "savez"), "history": (runs, "_write_history"),
              "grid": (runs, "generate_and_save"), "rename": (run_folders, "rename_noreplace")}[stage]
    monkeypatch.setattr(*target, no_space)
    with pytest.raises(OSError, match="No space left"):
        runs.save_run(trained, "demo", root=tmp_path)
    assert _leftovers(tmp_path) == []


# ------------------------------------------------------------------ a server restart mid-training

RESUME = """
import json, sys
from mechgan import data, runs
t = runs.load_run(sys.argv[1], data.load_designs()[:64])
print(json.dumps([[r["loss_d"], r["loss_g"]] for r in t.run(2)] + [t.iteration]))
"""


def test_a_saved_run_resumes_exactly_after_a_restart(designs, tmp_path):
    t = Trainer(SMALL, designs)
    t.run(3)
    saved = runs.save_run(t, "before-restart", root=tmp_path)
    expected = [[r["loss_d"], r["loss_g"]] for r in t.run(2)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run([sys.executable, "-c", RESUME, str(saved)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    *losses, iteration = json.loads(out.stdout.strip().splitlines()[-1])
    assert iteration == 5
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
