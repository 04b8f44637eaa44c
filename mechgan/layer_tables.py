"""Layer tables: what each layer of a lab network does, its output shape and its number of weights.

The Architectures page shows them; they are read off the same layer tuples
:mod:`mechgan.models` builds the networks from, so they cannot drift.
"""
from __future__ import annotations

import numpy as np

from mechgan.config import DEFAULTS
from mechgan.data import SIZE
from mechgan.models import (NATIVE_SIZE, Activation, Conv, ConvTranspose, Dropout, Upsample, discriminator_layers,
                            generator_layers)


def _table(layers: tuple, input_shape: tuple) -> list[dict]:
    rows, shape, seen = [], tuple(input_shape), {}
    for layer in layers:
        params = getattr(layer, "params", lambda s: {})(shape)
        shape = tuple(layer.out_shape(shape))
        rows.append({"layer": getattr(layer, "name", None) or _table_name(layer, shape, seen),
                     "type": _describe(layer), "output_shape": shape,
                     "params": int(sum(np.prod(s) for s in params.values()))})
    return rows


def _table_name(layer, shape: tuple, seen: dict) -> str:
    """A name that says what a weightless layer does (``leaky_relu2``, ``upsample_25x25``, ``flatten``);
    layers with weights keep their weights' names (``conv1``), which saved runs and gradient norms use."""
    if isinstance(layer, Upsample):
        return f"upsample_{shape[0]}x{shape[1]}"
    kind = layer.kind if isinstance(layer, Activation) else type(layer).__name__.lower()
    seen[kind] = seen.get(kind, 0) + 1
    return f"{kind}{seen[kind]}" if isinstance(layer, (Activation, Dropout)) else kind


def _resize_row(size: int) -> dict:
    """The ``tf.image.resize`` the lab applies around the tutorial's 28x28 networks."""
    return {"layer": f"resize_to_{size}x{size}", "type": "tf.image.resize (bilinear)",
            "output_shape": (size, size, 1), "params": 0}


def _describe(layer) -> str:
    if isinstance(layer, (Conv, ConvTranspose)):
        kind = "Conv2D" if isinstance(layer, Conv) else "Conv2DTranspose"
        conv = f"{kind} {layer.kernel}x{layer.kernel}, stride {layer.stride}"
        return f"SpectralNormalization({conv})" if getattr(layer, "spectral", False) else conv  # Keras's names
    if isinstance(layer, Activation):
        return {"leaky_relu": f"LeakyReLU({layer.alpha:g})", "relu": "ReLU",
                "tanh": "tanh" if layer.gain == 1 else f"tanh({layer.gain:g}x)"}[layer.kind]
    if isinstance(layer, Upsample):
        return f"Upsample ({layer.method})"
    if isinstance(layer, Dropout):
        return f"Dropout({layer.rate:g})"
    return type(layer).__name__


def layer_table(architecture: str, nf: int = DEFAULTS.nf, latent_dim: int = DEFAULTS.latent_dim) -> dict[str, list[dict]]:
    """Rows {"layer", "type", "output_shape", "params"} for the generator and the discriminator.

    A network that works at another size than the designs' 50x50 (the tutorial's 28x28) gets the
    resizes the lab applies: G's images are resized to 50x50, designs to 28x28 before D.
    """
    size = NATIVE_SIZE.get(architecture)
    g = _table(generator_layers(architecture, nf, latent_dim), (latent_dim,))
    d = _table(discriminator_layers(architecture, nf), (size, size, 1))
    if size != SIZE:
        g, d = g + [_resize_row(SIZE)], [_resize_row(size)] + d
    return {"generator": g, "discriminator": d}
