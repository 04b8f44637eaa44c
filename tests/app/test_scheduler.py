"""The process-wide scheduler: a cap, first-in first-out, turns when others wait, one slot per pair;
its clock is the test's, so nothing depends on how fast the machine is."""
from app.scheduler import Scheduler, env_number


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_cap_and_queue_positions_in_order():
    s = Scheduler(max_running=2)
    assert [s.request(k) for k in "abcd"] == [0, 0, 1, 2]
    assert s.counts() == (2, 2)
    s.release("a")
    assert s.request("c") == 0 and s.request("d") == 1
    s.release("d")
    assert s.counts() == (2, 0)


def test_a_run_gives_its_slot_back_after_its_turn_when_others_wait():
    clock = Clock()
    s = Scheduler(max_running=1, slice_s=20.0, clock=clock)
    assert s.request("a") == 0
    assert s.request("b") == 1
    clock.now += 20.0
    assert s.request("a") == 0  # its turn lasts slice_s, not a moment less
    clock.now += 0.5
    assert s.request("a") == 1  # a's turn is over: b goes first
    assert s.request("b") == 0
    clock.now += 30.0
    assert s.request("b") == 1 and s.request("a") == 0  # and back


def test_a_pair_shares_one_slot_and_keeps_it_while_one_of_its_runs_trains():
    s = Scheduler(max_running=1, clock=Clock())
    assert s.request("x") == 0
    assert s.request("a", "a|b") == 1 and s.request("b", "a|b") == 1  # one place in the queue for both
    assert s.counts() == (1, 2)
    s.release("x")
    assert s.request("b", "a|b") == 0 and s.request("a", "a|b") == 0
    s.release("b")  # b stops (diverged): a trains on in the pair's slot
    assert s.request("x") == 1 and s.request("a", "a|b") == 0
    s.release("a")
    assert s.counts() == (1, 0) and s.request("x") == 0  # x, queued, had the slot at once


def test_a_run_that_leaves_its_pair_gives_the_pair_slot_back():
    s = Scheduler(max_running=1, clock=Clock())
    assert s.request("a", "a|b") == 0 and s.request("b", "a|b") == 0
    assert s.request("a") == 1  # compare mode off: its own slot, behind the pair's, which b still holds
    s.release("b")  # the last run of the pair gone: its slot goes to a's own
    assert s.request("a") == 0 and s.counts() == (1, 0)


def test_a_lone_run_keeps_its_slot():
    s = Scheduler(max_running=1, slice_s=0.0, clock=Clock())
    assert s.request("a") == 0
    assert s.request("a") == 0


def test_env_number_falls_back_on_bad_values(monkeypatch):
    monkeypatch.setenv("X_TEST", "abc")
    assert env_number("X_TEST", 3) == 3
    monkeypatch.setenv("X_TEST", "-1")
    assert env_number("X_TEST", 3) == 3
    monkeypatch.setenv("X_TEST", "1.5")
    assert env_number("X_TEST", 3) == 1.5
