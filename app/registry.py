"""The process-wide registry: browser session -> training worker, plus the scheduler.

Nothing here calls Streamlit; ``app.state`` wraps :func:`Registry` in
``st.cache_resource`` so every session of the server shares one instance.
"""
from __future__ import annotations

import atexit
import ctypes
import gc
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np

from mechgan.config import TrainConfig

from app.scheduler import Scheduler, env_number
from app.views import ViewMaker
from app.worker import Snapshot, Worker, WorkerSettings

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's mallopt parameter
SWITCH_INTERVAL_S = 0.001
# A Lab page touches its run at least every 10 s (5 s while queued): shorter idle
# times would pause queued runs and free paused ones under the students' eyes.
MIN_IDLE_S = 12.0


@dataclass(frozen=True)
class RegistryStats:
    live_workers: int
    training: int
    waiting: int

    def __str__(self) -> str:
        return f"live_workers={self.live_workers} training={self.training} waiting={self.waiting}"


def _glibc():
    """The C library when it is glibc (the Docker image's), else None."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def limit_malloc_arenas(count: int = 2) -> None:
    """Few malloc arenas: with one per thread, memory freed by a closed run stays scattered and unreturnable."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, count)


def return_memory() -> None:
    """Collect a freed run's cycles and hand the pages back to the OS (glibc keeps them otherwise),
    so the server's memory returns to its baseline once a class leaves."""
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def freeze_long_lived() -> None:
    """Move what the server keeps for good (TensorFlow, Keras, the shared data) out of the collector's sight.

    A full collection walks every tracked object while holding the GIL: with
    TensorFlow loaded, a pause for every page, training thread and health check
    of the server; frozen objects are skipped (docs/decisions.md).
    """
    import mechgan.metrics  # noqa: F401  (imported here to be frozen with the rest)
    import mechgan.training  # noqa: F401

    gc.collect()
    gc.freeze()


def usable_cores() -> int:
    """The cores this process may run on: a replica pinned to its share (taskset, a container's cpuset)
    counts its own, not the host's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity outside Linux
        return os.cpu_count() or 1


def bound_tf_threads(max_running: int) -> None:
    """Split the cores between the runs that train at once (only possible before TF starts)."""
    import tensorflow as tf

    cores = usable_cores()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(max(1, cores // max_running))
        tf.config.threading.set_inter_op_parallelism_threads(max(1, min(2, cores // max_running)))
    except RuntimeError:  # TensorFlow already running (e.g. in tests): keep its pools
        log.info("TensorFlow thread pools were already set")


class Registry:
    """Owns every worker of the server process; sessions find theirs by key."""

    def __init__(self, views: ViewMaker | None = None, max_running: int | None = None,
                 settings: WorkerSettings | None = None) -> None:
        self.max_running = int(max_running or env_number("MECHGAN_MAX_TRAINING", usable_cores()))
        self.scheduler = Scheduler(self.max_running, env_number("MECHGAN_SLICE_S", 20.0))
        self.settings = settings or WorkerSettings(
            idle_pause_s=max(MIN_IDLE_S, env_number("MECHGAN_IDLE_PAUSE_S", 60.0)),
            idle_free_s=max(MIN_IDLE_S, env_number("MECHGAN_IDLE_FREE_S", 600.0)))
        self._views = views
        # The training threads release the GIL at every TensorFlow op and must win it back from the
        # page threads: a shorter switch interval than Python's 5 ms keeps them from queueing behind.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self._ready = threading.Event()
        # TensorFlow and the shared data load beside the first page, which then shows at once
        threading.Thread(target=self._warm_up, name="mechgan-warm-up", daemon=True).start()
        self._workers: dict[str, Worker] = {}
        self._designs: dict[str, np.ndarray | None] = {}  # what each session's worker trains on
        self._lock = threading.Lock()
        atexit.register(self.shutdown)  # never let the interpreter kill a thread inside a TF op

    def _warm_up(self) -> None:
        try:
            limit_malloc_arenas()  # before TensorFlow starts its thread pools
            bound_tf_threads(self.max_running)
            if self._views is None:
                self._views = ViewMaker()
            freeze_long_lived()
        finally:
            self._ready.set()

    @property
    def views(self) -> ViewMaker:
        """The shared read-only data (waits for the warm-up the first time)."""
        self._ready.wait()
        if self._views is None:
            raise RuntimeError("the dataset could not be loaded; see the server log")
        return self._views

    def worker(self, key: str, config: TrainConfig, designs: np.ndarray | None = None) -> tuple[Worker, bool]:
        """The session's worker, started with ``config`` if it has none; True if it is new.

        ``designs`` are the session's own designs (None: the shared dataset); they get views of
        their own, held by that worker alone.  A worker on other designs is stopped and replaced.
        """
        with self._lock:
            w = self._workers.get(key)
            if w is not None and w.is_alive():
                if self._designs.get(key) is designs:
                    w.touch()
                    return w, False
                w.send("stop")
            views = (lambda: self.views) if designs is None else (lambda: ViewMaker(designs))
            w = Worker(key, config, self.scheduler, views, self.settings, on_exit=self._forget)
            self._workers[key] = w
            self._designs[key] = designs
        w.start()
        return w, True

    def existing(self, key: str) -> Worker | None:
        with self._lock:
            w = self._workers.get(key)
        return w if w is not None and w.is_alive() else None

    def live(self) -> list[tuple[str, Worker]]:
        """Every live run of this process: (session key, worker)."""
        with self._lock:
            return [(key, w) for key, w in self._workers.items() if w.is_alive()]

    def views_of(self, key: str) -> ViewMaker | None:
        """The views of the session's run (shared or its own designs'), None while they load."""
        w = self.existing(key)
        return None if w is None else w.views

    def snapshot(self, key: str, view: str | None = None) -> Snapshot | None:
        """The run's latest snapshot (None once freed); ``view`` tells the worker what the page shows."""
        w = self.existing(key)
        if w is None:
            return None
        w.touch(view)
        return w.snapshot()

    def stats(self) -> RegistryStats:
        with self._lock:
            live = sum(w.is_alive() for w in self._workers.values())
        training, waiting = self.scheduler.counts()
        return RegistryStats(live, training, waiting)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop every worker (tests, server exit)."""
        with self._lock:
            workers = list(self._workers.values())
        for w in workers:
            w.send("stop")
        deadline = time.monotonic() + timeout
        for w in workers:
            w.join(max(0.0, deadline - time.monotonic()))

    def _forget(self, key: str) -> None:
        with self._lock:
            if self._workers.get(key) is threading.current_thread():
                del self._workers[key]
                del self._designs[key]
        return_memory()
