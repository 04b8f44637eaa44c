"""Adam, SGD (with momentum) and RMSprop, with every hyper-parameter a ``tf.Variable``.

Keras optimizers bake beta1/beta2/momentum into the traced graph; here they are
variables, so a student's slider changes them between two steps without
retracing or losing the moment estimates.  The update rules are Keras's own (Adam; SGD with
momentum, not Nesterov; RMSprop with rho 0.9, not centred, no momentum), checked step for step
against Keras in tests/test_optimizers.py.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

EPSILON = 1e-7
RMSPROP_RHO = 0.9
SLOTS = {"adam": ("m", "v"), "sgd": ("m",), "rmsprop": ("v",)}


class Optimizer:
    """The state of one optimizer for one list of variables; :func:`apply_update` updates them."""

    def __init__(self, kind: str, variables: list[tf.Variable], lr: float, beta1: float,
                 beta2: float, momentum: float):
        if kind not in SLOTS:
            raise ValueError(f"optimizer must be one of {', '.join(SLOTS)}; got {kind!r}")
        self.kind = kind
        self.variables = variables
        self.hyper = {name: tf.Variable(float(value), trainable=False, dtype=tf.float32)
                      for name, value in (("lr", lr), ("beta1", beta1), ("beta2", beta2),
                                          ("momentum", momentum))}
        self.t = tf.Variable(0.0, trainable=False)
        self.slots = {s: [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
                      for s in SLOTS[kind]}

    def set(self, **values: float) -> None:
        for name, value in values.items():
            self.hyper[name].assign(float(value))

    @property
    def state_variables(self) -> dict:
        """The variables a compiled update takes besides the weights (see :func:`apply_update`)."""
        return {"hyper": self.hyper, "t": self.t, "slots": self.slots}

    def state(self) -> dict[str, np.ndarray]:
        """Moment estimates and step count (hyper-parameters live in the config)."""
        arrays = {f"{s}/{i}": v.numpy() for s, vs in self.slots.items() for i, v in enumerate(vs)}
        return arrays | {"t": self.t.numpy()}

    def load_state(self, arrays: dict[str, np.ndarray]) -> None:
        expected = set(self.state())
        if set(arrays) != expected:
            raise ValueError(f"saved {self.kind} optimizer state does not match this model")
        self.t.assign(arrays["t"])
        for s, vs in self.slots.items():
            for i, v in enumerate(vs):
                v.assign(arrays[f"{s}/{i}"])


def apply_update(kind: str, variables: list[tf.Variable], state: dict, grads: list[tf.Tensor]) -> None:
    """One update of ``variables`` by the rule ``kind``, with ``state`` from :attr:`Optimizer.state_variables`.

    A function of its arguments alone, so one trace serves every run's variables.
    """
    t, h, slots = state["t"], state["hyper"], state["slots"]
    t.assign_add(1.0)
    for i, (var, g) in enumerate(zip(variables, grads)):
        if kind == "adam":
            m, v = slots["m"][i], slots["v"][i]
            m.assign_add((g - m) * (1.0 - h["beta1"]))
            v.assign_add((tf.square(g) - v) * (1.0 - h["beta2"]))
            lr_t = h["lr"] * tf.sqrt(1.0 - h["beta2"] ** t) / (1.0 - h["beta1"] ** t)
            var.assign_sub(lr_t * m / (tf.sqrt(v) + EPSILON))
        elif kind == "sgd":
            m = slots["m"][i]
            m.assign(h["momentum"] * m - h["lr"] * g)
            var.assign_add(m)
        else:
            v = slots["v"][i]
            v.assign(RMSPROP_RHO * v + (1.0 - RMSPROP_RHO) * tf.square(g))
            var.assign_sub(h["lr"] * g / tf.sqrt(v + EPSILON))
