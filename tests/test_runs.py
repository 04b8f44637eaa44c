import errno
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from mechgan import data, run_folders, runs
from mechgan.config import TrainConfig
from mechgan.runs import (RunExistsError, list_runs, load_run, read_history, recover_runs, sanitize_run_name,
                          save_run)
from mechgan.training import Trainer

SMALL = TrainConfig(nf=4, latent_dim=8, batch_size=8, seed=3, optimizer_d="rmsprop")


@pytest.fixture(scope="module")
def designs():
    return data.load_designs()[:40]


@pytest.mark.parametrize("name, expected", [("my run", "my-run"), ("../../etc/passwd", "etc-passwd"),
                                            ("a/b\\c", "a-b-c"), (".hidden", "hidden"), ("été 2024", "t-2024")])
def test_sanitized_names_cannot_escape_the_runs_folder(name, expected):
    assert sanitize_run_name(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "..", "/", "ééé"])
def test_unusable_names_are_refused(name):
    with pytest.raises(ValueError, match="no usable characters"):
        sanitize_run_name(name)


def test_resuming_continues_exactly(designs, tmp_path):
    t = Trainer(SMALL, designs)
    t.run(2)
    path = save_run(t, "resume me", tmp_path)
    uninterrupted = t.run(3)
    resumed = load_run(path, designs)
    assert resumed.iteration == 2 and len(resumed.history) == 2
    again = resumed.run(3)
    for key in ("loss_d", "loss_g", "d_real", "d_fake"):
        np.testing.assert_allclose([r[key] for r in again], [r[key] for r in uninterrupted], rtol=1e-5)
    np.testing.assert_allclose(resumed.fixed_samples(), t.fixed_samples(), atol=1e-5)


def test_a_saved_run_holds_no_pickle(designs, tmp_path):
    t = Trainer(SMALL, designs)
    t.run(1)
    path = save_run(t, "files", tmp_path)
    names = {p.name for p in path.iterdir()}
    assert {"config.json", "generator.npz", "discriminator.npz", "optimizer_g.npz", "optimizer_d.npz",
            "history.csv", "grid_0000001.png"} <= names
    assert json.loads((path / "config.json").read_text())["config"] == SMALL.to_dict()
    for npz in path.glob("*.npz"):
        with np.load(npz, allow_pickle=False) as z:
            assert all(z[k].dtype != object for k in z.files)
    assert read_history(path)[0]["iteration"] == 1


def test_overwriting_is_atomic_and_keeps_grids(designs, tmp_path):
    t = Trainer(SMALL, designs)
    save_run(t, "run", tmp_path)
    t.step_d()
    t.step_g()
    t.iteration = 5  # pretend more training happened, so the new grid has another name
    path = save_run(t, "run", tmp_path, overwrite=True)
    assert _names(tmp_path) == ["run"]  # no temporary folders left
    assert {"grid_0000000.png", "grid_0000005.png"} <= {p.name for p in path.iterdir()}
    assert [r["iteration"] for r in read_history(path)] == [0, 0]
    assert list_runs(tmp_path) == [path]


def test_missing_run_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a saved run"):
        load_run(tmp_path / "nothing")
    assert list_runs(tmp_path / "nowhere") == []


