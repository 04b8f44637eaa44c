"""The home-made optimizers against Keras's own, step for step, with the same hyper-parameters."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from mechgan.optimizers import EPSILON, RMSPROP_RHO, Optimizer, apply_update

LR, BETA1, BETA2, MOMENTUM = 0.01, 0.5, 0.9, 0.8  # not Keras's defaults: each must reach the rule
KERAS = {
    "adam": lambda: keras.optimizers.Adam(LR, beta_1=BETA1, beta_2=BETA2, epsilon=EPSILON),
    "sgd": lambda: keras.optimizers.SGD(LR, momentum=MOMENTUM),
    "rmsprop": lambda: keras.optimizers.RMSprop(LR, rho=RMSPROP_RHO, epsilon=EPSILON),
}


@pytest.mark.parametrize("kind", sorted(KERAS))
def test_each_update_rule_is_keras_own(kind):
    rng = np.random.default_rng(0)
    start = [rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(4,)).astype(np.float32)]
    ours, theirs = [tf.Variable(s) for s in start], [tf.Variable(s) for s in start]
    optimizer, reference = Optimizer(kind, ours, LR, BETA1, BETA2, MOMENTUM), KERAS[kind]()
    for _ in range(5):
        # small gradients too, where epsilon's place in the rule shows
        grads = [tf.constant((rng.normal(size=s.shape) * 10.0 ** rng.integers(-4, 1)).astype(np.float32))
                 for s in start]
        apply_update(kind, ours, optimizer.state_variables, grads)
        reference.apply_gradients(zip(grads, theirs))
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-7)
    assert not np.allclose(ours[0].numpy(), start[0])
