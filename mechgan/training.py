"""Training: the steppable :class:`Trainer` and the lab's ``train_step`` / ``train`` / ``generate_and_save``.

One Trainer is one run: models, optimizers, a fixed noise batch and a bounded
history.  Each D or G update is a compiled ``tf.function`` that takes the
run's variables as arguments, so runs of the same structure share one trace;
hyper-parameters it reads (learning rates, betas, smoothing, instance noise,
speck weight) are variables, so live changes need no rebuild.  Every random
draw comes from generators seeded by ``config.seed`` (weights, noise, dropout,
data order), which makes a run reproducible and a saved run resumable exactly.
"""
from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict, deque
from pathlib import Path
from typing import Callable

import numpy as np
import tensorflow as tf

from mechgan import data, losses, models, optimizers, palette, updates
from mechgan.config import LIVE_FIELDS, SettingError, TrainConfig
from mechgan.optimizers import Optimizer

FIXED_SAMPLES = 16
HISTORY_SIZE = 20_000
RECORD_KEYS = ("iteration", "loss_d", "loss_g", "d_real", "d_fake", "seconds")
# Settings the compiled updates read as variables (live changes need no retrace).
VARIABLE_FIELDS = ("label_smoothing", "instance_noise", "gp_weight", "ema", "speck_weight", "recon_weight")


