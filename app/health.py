"""Plain-language diagnoses of a run, and a per-session tracker that keeps them steady on screen.

Each diagnosis is a key of the translation table (``health_<key>`` explains what
is happening); its advice is a list of ``advice_<name>`` sentences, each offered
only when it would change something (never "try the non-saturating loss" to a
student who uses it).  Thresholds are deliberately simple so a teacher can
explain them.  Checks read the iterations *and* the clock: a run whose steps
take seconds says so within seconds, not after 25 iterations.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mechgan.config import TrainConfig
from mechgan.data import binarize

from app.views import ViewMaker
from app.worker import Snapshot

ORDER = ("diverged", "exploding", "slow", "d_wins", "g_wins", "collapse", "oscillating", "barely_learning")
WINDOW = 50  # records looked at (the worker strides a long history, so records can be iterations apart)
D_WINS_FAKE = 0.05  # mean D(fake) below this: D rejects every fake
G_WINS_MARGIN = 0.1  # mean D(fake) above mean D(real) by this: a lagging D takes fakes for reals
COLLAPSE_RATIO = 0.25  # sample diversity below a quarter of the data's
MIN_ITERATIONS = 100  # before this, a young G is allowed to look alike
EXPLODE_LOSS = 25.0  # median |loss| of the last records above this: a D(x) of e^-25 (WGAN-GP: its own scale)
EXPLODE_LOSS_CRITIC = 500.0
EXPLODE_RECORDS = 10
# The swing: mean jump of D's scores from one record to the next over SWING_WINDOW records.  Oscillating: it
# exceeds a third of the gap D keeps between reals and fakes (too-large rates jump about as far as D separates;
# an absolute bar did not tell them from the Balanced preset on every network size).
SWING_WINDOW = 100
SWING_SHARE = 1 / 3  # oscillating above this share of the gap...
FLAT_SWING = 0.03  # ...and above this swing; barely learning below it...
FLAT_GAP = 0.2  # ...while D's mean scores of reals and fakes are this close: D has learned nothing yet
SLOW_STEP_S = 4.0  # a step longer than this: the student is told at once
MIN_SHOWN_S = 5.0  # a message stays at least this long...
CLEAR_AFTER_S = 4.0  # ...and leaves once its condition has been false this long


@dataclass(frozen=True)
class Finding:
    """One diagnosis: its key, the numbers its text shows, and the advice that applies."""

    key: str
    values: dict = field(default_factory=dict)  # numbers, written as FORMATS says
    advice: tuple[str, ...] = ()


FORMATS = {"iteration": ",", "loss": ",.0f", "seconds": ".0f", "swing": ".2f"}


def diagnose(snap: Snapshot, real_diversity: float, stalled_s: float = 0.0) -> list[Finding]:
    """What the snapshot shows, most serious first; ``stalled_s``: seconds the run has played without
    a new iteration."""
    config = snap.config or TrainConfig()
    if snap.state == "diverged":
        return [Finding("diverged", {"iteration": snap.iteration}, _advice("diverged", config))]
    found = []
    exploding = _exploding(snap.history, config)
    if exploding is not None:
        found.append(Finding("exploding", {"loss": exploding}, _advice("exploding", config)))
    seconds = _seconds_per_step(snap, stalled_s)
    if seconds is not None:
        found.append(Finding("slow", {"seconds": seconds}, _advice("slow", config)))
    d_wins = _d_wins(snap.history)
    if d_wins:
        found.append(Finding("d_wins", {}, _advice("d_wins", config)))
    if _g_wins(snap.history):
        found.append(Finding("g_wins", {}, _advice("g_wins", config)))
    if (snap.samples is not None and snap.sample_iteration >= MIN_ITERATIONS
            and ViewMaker.diversity(binarize(snap.samples)) < COLLAPSE_RATIO * real_diversity):
        found.append(Finding("collapse", {}, _advice("collapse", config)))
    if _oscillating(snap.history):
        found.append(Finding("oscillating", {}, _advice("oscillating", config)))
    crawl = None if d_wins else _barely_learning(snap.history)  # a D that wins outright stops moving too
    if crawl is not None:
        found.append(Finding("barely_learning", {"swing": crawl}, _advice("barely_learning", config)))
    return found


# ------------------------------------------------------------------ conditions

def _finite(history, *keys, window: int = WINDOW) -> list[dict]:
    """The last ``window`` records whose ``keys`` are all finite."""
    return [r for r in history[-window:] if all(np.isfinite(r.get(k, np.nan)) for k in keys)]


def _d_wins(history) -> bool:
    """D rejects every fake: its mean score of them stays under D_WINS_FAKE (a G whose loss comes down
    from there is still beaten, and the message leaves once D(fake) rises)."""
    recent = _finite(history, "d_fake")[-WINDOW // 2:]
    return len(recent) == WINDOW // 2 and bool(np.mean([r["d_fake"] for r in recent]) < D_WINS_FAKE)


def _g_wins(history) -> bool:
    """A lagging D scores the fakes above the reals (G fools it without drawing real-looking designs)."""
    recent = _finite(history, "d_real", "d_fake")[-WINDOW // 2:]
    if len(recent) < WINDOW // 2:
        return False
    return bool(np.mean([r["d_fake"] - r["d_real"] for r in recent]) > G_WINS_MARGIN)


def _exploding(history, config: TrainConfig) -> float | None:
    """The recent loss size when it is huge, from the first records on (a slow run has few)."""
    recent = [max(abs(r.get("loss_d", 0.0)), abs(r.get("loss_g", 0.0))) for r in history[-EXPLODE_RECORDS:]]
    recent = [v for v in recent if np.isfinite(v)]
    limit = EXPLODE_LOSS_CRITIC if config.loss == "wgan_gp" else EXPLODE_LOSS
    size = float(np.median(recent)) if recent else 0.0
    return size if size > limit else None


def _seconds_per_step(snap: Snapshot, stalled_s: float) -> float | None:
    """Seconds a step takes, when more than SLOW_STEP_S: from the rate, or from a wait with no new step."""
    if snap.state != "playing":
        return None
    per_step = 1.0 / snap.steps_per_s if snap.steps_per_s > 0 else 0.0
    seconds = max(per_step, stalled_s)
    return seconds if seconds > SLOW_STEP_S else None


def _swing(history) -> tuple[float, float] | None:
    """How far D's scores jump from one record to the next (mean |change| of D(real) and D(fake)) and the
    gap between them (|mean D(real) - mean D(fake)|), or None when too few records."""
    recent = _finite(history, "d_real", "d_fake", window=SWING_WINDOW)
    if len(recent) < WINDOW // 2:
        return None
    real = np.array([r["d_real"] for r in recent])
    fake = np.array([r["d_fake"] for r in recent])
    swing = 0.5 * (np.abs(np.diff(real)).mean() + np.abs(np.diff(fake)).mean())
    return float(swing), float(abs(real.mean() - fake.mean()))


def _oscillating(history) -> bool:
    """Large rates: D's verdict jumps from one step to the next by more than a third of what separates its
    scores of reals and fakes, instead of settling."""
    found = _swing(history)
    return found is not None and found[0] > max(FLAT_SWING, SWING_SHARE * found[1])


def _barely_learning(history) -> float | None:
    """Small rates: D's scores (and so the losses) crawl, by less than FLAT_SWING a step, and D still scores
    reals and fakes alike (a D that has learned, or wins outright, also moves little: that is no crawl)."""
    found = _swing(history)
    if found is None or found[0] >= FLAT_SWING:
        return None
    return found[0] if found[1] < FLAT_GAP else None


# ------------------------------------------------------------------ advice

LR_LOW = 1e-4  # below: too slow to see anything in a lesson
LR_SAFE = 2e-4  # the rate "lower both learning rates" suggests
# Each piece of advice, and when it would change something under a config c.
ADVICE = {
    "lower_both_lr": lambda c: max(c.lr_g, c.lr_d) > LR_SAFE,
    "raise_both_lr": lambda c: max(c.lr_g, c.lr_d) < LR_LOW,
    "lower_lr_d": lambda c: c.lr_d >= c.lr_g and c.lr_d > LR_LOW,
    "lower_lr_g": lambda c: c.lr_g > LR_LOW,
    "lower_k_d": lambda c: c.k_d > 1,
    "lower_k_g": lambda c: c.k_g > 1,
    "raise_k_g": lambda c: c.k_d <= 1 and c.k_g <= 1,
    "lower_batch": lambda c: c.batch_size > 32,
    "raise_batch": lambda c: c.batch_size < 64,
    "lower_nf": lambda c: c.architecture == "nf" and c.nf > 16,
    "lower_beta1": lambda c: c.beta1 > 0.5 and "adam" in (c.optimizer_g, c.optimizer_d),
    "try_nonsaturating": lambda c: c.loss == "minimax",
    "try_wgan": lambda c: c.loss != "wgan_gp",
    "use_adam": lambda c: "sgd" in (c.optimizer_g, c.optimizer_d),
    "reset": lambda c: True,
    "server_busy": lambda c: True,
    "be_patient": lambda c: True,
}
FALLBACKS = ("reset", "server_busy", "be_patient")  # said only when nothing more specific applies
PLANS = {
    "diverged": ("lower_both_lr", "reset"),
    "exploding": ("lower_both_lr", "try_wgan"),
    "slow": ("lower_batch", "lower_nf", "lower_k_d", "lower_k_g", "server_busy"),
    "d_wins": ("lower_lr_d", "lower_k_d", "raise_k_g", "try_nonsaturating", "try_wgan"),
    "g_wins": ("lower_lr_g", "lower_k_g", "be_patient"),
    "collapse": ("lower_lr_g", "raise_batch", "try_wgan", "reset"),
    "oscillating": ("lower_both_lr", "lower_beta1", "be_patient"),
    "barely_learning": ("raise_both_lr", "use_adam", "be_patient"),
}


def _advice(key: str, config: TrainConfig) -> tuple[str, ...]:
    """The advice of diagnosis ``key`` that would change something under ``config``, most useful first."""
    chosen = [name for name in PLANS[key] if ADVICE[name](config)]
    specific = [name for name in chosen if name not in FALLBACKS]
    return tuple(specific or chosen)


# ------------------------------------------------------------------ steadiness

@dataclass
class HealthTracker:
    """What one session shows: the most serious message only (three at once told a frozen run to lower
    its rates, lower D's and change G), which appears at once, stays at least MIN_SHOWN_S, and leaves only
    once its condition has been false for CLEAR_AFTER_S (a flickering condition no longer makes the
    page jump).  Kept in the session's state, so each student's page has its own."""

    shown: dict[str, float] = field(default_factory=dict)  # key -> when it appeared
    last_true: dict[str, float] = field(default_factory=dict)
    latest: dict[str, Finding] = field(default_factory=dict)
    progress: tuple[int, float] = (-1, 0.0)  # (iteration, when the run last moved or stopped playing)

    def update(self, snap: Snapshot, real_diversity: float, now: float) -> list[Finding]:
        if snap.iteration < self.progress[0]:  # a new run: nothing of the old one stays
            self.shown.clear(), self.last_true.clear(), self.latest.clear()
        if snap.iteration != self.progress[0] or snap.state != "playing":
            self.progress = (snap.iteration, now)
        for finding in diagnose(snap, real_diversity, stalled_s=now - self.progress[1]):
            self.shown.setdefault(finding.key, now)
            self.last_true[finding.key] = now
            self.latest[finding.key] = finding
        for key in list(self.shown):
            if now - self.shown[key] >= MIN_SHOWN_S and now - self.last_true[key] >= CLEAR_AFTER_S:
                del self.shown[key], self.last_true[key], self.latest[key]
        return [self.latest[key] for key in ORDER if key in self.shown][:1]  # the most serious: one message
