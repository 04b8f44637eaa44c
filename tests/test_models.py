import numpy as np
import pytest
import tensorflow as tf

from mechgan import models
from mechgan.layer_tables import layer_table
from mechgan.models import discriminator, generator, initialize_weights_discriminator, initialize_weights_generator


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


def _keras_tutorial(latent_dim: int):
    """The TensorFlow DCGAN tutorial's two models, as it writes them, BatchNorm momentum excepted (0.9)."""
    import keras
    from keras import layers

    bn = lambda: layers.BatchNormalization(momentum=0.9)  # noqa: E731
    g = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * 256, use_bias=False), bn(), layers.LeakyReLU(0.3), layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False), bn(), layers.LeakyReLU(0.3),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False), bn(), layers.LeakyReLU(0.3),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh")])
    d = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"), layers.LeakyReLU(0.3), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"), layers.LeakyReLU(0.3), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1)])
    return g, d


def _copy_into(model, weights) -> None:
    """Our variables, in layer order, into the Keras model (the same shapes, the same meaning)."""
    ours = [v.numpy() for v in weights.values()]
    theirs = model.weights
    assert [tuple(v.shape) for v in theirs] == [a.shape for a in ours]
    for variable, array in zip(theirs, ours):
        variable.assign(array)


def test_the_tutorial_networks_compute_what_keras_computes():
    """Layer for layer the tutorial's (Dense, Conv2D, Conv2DTranspose, BatchNormalization, LeakyReLU 0.3,
    tanh): the same outputs for the same weights, and BatchNorm's moving statistics updated alike."""
    latent = 16
    wg = initialize_weights_generator(latent_dim=latent, architecture="tutorial", seed=1)
    wd = initialize_weights_discriminator(architecture="tutorial", seed=2)
    kg, kd = _keras_tutorial(latent)
    _copy_into(kg, wg)
    _copy_into(kd, wd)
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(8, latent)).astype(np.float32)
    for training in (True, False):  # batch statistics (the moving ones updated), then the moving ones
        np.testing.assert_allclose(generator(noise, wg, training=training), kg(noise, training=training),
                                   rtol=1e-4, atol=1e-5)
    moving = [v.numpy() for v in kg.weights if "moving" in v.path]
    assert len(moving) == 6
    for ours, theirs in zip([wg[k].numpy() for k in wg if "moving" in k], moving):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    images = rng.uniform(-1, 1, size=(8, 28, 28, 1)).astype(np.float32)
    np.testing.assert_allclose(discriminator(images, wd), kd(images, training=False), rtol=1e-4, atol=1e-5)
