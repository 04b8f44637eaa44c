import numpy as np
import pytest
import tensorflow as tf

from mechgan import models
from mechgan.models import (discriminator, generator, initialize_weights_discriminator,
                            initialize_weights_generator, layer_table)


def test_notebook_style_call_gives_a_50x50_design():
    noise = tf.random.normal([1, 100])
    img = generator(noise, initialize_weights_generator(16))
    assert img.shape == (1, 50, 50, 1)
    assert float(tf.reduce_max(tf.abs(img))) <= 1.0
    assert discriminator(img, initialize_weights_discriminator(16)).shape == (1, 1)


@pytest.mark.parametrize("architecture, size", [("nf", 50), ("tutorial", 28)])
def test_generator_and_discriminator_shapes(architecture, size):
    wg = initialize_weights_generator(8, 12, architecture, seed=0)
    wd = initialize_weights_discriminator(8, architecture, seed=1)
    images = generator(np.zeros((3, 12), np.float32), wg, training=True)
    assert images.shape == (3, size, size, 1)
    assert discriminator(images, wd, training=True).shape == (3, 1)


@pytest.mark.parametrize("architecture", ["nf", "tutorial"])
def test_layer_table_matches_the_weights(architecture):
    table = layer_table(architecture, 8, 12)
    wg = initialize_weights_generator(8, 12, architecture, seed=0)
    wd = initialize_weights_discriminator(8, architecture, seed=0)
    for rows, weights in ((table["generator"], wg), (table["discriminator"], wd)):
        assert sum(r["params"] for r in rows) == sum(int(np.prod(v.shape)) for k, v in weights.items()
                                                     if not k.endswith("sn_u"))
        assert set(rows[0]) == {"layer", "type", "output_shape", "params"}
    assert table["generator"][-1]["output_shape"] == (models.SIZE, models.SIZE, 1)  # the tutorial's resized
    assert table["discriminator"][-1]["output_shape"] == (1,)
    for rows in table.values():  # each layer of a network named for what it does, once
        names = [r["layer"] for r in rows]
        assert len(set(names)) == len(names) and not any(n.startswith("activation") for n in names)


def test_the_tutorial_table_shows_the_resizes_around_its_28x28_networks():
    table = layer_table("tutorial", 16, 100)
    assert table["generator"][-2]["output_shape"] == (28, 28, 1)
    assert table["generator"][-1]["layer"] == "resize_to_50x50" and "tf.image.resize" in table["generator"][-1]["type"]
    assert table["discriminator"][0]["layer"] == "resize_to_28x28"


def test_tutorial_has_the_tutorials_parameter_counts():
    table = layer_table("tutorial", 16, 100)
    assert sum(r["params"] for r in table["generator"]) == 2_330_944
    assert sum(r["params"] for r in table["discriminator"]) == 212_865


def test_nf_sets_the_width():
    small, large = (sum(r["params"] for r in layer_table("nf", nf, 100)["discriminator"]) for nf in (8, 16))
    assert large > 3 * small


def test_seed_fixes_the_initial_weights():
    a, b, c = (initialize_weights_generator(4, 8, seed=s).numpy() for s in (0, 0, 1))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["dense/kernel"], c["dense/kernel"])


def test_spectral_normalization_bounds_the_largest_singular_value():
    wd = initialize_weights_discriminator(4, seed=0)
    wd["conv2/kernel"].assign(wd["conv2/kernel"] * 10.0)
    x = tf.zeros((1, 50, 50, 1))
    for _ in range(30):  # power iterations converge while training
        discriminator(x, wd, training=True)
    kernel = wd["conv2/kernel"].numpy()
    mat = kernel.reshape(-1, kernel.shape[-1])
    u = wd["conv2/sn_u"].numpy()
    sigma_estimate = np.linalg.norm(u @ mat.T)
    assert np.linalg.svd(mat, compute_uv=False)[0] == pytest.approx(sigma_estimate, rel=0.02)


def test_batch_norm_updates_its_statistics_only_while_training():
    wg = initialize_weights_generator(4, 8, seed=0)
    noise = np.random.default_rng(0).normal(size=(6, 8)).astype(np.float32)
    before = wg["bn0/moving_mean"].numpy()
    generator(noise, wg, training=False)
    assert np.array_equal(before, wg["bn0/moving_mean"].numpy())
    generator(noise, wg, training=True)
    assert not np.array_equal(before, wg["bn0/moving_mean"].numpy())


def test_dropout_is_reproducible_with_a_generator():
    wd = initialize_weights_discriminator(8, "tutorial", seed=0)
    x = tf.random.stateless_normal((4, 28, 28, 1), seed=(1, 2))
    runs = [discriminator(x, wd, training=True, rng=tf.random.Generator.from_seed(5)) for _ in range(2)]
    assert np.array_equal(runs[0].numpy(), runs[1].numpy())
    assert not np.allclose(runs[0].numpy(), discriminator(x, wd, training=False).numpy())


def test_weights_refuse_mismatched_arrays():
    wg = initialize_weights_generator(4, 8, seed=0)
    other = initialize_weights_generator(8, 8, seed=0).numpy()
    with pytest.raises(ValueError, match="shape"):
        wg.assign(other)
    with pytest.raises(ValueError, match="do not match"):
        wg.assign({"dense/kernel": other["dense/kernel"]})


def test_unknown_architecture_is_named():
    with pytest.raises(ValueError, match="architecture"):
        initialize_weights_generator(4, 8, architecture="resnet")
    with pytest.raises(ValueError, match="architecture"):
        layer_table("resnet")
