"""One scheduler per server process: caps how many runs train at once, queues the rest.

Runs ask for a slot before every training step.  A run that has held its slot
for longer than ``slice_s`` while others wait goes to the back of the queue, so
a class of thirty shares a few cores in turns instead of first come, first served.
The two runs of a compare-mode pair ask for one shared slot: they train, queue and
take their turn together.
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from typing import Callable


def env_number(name: str, default: float) -> float:
    """A positive number from the environment, or ``default`` when unset or invalid."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


class Scheduler:
    """First-in, first-out slots for training runs, shared by every session.

    ``clock`` (seconds, monotonic) times the turns; tests pass their own.
    """

    def __init__(self, max_running: int, slice_s: float = 20.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_running = max(1, int(max_running))
        self.slice_s = slice_s
        self._clock = clock
        self._running: dict[str, float] = {}  # slot -> time it was granted
        self._waiting: deque[str] = deque()  # slots
        self._slot_of: dict[str, str] = {}  # run key -> its slot: its own key, or its pair's
        self._lock = threading.Lock()
        # Building a run (weights, traced steps, first views) is CPU work too: a class
        # opening the Lab at once builds its runs a few at a time, not thirty abreast.
        self.building = threading.BoundedSemaphore(self.max_running)

    def request(self, key: str, shared: str | None = None) -> int:
        """0 when ``key`` may train now, else its 1-based position in the queue; ``shared``: the slot
        ``key`` shares with its partner (compare mode), instead of one of its own."""
        slot = shared or key
        with self._lock:
            if self._slot_of.get(key, slot) != slot:
                self._leave(key)  # paired or unpaired since its last request
            self._slot_of[key] = slot
            granted = self._running.get(slot)
            if granted is not None and self._waiting and self._clock() - granted > self.slice_s:
                del self._running[slot]  # turn over: back of the queue
                self._waiting.append(slot)
            elif granted is None and slot not in self._waiting:
                self._waiting.append(slot)
            self._promote()
            return 0 if slot in self._running else self._waiting.index(slot) + 1

    def release(self, key: str) -> None:
        """A run stops training: its slot (or queue place) goes once no partner shares it."""
        with self._lock:
            self._leave(key)
            self._promote()

    def counts(self) -> tuple[int, int]:
        """(runs training now, runs waiting): a pair's two runs count as two."""
        with self._lock:
            slots = list(self._slot_of.values())
            return sum(s in self._running for s in slots), sum(s in self._waiting for s in slots)

    def _leave(self, key: str) -> None:
        slot = self._slot_of.pop(key, None)
        if slot is None or slot in self._slot_of.values():
            return
        self._running.pop(slot, None)
        if slot in self._waiting:
            self._waiting.remove(slot)

    def _promote(self) -> None:
        while self._waiting and len(self._running) < self.max_running:
            self._running[self._waiting.popleft()] = self._clock()
