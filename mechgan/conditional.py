"""Designs to a specification: a conditional GAN G(z, c), D(x, c) on the shipped designs.

The condition c of a design is its load case and volume, (load row, angle,
target volume fraction), each scaled so that the shipped family spans [-1, 1].
G reads z and c side by side; D sees c as constant image channels
(``models.with_condition``).  Training is the lab's :class:`Trainer`, with the
same compiled updates, losses, optimizers and live changes; a conditional run
only adds the batch's conditions to G's noise and, for G, an L1 pull towards
the real design of the same case (``recon_weight``, as TopologyGAN does).  A
config with ``conditional=True`` makes one (:func:`make_trainer`), in the Lab,
the CLI and :func:`mechgan.runs.load_run` alike.

The shipped designs are split once, by a seed: 10 % are held out as the test
cases no model trains on.  ``assets/designs_ood.npz`` holds cases outside the
shipped ranges on every axis (``dataset_builder.OOD_FAMILY``).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import tensorflow as tf
from scipy.spatial import cKDTree

from mechgan import data, models, physics_metrics, runs, topopt
from mechgan.config import TrainConfig
from mechgan.dataset_builder import OOD_DATASET_PATH
from mechgan.errors import Refusal
from mechgan.specification import CONDITION_DIM, FIXED_CASES, encode_condition
from mechgan.training import FIXED_SAMPLES, Trainer

TEST_FRACTION, SPLIT_SEED = 0.10, 0
SHIPPED_MODEL = Path(__file__).resolve().parent.parent / "assets" / "conditional_gan.npz"


# ------------------------------------------------------------------ conditions

def dataset_conditions(ds: data.DesignSet) -> np.ndarray:
    """The condition of every design of a dataset (its target volume, not the one reached)."""
    return encode_condition(ds.load_row, ds.load_angle_deg, ds.volfrac_target)


def split(n: int, seed: int = SPLIT_SEED, test_fraction: float = TEST_FRACTION) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (train, test) indices of ``n`` designs; the same for a seed on every machine."""
    order = np.random.default_rng([seed, n]).permutation(n)
    cut = int(round(test_fraction * n))
    return np.sort(order[cut:]), np.sort(order[:cut])


@dataclass(frozen=True)
class Split:
    """The shipped designs cut into training and held-out test cases."""

    dataset: data.DesignSet
    train: np.ndarray
    test: np.ndarray

    @property
    def conditions(self) -> np.ndarray:
        return dataset_conditions(self.dataset)


@lru_cache(maxsize=1)
def shipped_split() -> Split:
    """The shipped designs' split, loaded once a process (a class's runs share it; treat it as read-only)."""
    ds = data.load_dataset(data.DATASET_PATH)
    return Split(ds, *split(len(ds)))


@lru_cache(maxsize=1)
def training_cases() -> tuple[np.ndarray, np.ndarray]:
    """The training split's designs and conditions, one copy a process."""
    s = shipped_split()
    return s.dataset.designs[s.train], s.conditions[s.train]


def load_ood(path: str | Path = OOD_DATASET_PATH) -> data.DesignSet:
    """The shipped out-of-distribution cases (built once by ``mechgan dataset build --family ood``)."""
    return data.load_dataset(path)


# ------------------------------------------------------------------ training

