"""Compiled updates called from several training threads at once (a class training runs of one structure)."""
import threading

import numpy as np
import tensorflow as tf
from tensorflow.python.eager import context

from mechgan import updates
from mechgan.config import TrainConfig
from mechgan.training import Trainer

# Big enough for Grappler's memory optimizer to rewrite the update's sums into per-step temporary variables
LARGE = TrainConfig(batch_size=4096, nf=1, latent_dim=8)


def _executed_ops(action) -> list[str]:
    """The ops of the graphs the functions called by ``action`` ran, as optimized."""
    ctx = context.context()
    ctx.enable_run_metadata()
    try:
        action()
        meta = ctx.export_run_metadata()
    finally:
        ctx.disable_run_metadata()
    return [n.op for f in meta.function_graphs for g in f.partition_graphs for n in g.node]


def test_a_large_update_runs_without_per_step_temporary_variables():
    designs = np.random.default_rng(0).random((LARGE.batch_size, 50, 50)) > 0.5
    trainer = Trainer(LARGE, designs)
    ops = _executed_ops(trainer.step)
    assert "AssignSubVariableOp" in ops and "AddN" in ops  # the updates ran, their sums as sums
    assert "TemporaryVariable" not in ops  # what two threads' calls would create under one name
    assert trainer.iteration == 1 and trainer.status == "ok"


@tf.function(autograph=False)
def _wide_sum(x):
    """A sum of four large terms, as a D or G update's gradient sums are at large settings."""
    return tf.reduce_sum(tf.add_n([x + 1.0, x * 2.0, x - 3.0, x * x]))


def test_one_compiled_function_runs_in_several_threads_at_once():
    x = tf.fill([12 * 2**20], 0.5)  # 48 MB terms: past the optimizer's memory threshold
    expected = float(updates.call(_wide_sum, x))
    results, errors = [], []

    def train():
        try:
            for _ in range(12):
                results.append(float(updates.call(_wide_sum, x)))
        except Exception as e:  # noqa: BLE001 - reported below with its type
            errors.append(e)

    threads = [threading.Thread(target=train) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, [f"{type(e).__name__}: {str(e)[:200]}" for e in errors]
    assert results == [expected] * 36
