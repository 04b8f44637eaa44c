"""What this server tells the teacher's class view: a summary of each live run, every few seconds.

A thread of the server process reads the registry's snapshots and publishes
them through :mod:`mechgan.live` in the shared runs folder, where the class
view of any replica reads every replica's.  The health state is the Lab's own
diagnosis (:func:`app.health.diagnose`), so the teacher and the student read
the same verdict.  Nothing here calls Streamlit.
"""
from __future__ import annotations

import hashlib
import logging
import math
import threading
from dataclasses import fields
from pathlib import Path

from mechgan import live
from mechgan.config import TrainConfig
from mechgan.training_figures import sample_png

from app.health import diagnose
from app.worker import Snapshot

log = logging.getLogger(__name__)

PUBLISH_S = 3.0
SPARK_POINTS = 60  # losses kept for the sparkline
THUMBNAIL_SAMPLES = 4  # a 2 x 2 grid of the run's fixed-noise samples
GROUPS = ("diverged", "exploding", "d_wins", "g_wins", "collapse", "oscillating", "barely_learning", "slow",
          "error", "learning", "starting")  # the class view's order: what needs the teacher first


def health_state(snap: Snapshot, real_diversity: float) -> str:
    """The run's group: the Lab's most serious diagnosis, else learning (or starting, or failed)."""
    if snap.state == "error":
        return "error"
    if snap.iteration == 0:
        return "starting"
    found = diagnose(snap, real_diversity)
    return found[0].key if found else "learning"


def changed_settings(config: TrainConfig, defaults: TrainConfig) -> dict:
    """The settings of ``config`` that differ from the class's defaults."""
    return {f.name: getattr(config, f.name) for f in fields(TrainConfig)
            if getattr(config, f.name) != getattr(defaults, f.name)}


def _finite(values) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in values]  # JSON has no NaN


def summary(key: str, snap: Snapshot, real_diversity: float, defaults: TrainConfig, thumbnail: str) -> dict:
    """One run as the class view shows it (plain JSON values)."""
    history = snap.history[-SPARK_POINTS:]
    return {
        "tag": hashlib.sha256(key.encode()).hexdigest()[:4],  # an anonymous label, steady for the session
        "compare": key.endswith("/B"),
        "name": Path(snap.saved).name if snap.saved else "",
        "iteration": snap.iteration,
        "state": snap.state,
        "queue": snap.queue_position,
        "health": health_state(snap, real_diversity),
        "settings": changed_settings(snap.config or defaults, defaults),
        "loss_d": _finite(r.get("loss_d", math.nan) for r in history),
        "loss_g": _finite(r.get("loss_g", math.nan) for r in history),
        "thumbnail": thumbnail,
    }


class ClassFeed(threading.Thread):
    """Publishes this server's live runs every PUBLISH_S seconds until the process ends."""

    def __init__(self, registry, root: Path | str, defaults: TrainConfig, interval: float = PUBLISH_S) -> None:
        super().__init__(name="mechgan-class-feed", daemon=True)
        self._registry, self._defaults, self._interval = registry, defaults, interval
        self.publisher = live.Publisher(root)
        self._thumbnails: dict[str, tuple[object, str]] = {}  # key -> (samples drawn, their PNG)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self._interval):
            try:
                self.publish_once()
            except Exception:  # a full disk or a vanished folder: the class view misses a beat, not the class
                log.exception("could not publish the live runs")
        self.publisher.withdraw()

    def stop(self) -> None:
        self._halt.set()

    def publish_once(self) -> None:
        summaries = {}
        for key, worker in self._registry.live():
            views, snap = worker.views, worker.snapshot()
            if views is not None:
                summaries[key] = summary(key, snap, views.real_diversity, self._defaults, self._thumbnail(key, snap))
        self._thumbnails = {k: v for k, v in self._thumbnails.items() if k in summaries}
        self.publisher.publish(summaries)

    def _thumbnail(self, key: str, snap: Snapshot) -> str:
        """The samples' PNG, drawn again only when they changed."""
        samples = snap.samples
        if samples is None:
            return ""
        kept = self._thumbnails.get(key)
        if kept is None or kept[0] is not samples:
            kept = (samples, sample_png(samples[:THUMBNAIL_SAMPLES], cols=2))
            self._thumbnails[key] = kept
        return kept[1]
