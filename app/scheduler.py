"""One scheduler per server process: caps how many runs train at once, queues the rest.

Runs ask for a slot before every training step.  A run that has held its slot
for longer than ``slice_s`` while others wait goes to the back of the queue, so
a class of thirty shares a few cores in turns instead of first come, first served.
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque


def env_number(name: str, default: float) -> float:
    """A positive number from the environment, or ``default`` when unset or invalid."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


class Scheduler:
    """First-in, first-out slots for training runs, shared by every session."""

    def __init__(self, max_running: int, slice_s: float = 20.0) -> None:
        self.max_running = max(1, int(max_running))
        self.slice_s = slice_s
        self._running: dict[str, float] = {}  # key -> time its slot was granted
        self._waiting: deque[str] = deque()
        self._lock = threading.Lock()
        # Building a run (weights, traced steps, first views) is CPU work too: a class
        # opening the Lab at once builds its runs a few at a time, not thirty abreast.
        self.building = threading.BoundedSemaphore(self.max_running)

    def request(self, key: str) -> int:
        """0 when ``key`` may train now, else its 1-based position in the queue."""
        with self._lock:
            granted = self._running.get(key)
            if granted is not None and self._waiting and time.monotonic() - granted > self.slice_s:
                del self._running[key]  # turn over: back of the queue
                self._waiting.append(key)
            elif granted is None and key not in self._waiting:
                self._waiting.append(key)
            self._promote()
            return 0 if key in self._running else self._waiting.index(key) + 1

    def release(self, key: str) -> None:
        """Give back the slot (or the queue place) of a run that stops training."""
        with self._lock:
            self._running.pop(key, None)
            if key in self._waiting:
                self._waiting.remove(key)
            self._promote()

    def counts(self) -> tuple[int, int]:
        """(training now, waiting)."""
        with self._lock:
            return len(self._running), len(self._waiting)

    def _promote(self) -> None:
        while self._waiting and len(self._running) < self.max_running:
            self._running[self._waiting.popleft()] = time.monotonic()
