"""The process-wide scheduler: a cap, first-in first-out, turns when others wait."""
import time

from app.scheduler import Scheduler, env_number


def test_cap_and_queue_positions_in_order():
    s = Scheduler(max_running=2)
    assert [s.request(k) for k in "abcd"] == [0, 0, 1, 2]
    assert s.counts() == (2, 2)
    s.release("a")
    assert s.request("c") == 0 and s.request("d") == 1
    s.release("d")
    assert s.counts() == (2, 0)


def test_a_run_gives_its_slot_back_after_its_turn_when_others_wait():
    s = Scheduler(max_running=1, slice_s=0.05)
    assert s.request("a") == 0
    assert s.request("b") == 1
    time.sleep(0.06)
    assert s.request("a") == 1  # a's turn is over: b goes first
    assert s.request("b") == 0


def test_a_lone_run_keeps_its_slot():
    s = Scheduler(max_running=1, slice_s=0.0)
    assert s.request("a") == 0
    assert s.request("a") == 0


def test_env_number_falls_back_on_bad_values(monkeypatch):
    monkeypatch.setenv("X_TEST", "abc")
    assert env_number("X_TEST", 3) == 3
    monkeypatch.setenv("X_TEST", "-1")
    assert env_number("X_TEST", 3) == 3
    monkeypatch.setenv("X_TEST", "1.5")
    assert env_number("X_TEST", 3) == 1.5
