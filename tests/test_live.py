"""The live folder the class view reads: summaries published by several replicas, stale ones dropped."""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time

from mechgan import live, run_folders, runs

FOREIGN = "0badbeef-4242-777"  # a replica of another host or container: only its files' age speaks for it


def dead_replica() -> str:
    """How the folder names a process of this host that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return f"{run_folders._namespace()}-{child.pid}-{run_folders._started(child.pid) or 1}"


def age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_every_replicas_runs_are_listed_and_ended_runs_withdrawn(tmp_path):
    here, there = live.Publisher(tmp_path), live.Publisher(tmp_path, FOREIGN)
    assert here.replica == live.replica_id() == run_folders.process_tag()
    here.publish({"a": {"iteration": 3}, "b": {"iteration": 5}})
    there.publish({"a": {"iteration": 7}})  # the same session key on another replica is another run
    found = sorted((r["replica"], r["iteration"]) for r in live.live_runs(tmp_path))
    assert found == sorted([(here.replica, 3), (here.replica, 5), (FOREIGN, 7)])
    here.publish({"b": {"iteration": 6}})
    assert sorted(r["iteration"] for r in live.live_runs(tmp_path)) == [6, 7]
    assert not any(p.name.startswith(".") for p in here.folder.iterdir()), "no temporary file left behind"


def test_the_runs_page_and_the_recovery_of_saves_ignore_the_live_folder(tmp_path):
    live.Publisher(tmp_path).publish({"a": {"iteration": 1}})
    assert runs.list_runs(tmp_path) == [] and runs.recover_runs(tmp_path) == []
    assert len(live.live_runs(tmp_path)) == 1


def test_stale_summaries_are_skipped_and_removed(tmp_path):
    there = live.Publisher(tmp_path, FOREIGN)
    there.publish({"old": {"iteration": 1}, "new": {"iteration": 2}})
    age(there.folder / live.run_file("old"), live.STALE_S + 5)
    assert [r["iteration"] for r in live.live_runs(tmp_path)] == [2]
    assert not (there.folder / live.run_file("old")).exists()
    for path in there.folder.iterdir():
        age(path, live.STALE_S + 5)
    assert live.live_runs(tmp_path) == [] and not there.folder.exists()


def test_a_dead_replicas_runs_go_at_once_and_its_folder_with_them(tmp_path):
    dead = live.Publisher(tmp_path, dead_replica())
    dead.publish({"a": {"iteration": 1}})  # fresh files, but their process has ended
    assert live.live_runs(tmp_path) == [] and not dead.folder.exists()


def test_replica_alive(tmp_path):
    assert live.replica_alive(tmp_path, live.replica_id())  # asked of the process itself, no file needed
    assert not live.replica_alive(tmp_path, dead_replica())
    assert not live.replica_alive(tmp_path, FOREIGN)  # never heard of
    there = live.Publisher(tmp_path, FOREIGN)
    there.publish({})
    assert live.replica_alive(tmp_path, FOREIGN)
    age(there.folder / live.HEARTBEAT, live.SILENT_S + 1)
    assert not live.replica_alive(tmp_path, FOREIGN)
    assert not live.replica_alive(tmp_path, "../../etc")  # a name from an address bar reaches no other file


def test_a_writers_leftover_is_not_read_and_goes_once_old(tmp_path):
    there = live.Publisher(tmp_path, FOREIGN)
    there.publish({"a": {"iteration": 1}})
    leftover = there.folder / f".{live.run_file('b')}.0123abcd{live.TMP_SUFFIX}"
    leftover.write_text('{"iteration": ')  # a writer killed mid-write
    assert [r["iteration"] for r in live.live_runs(tmp_path)] == [1] and leftover.exists()
    age(leftover, live.STALE_S + 5)
    live.live_runs(tmp_path)
    assert not leftover.exists()


def test_a_reader_sees_each_summary_whole_while_it_is_rewritten(tmp_path):
    """Readers and a writer at once: every read is a whole summary, never a half-written file."""
    here = live.Publisher(tmp_path)
    here.publish({"a": {"iteration": 0, "losses": [0.0] * 2000}})
    done = threading.Event()

    def write() -> None:
        for i in range(1, 300):
            here.publish({"a": {"iteration": i, "losses": [float(i)] * 2000}})
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    seen = []
    while not done.is_set():
        for run in live.live_runs(tmp_path):
            assert run["losses"] == [float(run["iteration"])] * 2000
            seen.append(run["iteration"])
    writer.join()
    assert len(seen) > 1 and seen == sorted(seen)
    assert json.loads((here.folder / live.run_file("a")).read_text())["iteration"] == 299
