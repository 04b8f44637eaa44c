"""Designs to a specification: a conditional GAN G(z, c), D(x, c) on the shipped designs.

The condition c of a design is its load case and volume, (load row, angle,
target volume fraction), each scaled so that the shipped family spans [-1, 1].
G reads z and c side by side; D sees c as constant image channels
(``models.with_condition``).  Training is the lab's one :class:`Trainer`, for a
config with ``conditional=True``: the same compiled updates, losses, optimizers
and live changes, in the Lab, the CLI and :func:`mechgan.runs.load_run` alike.

The shipped designs' split is :mod:`mechgan.specification`'s: 10 % held out as
test cases.  ``assets/designs_ood.npz`` holds cases outside the shipped ranges
on every axis (``dataset_builder.OOD_FAMILY``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from mechgan import data, models, physics_metrics, topopt
from mechgan.config import TrainConfig
from mechgan.dataset_builder import OOD_DATASET_PATH
from mechgan.specification import CONDITION_DIM, SPLIT_SEED, encode_condition, prune_to_parts, shipped_split
from mechgan.training import Trainer

SHIPPED_MODEL = Path(__file__).resolve().parent.parent / "assets" / "conditional_gan.npz"


def load_ood(path: str | Path = OOD_DATASET_PATH) -> data.DesignSet:
    """The shipped out-of-distribution cases (built once by ``mechgan dataset build --family ood``)."""
    return data.load_dataset(path)


# ------------------------------------------------------------------ training

def ConditionalTrainer(config: TrainConfig | None = None, designs: np.ndarray | None = None,  # noqa: N802
                       conditions: np.ndarray | None = None) -> Trainer:
    """The notebook's name for the lab's Trainer of G(z, c), D(x, c): ``config`` made conditional, on the
    shipped training split unless ``designs`` and their ``conditions`` are given."""
    return Trainer((config or TrainConfig()).with_changes(conditional=True), designs, conditions)


# ------------------------------------------------------------------ inference

@dataclass
class ConditionalGenerator:
    """A trained G(z, c) alone: what ``mechgan design`` and the Design page draw from."""

    weights: models.Weights
    latent_dim: int
    meta: dict = field(default_factory=dict)

    @classmethod
    def of(cls, trainer: Trainer) -> "ConditionalGenerator":
        """The generator a conditional run's samples come from, detached from training (a copy of its weights)."""
        return cls.from_arrays(trainer.sampler_weights(), trainer.config,
                               {"iterations": trainer.iteration, "train_seconds": round(trainer.seconds)})

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

    def designs(self, cases: np.ndarray, n: int = 1, seed: int = 0, polish: int = 0,
                prune: bool = True) -> np.ndarray:
        """(len(cases), n, 50, 50) bool designs for (row, angle, volume) cases: G's, then ``polish`` SIMP
        iterations from each (0: none), then made parts by ``specification.prune_to_parts`` (``prune=False``: as drawn).

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
        if prune:
            parts = prune_to_parts(out.reshape(-1, models.SIZE, models.SIZE), np.repeat(cases[:, 0], n))
            out = parts.reshape(out.shape)
        return out

    def design(self, row: int, angle_deg: float, volfrac: float, n: int = 1, seed: int = 0,
               polish: int = 0, prune: bool = True) -> np.ndarray:
        """(n, 50, 50) bool designs for one load case, as :meth:`designs` makes them."""
        return self.designs(np.array([[row, angle_deg, volfrac]]), n, seed, polish, prune)[0]

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


def live_physics(trainer: Trainer, n: int = physics_metrics.LIVE_CASES) -> dict[str, float]:
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
    """Summaries {"<who> <set>": row} of the model (one design per case; as drawn, and pruned to parts) and
    of retrieval."""
    retrieval, rows = Retrieval.shipped(), {}
    for name, cases in evaluation_sets(limit).items():
        c = encode_condition(cases.rows, cases.angles, cases.volfracs)
        if model is not None:
            drawn = data.binarize(model.images(c, seed))
            rows[f"G {name}"] = physics_metrics.summarize(physics_metrics.measure(drawn, cases))
            rows[f"G pruned {name}"] = physics_metrics.summarize(
                physics_metrics.measure(prune_to_parts(drawn, cases.rows), cases))
        rows[f"retrieval {name}"] = physics_metrics.summarize(physics_metrics.measure(retrieval.designs(c), cases))
    return rows
