"""Adam, SGD (with momentum) and RMSprop, with every hyper-parameter a ``tf.Variable``.

Keras optimizers bake beta1/beta2/momentum into the traced graph; here they are
variables, so a student's slider changes them between two steps without
retracing or losing the moment estimates.  The update rules are Keras's own.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

EPSILON = 1e-7
RMSPROP_RHO = 0.9
SLOTS = {"adam": ("m", "v"), "sgd": ("m",), "rmsprop": ("v",)}


class Optimizer:
    """One optimizer for one list of variables; ``apply`` runs inside ``tf.function``."""

    def __init__(self, kind: str, variables: list[tf.Variable], lr: float, beta1: float = 0.9,
                 beta2: float = 0.999, momentum: float = 0.0):
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

    def apply(self, grads: list[tf.Tensor]) -> None:
        self.t.assign_add(1.0)
        h = self.hyper
        for i, (var, g) in enumerate(zip(self.variables, grads)):
            if self.kind == "adam":
                m, v = self.slots["m"][i], self.slots["v"][i]
                m.assign_add((g - m) * (1.0 - h["beta1"]))
                v.assign_add((tf.square(g) - v) * (1.0 - h["beta2"]))
                lr_t = h["lr"] * tf.sqrt(1.0 - h["beta2"] ** self.t) / (1.0 - h["beta1"] ** self.t)
                var.assign_sub(lr_t * m / (tf.sqrt(v) + EPSILON))
            elif self.kind == "sgd":
                m = self.slots["m"][i]
                m.assign(h["momentum"] * m - h["lr"] * g)
                var.assign_add(m)
            else:
                v = self.slots["v"][i]
                v.assign(RMSPROP_RHO * v + (1.0 - RMSPROP_RHO) * tf.square(g))
                var.assign_sub(h["lr"] * g / (tf.sqrt(v) + EPSILON))

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