def test_a_run_saved_with_the_older_random_state_is_refused_by_name(designs, tmp_path):
    path = save_run(Trainer(SMALL, designs), "old", tmp_path)
    meta = json.loads((path / "config.json").read_text())
    meta["progress"]["rng_state"] = [0, 0, 3]  # what tf.random.Generator's state was saved as
    (path / "config.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="older mechgan"):
        load_run(path, designs)


# ------------------------------------------------------------------ names that collide

def _names(root):
    """What a runs folder holds, but the lock file that saves share."""
    return sorted(set(os.listdir(root)) - {runs.LOCK_FILE})


def _files(path):
    return {p.name: p.read_bytes() for p in path.iterdir()}


@pytest.fixture(scope="module")
def two_trainers(designs):
    first, second = Trainer(SMALL, designs), Trainer(SMALL, designs)
    first.run(1)
    second.run(2)
    return first, second


@pytest.mark.parametrize("first_name, second_name, free", [
    ("dup", "dup", "dup-2"),
    ("my run", "my-run", "my-run-2"),
    ("a" * 64 + "x" * 236, "a" * 64 + "y" * 236, "a" * 62 + "-2"),
])
def test_a_taken_name_is_refused_with_a_free_one(two_trainers, tmp_path, first_name, second_name, free):
    first, second = two_trainers
    path = save_run(first, first_name, tmp_path)
    before = _files(path)
    with pytest.raises(RunExistsError, match="already") as caught:
        save_run(second, second_name, tmp_path)
    assert caught.value.free_name == free and not caught.value.owned_elsewhere
    assert _files(path) == before and _names(tmp_path) == [path.name]
    assert save_run(second, caught.value.free_name, tmp_path) == tmp_path / free
    assert load_run(path).iteration == 1  # the first run is still the first run
    assert load_run(save_run(second, second_name, tmp_path, overwrite=True)).iteration == 2  # asked: replaced


def test_a_run_saved_meanwhile_by_another_session_is_not_replaced(two_trainers, tmp_path, monkeypatch):
    first, second = two_trainers
    write = runs._write

    def another_session_saves_while_this_one_writes(trainer, folder, previous, owner):
        write(trainer, folder, previous, owner)
        monkeypatch.setattr(runs, "_write", write)
        save_run(first, "race", tmp_path, owner="someone else")

    monkeypatch.setattr(runs, "_write", another_session_saves_while_this_one_writes)
    with pytest.raises(RunExistsError):
        save_run(second, "race", tmp_path, owner="me")
    assert load_run(tmp_path / "race").iteration == 1 and _names(tmp_path) == ["race"]


def test_another_sessions_run_is_overwritten_only_where_the_server_allows_it(two_trainers, tmp_path):
    first, second = two_trainers
    path = save_run(first, "shared", tmp_path, owner="session-a")
    assert "session-a" not in (path / "config.json").read_text()  # a digest, not the key
    with pytest.raises(RunExistsError, match="another session") as caught:
        save_run(second, "shared", tmp_path, overwrite=True, owner="session-b", allow_others=False)
    assert caught.value.owned_elsewhere and load_run(path).iteration == 1
    save_run(second, "shared", tmp_path, overwrite=True, owner="session-a", allow_others=False)
    assert load_run(path).iteration == 2  # its own run: overwritten when asked
    save_run(first, "shared", tmp_path, overwrite=True, owner="session-b", allow_others=True)
    assert load_run(path).iteration == 1 and runs.run_owner(path) == runs.owner_tag("session-b")


# ------------------------------------------------------------------ a crash at every step of a save

class Killed(BaseException):
    """The process dies: this operation and every later one fail, no clean-up runs."""


class Crash:
    """Counts the file operations of a save and kills the process at operation ``at``."""

    def __init__(self, monkeypatch, at: int | None, exchange: bool, writer: str) -> None:
        self.at, self.calls = at, 0
        targets = [(os, "rename"), (os, "replace"), (shutil, "rmtree"), (shutil, "copy2"), (runs.np, "savez"),
                   (Path, "write_text"), (Path, "mkdir"), (runs, "_write_history"), (runs, "generate_and_save")]
        for owner, name in targets:
            monkeypatch.setattr(owner, name, self._counted(getattr(owner, name)))
        for name in ("exchange", "rename_noreplace"):
            monkeypatch.setattr(run_folders, name,
                                self._counted(getattr(run_folders, name) if exchange else lambda a, b: False))
        monkeypatch.setattr(run_folders, "process_tag", lambda: writer)  # its leftovers name a dead process

    def _counted(self, operation):
        def run(*args, **kwargs):
            self.calls += 1
            if self.at is not None and self.calls >= self.at:
                raise Killed(f"killed at operation {self.at}")
            return operation(*args, **kwargs)
        return run


@pytest.fixture(scope="module")
def dead_writer():
    """How leftovers name a process that has ended."""
    child = subprocess.Popen(["cat"], stdin=subprocess.PIPE)
    writer = f"{run_folders._namespace()}-{child.pid}-{run_folders._started(child.pid)}"
    child.communicate()
    return writer


def _state(path):
    meta = json.loads((path / "config.json").read_text())
    return meta["progress"]["iteration"], sorted(p.name for p in path.iterdir())


@pytest.mark.parametrize("exchange", [True, False], ids=["swap", "two-renames"])
@pytest.mark.parametrize("previous", [True, False], ids=["overwrite", "first-save"])
def test_a_crash_at_any_step_of_a_save_leaves_the_old_or_the_new_run(two_trainers, tmp_path, exchange, previous,
                                                                      dead_writer):
    first, second = two_trainers
    old_state = _state(save_run(first, "run", tmp_path / "reference")) if previous else None
    with pytest.MonkeyPatch.context() as mp:
        counter = Crash(mp, None, exchange, dead_writer)
        new_state = _state(save_run(second, "run", tmp_path / "reference", overwrite=True))
    operations = counter.calls
    assert operations >= 10
    for at in range(1, operations + 1):
        root = tmp_path / f"crash-{at}"
        if previous:
            save_run(first, "run", root)
        with pytest.MonkeyPatch.context() as mp:
            Crash(mp, at, exchange, dead_writer)
            with pytest.raises(Killed):
                save_run(second, "run", root, overwrite=True)
        root.mkdir(exist_ok=True)
        recover_runs(root)  # the next start-up
        listed = list_runs(root)
        assert _names(root) == [p.name for p in listed], f"leftovers at {at}"
        if previous or listed:
            assert listed == [root / "run"], f"crash at {at}: the run is not listed"
            assert _state(root / "run") in (old_state, new_state), f"crash at {at}: a mixed run"
            assert load_run(root / "run").iteration in (1, 2)


def test_leftovers_are_mended_when_a_process_first_lists_the_runs(two_trainers, tmp_path, dead_writer):
    first, _ = two_trainers
    save_run(first, "kept", tmp_path)
    shutil.copytree(tmp_path / "kept", tmp_path / ".lost.old-0123abcd")  # its run folder gone
    shutil.copytree(tmp_path / "kept", tmp_path / ".kept.old-0123abcd")  # its run folder saved
    (tmp_path / f".half.tmp-{dead_writer}-89abcdef").mkdir()  # its writer has ended
    live = tmp_path / f".live.tmp-{run_folders.process_tag()}-89abcdef"  # this process: still writing
    elsewhere = tmp_path / ".far.tmp-00000000-7-7-89abcdef"  # a process of another host, active a moment ago
    stale = tmp_path / ".stale.tmp-89abcdef"  # an older mechgan's, untouched for longer than a save takes
    for folder in (live, elsewhere, stale):
        folder.mkdir()
    long_ago = time.time() - run_folders.ABANDONED_AFTER_S - 60
    os.utime(stale, (long_ago, long_ago))
    (tmp_path / ".notes").mkdir()  # not a save's leftover: left alone
    run_folders._RECOVERED.discard(os.path.abspath(tmp_path))
    assert sorted(p.name for p in list_runs(tmp_path)) == ["kept", "lost"]
    assert _names(tmp_path) == [elsewhere.name, live.name, ".notes", "kept", "lost"]
    assert load_run(tmp_path / "lost").iteration == 1


# ------------------------------------------------------------------ several processes on one runs folder
# Each replica is a spawned process (TensorFlow does not survive a fork) that trains its own run; events
# hold a save between its write and its swap, so the races below happen every time, not by chance.

WAIT_S = 120  # a guard against a hung child only: every wait below ends on an event


def _replica(name: str, root: Path, iterations: int, written, go, results, nfs_like: bool = False) -> None:
    """Save ``iterations`` of training as ``name``: set ``written`` once written, swap once ``go`` is set
    (or passed, for a barrier).  ``nfs_like``: a file system with neither locks nor renameat2."""
    trainer = Trainer(SMALL, data.load_designs()[:40])
    trainer.run(iterations)
    write = runs._write

    def write_then_wait(*args, **kwargs):
        write(*args, **kwargs)
        written.set()
        go.wait(WAIT_S)

    runs._write = write_then_wait
    if nfs_like:
        run_folders._lock = lambda fd: False
        run_folders._renameat2 = lambda a, b, flags: False
    try:
        results.put((iterations, str(save_run(trainer, name, root, owner=f"replica {iterations}"))))
    except RunExistsError as e:
        results.put((iterations, (e.errno, e.name, e.free_name, e.owned_elsewhere)))
    except Exception as e:  # noqa: BLE001 - the test shows it
        results.put((iterations, repr(e)))


def _start(ctx, *args, **kwargs):
    process = ctx.Process(target=_replica, args=args, kwargs=kwargs, daemon=True)
    process.start()
    return process


@pytest.mark.parametrize("nfs_like", [False, True], ids=["local", "nfs-like"])
def test_of_replicas_saving_one_name_at_once_exactly_one_takes_it(tmp_path, nfs_like):
    ctx = multiprocessing.get_context("spawn")
    n = 3
    written, all_written, results = [ctx.Event() for _ in range(n)], ctx.Barrier(n), ctx.Queue()
    # every replica has checked the name was free and written its run before any of them swaps it in
    replicas = [_start(ctx, "same", tmp_path, i + 1, written[i], all_written, results, nfs_like) for i in range(n)]
    outcomes = dict(results.get(timeout=WAIT_S) for _ in replicas)
    for replica in replicas:
        replica.join(WAIT_S)
    won = [i for i, outcome in outcomes.items() if outcome == str(tmp_path / "same")]
    assert len(won) == 1, outcomes
    # the others are told the name is taken, as the Save box asks them: its code, the name and a free one
    refused = [outcome for i, outcome in outcomes.items() if i not in won]
    assert refused == [(errno.EEXIST, "same", "same-2", False)] * (n - 1), outcomes
    assert load_run(tmp_path / "same").iteration == won[0]  # the winner's run, whole
    assert runs.run_owner(tmp_path / "same") == runs.owner_tag(f"replica {won[0]}")
    assert _names(tmp_path) == ["same"]  # no half save left behind


def test_start_up_recovery_spares_a_save_in_progress_and_removes_a_dead_ones(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    # one event each: a process killed while it waits on an event would block the event's set() for ever
    alive_written, dead_written, go, never = ctx.Event(), ctx.Event(), ctx.Event(), ctx.Event()
    alive = _start(ctx, "slow", tmp_path, 2, alive_written, go, results)
    dead = _start(ctx, "killed", tmp_path, 1, dead_written, never, results)
    assert alive_written.wait(WAIT_S) and dead_written.wait(WAIT_S)
    os.kill(dead.pid, signal.SIGKILL)  # a replica dies mid-save
    dead.join(WAIT_S)
    (in_progress,) = [p for p in tmp_path.iterdir() if p.name.startswith(".slow.tmp-")]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".killed.tmp-")]

    done = recover_runs(tmp_path)  # another replica starts up
    assert [line.split(".tmp-")[0] for line in done] == ["removed .killed"]
    assert (in_progress / "config.json").is_file() and list_runs(tmp_path) == []

    go.set()
    assert results.get(timeout=WAIT_S) == (2, str(tmp_path / "slow"))
    alive.join(WAIT_S)
    assert load_run(tmp_path / "slow").iteration == 2
    assert _names(tmp_path) == ["slow"]


