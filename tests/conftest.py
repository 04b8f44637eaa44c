"""Shared test settings and fixtures: quiet TensorFlow, a few real designs, eager mode."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def designs():
    """A few real designs: enough for small training runs."""
    from mechgan import data

    return data.load_designs()[:64]


@pytest.fixture
def eager():
    """Run tf.functions eagerly: the same numerics without tracing every small config."""
    import tensorflow as tf

    tf.config.run_functions_eagerly(True)
    yield
    tf.config.run_functions_eagerly(False)
