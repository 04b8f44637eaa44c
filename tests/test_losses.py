import math

import numpy as np
import pytest
import tensorflow as tf

from mechgan import losses
from mechgan.specification import encode_condition
from mechgan.config import LOSSES

ZERO = tf.zeros((4, 1))


def test_cross_entropy_at_chance():
    assert float(losses.discriminator_loss("minimax", ZERO, ZERO)) == pytest.approx(2 * math.log(2), rel=1e-5)
    assert float(losses.generator_loss("nonsaturating", ZERO)) == pytest.approx(math.log(2), rel=1e-5)
    assert float(losses.generator_loss("minimax", ZERO)) == pytest.approx(-math.log(2), rel=1e-5)


def test_a_perfect_discriminator_has_no_loss():
    real, fake = tf.fill((4, 1), 20.0), tf.fill((4, 1), -20.0)
    assert float(losses.discriminator_loss("nonsaturating", real, fake)) < 1e-6
    assert float(losses.discriminator_loss("hinge", real, fake)) == 0.0
    assert float(losses.discriminator_loss("least_squares", tf.ones((4, 1)), ZERO)) == 0.0


def test_label_smoothing_penalizes_overconfidence():
    real, fake = tf.fill((4, 1), 20.0), tf.fill((4, 1), -20.0)
    assert float(losses.discriminator_loss("nonsaturating", real, fake, smoothing=0.1)) > 1.0


def test_minimax_saturates_where_nonsaturating_does_not():
    fake = tf.constant([[-8.0]])  # D confidently rejects the sample
    grads = {}
    for name in ("minimax", "nonsaturating"):
        with tf.GradientTape() as tape:
            tape.watch(fake)
            value = losses.generator_loss(name, fake)
        grads[name] = abs(float(tape.gradient(value, fake)[0, 0]))
    assert grads["minimax"] < 1e-3 < 0.99 < grads["nonsaturating"]


def test_margin_losses():
    real, fake = tf.constant([[2.0], [0.0]]), tf.constant([[-2.0], [0.0]])
    assert float(losses.discriminator_loss("hinge", real, fake)) == pytest.approx(1.0)
    assert float(losses.discriminator_loss("wgan_gp", real, fake)) == pytest.approx(-2.0)
    assert float(losses.generator_loss("hinge", fake)) == pytest.approx(1.0)
    assert float(losses.generator_loss("least_squares", tf.ones((2, 1)))) == 0.0


@pytest.mark.parametrize("scale, expected", [(1.0, 0.0), (2.0, 1.0)])
def test_gradient_penalty_of_a_linear_critic(scale, expected):
    w = np.zeros((1, 3, 3, 1), np.float32)
    w[0, 1, 1, 0] = scale  # gradient norm is |scale| everywhere

    def critic(x):
        return tf.reduce_sum(x * w, axis=[1, 2, 3])

    reals, fakes = tf.ones((2, 3, 3, 1)), -tf.ones((2, 3, 3, 1))
    value = losses.gradient_penalty(critic, reals, fakes, tf.fill((2, 1, 1, 1), 0.3))
    assert float(value) == pytest.approx(expected, abs=1e-5)


def test_every_loss_has_both_formulas():
    assert set(losses.FORMULAS) == set(LOSSES)
    for formulas in losses.FORMULAS.values():
        assert formulas["d"].startswith("L_D") and formulas["g"].startswith("L_G")


def test_unknown_loss_is_named():
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.generator_loss("kl", ZERO)


@pytest.mark.parametrize("level", [0.0, 0.999])
def test_connect_penalty_pushes_solid_specks_through_tanh(level):
    """G ends in tanh (slope 1 - x^2): the push on its pre-activation must not vanish on a solid speck."""
    x = -np.ones((1, 50, 50, 1), np.float32)
    x[0, 20:25, :, 0] = 1.0
    x[0, 40, 40, 0] = level
    fakes = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(fakes)
        value = losses.connect_penalty(fakes)
    through_tanh = tape.gradient(value, fakes).numpy()[0, 40, 40, 0] * (1 - level ** 2)
    assert through_tanh > 0.5 / 100  # about 1/100 for a grey speck, 0.67/100 for a solid one


def _one_descent_step(x: np.ndarray, condition=None, rate: float = 100.0) -> np.ndarray:
    fakes = tf.Variable(x)
    with tf.GradientTape() as tape:
        value = losses.connect_penalty(fakes, None if condition is None else tf.constant(condition))
    fakes.assign_sub(rate * tape.gradient(value, fakes))
    return fakes.numpy()[..., 0]


def test_one_step_of_the_connect_penalty_lowers_floating_material_only():
    x = -np.ones((1, 50, 50, 1), np.float32)
    x[0, 20:25, :, 0] = 0.9  # clamp to load edge: the structure
    x[0, 40:45, 30:35, 0] = 0.5  # a free piece of 25 px: floating
    x[0, 5:25, 5:25, 0] = np.where(x[0, 5:25, 5:25, 0] < 0, 0.5, 0.9)  # a large block stuck onto the structure
    after = _one_descent_step(x)
    assert (after[0, 40:45, 30:35] < 0.5 - 0.01).all()
    assert np.array_equal(after[0, :30], x[0, :30, :, 0])


def test_the_connect_penalty_reads_the_load_row_from_a_conditional_runs_condition():
    x = -np.ones((2, 10, 10, 1), np.float32)  # small images: the load rows scale with the height
    x[:, 2, :, 0] = 0.9  # clamped, meets the right edge at pixel row 2 (load row 12 of 50)
    x[:, 7, :, 0] = 0.9  # ...and at pixel row 7 (load row 38): both 10 px, both clamped
    condition = encode_condition([12, 38], 0.0, 0.4)
    after = _one_descent_step(x, condition)
    assert np.array_equal(after[0, 2], x[0, 2, :, 0]) and (after[0, 7] < 0.9).all()
    assert np.array_equal(after[1, 7], x[1, 7, :, 0]) and (after[1, 2] < 0.9).all()


def test_without_a_condition_the_structure_reaches_the_familys_band_of_load_rows():
    x = -np.ones((1, 10, 10, 1), np.float32)
    x[0, 0, :, 0] = x[0, 1, :4, 0] = 0.9  # clamped, the larger (14 px), but meets the right edge above every load
    x[0, 5, :, 0] = 0.9  # clamped (10 px), and meets it where a load may be
    after = _one_descent_step(x)
    assert (after[0, 0] < 0.9).all() and np.array_equal(after[0, 5], x[0, 5, :, 0])