def _set_aside_then_die(root: Path, set_aside) -> None:
    """Overwrite ``root/run`` on a file system without renameat2, and stop for good between its two renames."""
    trainer = Trainer(SMALL, data.load_designs()[:40])
    trainer.run(2)
    run_folders._renameat2 = lambda a, b, flags: False
    replace = os.replace

    def first_rename_only(a, b):
        replace(a, b)
        set_aside.set()
        threading.Event().wait()

    runs.os.replace = first_rename_only
    save_run(trainer, "run", root, overwrite=True)


def test_a_run_set_aside_by_a_replica_killed_mid_swap_is_put_back(two_trainers, tmp_path):
    first, _ = two_trainers
    before = _state(save_run(first, "run", tmp_path))
    ctx = multiprocessing.get_context("spawn")
    set_aside = ctx.Event()
    replica = ctx.Process(target=_set_aside_then_die, args=(tmp_path, set_aside), daemon=True)
    replica.start()
    assert set_aside.wait(WAIT_S)
    assert list_runs(tmp_path) == []  # the run is away, under the replica's lock
    os.kill(replica.pid, signal.SIGKILL)  # which the kernel drops with the replica
    replica.join(WAIT_S)
    assert [line for line in recover_runs(tmp_path) if line.startswith("restored")] == ["restored run"]
    assert list_runs(tmp_path) == [tmp_path / "run"] and _state(tmp_path / "run") == before


def test_compared_runs_are_drawn_in_distinct_colours():
    from mechgan.training_figures import runs_overlay

    history = [{"iteration": i, "loss_g": float(i)} for i in range(1, 4)]
    fig = runs_overlay({name: history for name in ("a", "b", "c", "d")}, "loss_g", "G loss")
    colours = [trace.line.color for trace in fig.data]
    assert None not in colours and len(set(colours)) == 4  # a theme's palette began with two blues


def test_a_run_saved_before_the_speck_penalty_became_the_connect_penalty_loads(tmp_path):
    """A run saved before the rename carries ``speck_weight`` in its config (the pretrained run did till issue 20)."""
    shutil.copytree(data.DATASET_PATH.parent / "pretrained", tmp_path / "old")
    meta = json.loads((tmp_path / "old" / "config.json").read_text())
    meta["config"]["speck_weight"] = 0.0
    del meta["config"]["connect_weight"]
    (tmp_path / "old" / "config.json").write_text(json.dumps(meta))
    trainer = runs.load_run(tmp_path / "old")
    assert trainer.config.connect_weight == 0.0 and trainer.iteration == meta["progress"]["iteration"]
    assert float(trainer._extra["connect_weight"].numpy()) == 0.0  # the live variable the G update reads
