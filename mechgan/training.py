"""Training: the steppable :class:`Trainer` and the lab's ``train_step`` / ``train`` / ``generate_and_save``.

One Trainer is one run, plain or conditional: models, optimizers, a fixed noise
batch and a bounded history.  Its D and G updates are compiled once per
structure (:mod:`mechgan.updates`) and read hyper-parameters as variables, so
live changes need no rebuild.  Every random draw is seeded by ``config.seed``
(weights here, data and noise in :mod:`mechgan.feed`): a run is reproducible,
and a saved run resumes exactly.

A conditional run (``config.conditional``) trains G(z, c), D(x, c): a batch is
``(reals, conditions)``, drawn once per update and passed down; G reads z then
the batch's conditions, and each G update is also pulled (L1, ``recon_weight``)
towards the batch's real designs, as TopologyGAN does.
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable

import numpy as np
import tensorflow as tf

from mechgan import data, losses, models, palette, updates
from mechgan.config import LIVE_FIELDS, SettingError, TrainConfig
from mechgan.feed import FIXED_SAMPLES, Batch, Feed
from mechgan.optimizers import Optimizer

HISTORY_SIZE = 20_000
RECORD_KEYS = ("iteration", "loss_d", "loss_g", "d_real", "d_fake", "seconds")
# Settings the compiled updates read as variables (live changes need no retrace).
VARIABLE_FIELDS = ("label_smoothing", "instance_noise", "gp_weight", "ema", "connect_weight", "recon_weight")


class Trainer:
    """A GAN run that can be stepped a D update, a G update or an iteration at a time.

    It trains on ``designs`` (with their ``conditions``), the shipped ones by default
    (:func:`mechgan.feed.training_data`).  Thread-safe enough for one thread stepping
    while another calls ``generate`` / ``d_scores``: every public method takes the same lock.
    """

    def __init__(self, config: TrainConfig | None = None, designs: np.ndarray | None = None,
                 conditions: np.ndarray | None = None):
        self._lock = threading.RLock()
        self._config = config = config or TrainConfig()
        self._feed = Feed(config, designs, conditions)
        self._native = models.NATIVE_SIZE[config.architecture]
        seed, k = config.seed, self._feed.condition_dim
        self._wg = models.initialize_weights_generator(config.nf, config.latent_dim, config.architecture, seed, k)
        self._wd = models.initialize_weights_discriminator(config.nf, config.architecture, seed + 1, k)
        self._wg_avg = models.initialize_weights_generator(config.nf, config.latent_dim, config.architecture, seed, k)
        self._extra = {k: tf.Variable(float(getattr(config, k)), trainable=False) for k in VARIABLE_FIELDS}
        self._opt_g, self._opt_d = self._optimizer("g"), self._optimizer("d")
        self._updates = updates.RunUpdates(self._wg.structure, self._wd.structure)
        self._seconds = 0.0
        self.iteration = 0
        self.status, self.status_message = "ok", ""
        self._history: deque[dict] = deque(maxlen=HISTORY_SIZE)

    # ---------------------------------------------------------- settings

    @property
    def config(self) -> TrainConfig:
        return self._config

    @property
    def history(self) -> list[dict]:
        with self._lock:
            return list(self._history)

    @property
    def seconds(self) -> float:
        """Training time so far (updates only, not sampling or pauses)."""
        return self._seconds

    @property
    def condition_dim(self) -> int:
        """Condition values G appends to its noise and D reads an image (0: not a conditional run)."""
        return self._feed.condition_dim

    @property
    def fixed_noise(self) -> np.ndarray:
        """G's input for the fixed samples (z followed by their conditions in a conditional run)."""
        return self._feed.fixed_noise

    @property
    def fixed_conditions(self) -> np.ndarray | None:
        """The fixed samples' conditions: four noises for each of a conditional run's fixed load cases."""
        return self._feed.fixed_conditions

    def _optimizer(self, side: str) -> Optimizer:
        c = self._config
        weights = self._wg if side == "g" else self._wd
        return Optimizer(getattr(c, f"optimizer_{side}"), weights.trainable, getattr(c, f"lr_{side}"),
                         c.beta1, c.beta2, c.momentum)

    def update(self, **changes) -> None:
        """Change live settings (``LIVE_FIELDS``); they apply from the next update on."""
        frozen = set(changes) - LIVE_FIELDS
        if frozen:
            raise SettingError(", ".join(sorted(frozen)), f"{', '.join(sorted(frozen))} cannot change during a run; "
                               "reset with a new config", "setting_frozen")
        with self._lock:
            old, new = self._config, self._config.with_changes(**changes)
            self._config = new
            for side in ("g", "d"):
                if getattr(new, f"optimizer_{side}") != getattr(old, f"optimizer_{side}"):
                    setattr(self, f"_opt_{side}", self._optimizer(side))
                opt = getattr(self, f"_opt_{side}")
                opt.set(lr=getattr(new, f"lr_{side}"), beta1=new.beta1, beta2=new.beta2, momentum=new.momentum)
            for k in VARIABLE_FIELDS:
                self._extra[k].assign(float(getattr(new, k)))

    # ---------------------------------------------------------- compiled updates

    def _graph(self, side: str) -> tuple:
        """What picks the compiled update of ``side`` (its loss and optimizer), and the variables it takes."""
        c = self._config
        return side, c.loss, getattr(c, f"optimizer_{side}"), self._variables(side)

    def _update(self, side: str, *inputs: np.ndarray) -> dict:
        return self._updates(*self._graph(side), *map(tf.constant, inputs))

    def _variables(self, side: str) -> dict:
        """Everything the compiled update of ``side`` reads or writes, as plain dicts of variables."""
        state = {"g": dict(self._wg), "d": dict(self._wd), "extra": self._extra,
                 "opt": getattr(self, f"_opt_{side}").state_variables}
        return state | {"g_avg": dict(self._wg_avg)} if side == "g" else state

    def _drawn(self, batch: Batch | None, noise: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """``batch``'s real designs (else the next batch's) and G's noise for their conditions (unless given)."""
        reals, conditions = self._feed.batch() if batch is None else batch
        return reals, self._feed.noise(len(reals), conditions) if noise is None else noise

    def _d(self, batch: Batch | None = None, noise: np.ndarray | None = None) -> dict:
        reals, noise = self._drawn(batch, noise)
        return self._update("d", reals, noise, self._feed.update_seed())

    def _g(self, batch: Batch | None = None, noise: np.ndarray | None = None) -> dict:
        """A G update; a conditional one draws for a batch's conditions and is pulled towards its real designs."""
        if not self.condition_dim:
            noise = self._feed.noise(self._config.batch_size) if noise is None else noise
            return self._update("g", noise, self._feed.update_seed())
        reals, noise = self._drawn(batch, noise)
        return self._update("g", noise, self._feed.update_seed(), reals)

    def trace(self) -> None:
        """Compile the D and G updates now, without running them (no weight, optimizer or RNG changes).

        Tracing is seconds of pure Python: a server does it at a run's first Play,
        in a build slot, not in the training slot it shares with the class.  It
        happens once per structure: a later run of it finds the updates traced.
        """
        size, k = self._feed.batch_size, self.condition_dim
        reals = tf.TensorSpec((size, models.SIZE, models.SIZE, 1), tf.float32)  # as Feed.batch draws them
        seed = tf.TensorSpec((2,), tf.int64)

        def noise(n: int) -> tf.TensorSpec:
            return tf.TensorSpec((n, self._config.latent_dim + k), tf.float32)

        self._updates.concrete(*self._graph("d"), reals, noise(size), seed)
        g_inputs = (noise(size), seed, reals) if k else (noise(self._config.batch_size), seed)
        self._updates.concrete(*self._graph("g"), *g_inputs)

    # ---------------------------------------------------------- stepping

    def _iterate(self, d_updates: int, g_updates: int, batch: Batch | None = None,
                 noise: np.ndarray | None = None) -> tuple[dict, dict | None, dict | None]:
        """Run the updates (the first D and G ones on ``batch`` and ``noise`` when given), stopping at the
        first non-finite one; returns (record, last D out, last G out)."""
        start = time.perf_counter()
        d_out = g_out = None
        for i in range(d_updates):
            d_out = self._d(*((batch, noise) if i == 0 else ()))
            if not self._check(d_out, "discriminator"):
                break
        for i in range(g_updates if self.status == "ok" else 0):
            g_out = self._g(*((batch, noise) if i == 0 else ()))
            if not self._check(g_out, "generator"):
                break
        self._seconds += time.perf_counter() - start
        if self.status == "ok" and d_updates and g_updates:
            self.iteration += 1
        record = {"iteration": self.iteration,
                  "loss_d": _scalar(d_out, "loss"), "loss_g": _scalar(g_out, "game"),
                  "d_real": _scalar(d_out, "real"), "d_fake": _scalar(d_out or g_out, "fake"),
                  "seconds": self._seconds}
        self._history.append(record)
        return record, d_out, g_out

    def _check(self, out: dict, player: str) -> bool:
        if bool(out["finite"]):
            return True
        self.status = "diverged"
        self.status_message = (f"Training diverged at iteration {self.iteration}: the {player} loss or its "
                               "gradients became NaN or infinite (learning rate too large?). "
                               "Reset the run to start again.")
        return False

    def _stopped_record(self) -> dict:
        return self._history[-1] if self._history else dict.fromkeys(RECORD_KEYS, float("nan"))

    def iterate(self, d_updates: int, g_updates: int, designs: np.ndarray | None = None,
                conditions: np.ndarray | None = None) -> dict:
        """``d_updates`` D updates then ``g_updates`` G updates; the first of each on ``designs``
        ((n, 50, 50) in {0, 1}, with their ``conditions`` in a conditional run) when given, else each on
        the next batch.  ``iteration`` advances when both ran; a diverged run does nothing."""
        batch = None if designs is None else (data.to_model_range(designs), self._feed.checked(conditions))
        with self._lock:
            if self.status != "ok":
                return self._stopped_record()
            return self._iterate(d_updates, g_updates, batch)[0]

    def step(self) -> dict:
        """One iteration: ``k_d`` D updates then ``k_g`` G updates."""
        return self.iterate(self._config.k_d, self._config.k_g)

    def step_d(self) -> dict:
        """A single D update (``iteration`` does not advance; ``loss_g`` is NaN)."""
        return self.iterate(1, 0)

    def step_g(self) -> dict:
        """A single G update (``iteration`` does not advance; ``loss_d`` and ``d_real`` are NaN)."""
        return self.iterate(0, 1)

    def run(self, n: int | None = None, callback: Callable[[dict], None] | None = None, *,
            minutes: float | None = None) -> list[dict]:
        """``n`` iterations, or as many as ``minutes`` of wall time allow, whichever ends first (fewer if the run
        diverges), ``callback(record)`` after each; returns their records (the last ``HISTORY_SIZE`` of a
        longer run).  The one training loop of notebook and command line."""
        if n is None and minutes is None:
            raise ValueError("run needs a number of iterations or of minutes")
        deadline = None if minutes is None else time.monotonic() + 60 * minutes
        records: deque[dict] = deque(maxlen=HISTORY_SIZE)
        for _ in itertools.count() if n is None else range(n):
            if self.status != "ok" or (deadline is not None and time.monotonic() >= deadline):
                break
            records.append(self.step())
            if callback is not None:
                callback(records[-1])
        return list(records)

    def step_detailed(self) -> dict:
        """One iteration, returning the tensors it used (for the app's "inside an iteration" view)."""
        with self._lock:
            reals, conditions = batch = self._feed.batch()
            noise = self._feed.noise(len(reals), conditions)
            before = self._images(noise, self._wg)  # G itself: what D saw, not the average
            if self.status != "ok":
                record, d_out, g_out = self._stopped_record(), None, None
            else:
                record, d_out, g_out = self._iterate(self._config.k_d, self._config.k_g, batch, noise)
            nan = np.full(len(reals), np.nan, np.float32)
            return {"noise": noise, "reals": reals[..., 0], "fakes_before": before,
                    "d_real": d_out["real"].numpy() if d_out else nan,
                    "d_fake": d_out["fake"].numpy() if d_out else nan,
                    "loss_d": record["loss_d"], "loss_g": record["loss_g"],
                    "grad_norms_d": _layer_norms(self._wd, d_out), "grad_norms_g": _layer_norms(self._wg, g_out),
                    "fakes_after": self._images(noise, self._wg), "record": record}

    # ---------------------------------------------------------- inspection

    def generate(self, noise: np.ndarray | None = None, n: int = FIXED_SAMPLES) -> np.ndarray:
        """Samples (n, 50, 50) in [-1, 1] (inference mode); ``noise=None`` draws fresh noise (for
        training cases drawn at random, in a conditional run)."""
        with self._lock:
            return self._images(self._feed.sample_noise(n) if noise is None else noise, self._sampler())

    def sample_noise(self, n: int, seed: int) -> np.ndarray:
        """G's input for ``n`` samples drawn by ``seed`` (a command line's ``--seed``)."""
        return self._feed.sample_noise(n, seed)

    def _images(self, noise, weights: models.Weights) -> np.ndarray:
        images = models.resize(models.generator(noise, weights, training=False), models.SIZE)
        return np.clip(images.numpy()[..., 0], -1.0, 1.0)

    def _sampler(self) -> models.Weights:
        """The weights samples come from: G's moving average when ``ema`` > 0, else G."""
        return self._wg_avg if self._config.ema > 0 else self._wg

    def sampler_weights(self) -> dict[str, np.ndarray]:
        """A copy of the weights samples come from (what a conditional run exports as its generator)."""
        with self._lock:
            return self._sampler().numpy()

    def fixed_samples(self) -> np.ndarray:
        return self.generate(self.fixed_noise)

    def scored_fixed_samples(self) -> tuple[np.ndarray, np.ndarray]:
        """The fixed samples and D's score of each (for its own load case, in a conditional run)."""
        with self._lock:
            samples = self.fixed_samples()
            return samples, self.d_scores(samples, self.fixed_conditions)

    def d_scores(self, images: np.ndarray, conditions: np.ndarray | None = None) -> np.ndarray:
        """D's opinion (sigmoid of its output) on (M, 50, 50) images in [-1, 1]; a conditional run's D
        also reads each image's (M, condition_dim) condition."""
        conditions = self._feed.checked(conditions)
        with self._lock:
            x = models.resize(np.asarray(images, np.float32)[..., None], self._native)
            x = models.with_condition(x, conditions)
            return tf.sigmoid(models.discriminator(x, self._wd, training=False))[:, 0].numpy()

    def generator_gradients(self, noise: np.ndarray) -> np.ndarray:
        """-dL_G/dx at x = G(noise), per sample (n, 50, 50): where G pushes each (D reads its condition, if any)."""
        with self._lock:
            x = models.resize(models.generator(noise, self._sampler(), training=False), models.SIZE)
            with tf.GradientTape() as tape:
                tape.watch(x)
                fakes = models.with_condition(models.resize(x, self._native), self._feed.conditions_of(noise))
                out = models.discriminator(fakes, self._wd, training=False)
                value = losses.generator_loss(self._config.loss, out) * len(noise)
            return -tape.gradient(value, x).numpy()[..., 0]

    # ---------------------------------------------------------- state (for mechgan.runs)

    def get_state(self) -> dict[str, dict]:
        """What a resumed run needs besides its config and history: named arrays, and "progress" (JSON-able)."""
        with self._lock:
            return {"generator": self._wg.numpy(), "generator_average": self._wg_avg.numpy(),
                    "discriminator": self._wd.numpy(),
                    "optimizer_g": self._opt_g.state(), "optimizer_d": self._opt_d.state(),
                    "progress": {"iteration": self.iteration, "seconds": self._seconds, **self._feed.state(),
                                 "diverged": self.status != "ok"}}

    def set_state(self, state: dict[str, dict], history: list[dict] = ()) -> None:
        """Restore ``get_state()`` output (on a Trainer built from the same config)."""
        with self._lock:
            self._wg.assign(state["generator"])
            self._wg_avg.assign(state["generator_average"])
            self._wd.assign(state["discriminator"])
            self._opt_g.load_state(state["optimizer_g"])
            self._opt_d.load_state(state["optimizer_d"])
            p = state["progress"]
            self._feed.set_state(p)
            self.iteration, self._seconds = int(p["iteration"]), float(p["seconds"])
            if p["diverged"]:
                self.status, self.status_message = "diverged", "This saved run had diverged; reset it."
            self._history.clear()
            self._history.extend(history)


def _scalar(out: dict | None, key: str) -> float:
    if out is None or key not in out:
        return float("nan")
    return float(tf.reduce_mean(out[key]))


def _layer_norms(weights: models.Weights, out: dict | None) -> dict[str, float]:
    """Gradient norm per layer (kernel and bias together) of the last update."""
    if out is None:
        return {}
    norms: dict[str, float] = {}
    names = [k for k, v in weights.items() if v.trainable]
    for name, sq in zip(names, out["grad_sq"].numpy()):
        layer = name.split("/")[0]
        norms[layer] = norms.get(layer, 0.0) + float(sq)
    return {k: float(np.sqrt(v)) for k, v in norms.items()}


# ------------------------------------------------------------- the lab's names

def train_step(trainer: Trainer, images: np.ndarray | None = None, conditions: np.ndarray | None = None) -> dict:
    """One D update then one G update (on ``images``, (n, 50, 50) designs in {0, 1} with their
    ``conditions`` in a conditional run, or the next batch).

    Returns the losses and the mean D(real) / D(fake), like the tutorial's ``train_step``.
    """
    return trainer.iterate(1, 1, images, conditions)


def train(dataset: np.ndarray, epochs: int | None = None, steps: int | None = None,
          config: TrainConfig | None = None, callback: Callable[[dict], None] | None = None) -> Trainer:
    """Train a new GAN on ``dataset`` ((N, 50, 50) designs) for ``epochs`` or ``steps`` iterations."""
    config = config or TrainConfig()
    trainer = Trainer(config, dataset)
    if steps is None:
        steps = (epochs or 1) * max(len(dataset) // config.batch_size, 1)
    trainer.run(steps, callback)
    return trainer


def generate_and_save(generator, noise, path: str | Path, columns: int | None = None) -> Path:
    """Write G(noise) as a PNG grid; ``generator`` is a Trainer, generator Weights or a callable."""
    from PIL import Image

    if isinstance(generator, Trainer):
        images = generator.generate(np.asarray(noise, np.float32))
    elif isinstance(generator, models.Weights):
        images = models.generator(noise, generator, training=False).numpy()
    else:
        images = np.asarray(generator(noise))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(palette.image_grid(images, columns)).save(path)
    return path
