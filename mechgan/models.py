"""The two architectures, written in the lab's functional style.

A network is a tuple of small layer descriptions; ``initialize_weights_*``
turns it into a :class:`Weights` dict (name -> ``tf.Variable``) and
``generator`` / ``discriminator`` run it.  The same descriptions give the
layer tables the app shows, so the table can never disagree with the model.

* ``"tutorial"``: the TensorFlow DCGAN tutorial's layers, widths and LeakyReLU
  slope (0.3): 28x28 images, transposed convolutions.  One change: BatchNorm's
  momentum is 0.9 where Keras's default is 0.99 (see :class:`BatchNorm`).
  Designs are resized to 28x28 for its discriminator and its samples are
  resized back to 50x50 for display.  tests/test_models.py checks it against
  the tutorial's Keras models, layer for layer.
* ``"nf"``: width set by ``nf``, 50x50 natively.  The generator upsamples then
  convolves (resize-convolutions: no checkerboard, fewer floating specks) and
  the discriminator is spectrally normalized (a smooth critic, so both
  learning rates can stay equal and large).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from mechgan.config import DEFAULTS, check
from mechgan.data import SIZE

NATIVE_SIZE = {"nf": SIZE, "tutorial": 28}


# ------------------------------------------------------------------- layers

class _Linear:
    """A linear map of a "kernel", then one "bias" per output channel when ``bias``: Dense and the convolutions."""

    def params(self, shape):
        p = {"kernel": self.kernel_shape(shape)}
        return p | ({"bias": (self.out_shape(shape)[-1],)} if self.bias else {})

    def __call__(self, x, w, training, rng):
        y = self.linear(x, w, training)
        return y + w[f"{self.name}/bias"] if self.bias else y


@dataclass(frozen=True)
class Dense(_Linear):
    name: str
    units: int
    bias: bool = True

    def out_shape(self, shape):
        return (self.units,)

    def kernel_shape(self, shape):
        return (shape[-1], self.units)

    def linear(self, x, w, training):
        return x @ w[f"{self.name}/kernel"]


@dataclass(frozen=True)
class _Convolution(_Linear):
    """A square ``kernel``, 'same' padding."""

    name: str
    filters: int
    kernel: int
    stride: int = 1
    bias: bool = True


@dataclass(frozen=True)
class Conv(_Convolution):
    """Conv2D; ``spectral`` divides the kernel by its largest singular value."""

    spectral: bool = False

    def out_shape(self, shape):
        h, w, _ = shape
        return (math.ceil(h / self.stride), math.ceil(w / self.stride), self.filters)

    def kernel_shape(self, shape):
        return (self.kernel, self.kernel, shape[-1], self.filters)

    def state(self, shape):
        return {"sn_u": (1, self.filters)} if self.spectral else {}

    def linear(self, x, w, training):
        k = w[f"{self.name}/kernel"]
        if self.spectral:
            k = _spectral_normalize(k, w[f"{self.name}/sn_u"], training)
        return tf.nn.conv2d(x, k, self.stride, "SAME")


@dataclass(frozen=True)
class ConvTranspose(_Convolution):
    """Conv2DTranspose (the tutorial's upsampling), without bias unless asked."""

    bias: bool = False

    def out_shape(self, shape):
        return (shape[0] * self.stride, shape[1] * self.stride, self.filters)

    def kernel_shape(self, shape):
        return (self.kernel, self.kernel, self.filters, shape[-1])

    def linear(self, x, w, training):
        h, wd, _ = self.out_shape(x.shape[1:])
        out = tf.stack([tf.shape(x)[0], h, wd, self.filters])
        return tf.nn.conv2d_transpose(x, w[f"{self.name}/kernel"], out, self.stride, "SAME")


@dataclass(frozen=True)
class BatchNorm:
    """Batch statistics while training (moving averages updated), moving averages otherwise: Keras's
    BatchNormalization, with momentum 0.9 for its 0.99 because the lab draws its samples in inference
    mode, and at 0.99 the moving averages would still carry their initial 0 and 1 after the few hundred
    iterations of a lab session (0.99**300 ~ 5 %; 0.9 forgets them in ~30)."""

    name: str
    momentum: float = 0.9
    epsilon: float = 1e-3

    def out_shape(self, shape):
        return shape

    def params(self, shape):
        c = (shape[-1],)
        return {"gamma": c, "beta": c, "moving_mean": c, "moving_variance": c}

    def __call__(self, x, w, training, rng):
        n = self.name
        mean_var, var_var = w[f"{n}/moving_mean"], w[f"{n}/moving_variance"]
        if training:
            mean, var = tf.nn.moments(x, axes=list(range(len(x.shape) - 1)))
            mean_var.assign(self.momentum * mean_var + (1 - self.momentum) * mean)
            var_var.assign(self.momentum * var_var + (1 - self.momentum) * var)
        else:
            mean, var = mean_var, var_var
        return tf.nn.batch_normalization(x, mean, var, w[f"{n}/beta"], w[f"{n}/gamma"], self.epsilon)


@dataclass(frozen=True)
class Activation:
    kind: str  # "leaky_relu", "relu" or "tanh"
    alpha: float = 0.2
    gain: float = 1.0  # tanh(gain * x): a steeper tanh commits pixels to solid or void sooner

    def out_shape(self, shape):
        return shape

    def __call__(self, x, w, training, rng):
        if self.kind == "leaky_relu":  # not tf.nn.leaky_relu: oneDNN's remapper fuses conv + bias + LeakyRelu
            # though LeakyReluGrad reads the pre-activation, and fails ("remapper failed"), the whole graph unfused
            return tf.maximum(x, self.alpha * x)
        return tf.nn.relu(x) if self.kind == "relu" else tf.tanh(self.gain * x)


@dataclass(frozen=True)
class Reshape:
    shape: tuple

    def out_shape(self, shape):
        return self.shape

    def __call__(self, x, w, training, rng):
        return tf.reshape(x, (-1, *self.shape))


@dataclass(frozen=True)
class Flatten:
    def out_shape(self, shape):
        return (int(np.prod(shape)),)

    def __call__(self, x, w, training, rng):
        return tf.reshape(x, (tf.shape(x)[0], -1))


@dataclass(frozen=True)
class Upsample:
    """Resize to ``size`` x ``size``: the "resize" half of a resize-convolution."""

    size: int
    method: str = "nearest"

    def out_shape(self, shape):
        return (self.size, self.size, shape[-1])

    def __call__(self, x, w, training, rng):
        return tf.image.resize(x, (self.size, self.size), method=self.method)


@dataclass(frozen=True)
class Dropout:
    rate: float

    def out_shape(self, shape):
        return shape

    def __call__(self, x, w, training, rng):
        if not training:
            return x
        if rng is None:
            return tf.nn.dropout(x, self.rate)
        return tf.nn.experimental.stateless_dropout(x, self.rate, seed=rng.make_seeds(1)[:, 0])


def _spectral_normalize(kernel, u_var, training):
    """One power iteration (Miyato et al., 2018); u is carried between calls."""
    mat = tf.reshape(kernel, (-1, kernel.shape[-1]))
    u = u_var
    v = tf.math.l2_normalize(u @ tf.transpose(mat))
    u = tf.math.l2_normalize(v @ mat)
    u, v = tf.stop_gradient(u), tf.stop_gradient(v)
    if training:
        u_var.assign(u)
    sigma = tf.reduce_sum((v @ mat) * u)
    return kernel / sigma


# -------------------------------------------------------------- architectures

def _tutorial_generator(latent_dim: int) -> tuple:
    return (Dense("dense", 7 * 7 * 256, bias=False), BatchNorm("bn0"), Activation("leaky_relu", 0.3),
            Reshape((7, 7, 256)),
            ConvTranspose("deconv1", 128, 5, 1), BatchNorm("bn1"), Activation("leaky_relu", 0.3),
            ConvTranspose("deconv2", 64, 5, 2), BatchNorm("bn2"), Activation("leaky_relu", 0.3),
            ConvTranspose("deconv3", 1, 5, 2), Activation("tanh"))


def _tutorial_discriminator() -> tuple:
    return (Conv("conv1", 64, 5, 2), Activation("leaky_relu", 0.3), Dropout(0.3),
            Conv("conv2", 128, 5, 2), Activation("leaky_relu", 0.3), Dropout(0.3),
            Flatten(), Dense("dense", 1))


def _nf_generator(nf: int) -> tuple:
    # The last convolution works at 25x25 and a bilinear resize draws the 50x50
    # design: boundaries stay smooth and no isolated pixel can appear on its own.
    # The steep tanh(3x) leaves fewer grey pixels, so fewer fragments break off
    # when designs are thresholded (docs/decisions.md).
    return (Dense("dense", 7 * 7 * 4 * nf, bias=False), BatchNorm("bn0"), Activation("relu"),
            Reshape((7, 7, 4 * nf)),
            Upsample(13), Conv("conv1", 2 * nf, 3, bias=False), BatchNorm("bn1"), Activation("relu"),
            Upsample(25), Conv("conv2", nf, 3, bias=False), BatchNorm("bn2"), Activation("relu"),
            Conv("conv3", 1, 3), Upsample(SIZE, "bilinear"), Activation("tanh", gain=3.0))


def _nf_discriminator(nf: int) -> tuple:
    return (Conv("conv1", nf, 5, 2, spectral=True), Activation("leaky_relu"),
            Conv("conv2", 2 * nf, 5, 2, spectral=True), Activation("leaky_relu"),
            Conv("conv3", 4 * nf, 5, 2, spectral=True), Activation("leaky_relu"),
            Flatten(), Dense("dense", 1))


def generator_layers(architecture: str, nf: int, latent_dim: int) -> tuple:
    _check_architecture(architecture)
    return _tutorial_generator(latent_dim) if architecture == "tutorial" else _nf_generator(nf)


def discriminator_layers(architecture: str, nf: int) -> tuple:
    _check_architecture(architecture)
    return _tutorial_discriminator() if architecture == "tutorial" else _nf_discriminator(nf)


def _check_architecture(architecture: str) -> None:
    check("architecture", architecture)


# ------------------------------------------------------------------ weights

class Weights(dict):
    """Name -> tf.Variable, carrying the layers that use them (so ``generator(noise, weights)`` suffices)."""

    def __init__(self, layers: tuple, input_shape: tuple, variables: dict):
        super().__init__(variables)
        self.layers = layers
        self.input_shape = input_shape

    @property
    def structure(self) -> tuple:
        """(layers, input shape): what a compiled update needs besides the variables, and its cache key."""
        return self.layers, self.input_shape

    @property
    def trainable(self) -> list[tf.Variable]:
        return [v for v in self.values() if v.trainable]

    def numpy(self) -> dict[str, np.ndarray]:
        return {k: v.numpy() for k, v in self.items()}

    def assign(self, arrays: dict[str, np.ndarray]) -> None:
        """Load saved arrays; the names and shapes must match exactly."""
        if set(arrays) != set(self):
            raise ValueError("saved weights do not match this architecture "
                             f"(missing {sorted(set(self) - set(arrays))[:3]}, "
                             f"unexpected {sorted(set(arrays) - set(self))[:3]})")
        for k, v in self.items():
            if tuple(arrays[k].shape) != tuple(v.shape):
                raise ValueError(f"saved weight {k} has shape {arrays[k].shape}, expected {tuple(v.shape)}")
            v.assign(arrays[k])


def _initial_value(kind: str, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    if kind == "kernel":  # Glorot uniform, the Keras default
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        limit = math.sqrt(6.0 / (receptive * (shape[-2] + shape[-1])))
        return rng.uniform(-limit, limit, shape).astype(np.float32)
    if kind == "sn_u":
        return rng.normal(size=shape).astype(np.float32)
    fill = 1.0 if kind in ("gamma", "moving_variance") else 0.0
    return np.full(shape, fill, np.float32)


def initialize_weights(layers: tuple, input_shape: tuple, seed: int | None = None) -> Weights:
    rng = np.random.default_rng(seed)
    variables, shape = {}, tuple(input_shape)
    for layer in layers:
        specs = {k: (s, True) for k, s in getattr(layer, "params", lambda s: {})(shape).items()}
        specs |= {k: (s, False) for k, s in getattr(layer, "state", lambda s: {})(shape).items()}
        for kind, (s, _) in specs.items():
            trainable = kind in ("kernel", "bias", "gamma", "beta")
            variables[f"{layer.name}/{kind}"] = tf.Variable(_initial_value(kind, s, rng), trainable=trainable,
                                                            name=f"{layer.name}_{kind}")
        shape = layer.out_shape(shape)
    return Weights(layers, tuple(input_shape), variables)


def initialize_weights_generator(nf: int = DEFAULTS.nf, latent_dim: int = DEFAULTS.latent_dim,
                                 architecture: str = DEFAULTS.architecture,
                                 seed: int | None = None, condition_dim: int = 0) -> Weights:
    """The generator's weights and biases (the tutorial ignores ``nf``: its widths are fixed).

    A conditional G (``condition_dim`` > 0) reads the noise and the condition side by side:
    its input is ``latent_dim + condition_dim`` long (see :func:`with_condition`)."""
    return initialize_weights(generator_layers(architecture, nf, latent_dim), (latent_dim + condition_dim,), seed)


def initialize_weights_discriminator(nf: int = DEFAULTS.nf, architecture: str = DEFAULTS.architecture,
                                     seed: int | None = None, condition_dim: int = 0) -> Weights:
    """A conditional D (``condition_dim`` > 0) sees the condition as constant image channels."""
    layers = discriminator_layers(architecture, nf)
    size = NATIVE_SIZE[architecture]
    return initialize_weights(layers, (size, size, 1 + condition_dim), seed)


def _run(x, weights: Weights, training: bool, rng) -> tf.Tensor:
    x = tf.convert_to_tensor(x, tf.float32)
    for layer in weights.layers:
        x = layer(x, weights, training, rng)
    return x


def generator(noise, weights: Weights, training: bool = False, rng: tf.random.Generator | None = None):
    """Noise (n, latent_dim) -> images (n, s, s, 1) in [-1, 1]; s = 50 (nf) or 28 (tutorial)."""
    return _run(noise, weights, training, rng)


def discriminator(images, weights: Weights, training: bool = False, rng: tf.random.Generator | None = None):
    """Images (n, s, s, 1) in [-1, 1] -> logits (n, 1); ``rng`` makes dropout reproducible."""
    return _run(images, weights, training, rng)


def with_condition(images, condition) -> tf.Tensor:
    """Images (n, s, s, 1) with each sample's condition (n, k) appended as k constant channels: D(x, c)'s input.

    ``condition`` None leaves the images as they are (an unconditional D).
    """
    if condition is None:
        return images
    maps = tf.ones_like(images) * tf.reshape(tf.cast(condition, images.dtype), (-1, 1, 1, condition.shape[-1]))
    return tf.concat([images, maps], axis=-1)


def resize(images, size: int) -> tf.Tensor:
    """Bilinear ``tf.image.resize`` of (n, h, w, 1) images; identity when already ``size``."""
    images = tf.convert_to_tensor(images, tf.float32)
    if images.shape[1] == size:
        return images
    return tf.image.resize(images, (size, size))