class ConditionalTrainer(Trainer):
    """The lab's Trainer for G(z, c), D(x, c): G's "noise" is z followed by c.

    Each D update draws fakes for the real batch's own conditions; each G
    update draws a batch, and is also pulled (L1, ``recon_weight``) towards
    those real designs.
    """

    condition_dim = CONDITION_DIM

    def __init__(self, config: TrainConfig | None = None, designs: np.ndarray | None = None,
                 conditions: np.ndarray | None = None):
        if designs is None:
            designs, conditions = training_cases()
        if conditions is None or np.shape(conditions) != (len(designs), CONDITION_DIM):
            raise ValueError(f"a conditional run needs one ({CONDITION_DIM},) condition per design")
        self._conditions = np.asarray(conditions, np.float32)
        self._batch = (None, None)  # the last batch drawn: real designs, their conditions
        super().__init__((config or TrainConfig()).with_changes(conditional=True), designs)
        self.fixed_conditions = np.repeat(encode_condition(*np.array(FIXED_CASES).T),
                                          FIXED_SAMPLES // len(FIXED_CASES), axis=0)
        self.fixed_noise = np.concatenate([self.fixed_noise, self.fixed_conditions], axis=1)

    def _next_batch(self) -> np.ndarray:
        idx = self._next_indices()
        self._batch = data.to_model_range(self._designs[idx]), self._conditions[idx]
        return self._batch[0]

    def _noise(self, n: int) -> np.ndarray:
        """z for the last batch drawn, followed by that batch's conditions."""
        return np.concatenate([super()._noise(n), self._batch[1][:n]], axis=1)

    def _g(self, noise: np.ndarray | None = None) -> dict:
        if noise is None:  # else the caller drew the batch the noise belongs to
            noise = self._noise(len(self._next_batch()))
        return self._update("g", tf.constant(noise), self._seed(), tf.constant(self._batch[0]))

    def trace(self) -> None:
        size = self._real_batch_size()
        reals = tf.TensorSpec((size, models.SIZE, models.SIZE, 1), tf.float32)
        noise = tf.TensorSpec((size, self._config.latent_dim + CONDITION_DIM), tf.float32)
        seed = tf.TensorSpec((2,), tf.int64)
        self._concrete("d", self._variables("d"), reals, noise, seed)
        self._concrete("g", self._variables("g"), noise, seed, reals)

    def generate(self, noise: np.ndarray | None = None, n: int = FIXED_SAMPLES) -> np.ndarray:
        """Samples for ``noise`` = z followed by c, or, when None, for ``n`` training cases drawn at random."""
        if noise is None:
            with self._lock:
                pick = self._sample_rng.integers(len(self._conditions), size=n)
                z = self._sample_rng.standard_normal((n, self._config.latent_dim)).astype(np.float32)
            noise = np.concatenate([z, self._conditions[pick]], axis=1)
        return super().generate(noise)

    def sample_noise(self, n: int, seed: int) -> np.ndarray:
        """z, then the conditions of ``n`` training cases drawn by ``seed``."""
        pick = np.random.default_rng([seed, 1]).integers(len(self._conditions), size=n)
        return np.concatenate([super().sample_noise(n, seed), self._conditions[pick]], axis=1)

    def generator(self) -> "ConditionalGenerator":
        """The generator samples come from, detached from training (a copy of its weights)."""
        with self._lock:
            arrays = self._sampler().numpy()
        return ConditionalGenerator.from_arrays(arrays, self._config, {"iterations": self.iteration,
                                                                       "train_seconds": round(self._seconds)})


def make_trainer(config: TrainConfig, designs: np.ndarray | None = None,
                 conditions: np.ndarray | None = None) -> Trainer:
    """The Trainer a config asks for.  A conditional run trains on designs with their conditions, by
    default the shipped training split; designs without conditions (a student's upload) cannot."""
    if not config.conditional:
        return Trainer(config, designs)
    if designs is not None and conditions is None:
        raise Refusal("a conditional GAN needs each design's load case and volume: it trains on the "
                      "shipped designs only", "conditional_needs_cases")
    return ConditionalTrainer(config, designs, conditions)


def is_conditional_run(path: Path | str) -> bool:
    return bool(runs.read_meta(path)["config"].get("conditional", False))


def train(trainer: ConditionalTrainer, minutes: float | None = None, steps: int | None = None,
          callback=None) -> ConditionalTrainer:
    """Step ``trainer`` for ``minutes`` of wall time or until iteration ``steps``; ``callback(record)`` after each."""
    deadline = time.monotonic() + 60 * minutes if minutes else None
    while trainer.status == "ok" and (time.monotonic() < deadline if deadline else trainer.iteration < steps):
        record = trainer.step()
        if callback is not None:
            callback(record)
    return trainer


# ------------------------------------------------------------------ inference

@dataclass
class ConditionalGenerator:
    """A trained G(z, c) alone: what ``mechgan design`` and the Design page draw from."""

    weights: models.Weights
    latent_dim: int
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_arrays(cls, arrays: dict, config: TrainConfig, info: dict) -> "ConditionalGenerator":
        weights = models.initialize_weights_generator(config.nf, config.latent_dim, config.architecture,
                                                      seed=0, condition_dim=CONDITION_DIM)
        weights.assign(arrays)
        return cls(weights, config.latent_dim, {"config": config.to_dict(), **info})

    def images(self, conditions: np.ndarray, seed: int = 0) -> np.ndarray:
        """(n, 50, 50) outputs in [-1, 1] for (n, 3) encoded conditions, one noise draw each."""
        conditions = np.atleast_2d(np.asarray(conditions, np.float32))
        return self._images(self._latents(len(conditions), seed), conditions)

    def designs(self, cases: np.ndarray, n: int = 1, seed: int = 0, polish: int = 0) -> np.ndarray:
        """(len(cases), n, 50, 50) bool designs for (row, angle, volume) cases, then ``polish`` SIMP
        iterations from each (0: G's designs as they are).

        Every case sees the same ``n`` noises, so a case's designs are those :meth:`design` gives it alone.
        """
        cases = np.atleast_2d(np.asarray(cases, np.float64))
        conditions = np.repeat(encode_condition(*cases.T), n, axis=0)
        images = self._images(np.tile(self._latents(n, seed), (len(cases), 1)), conditions)
        out = data.binarize(images).reshape(len(cases), n, models.SIZE, models.SIZE)
        if polish:
            for (row, angle, volfrac), case_designs in zip(cases, out):
                load = topopt.LoadCase(int(row), float(angle))
                case_designs[:] = [topopt.polish(d, load, float(volfrac), polish).design for d in case_designs]
        return out

    def design(self, row: int, angle_deg: float, volfrac: float, n: int = 1, seed: int = 0,
               polish: int = 0) -> np.ndarray:
        """(n, 50, 50) bool designs for one load case (binarized at mid-level), each polished by
        ``polish`` SIMP iterations when > 0."""
        return self.designs(np.array([[row, angle_deg, volfrac]]), n, seed, polish)[0]

    def _latents(self, n: int, seed: int) -> np.ndarray:
        return np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype(np.float32)

    def _images(self, z: np.ndarray, conditions: np.ndarray, batch: int = 512) -> np.ndarray:
        """G's outputs, ``batch`` at a time: a file of many cases must not hold all of G's activations at once."""
        noise = np.concatenate([z, conditions], axis=1)
        x = [models.resize(models.generator(noise[i:i + batch], self.weights), models.SIZE).numpy()[..., 0]
             for i in range(0, len(noise), batch)]
        return np.clip(np.concatenate(x), -1.0, 1.0)

    def save(self, path: Path | str) -> Path:
        """Weights and meta in one .npz (no pickles); written atomically."""
        path = Path(path)
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, meta=np.array(json.dumps(self.meta)),
                            **{f"g:{k}": v for k, v in self.weights.numpy().items()})
        tmp.replace(path)
        return path