class Trainer:
    """A GAN run that can be stepped a D update, a G update or an iteration at a time.

    Thread-safe enough for one thread stepping while another calls ``generate``
    / ``d_scores``: every public method takes the same lock.
    """

    condition_dim = 0  # a conditional run (mechgan.conditional) appends its condition to G's noise
    fixed_conditions: np.ndarray | None = None  # the fixed samples' conditions (a conditional run's load cases)

    def __init__(self, config: TrainConfig | None = None, designs: np.ndarray | None = None):
        config = config or TrainConfig()
        if config.conditional and not self.condition_dim:
            raise ValueError("a conditional config trains with mechgan.conditional.make_trainer")
        self._lock = threading.RLock()
        self._config = config
        # the caller's array, never copied: a server's runs share one dataset, and each batch
        # is put in the models' range when drawn (no float32 copy per run; docs/decisions.md)
        self._designs = _check_designs(data.load_designs() if designs is None else designs)
        self._native = models.NATIVE_SIZE[config.architecture]
        seed = config.seed
        k = self.condition_dim
        self._wg = models.initialize_weights_generator(config.nf, config.latent_dim, config.architecture, seed, k)
        self._wd = models.initialize_weights_discriminator(config.nf, config.architecture, seed + 1, k)
        self._wg_avg = models.initialize_weights_generator(config.nf, config.latent_dim, config.architecture, seed, k)
        # training noise and update seeds: numpy, as a tf.random.Generator draw is eager Python at every update
        self._rng = np.random.default_rng([seed, 0])
        self._sample_rng = np.random.default_rng([seed, 1])
        self.fixed_noise = np.random.default_rng([seed, 2]).standard_normal(
            (FIXED_SAMPLES, config.latent_dim)).astype(np.float32)
        self._extra = {k: tf.Variable(float(getattr(config, k)), trainable=False) for k in VARIABLE_FIELDS}
        self._opt_g = self._optimizer("g")
        self._opt_d = self._optimizer("d")
        # (side, loss, optimizer, input shapes) -> (the shared tf.function, held alive by this run;
        # its concrete function for those shapes)
        self._compiled: dict[tuple, tuple[Callable, Callable]] = {}
        self._epoch_order: tuple[int, np.ndarray] | None = None
        self._batches_drawn = 0
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

    # ---------------------------------------------------------- data

    def _next_batch(self) -> np.ndarray:
        """The next batch of real designs, in the models' range."""
        return data.to_model_range(self._designs[self._next_indices()])

    def _next_indices(self) -> np.ndarray:
        """Batches of a fresh permutation every epoch, a pure function of (seed, batches drawn)."""
        n, size = len(self._designs), self._real_batch_size()
        epoch, pos = divmod(self._batches_drawn, n // size)
        if self._epoch_order is None or self._epoch_order[0] != epoch:
            self._epoch_order = (epoch, np.random.default_rng([self._config.seed, 3, epoch]).permutation(n))
        self._batches_drawn += 1
        return self._epoch_order[1][pos * size:(pos + 1) * size]

    def _real_batch_size(self) -> int:
        """Real designs per D update: the batch size, or all of a smaller dataset."""
        return min(self._config.batch_size, len(self._designs))

    def _noise(self, n: int) -> np.ndarray:
        return self._rng.standard_normal((n, self._config.latent_dim), dtype=np.float32)

    def _seed(self) -> tf.Tensor:
        """The seed of one update's random draws (instance noise, dropout, penalty points)."""
        return tf.constant(self._rng.integers(2**62, size=2))

    # ---------------------------------------------------------- compiled updates

    def _fn(self, side: str) -> Callable:
        """The compiled D or G update of this run's structure, shared with every run of it."""
        c = self._config
        return _shared_updates.get(side, self._wg.structure, self._wd.structure, c.loss,
                                   getattr(c, f"optimizer_{side}"))

    def _concrete(self, side: str, variables: dict, *inputs) -> Callable:
        """The update traced for the current loss, optimizer and input shapes (tensors or specs).

        Called directly: the tf.function's own dispatch types the ~80 variable arguments at every
        call (docs/decisions.md).  Kept here, so the shared update lives as long as a run uses it.
        """
        c = self._config
        key = (side, c.loss, getattr(c, f"optimizer_{side}"), *(tuple(x.shape) for x in inputs))
        if key not in self._compiled:
            fn = self._fn(side)
            self._compiled[key] = fn, fn.get_concrete_function(variables, *inputs)
        return self._compiled[key][1]

    def _update(self, side: str, *inputs: tf.Tensor) -> dict:
        variables = self._variables(side)
        return updates.call(self._concrete(side, variables, *inputs), variables, *inputs)

    def _variables(self, side: str) -> dict:
        """Everything the compiled update of ``side`` reads or writes, as plain dicts of variables."""
        state = {"g": dict(self._wg), "d": dict(self._wd), "extra": self._extra,
                 "opt": getattr(self, f"_opt_{side}").state_variables}
        return state | {"g_avg": dict(self._wg_avg)} if side == "g" else state

    # ---------------------------------------------------------- stepping

    def _d(self, reals: np.ndarray | None = None, noise: np.ndarray | None = None) -> dict:
        reals = self._next_batch() if reals is None else reals
        noise = self._noise(len(reals)) if noise is None else noise
        return self._update("d", tf.constant(reals), tf.constant(noise), self._seed())

    def _g(self, noise: np.ndarray | None = None) -> dict:
        noise = self._noise(self._config.batch_size) if noise is None else noise
        return self._update("g", tf.constant(noise), self._seed())

    def _iterate(self, d_updates: int, g_updates: int, reals=None, noise=None) -> tuple[dict, dict | None, dict | None]:
        """Run the updates, stopping at the first non-finite one; returns (record, last D out, last G out)."""
        start = time.perf_counter()
        d_out = g_out = None
        for i in range(d_updates):
            d_out = self._d(reals if i == 0 else None, noise if i == 0 else None)
            if not self._check(d_out, "discriminator"):
                break
        for i in range(g_updates if self.status == "ok" else 0):
            g_out = self._g(noise if i == 0 else None)
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

    def trace(self) -> None:
        """Compile the D and G updates now, without running them (no weight, optimizer or RNG changes).

        Tracing is seconds of pure Python: a server does it at a run's first Play,
        in a build slot, not in the training slot it shares with the class.  It
        happens once per structure: a later run of it finds the updates traced.
        """
        size = self._real_batch_size()
        reals = tf.TensorSpec((size, models.SIZE, models.SIZE, 1), tf.float32)  # as _next_batch draws them
        seed, latent = tf.TensorSpec((2,), tf.int64), self._config.latent_dim
        self._concrete("d", self._variables("d"), reals, tf.TensorSpec((size, latent), tf.float32), seed)
        self._concrete("g", self._variables("g"), tf.TensorSpec((self._config.batch_size, latent), tf.float32), seed)

    def step(self) -> dict:
        """One iteration: ``k_d`` D updates then ``k_g`` G updates; a diverged run does nothing."""
        with self._lock:
            if self.status != "ok":
                return self._stopped_record()
            return self._iterate(self._config.k_d, self._config.k_g)[0]

    def step_d(self) -> dict:
        """A single D update (``iteration`` does not advance; ``loss_g`` is NaN)."""
        with self._lock:
            return self._stopped_record() if self.status != "ok" else self._iterate(1, 0)[0]

    def step_g(self) -> dict:
        """A single G update (``iteration`` does not advance; ``loss_d`` and ``d_real`` are NaN)."""
        with self._lock:
            return self._stopped_record() if self.status != "ok" else self._iterate(0, 1)[0]

    def run(self, n: int, callback: Callable[[dict], None] | None = None) -> list[dict]:
        """``n`` iterations (fewer if the run diverges); ``callback(record)`` after each."""
        records = []
        for _ in range(n):
            if self.status != "ok":
                break
            records.append(self.step())
            if callback is not None:
                callback(records[-1])
        return records

    def step_detailed(self) -> dict:
        """One iteration, returning the tensors it used (for the app's "inside an iteration" view)."""
        with self._lock:
            reals = self._next_batch()
            noise = self._noise(len(reals))
            before = self._images(noise, self._wg)  # G itself: what D saw, not the average
            if self.status != "ok":
                record, d_out, g_out = self._stopped_record(), None, None
            else:
                record, d_out, g_out = self._iterate(self._config.k_d, self._config.k_g, reals, noise)
            nan = np.full(len(reals), np.nan, np.float32)
            return {"noise": noise, "reals": reals[..., 0], "fakes_before": before,
                    "d_real": d_out["real"].numpy() if d_out else nan,
                    "d_fake": d_out["fake"].numpy() if d_out else nan,
                    "loss_d": record["loss_d"], "loss_g": record["loss_g"],
                    "grad_norms_d": _layer_norms(self._wd, d_out), "grad_norms_g": _layer_norms(self._wg, g_out),
                    "fakes_after": self._images(noise, self._wg), "record": record}

    # ---------------------------------------------------------- inspection

    def generate(self, noise: np.ndarray | None = None, n: int = FIXED_SAMPLES) -> np.ndarray:
        """Samples (n, 50, 50) in [-1, 1] (inference mode); ``noise=None`` draws fresh noise."""
        with self._lock:
            if noise is None:
                noise = self._sample_rng.standard_normal((n, self._config.latent_dim)).astype(np.float32)
            return self._images(noise, self._sampler())

    def sample_noise(self, n: int, seed: int) -> np.ndarray:
        """G's input for ``n`` samples drawn by ``seed`` (a command line's ``--seed``)."""
        return np.random.default_rng(seed).standard_normal((n, self._config.latent_dim)).astype(np.float32)

    def _images(self, noise, weights: models.Weights) -> np.ndarray:
        images = models.resize(models.generator(noise, weights, training=False), models.SIZE)
        return np.clip(images.numpy()[..., 0], -1.0, 1.0)

    def _sampler(self) -> models.Weights:
        """The weights samples come from: G's moving average when ``ema`` > 0, else G."""
        return self._wg_avg if self._config.ema > 0 else self._wg

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
        if (conditions is None) != (not self.condition_dim):
            raise ValueError(f"D reads {self.condition_dim} condition values an image, got "
                             f"{'none' if conditions is None else np.shape(conditions)[-1]}")
        with self._lock:
            x = models.resize(np.asarray(images, np.float32)[..., None], self._native)
            x = models.with_condition(x, conditions)
            return tf.sigmoid(models.discriminator(x, self._wd, training=False))[:, 0].numpy()

    def generator_gradients(self, noise: np.ndarray) -> np.ndarray:
        """-dL_G/dx at x = G(noise), per sample (n, 50, 50): where G pushes each of its samples."""
        with self._lock:
            x = models.resize(models.generator(noise, self._sampler(), training=False), models.SIZE)
            with tf.GradientTape() as tape:
                tape.watch(x)
                out = models.discriminator(models.resize(x, self._native), self._wd, training=False)
                value = losses.generator_loss(self._config.loss, out) * len(noise)
            return -tape.gradient(value, x).numpy()[..., 0]

    # ---------------------------------------------------------- state (for mechgan.runs)

    def get_state(self) -> dict[str, dict]:
        """What a resumed run needs besides its config and history: named arrays, and "progress" (JSON-able)."""
        with self._lock:
            return {"generator": self._wg.numpy(), "generator_average": self._wg_avg.numpy(),
                    "discriminator": self._wd.numpy(),
                    "optimizer_g": self._opt_g.state(), "optimizer_d": self._opt_d.state(),
                    "progress": {"iteration": self.iteration, "batches_drawn": self._batches_drawn,
                                 "seconds": self._seconds, "rng_state": self._rng.bit_generator.state,
                                 "sample_rng_state": self._sample_rng.bit_generator.state,
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
            self.iteration, self._batches_drawn = int(p["iteration"]), int(p["batches_drawn"])
            self._seconds = float(p["seconds"])
            if not isinstance(p["rng_state"], dict):
                raise ValueError("this run was saved by an older mechgan, whose random state cannot be "
                                 "restored; start a new run")
            self._rng.bit_generator.state = p["rng_state"]
            self._sample_rng.bit_generator.state = p["sample_rng_state"]
            if p["diverged"]:
                self.status, self.status_message = "diverged", "This saved run had diverged; reset it."
            self._history.clear()
            self._history.extend(history)


class _SharedUpdates:
    """Compiled updates by (side, layers, loss, optimizer): one for every run of a structure.

    A run's variables and seed are arguments, not captures, so a class that
    opens the same Lab traces once, and a closed run leaves no graph behind
    (each run's own graphs left megabytes of fragmented heap once freed).  An
    update lives while a run holds it, and the last ``keep`` used stay for the
    next runs: a structure's pair holds megabytes of graphs and kernels (docs/decisions.md).
    """

    def __init__(self, keep: int):
        self._live: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._recent: OrderedDict[tuple, Callable] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()

    def get(self, side: str, g_structure: tuple, d_structure: tuple, loss: str, optimizer: str) -> Callable:
        key = (side, g_structure, d_structure, loss, optimizer)
        with self._lock:
            fn = self._live.get(key)
            if fn is None:
                make = _d_update if side == "d" else _g_update
                fn = self._live[key] = tf.function(make(g_structure, d_structure, loss, optimizer), autograph=False)
            self._recent[key] = fn
            self._recent.move_to_end(key)
            while len(self._recent) > self._keep:
                self._recent.popitem(last=False)
            return fn


_shared_updates = _SharedUpdates(keep=2)  # the D and G updates of the last structure used


def _d_update(g_structure: tuple, d_structure: tuple, loss: str, optimizer: str) -> Callable:
    native = d_structure[1][0]

    def d_update(v, reals, noise, seed):
        wg, wd = models.Weights(*g_structure, v["g"]), models.Weights(*d_structure, v["d"])
        rng, extra = _Seeds(seed), v["extra"]
        condition = _condition(noise, d_structure)  # the reals' own: a conditional run draws fakes for them
        fakes = models.with_condition(_noisy(models.generator(noise, wg, training=True), extra, rng), condition)
        reals = models.with_condition(_noisy(models.resize(reals, native), extra, rng), condition)
        with tf.GradientTape() as tape:
            real_out = models.discriminator(reals, wd, training=True, rng=rng)
            fake_out = models.discriminator(fakes, wd, training=True, rng=rng)
            value = losses.discriminator_loss(loss, real_out, fake_out, extra["label_smoothing"])
            if loss == "wgan_gp":
                eps = rng.uniform((tf.shape(reals)[0], 1, 1, 1))
                critic = lambda x: models.discriminator(x, wd, training=True, rng=rng)  # noqa: E731
                value += extra["gp_weight"] * losses.gradient_penalty(critic, reals, fakes, eps)
        grads = tape.gradient(value, wd.trainable)
        return _apply_if_finite(optimizer, wd.trainable, v["opt"], value, grads) | {
            "real": tf.sigmoid(real_out[:, 0]), "fake": tf.sigmoid(fake_out[:, 0])}

    return d_update


def _g_update(g_structure: tuple, d_structure: tuple, loss: str, optimizer: str) -> Callable:
    def g_update(v, noise, seed, *targets):
        """``targets``: a conditional run's real designs for the same conditions (see ``recon_weight``)."""
        wg, wd = models.Weights(*g_structure, v["g"]), models.Weights(*d_structure, v["d"])
        rng, extra = _Seeds(seed), v["extra"]
        condition = _condition(noise, d_structure)
        with tf.GradientTape() as tape:
            fakes = models.generator(noise, wg, training=True)
            fake_out = models.discriminator(models.with_condition(_noisy(fakes, extra, rng), condition), wd,
                                            training=True, rng=rng)
            game = losses.generator_loss(loss, fake_out) + extra["speck_weight"] * losses.speck_penalty(fakes)
            value = game
            for reals in targets:  # L1 to the real design of the same case, as TopologyGAN adds one:
                # D alone is slow to tell a design that fits its load from one that fits another
                value += extra["recon_weight"] * tf.reduce_mean(tf.abs(models.resize(fakes, models.SIZE) - reals))
        grads = tape.gradient(value, wg.trainable)
        # the record's G loss is the game's (the L1 pull, ~30 at first, would read as a loss exploding)
        out = _apply_if_finite(optimizer, wg.trainable, v["opt"], value, grads) | {
            "fake": tf.sigmoid(fake_out[:, 0]), "game": game}
        # Warm-up: early on the average follows G closely (decay (1+t)/(10+t)).
        t = v["opt"]["t"]
        decay = tf.minimum(extra["ema"], (1.0 + t) / (10.0 + t))
        for name, var in wg.items():
            v["g_avg"][name].assign(decay * v["g_avg"][name] + (1.0 - decay) * var)
        return out

    return g_update


def _condition(noise: tf.Tensor, d_structure: tuple) -> tf.Tensor | None:
    """The condition a conditional run appends to G's noise: as long as D's extra input channels."""
    k = d_structure[1][-1] - 1
    return noise[:, noise.shape[-1] - k:] if k else None


def _noisy(images: tf.Tensor, extra: dict, rng: _Seeds) -> tf.Tensor:
    return images + extra["instance_noise"] * rng.normal(tf.shape(images))


class _Seeds:
    """The random draws of one compiled update, all derived from its seed argument.

    A ``tf.random.Generator`` would tie the trace to one run; a seed the run's
    generator draws at each call keeps runs reproducible and the trace shared.
    Speaks the generator's ``normal`` / ``uniform`` / ``make_seeds``, which the models use.
    """

    def __init__(self, seed: tf.Tensor):
        self._seed, self._draws = seed, 0

    def _next(self) -> tf.Tensor:
        self._draws += 1
        return tf.random.experimental.stateless_fold_in(self._seed, self._draws)

    def normal(self, shape) -> tf.Tensor:
        return tf.random.stateless_normal(shape, self._next())

    def uniform(self, shape) -> tf.Tensor:
        return tf.random.stateless_uniform(shape, self._next())

    def make_seeds(self, count: int = 1) -> tf.Tensor:
        return tf.transpose(tf.random.experimental.stateless_split(self._next(), count))


def _apply_if_finite(optimizer: str, variables: list, state: dict, value: tf.Tensor, grads: list[tf.Tensor]) -> dict:
    """Update only when the loss and every gradient are finite (the NaN guard keeps weights usable)."""
    sq = [tf.reduce_sum(tf.square(g)) for g in grads]
    finite = tf.math.is_finite(value) & tf.math.is_finite(tf.add_n(sq))

    def update():
        optimizers.apply_update(optimizer, variables, state, grads)
        return tf.constant(True)

    tf.cond(finite, update, lambda: tf.constant(False))
    return {"loss": value, "finite": finite, "grad_sq": tf.stack(sq)}


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


def _check_designs(designs: np.ndarray) -> np.ndarray:
    designs = np.asarray(designs)
    if designs.ndim != 3 or designs.shape[1:] != (models.SIZE, models.SIZE) or len(designs) == 0:
        raise ValueError(f"designs must be an (N, {models.SIZE}, {models.SIZE}) array with N >= 1, "
                         f"got shape {designs.shape}")
    return designs


# ------------------------------------------------------------- the lab's names

def train_step(trainer: Trainer, images: np.ndarray | None = None) -> dict:
    """One D update then one G update (on ``images``, (n, 50, 50) designs in {0, 1}, or the next batch).

    Returns the losses and the mean D(real) / D(fake), like the tutorial's ``train_step``.
    """
    with trainer._lock:
        if trainer.status != "ok":
            return trainer._stopped_record()
        reals = None if images is None else data.to_model_range(images)
        return trainer._iterate(1, 1, reals)[0]


def train(dataset: np.ndarray, epochs: int | None = None, steps: int | None = None,
          config: TrainConfig | None = None, callback: Callable[[dict], None] | None = None) -> Trainer:
    """Train a new GAN on ``dataset`` ((N, 50, 50) designs) for ``epochs`` or ``steps`` iterations."""
    config = config or TrainConfig()
    trainer = Trainer(config, dataset)
    if steps is None:
        steps = (epochs or 1) * max(len(dataset) // config.batch_size, 1)
    trainer.run(steps, callback)
    return trainer


def image_grid(images: np.ndarray, columns: int | None = None, scale: int = 2, gap: int = 2) -> np.ndarray:
    """(n, h, w) images in [-1, 1] -> one uint8 picture, solid black on white as in topology optimization."""
    images = np.asarray(images, np.float32)
    if images.ndim == 4:
        images = images[..., 0]
    pixels = np.round((1.0 - np.clip(images, -1, 1)) * 127.5).astype(np.uint8)
    cols = columns or int(np.ceil(np.sqrt(len(pixels))))
    canvas = palette.tile(pixels, cols, gap, 160, (gap,) * 4)
    return np.kron(canvas, np.ones((scale, scale), np.uint8))


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
    Image.fromarray(image_grid(images, columns)).save(path)
    return path
