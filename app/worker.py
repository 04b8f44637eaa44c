"""The training worker: one thread per browser session, owning one Trainer.

The worker never calls ``st.*``.  The UI sends commands through a queue; the
worker applies them between two steps and publishes an immutable
:class:`Snapshot` under a lock, which the page reads on every refresh.
Expensive views (samples, distribution view, metrics) run on a time budget so
that they cost the training loop only a few per cent; the distribution view is
made only while the page shows it.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from mechgan.config import LIVE_FIELDS, TrainConfig

from app.errors import coded
from app.pairing import Pair

log = logging.getLogger(__name__)

HISTORY_SHOWN = 600  # records sent to the charts at each refresh (older ones are thinned)
TIMELINE_MAX = 120  # sample grids kept for the timeline slider
PUBLISH_EVERY_S = 0.1
PAIR_WAIT_S = 0.1  # a run held by its partner still answers commands this often


@dataclass(frozen=True)
class Snapshot:
    """Everything a page shows about one run, copied out of the worker."""

    state: str = "building"  # building | paused | compiling | waiting | partner | playing | diverged | error | freed
    message: str = ""  # "idle", or the code of an error (app/errors.py), said by the page in its language
    message_fields: dict = field(default_factory=dict)  # the error's values
    iteration: int = 0
    steps_per_s: float = 0.0
    queue_position: int = 0
    config: TrainConfig | None = None
    config_iteration: int = 0  # first iteration run with the current config
    history: tuple[dict, ...] = ()
    samples: np.ndarray | None = None  # (16, 50, 50) in [-1, 1], from the fixed noise
    sample_scores: np.ndarray | None = None  # D's score of each sample
    sample_iteration: int = 0
    timeline: tuple[tuple[int, np.ndarray], ...] = ()  # (iteration, samples)
    distribution: Any = None  # mechgan.distribution.DistributionData
    metrics: tuple[dict, ...] = ()  # {"iteration", metric: value, ...}
    detail: dict | None = None  # the last step_detailed() result
    saved: str = ""  # folder of the last saved run
    applied: int = 0  # number of the last command applied (see Worker.send)
    version: int = 0


@dataclass
class _Budget:
    """When an expensive view may run next: at most ``fraction`` of wall time."""

    min_interval: float
    fraction: float
    due: float = 0.0

    def ready(self, now: float) -> bool:
        return now >= self.due

    def spent(self, start: float, end: float) -> None:
        self.due = end + max(self.min_interval, (end - start) / self.fraction)


@dataclass
class WorkerSettings:
    idle_pause_s: float = 60.0
    idle_free_s: float = 600.0
    samples: _Budget = field(default_factory=lambda: _Budget(0.5, 0.02))
    # made only while shown, for a student who chose to watch it: 20 % of the run's time gives a new view about
    # every second, GAN Lab's live picture (bench/distribution_bench.py, docs/decisions.md)
    distribution: _Budget = field(default_factory=lambda: _Budget(0.5, 0.20))
    metrics: _Budget = field(default_factory=lambda: _Budget(3.0, 0.02))
    metric_samples: int = 256


class Worker(threading.Thread):
    """Trains one run beside the UI; talk to it with :meth:`send` and :meth:`snapshot`."""

    def __init__(self, key: str, config: TrainConfig, scheduler, views: Callable[[], Any],
                 settings: WorkerSettings | None = None,
                 on_exit: Callable[[str], None] | None = None) -> None:
        super().__init__(name=f"mechgan-worker-{key[:8]}", daemon=True)
        self.key = key
        self._config = config
        self._scheduler = scheduler
        self._get_views = views  # -> app.views.ViewMaker, loaded once per process
        self._views = None
        self._settings = settings or WorkerSettings()
        self._on_exit = on_exit
        self._commands: queue.Queue = queue.Queue()
        self._numbers = itertools.count(1)
        self._applied = 0
        self._lock = threading.Lock()
        self._snapshot = Snapshot(config=config)
        self._trainer = None
        self._playing = False
        self._stopping = False
        self._weights = 0  # bumped by every update of the networks
        self._seen = dict.fromkeys(("samples", "distribution", "metrics"), -1)  # weights each view shows
        self._shown = "overview"  # the Lab view the page shows: the distribution view is made only for its own
        self._last_seen = time.monotonic()
        self._rate: list[tuple[float, int]] = []
        self._last_publish = 0.0
        self._position = 0  # place in the scheduler's queue, 0 when training
        self._compiled = False  # the training step traced (see _compile)
        self._error: tuple[str, dict] | None = None  # (code, fields) of a failure, cleared by Reset
        self._pair: Pair | None = None  # see pair()
        self._held = False  # the last training turn waited for the partner

    # ------------------------------------------------------------ UI side
    def send(self, command: str, *args: Any) -> int:
        """Queue a command: play, pause, step, step_d, step_g, step_detailed, reset(config[, saved folder]),
        set(changes), save(name, root), stop."""
        number = next(self._numbers)
        self._commands.put((number, command, *args))
        return number

    def wait_applied(self, number: int, timeout: float) -> Snapshot:
        """Block (a script run, briefly) until command ``number`` shows in the snapshot."""
        deadline = time.monotonic() + timeout
        while self._snapshot.applied < number and time.monotonic() < deadline and self.is_alive():
            time.sleep(0.02)
        return self._snapshot

    def snapshot(self) -> Snapshot:
        return self._snapshot

    def wait_until(self, predicate: Callable[[Snapshot], bool], timeout: float, poll: float = 0.02) -> Snapshot:
        """Poll (keeping the run alive) until ``predicate(snapshot)``; TimeoutError names the state reached."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.touch()
            snap = self._snapshot
            if predicate(snap):
                return snap
            time.sleep(poll)
        raise TimeoutError(f"worker still {self._snapshot.state} after {timeout:g} s")

    @property
    def views(self):
        """The run's ViewMaker (its data, PCA plane...), None until the thread has it."""
        return self._views

    def touch(self, view: str | None = None) -> None:
        """The page is still polling (showing ``view``, when given): keep the run alive."""
        self._last_seen = time.monotonic()
        if view is not None:
            self._shown = view

    # ------------------------------------------------------------ thread side
    def run(self) -> None:
        try:
            self._guarded(self._start)
            while not self._stopping:
                self._drain(block=not self._playing)
                if self._stopping or self._idle():
                    break
                self._guarded(self._tick)
        finally:
            self._scheduler.release(self.key)
            self._trainer = None
            if self._on_exit:
                self._on_exit(self.key)

    def _start(self) -> None:
        self._views = self._get_views()
        self._build(self._config)

    def _tick(self) -> None:
        self._follow_pair()
        if self._playing and self._trainer is not None:
            self._train_when_allowed()
        self._refresh_views()
        self._publish()

    def _guarded(self, action: Callable[[], None]) -> None:
        """A failing step or view pauses the run with a message; the thread (and the server) live on."""
        try:
            action()
        except Exception as e:
            log.exception("worker %s failed", self.key)
            self._playing = False
            self._scheduler.release(self.key)
            self._error = coded(e)  # the trace is in the server's log; the page says it in its language
            self._update(state="error", message=self._error[0], message_fields=self._error[1])

    def _build(self, config: TrainConfig, saved=None) -> None:
        """A new run of ``config``, or the run saved in folder ``saved`` (of that config) continued."""
        from mechgan.runs import load_run
        from mechgan.training import Trainer

        self._error = None
        self._scheduler.release(self.key)
        self._trainer = None
        self._playing = False
        with self._lock:  # a fresh run: nothing of the old one stays on screen
            old = self._snapshot
            self._snapshot = Snapshot(state="building", config=config, applied=old.applied, version=old.version + 1)
        with self._scheduler.building:
            try:
                views = self._views  # a conditional run trains on the shipped designs' training split
                designs = None if config.conditional and views.shipped else views.designs
                self._trainer = load_run(saved, designs) if saved else Trainer(config, designs)
            except Exception as e:
                log.exception("could not build %s", config)
                code, fields = coded(e)
                self._update(state="error", message=code, message_fields=fields)
                return
            self._config = config
            self._rate.clear()
            self._weights += 1
            self._compiled = False
            self._refresh_views()  # the untrained G's samples, traced while the build slot is held
        self._update(state="paused", applied=self._applied)

    def _drain(self, block: bool) -> None:
        """Apply every queued command; wait a little for one while paused."""
        try:
            item = self._commands.get(timeout=0.2) if block else self._commands.get_nowait()
        except queue.Empty:
            return
        while True:
            self._guarded(lambda: self._apply(item))
            try:
                item = self._commands.get_nowait()
            except queue.Empty:
                return

    def _apply(self, item: tuple) -> None:
        self._applied, command, *args = item
        if command == "stop":
            self._stopping = True
        elif command == "reset":
            self._pause_pair()
            self._build(*args)
        elif self._trainer is None:
            return
        elif command == "play":
            self._play()
        elif command == "pause":
            self._pause("")
        elif command == "set":
            self._set(args[0])
        elif command == "save":
            self._save(*args)
        elif command in ("step", "step_d", "step_g", "step_detailed"):
            self._pause("")
            self._single(command)

    def _set(self, changes: dict) -> None:
        live = {k: v for k, v in changes.items() if k in LIVE_FIELDS}
        try:
            self._trainer.update(**live)
        except ValueError as e:
            code, fields = coded(e)
            self._update(message=code, message_fields=fields)
            return
        self._update(config=self._trainer.config, config_iteration=self._trainer.iteration)

    def _save(self, name: str, root, options: dict | None = None) -> None:
        """``options``: save_run's overwrite / allow_others; the run records this session as its owner."""
        from mechgan.runs import save_run

        try:
            path = save_run(self._trainer, name, root=root, owner=self.key, **(options or {}))
        except (ValueError, OSError) as e:
            code, fields = coded(e)
            self._update(saved="", message=code, message_fields=fields)
            return
        self._update(saved=str(path), message="")

    def _single(self, command: str) -> None:
        t = self._trainer
        if t.status != "ok":
            return
        result = getattr(t, command)()
        self._weights += 1
        if command == "step_detailed":
            self._update(detail=result)
        self._after_steps()

    def _play(self) -> None:
        if self._pair is not None:
            self._pair.playing = True
        self._playing = self._trainer.status == "ok" and not self._error
        self._last_seen = time.monotonic()
        self._update(state="playing" if self._playing else self._snapshot.state, message="", applied=self._applied)

    def _pause(self, message: str, pair: bool = True) -> None:
        """Stop training; ``pair``: the partner too (a student's Pause, a step, an idle page; not a
        divergence, after which the partner trains on alone)."""
        if pair:
            self._pause_pair()
        self._playing = False
        self._position = 0
        self._scheduler.release(self.key)
        self._update(state="paused" if self._trainer.status == "ok" else "diverged", message=message)

    def _idle(self) -> bool:
        """Pause a run whose page stopped polling; say to end it after a longer time."""
        quiet = time.monotonic() - self._last_seen
        if quiet > self._settings.idle_free_s:
            return True
        if self._playing and quiet > self._settings.idle_pause_s:
            self._pause("idle")
        return False

    # ------------------------------------------------------------ compare mode (app.pairing)
    def pair(self, partner: "Worker | None") -> None:
        """Train in step with ``partner`` (the Lab's compare mode; None ends it): see :mod:`app.pairing`.
        A new pair plays if either run plays, so a run B started while A plays trains at once."""
        if partner is None:
            self._pair = None
            return
        current = self._pair
        if current is None or current is not partner._pair or partner not in current.members:
            self._pair = partner._pair = Pair(self, partner, self._playing or partner._playing)

    def pair_iteration(self, pair: Pair) -> int | None:
        """The iteration this run steps from next, for its ``pair``: -1 while it is built, None when it
        cannot train (stopped, failed, diverged, or not in ``pair`` any more) and holds nobody back."""
        trainer = self._trainer
        if self._pair is not pair or self._stopping or self._error or not self.is_alive():
            return None
        if trainer is None:
            return -1
        return trainer.iteration if trainer.status == "ok" else None

    def _pause_pair(self) -> None:
        if self._pair is not None:
            self._pair.playing = False

    def _follow_pair(self) -> None:
        """Play and Pause act on both runs of a pair: take up the pair's state."""
        pair = self._pair
        if pair is None or self._trainer is None or pair.playing == self._playing:
            return
        if not pair.playing:
            self._pause("")
        elif self._trainer.status == "ok" and not self._error:
            self._play()

    def _train_when_allowed(self) -> None:
        if not self._compiled:
            self._compile()
        pair = self._pair
        self._held = pair is not None and not pair.wait_turn(self, self._trainer.iteration, PAIR_WAIT_S)
        if self._held:
            return  # the partner is behind: views and commands go on meanwhile
        self._position = self._scheduler.request(self.key, pair.key if pair is not None else None)
        if self._position:
            self._publish()
            try:  # wait for a slot, but keep answering commands
                self._apply(self._commands.get(timeout=0.25))
            except queue.Empty:
                pass
            return
        self._trainer.step()
        self._weights += 1
        if pair is not None:
            pair.stepped()
        self._after_steps()

    def _compile(self) -> None:
        """Trace the training step at the first Play, in a build slot: seconds of pure Python that would
        otherwise eat the run's first training turn, shared with the class.  Not at build time: a class
        that opens the Lab at once waits for every build in turn before anyone sees a Play button.
        Only the first run of a structure traces; the others find its compiled step (``Trainer.trace``)."""
        self._update(state="compiling")
        with self._scheduler.building:
            self._trainer.trace()
        self._compiled = True

    def _after_steps(self) -> None:
        t = self._trainer
        now = time.monotonic()
        self._rate.append((now, t.iteration))
        while len(self._rate) > 2 and now - self._rate[0][0] > 3.0:
            self._rate.pop(0)
        if t.status != "ok":
            self._pause("", pair=False)

    def _refresh_views(self) -> None:
        """Recompute views older than the weights: at once when paused, on their budget while playing."""
        if self._trainer is None:
            return
        s = self._settings
        # the quality report is worth its second only to a student reading it: at once when paused on its view
        for name, budget, eager in (("samples", s.samples, True), ("distribution", s.distribution, True),
                                    ("metrics", s.metrics, self._shown == "quality")):
            if self._seen[name] == self._weights or (name == "distribution" and not self._distribution_shown()):
                continue  # up to date, or nobody looks: D over the PCA grid costs as much as a step
            if not self._commands.empty():
                return  # answer the student first; views catch up afterwards
            if (eager and not self._playing) or budget.ready(time.monotonic()):
                start = time.monotonic()
                getattr(self, f"_make_{name}")()
                budget.spent(start, time.monotonic())
                self._seen[name] = self._weights

    def _distribution_shown(self) -> bool:
        """The page shows the distribution view, and it has one: a conditional D scores a design for a load
        case, and the view's plane has none."""
        return self._shown == "distribution" and not self._trainer.config.conditional

    def _make_samples(self) -> None:
        t, snap = self._trainer, self._snapshot
        samples, scores = t.scored_fixed_samples()
        timeline = snap.timeline
        if not timeline or timeline[-1][0] != t.iteration:
            timeline = _thin(timeline + ((t.iteration, samples),), TIMELINE_MAX)
        self._update(samples=samples, sample_scores=scores, sample_iteration=t.iteration,
                     timeline=timeline)

    def _make_distribution(self) -> None:
        self._update(distribution=self._views.distribution(self._trainer))

    def _make_metrics(self) -> None:
        t = self._trainer
        metrics = self._snapshot.metrics
        if t.iteration == 0 or (metrics and metrics[-1]["iteration"] == t.iteration):
            return  # an untrained G says nothing; building a run stays quick for a whole class
        report = self._views.metrics(t, self._settings.metric_samples)
        if report is not None:
            self._update(metrics=metrics + ({"iteration": t.iteration, **report},))

    def _publish(self) -> None:
        now = time.monotonic()
        if self._trainer is None:
            self._update(applied=self._applied)
            return
        if now - self._last_publish < PUBLISH_EVERY_S and self._applied == self._snapshot.applied:
            return
        self._last_publish = now
        t = self._trainer
        message, fields = self._snapshot.message, self._snapshot.message_fields
        if self._error:
            state, (message, fields) = "error", self._error
        elif t.status != "ok":
            state, message, fields = "diverged", "diverged", {}
        elif self._playing:
            state, message, fields = ("waiting" if self._position else "partner" if self._waits_for_partner()
                                      else "playing"), "", {}
        else:
            state = "paused"
        self._update(state=state, message=message, message_fields=fields, iteration=t.iteration,
                     steps_per_s=self._steps_per_s(), history=_stride(tuple(t.history), HISTORY_SHOWN),
                     queue_position=self._position if self._playing else 0, applied=self._applied)

    def _waits_for_partner(self) -> bool:
        pair = self._pair
        return self._held and pair is not None and pair.lagging(self, self._trainer.iteration)

    def _steps_per_s(self) -> float:
        if len(self._rate) < 2 or not self._playing:
            return 0.0
        (t0, i0), (t1, i1) = self._rate[0], self._rate[-1]
        return (i1 - i0) / (t1 - t0) if t1 > t0 else 0.0

    def _update(self, **changes: Any) -> None:
        with self._lock:
            if "message" in changes:  # a message comes with its own fields, or none
                changes.setdefault("message_fields", {})
            self._snapshot = replace(self._snapshot, version=self._snapshot.version + 1, **changes)


def _stride(items: tuple, limit: int) -> tuple:
    """At most about ``limit`` evenly spaced items, always ending with the latest."""
    if len(items) <= limit:
        return items
    step = -(-len(items) // limit)
    kept = items[::step]
    return kept if kept[-1] is items[-1] else kept + items[-1:]


def _thin(items: tuple, limit: int) -> tuple:
    """Keep at most ``limit`` items, dropping every other old one (the latest stays)."""
    if len(items) <= limit:
        return items
    return items[:-1][::2] + items[-1:]
