"""TensorBoard logs of a training run (``mechgan train --tensorboard DIR``): losses, D's scores, the fixed samples."""
from __future__ import annotations

from pathlib import Path


def writer(folder: str | None, name: str):
    """A summary writer for run ``name`` under ``folder``, or None when no folder is given."""
    if not folder:
        return None
    import tensorflow as tf

    return tf.summary.create_file_writer(str(Path(folder) / name))


def record(writer, trainer, rec: dict, image_every: int = 100) -> None:
    """Scalars every iteration, the fixed samples every ``image_every``.

    Written with ``tf.summary.write`` and the plugins' metadata, so the
    ``tensorboard`` package is needed only to view them, not to train.
    """
    import tensorflow as tf
    from tensorflow.core.framework.summary_pb2 import SummaryMetadata

    def meta(plugin: str) -> bytes:
        return SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=plugin)).SerializeToString()

    step = rec["iteration"]
    with writer.as_default():
        for key in ("loss_d", "loss_g", "d_real", "d_fake"):
            tf.summary.write(key, tf.constant(rec[key], tf.float32), step, metadata=meta("scalars"))
        if step % image_every == 0:
            samples = trainer.fixed_samples()
            pngs = [tf.image.encode_png(tf.constant(((1 - s[..., None]) * 127.5).astype("uint8")))
                    for s in samples]
            size = [str(samples.shape[2]), str(samples.shape[1])]
            tf.summary.write("fixed_samples", tf.stack(size + pngs), step, metadata=meta("images"))
