"""Plain-language diagnoses of a run: diverged, discriminator wins, generator collapses.

Each diagnosis is a key of the translation table (``health_<key>`` explains,
``fix_<key>`` suggests a change); thresholds are deliberately simple so a
teacher can explain them.
"""
from __future__ import annotations

import numpy as np

from mechgan.data import binarize

from app.views import ViewMaker
from app.worker import Snapshot

WINDOW = 50  # iterations looked at
D_WINS_FAKE = 0.05  # mean D(fake) below this while G's loss does not come down
COLLAPSE_RATIO = 0.25  # sample diversity below a quarter of the data's
MIN_ITERATIONS = 100  # before this, a young G is allowed to look alike


def diagnose(snap: Snapshot, real_diversity: float) -> list[str]:
    """Keys of the problems the snapshot shows, most serious first."""
    if snap.state == "diverged":
        return ["diverged"]
    found = []
    if _d_wins(snap.history):
        found.append("d_wins")
    if (snap.samples is not None and snap.sample_iteration >= MIN_ITERATIONS
            and ViewMaker.diversity(binarize(snap.samples)) < COLLAPSE_RATIO * real_diversity):
        found.append("collapse")
    return found


def _d_wins(history) -> bool:
    recent = [r for r in history[-WINDOW:] if np.isfinite(r["loss_g"]) and np.isfinite(r["d_fake"])]
    if len(recent) < WINDOW // 2:
        return False
    half = len(recent) // 2
    first = np.mean([r["loss_g"] for r in recent[:half]])
    second = np.mean([r["loss_g"] for r in recent[half:]])
    d_fake = np.mean([r["d_fake"] for r in recent[half:]])
    return bool(d_fake < D_WINS_FAKE and second >= first)
