"""The compiled D and G updates: traced once per structure, shared by every run of it, called from threads.

:class:`RunUpdates` is one run's handle on them (``_SharedUpdates`` says why
they are shared); :func:`call` is how every update is called.

Calling from several training threads at once: at large settings (a batch of
~1,000 designs at the default width) Grappler's memory optimizer rewrites the
graph's wider sums (``AddN``) into a ``TemporaryVariable`` named after the node
(``AddN_3/tmp_var``).  An eager call runs in the context's one step container
(``__per_step_0``), so two calls at once, of the same update or of any graph
with a node of that name, create the same variable and the second fails with
``AlreadyExistsError``.  The updates are therefore called with that rewrite
off: nothing per call is shared between threads, and no lock is needed.
"""
from __future__ import annotations

import functools
import threading
import weakref
from collections import OrderedDict
from typing import Callable

import tensorflow as tf
from tensorflow.core.protobuf import config_pb2, rewriter_config_pb2
from tensorflow.python.eager import context

from mechgan import losses, models, optimizers


class RunUpdates:
    """One run's compiled updates: the shared update of each (side, loss, optimizer), traced for its input shapes.

    Concrete functions are called directly: the tf.function's own dispatch types the
    ~80 variable arguments at every call (docs/decisions.md).  Held here, so a shared
    update lives as long as a run uses it.
    """

    def __init__(self, g_structure: tuple, d_structure: tuple):
        self._structures = g_structure, d_structure
        # (side, loss, optimizer, input shapes) -> (the shared tf.function, its concrete function for those shapes)
        self.compiled: dict[tuple, tuple[Callable, Callable]] = {}

    def concrete(self, side: str, loss: str, optimizer: str, variables: dict, *inputs) -> Callable:
        """The update traced for ``inputs`` (tensors or specs), tracing it now if no run did."""
        key = (side, loss, optimizer, *(tuple(x.shape) for x in inputs))
        if key not in self.compiled:
            fn = _shared_updates.get(side, *self._structures, loss, optimizer)
            self.compiled[key] = fn, fn.get_concrete_function(variables, *inputs)
        return self.compiled[key][1]

    def __call__(self, side: str, loss: str, optimizer: str, variables: dict, *inputs: tf.Tensor) -> dict:
        return call(self.concrete(side, loss, optimizer, variables, *inputs), variables, *inputs)


def call(update: Callable, *args):
    """``update(*args)`` with Grappler's memory rewrite off (the function is optimized at its first call,
    so every call of an update must come through here)."""
    ctx = context.context()
    before = ctx.function_call_options
    ctx.function_call_options = _options(before.executor_type, before.config_proto_serialized)
    try:
        return update(*args)
    finally:
        ctx.function_call_options = before


@functools.lru_cache(maxsize=8)
def _options(executor_type: str | None, config: bytes) -> context.FunctionCallOptions:
    """The thread's call options with the memory optimizer off (per thread: TensorFlow keeps them so)."""
    proto = config_pb2.ConfigProto.FromString(config)
    proto.graph_options.rewrite_options.memory_optimization = rewriter_config_pb2.RewriterConfig.NO_MEM_OPT
    return context.FunctionCallOptions(executor_type, proto)


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
            game = losses.generator_loss(loss, fake_out)
            game += _unless_zero(extra["connect_weight"], lambda: losses.connect_penalty(fakes, condition))
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


def _unless_zero(weight: tf.Variable, term: Callable[[], tf.Tensor]) -> tf.Tensor:
    """``weight * term()``, with the term not computed at all (nor its gradient) while the weight is 0:
    a cond in the graph, so a live change to or from 0 needs no retrace."""
    return tf.cond(weight > 0.0, lambda: weight * term(), lambda: tf.zeros((), weight.dtype))


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
