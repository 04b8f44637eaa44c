"""The process-wide registry: browser session -> training worker, plus the scheduler.

Nothing here calls Streamlit; ``app.state`` wraps :func:`Registry` in
``st.cache_resource`` so every session of the server shares one instance.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from dataclasses import dataclass

from mechgan.config import TrainConfig

from app.scheduler import Scheduler, env_number
from app.views import ViewMaker
from app.worker import Snapshot, Worker, WorkerSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistryStats:
    live_workers: int
    training: int
    waiting: int

    def __str__(self) -> str:
        return f"live_workers={self.live_workers} training={self.training} waiting={self.waiting}"


def bound_tf_threads(max_running: int) -> None:
    """Split the cores between the runs that train at once (only possible before TF starts)."""
    import tensorflow as tf

    cores = os.cpu_count() or 1
    try:
        tf.config.threading.set_intra_op_parallelism_threads(max(1, cores // max_running))
        tf.config.threading.set_inter_op_parallelism_threads(max(1, min(2, cores // max_running)))
    except RuntimeError:  # TensorFlow already running (e.g. in tests): keep its pools
        log.info("TensorFlow thread pools were already set")


class Registry:
    """Owns every worker of the server process; sessions find theirs by key."""

    def __init__(self, views: ViewMaker | None = None, max_running: int | None = None,
                 settings: WorkerSettings | None = None) -> None:
        cores = os.cpu_count() or 1
        self.max_running = int(max_running or env_number("MECHGAN_MAX_TRAINING", cores))
        self.scheduler = Scheduler(self.max_running, env_number("MECHGAN_SLICE_S", 20.0))
        self.settings = settings or WorkerSettings(idle_pause_s=env_number("MECHGAN_IDLE_PAUSE_S", 60.0),
                                                   idle_free_s=env_number("MECHGAN_IDLE_FREE_S", 600.0))
        self._views = views
        self._ready = threading.Event()
        # TensorFlow and the shared data load beside the first page, which then shows at once
        threading.Thread(target=self._warm_up, name="mechgan-warm-up", daemon=True).start()
        self._workers: dict[str, Worker] = {}
        self._lock = threading.Lock()
        atexit.register(self.shutdown)  # never let the interpreter kill a thread inside a TF op

    def _warm_up(self) -> None:
        try:
            bound_tf_threads(self.max_running)
            if self._views is None:
                self._views = ViewMaker()
        finally:
            self._ready.set()

    @property
    def views(self) -> ViewMaker:
        """The shared read-only data (waits for the warm-up the first time)."""
        self._ready.wait()
        if self._views is None:
            raise RuntimeError("the dataset could not be loaded; see the server log")
        return self._views

    def views_ready(self) -> bool:
        return self._ready.is_set() and self._views is not None

    def worker(self, key: str, config: TrainConfig) -> tuple[Worker, bool]:
        """The session's worker, started with ``config`` if it has none; True if it is new."""
        with self._lock:
            w = self._workers.get(key)
            if w is not None and w.is_alive():
                w.touch()
                return w, False
            w = Worker(key, config, self.scheduler, lambda: self.views, self.settings, on_exit=self._forget)
            self._workers[key] = w
        w.start()
        return w, True

    def existing(self, key: str) -> Worker | None:
        with self._lock:
            w = self._workers.get(key)
        return w if w is not None and w.is_alive() else None

    def snapshot(self, key: str) -> Snapshot | None:
        w = self.existing(key)
        if w is None:
            return None
        w.touch()
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
