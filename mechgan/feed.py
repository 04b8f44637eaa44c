"""What a run feeds its models: batches of real designs with their conditions, and G's inputs.

A batch is ``(reals, conditions)``: real designs in the models' range and, in a
conditional run, each one's condition (``None`` otherwise).  G's input is z,
followed in a conditional run by the condition it draws for.  Every draw comes
from generators seeded by the run's seed (data order, noise, update seeds), so a
run is reproducible and a saved run resumes exactly.
"""
from __future__ import annotations

import numpy as np

from mechgan import data, specification
from mechgan.config import TrainConfig
from mechgan.errors import Refusal
from mechgan.specification import CONDITION_DIM, FIXED_CASES, encode_condition

FIXED_SAMPLES = 16
Batch = tuple[np.ndarray, "np.ndarray | None"]


class Feed:
    """The training data and seeded draws of one run of ``config`` (see :func:`training_data`).

    Draws are numpy, as a ``tf.random.Generator`` draw is eager Python at every update.
    """

    def __init__(self, config: TrainConfig, designs: np.ndarray | None = None, conditions: np.ndarray | None = None):
        # the caller's array, never copied: a server's runs share one dataset, and each batch
        # is put in the models' range when drawn (no float32 copy per run; docs/decisions.md)
        self.designs, self.conditions = training_data(config, designs, conditions)
        self.batch_size = min(config.batch_size, len(self.designs))  # real designs per D update
        self._seed, self._latent_dim = seed, latent_dim = config.seed, config.latent_dim
        self._rng = np.random.default_rng([seed, 0])  # training noise and update seeds
        self._sample_rng = np.random.default_rng([seed, 1])
        self._epoch_order: tuple[int, np.ndarray] | None = None
        self.batches_drawn = 0
        # the fixed samples: four noises for each of FIXED_CASES in a conditional run (a row of the Lab's grid)
        self.fixed_conditions = None if self.conditions is None else np.repeat(
            encode_condition(*np.array(FIXED_CASES).T), FIXED_SAMPLES // len(FIXED_CASES), axis=0)
        z = np.random.default_rng([seed, 2]).standard_normal((FIXED_SAMPLES, latent_dim)).astype(np.float32)
        self.fixed_noise = _joined(z, self.fixed_conditions)

    @property
    def condition_dim(self) -> int:
        return 0 if self.conditions is None else self.conditions.shape[1]

    def checked(self, conditions: np.ndarray | None) -> np.ndarray | None:
        """``conditions`` if D reads that many values an image (none in a plain run)."""
        got = None if conditions is None else np.shape(conditions)[-1]
        if got != (self.condition_dim or None):
            raise ValueError(f"D reads {self.condition_dim} condition values an image, got {got or 'none'}")
        return conditions

    def batch(self) -> Batch:
        """The next batch: a fresh permutation every epoch, a pure function of (seed, batches drawn)."""
        n = len(self.designs)
        epoch, pos = divmod(self.batches_drawn, n // self.batch_size)
        if self._epoch_order is None or self._epoch_order[0] != epoch:
            self._epoch_order = (epoch, np.random.default_rng([self._seed, 3, epoch]).permutation(n))
        self.batches_drawn += 1
        idx = self._epoch_order[1][pos * self.batch_size:(pos + 1) * self.batch_size]
        return data.to_model_range(self.designs[idx]), None if self.conditions is None else self.conditions[idx]

    def noise(self, n: int, conditions: np.ndarray | None = None) -> np.ndarray:
        """G's training input: fresh z, followed by ``conditions`` (a batch's) in a conditional run."""
        return _joined(self._rng.standard_normal((n, self._latent_dim), dtype=np.float32), conditions)

    def conditions_of(self, noise: np.ndarray) -> np.ndarray | None:
        """The conditions G's input ``noise`` draws for: its last values in a conditional run, else None."""
        return np.asarray(noise, np.float32)[:, self._latent_dim:] if self.condition_dim else None

    def update_seed(self) -> np.ndarray:
        """The seed of one update's random draws (instance noise, dropout, penalty points)."""
        return self._rng.integers(2**62, size=2)

    def sample_noise(self, n: int, seed: int | None = None) -> np.ndarray:
        """G's input for ``n`` samples, for training cases drawn at random in a conditional run: drawn by
        ``seed`` (a command line's ``--seed``), or when None by the run's own sampling generator, which
        leaves training's draws alone."""
        z_rng, case_rng = ((self._sample_rng,) * 2 if seed is None
                           else (np.random.default_rng(seed), np.random.default_rng([seed, 1])))
        cases = None if self.conditions is None else self.conditions[case_rng.integers(len(self.conditions), size=n)]
        return _joined(z_rng.standard_normal((n, self._latent_dim)).astype(np.float32), cases)

    def state(self) -> dict:
        """Where the draws stand (JSON-able; part of a saved run's "progress")."""
        return {"batches_drawn": self.batches_drawn, "rng_state": self._rng.bit_generator.state,
                "sample_rng_state": self._sample_rng.bit_generator.state}

    def set_state(self, progress: dict) -> None:
        if not isinstance(progress["rng_state"], dict):
            raise ValueError("this run was saved by an older mechgan, whose random state cannot be "
                             "restored; start a new run")
        self.batches_drawn = int(progress["batches_drawn"])
        self._rng.bit_generator.state = progress["rng_state"]
        self._sample_rng.bit_generator.state = progress["sample_rng_state"]


def training_data(config: TrainConfig, designs: np.ndarray | None,
                   conditions: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """The designs a run of ``config`` trains on, the shipped ones unless given, and for a conditional config
    their conditions (by default the shipped training split's); designs without conditions, as a student's
    upload, cannot train a conditional run."""
    if not config.conditional:
        if conditions is not None:
            raise ValueError("conditions train a conditional run only (TrainConfig(conditional=True))")
        return _checked_designs(data.load_designs() if designs is None else designs), None
    if designs is None:
        designs, conditions = specification.training_cases()
    elif conditions is None:
        raise Refusal("a conditional GAN needs each design's load case and volume: it trains on the "
                      "shipped designs only", "conditional_needs_cases")
    if np.shape(conditions) != (len(designs), CONDITION_DIM):
        raise ValueError(f"a conditional run needs one ({CONDITION_DIM},) condition per design")
    return _checked_designs(designs), np.asarray(conditions, np.float32)


def _checked_designs(designs: np.ndarray) -> np.ndarray:
    designs = np.asarray(designs)
    if designs.ndim != 3 or designs.shape[1:] != (data.SIZE, data.SIZE) or len(designs) == 0:
        raise ValueError(f"designs must be an (N, {data.SIZE}, {data.SIZE}) array with N >= 1, "
                         f"got shape {designs.shape}")
    return designs


def _joined(z: np.ndarray, conditions: np.ndarray | None) -> np.ndarray:
    return z if conditions is None else np.concatenate([z, conditions], axis=1)