def load_generator(path: Path | str = SHIPPED_MODEL) -> ConditionalGenerator:
    """A conditional generator saved by :meth:`ConditionalGenerator.save` (the shipped one by default)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no conditional model at {path}")
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        arrays = {k[2:]: z[k] for k in z.files if k.startswith("g:")}
    info = {k: v for k, v in meta.items() if k != "config"}
    return ConditionalGenerator.from_arrays(arrays, TrainConfig.from_dict(meta["config"]), info)


class Retrieval:
    """The baseline: the training design whose (encoded) condition is nearest."""

    def __init__(self, designs: np.ndarray, conditions: np.ndarray):
        self._designs, self._tree = designs, cKDTree(conditions)

    @classmethod
    def shipped(cls) -> "Retrieval":
        s = shipped_split()
        return cls(s.dataset.designs[s.train], s.conditions[s.train])

    def designs(self, conditions: np.ndarray) -> np.ndarray:
        return self._designs[self._tree.query(np.atleast_2d(conditions))[1]]


# ------------------------------------------------------------------ evaluation

@lru_cache(maxsize=4)
def _test_cases(limit: int | None) -> physics_metrics.Cases:
    """The first ``limit`` held-out test cases (all for None), with their SIMP answers."""
    s = shipped_split()
    return physics_metrics.Cases.of(s.dataset, s.test[:limit])


def live_physics(trainer: ConditionalTrainer, n: int = physics_metrics.LIVE_CASES) -> dict[str, float]:
    """The physics row of a training run's sampler on ``n`` held-out test cases (fixed noise): the Lab's
    Quality view follows it as the run trains."""
    cases = _test_cases(n)
    c = encode_condition(cases.rows, cases.angles, cases.volfracs)
    z = np.random.default_rng(SPLIT_SEED).standard_normal((len(c), trainer.config.latent_dim)).astype(np.float32)
    images = trainer.generate(np.concatenate([z, c], axis=1))
    return physics_metrics.summarize(physics_metrics.measure(data.binarize(images), cases))

def evaluation_sets(limit: int | None = None) -> dict[str, "physics_metrics.Cases"]:
    """The held-out test cases and the out-of-distribution cases (the first ``limit`` of each)."""
    ood = load_ood()
    return {"test": _test_cases(limit), "ood": physics_metrics.Cases.of(ood, np.arange(len(ood))[:limit])}


def physics_table(model: ConditionalGenerator | None, limit: int | None = None, seed: int = 0) -> dict[str, dict]:
    """Summaries {"<who> <set>": row} of the model (one design per case) and of retrieval."""
    retrieval, rows = Retrieval.shipped(), {}
    for name, cases in evaluation_sets(limit).items():
        c = encode_condition(cases.rows, cases.angles, cases.volfracs)
        if model is not None:
            rows[f"G {name}"] = physics_metrics.summarize(
                physics_metrics.measure(data.binarize(model.images(c, seed)), cases))
        rows[f"retrieval {name}"] = physics_metrics.summarize(physics_metrics.measure(retrieval.designs(c), cases))
    return rows
