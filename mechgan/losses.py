"""GAN objectives as small pure functions of D's raw outputs (logits), and G's connect penalty.

Every function returns the quantity each player *minimizes*.  ``real`` and
``fake`` are D's outputs on real and generated batches.  One-sided label
smoothing lowers the real target of the probabilistic losses from 1 to
``1 - smoothing`` (Salimans et al., 2016); the margin losses ignore it.

The connect penalty is the one term that knows mechanics: material cut off from
the structure carries no load, and D alone is slow to notice a few stray pixels.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import tensorflow as tf

from mechgan.pieces import connect_mask
from mechgan.specification import load_pixel_rows

FORMULAS = {
    "minimax": {
        "d": r"L_D = -\mathbb{E}_x[\log D(x)] - \mathbb{E}_z[\log(1 - D(G(z)))]",
        "g": r"L_G = \mathbb{E}_z[\log(1 - D(G(z)))]",
    },
    "nonsaturating": {
        "d": r"L_D = -\mathbb{E}_x[\log D(x)] - \mathbb{E}_z[\log(1 - D(G(z)))]",
        "g": r"L_G = -\mathbb{E}_z[\log D(G(z))]",
    },
    "least_squares": {
        "d": r"L_D = \tfrac12\mathbb{E}_x[(D(x) - 1)^2] + \tfrac12\mathbb{E}_z[D(G(z))^2]",
        "g": r"L_G = \tfrac12\mathbb{E}_z[(D(G(z)) - 1)^2]",
    },
    "hinge": {
        "d": r"L_D = \mathbb{E}_x[\max(0, 1 - D(x))] + \mathbb{E}_z[\max(0, 1 + D(G(z)))]",
        "g": r"L_G = -\mathbb{E}_z[D(G(z))]",
    },
    "wgan_gp": {
        "d": r"L_D = \mathbb{E}_z[D(G(z))] - \mathbb{E}_x[D(x)]"
             r" + \lambda\,\mathbb{E}_{\hat x}[(\lVert\nabla_{\hat x} D(\hat x)\rVert_2 - 1)^2]",
        "g": r"L_G = -\mathbb{E}_z[D(G(z))]",
    },
}


# Pieces are traced on the pixels above this level, not above 0: faint specks that
# G's moving average would turn solid are pushed away too (floating rate ~0.2
# instead of ~0.3 at level 0 in tuning runs; the plain loss gave ~0.3-0.48).
PIECE_LEVEL = -0.8
_SOLID_CAP = 0.999  # keeps -log(1 - p) finite on a fully solid pixel


def connect_formula(cut_off: str = "specks cut off from clamp and load in") -> str:
    """G's connect penalty as LaTeX; ``cut_off`` names the sum's range in the reader's language."""
    return (r"L_G \mathrel{+}= \kappa\,\mathbb{E}_z\big[\textstyle\sum_{\text{" + cut_off + r" } G(z)}"
            r" -\log(1 - p)\big] / 100,\quad p = \tfrac{1 + G(z)}{2}")


def connect_penalty(fakes: tf.Tensor, condition: tf.Tensor | None = None) -> tf.Tensor:
    """Cross-entropy towards void of the specks cut off from each design's structure, per 100 pixels.

    The structure joins the clamped edge to the load (``pieces.connect_mask``): the load row read from a
    conditional run's ``condition``, else anywhere in the shipped family's band.  The mask is found
    outside the graph and carries no gradient: the penalty only pushes the specks towards void.  A
    cross-entropy, not the specks' mass: G ends in tanh, whose slope vanishes on a nearly solid pixel,
    and -log(1 - p) grows just as fast there, so solid specks are pushed as hard as faint ones (floating
    rate 0.16-0.21 instead of 0.20-0.27 with the mass, in tuning runs of the speck penalty it replaced).
    """
    inputs = [tf.stop_gradient(fakes)] + ([] if condition is None else [tf.stop_gradient(condition)])
    mask = tf.numpy_function(_connect_mask, inputs, tf.float32, stateful=False)
    return _towards_void(fakes, mask)


def _connect_mask(fakes: np.ndarray, condition: np.ndarray | None = None) -> np.ndarray:
    return connect_mask(fakes, load_pixel_rows(condition, len(fakes), fakes.shape[1]), level=PIECE_LEVEL)


def _towards_void(fakes: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
    """Mean over designs of the masked pixels' cross-entropy towards void, per 100 pixels."""
    mask.set_shape(fakes.shape)
    solid = (fakes + 1.0) / 2.0 * _SOLID_CAP
    return tf.reduce_mean(tf.reduce_sum(-tf.math.log(1.0 - solid) * mask, axis=[1, 2, 3])) / 100.0


def _bce(target: float, logits: tf.Tensor) -> tf.Tensor:
    target = tf.cast(target, logits.dtype)
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(logits) * target, logits))


def cross_entropy_d(real, fake, smoothing=0.0):
    return _bce(1.0 - smoothing, real) + _bce(0.0, fake)


def minimax_g(fake):
    """log(1 - D(G(z))): saturates (vanishing gradient) while D rejects the fakes."""
    return -_bce(0.0, fake)


def nonsaturating_g(fake):
    return _bce(1.0, fake)


def least_squares_d(real, fake, smoothing=0.0):
    target = tf.cast(1.0 - smoothing, real.dtype)
    return 0.5 * tf.reduce_mean((real - target) ** 2) + 0.5 * tf.reduce_mean(fake ** 2)


def least_squares_g(fake):
    return 0.5 * tf.reduce_mean((fake - 1.0) ** 2)


def hinge_d(real, fake, smoothing=0.0):
    return tf.reduce_mean(tf.nn.relu(1.0 - real)) + tf.reduce_mean(tf.nn.relu(1.0 + fake))


def wasserstein_d(real, fake, smoothing=0.0):
    """Critic part only; add ``gradient_penalty`` for WGAN-GP."""
    return tf.reduce_mean(fake) - tf.reduce_mean(real)


def critic_g(fake):
    return -tf.reduce_mean(fake)


def gradient_penalty(critic: Callable[[tf.Tensor], tf.Tensor], reals, fakes, eps) -> tf.Tensor:
    """E[(||grad D(x_hat)|| - 1)^2] on x_hat = eps * real + (1 - eps) * fake (Gulrajani et al., 2017)."""
    mixed = eps * reals + (1.0 - eps) * fakes
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        out = critic(mixed)
    grads = tape.gradient(out, mixed)
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-12)
    return tf.reduce_mean((norms - 1.0) ** 2)


D_LOSSES = {"minimax": cross_entropy_d, "nonsaturating": cross_entropy_d,
            "least_squares": least_squares_d, "hinge": hinge_d, "wgan_gp": wasserstein_d}
G_LOSSES = {"minimax": minimax_g, "nonsaturating": nonsaturating_g,
            "least_squares": least_squares_g, "hinge": critic_g, "wgan_gp": critic_g}


def discriminator_loss(name: str, real, fake, smoothing: float = 0.0) -> tf.Tensor:
    """D's loss for objective ``name`` (without WGAN-GP's penalty term)."""
    return D_LOSSES[_check(name)](real, fake, smoothing)


def generator_loss(name: str, fake) -> tf.Tensor:
    return G_LOSSES[_check(name)](fake)


def _check(name: str) -> str:
    if name not in D_LOSSES:
        raise ValueError(f"loss must be one of {', '.join(D_LOSSES)}; got {name!r}")
    return name
