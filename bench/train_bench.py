"""Training benchmark: steps/s of the default config, and time to the quality bar.

Trains the default TrainConfig and the TensorFlow-tutorial baseline (its own
architecture, resize to 28x28, and its settings: Adam 1e-4 with beta1 0.9,
batch 256, no connect penalty) in the same process, one after the other.
Every ``--eval-every`` seconds of training, 256 samples are scored with
``mechgan.metrics``; the clock stops while they are scored.  Usage::

    python bench/train_bench.py [--cap-minutes 6] [--grids /tmp/bench]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from mechgan import data, metrics  # noqa: E402
from mechgan.config import TrainConfig  # noqa: E402
from mechgan.training import Trainer, generate_and_save  # noqa: E402

TUTORIAL = TrainConfig(architecture="tutorial", lr_g=1e-4, lr_d=1e-4, beta1=0.9, batch_size=256, ema=0.0,
                       connect_weight=0.0)
BAR_KEYS = tuple(metrics.QUALITY_BAR)


def steps_per_second(config: TrainConfig, designs: np.ndarray, steps: int = 60) -> float:
    trainer = Trainer(config, designs)
    trainer.run(5)  # tracing and warm-up
    start = time.perf_counter()
    trainer.run(steps)
    return steps / (time.perf_counter() - start)


def time_to_bar(config: TrainConfig, designs: np.ndarray, reference, cap_s: float, every_s: float,
                n: int) -> tuple[float | None, Trainer, dict]:
    """Training seconds until 256 samples pass the bar (None if not within ``cap_s``)."""
    trainer = Trainer(config, designs)
    noise = np.random.default_rng(12345).standard_normal((n, config.latent_dim)).astype(np.float32)
    trained = 0.0
    while trained < cap_s and trainer.status == "ok":
        start = time.perf_counter()
        while time.perf_counter() - start < every_s and trainer.status == "ok":
            trainer.step()
        trained += time.perf_counter() - start
        report = metrics.quality_report(trainer.generate(noise), reference=reference, compliance_samples=0)
        print(f"  {trained:6.0f} s  it {trainer.iteration:5d}  " + _short(report), flush=True)
        if metrics.passes_bar(report):
            return trained, trainer, report
    return None, trainer, report


def _short(report: dict) -> str:
    return "  ".join(f"{k} {report[k]:.3f}" for k in BAR_KEYS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cap-minutes", type=float, default=6.0, help="training budget per config")
    parser.add_argument("--eval-every", type=float, default=15.0, help="seconds of training between scores")
    parser.add_argument("--n", type=int, default=256, help="samples scored against the bar")
    parser.add_argument("--grids", help="folder for PNG grids of each config's final samples")
    args = parser.parse_args()

    designs = data.load_designs()
    reference = metrics.build_reference()
    default = TrainConfig()
    print(f"{len(designs)} designs, {os.cpu_count()} CPU cores; bar: "
          + ", ".join(str(c) for c in metrics.QUALITY_BAR.values()))
    print(f"default config: {default}")
    print(f"default config: {steps_per_second(default, designs):.1f} steps/s", flush=True)
    results = {}
    for name, config in (("default", default), ("tutorial baseline", TUTORIAL)):
        print(f"{name}:", flush=True)
        seconds, trainer, report = time_to_bar(config, designs, reference, 60 * args.cap_minutes,
                                               args.eval_every, args.n)
        results[name] = seconds
        if args.grids:
            path = Path(args.grids) / f"{name.split()[0]}.png"
            generate_and_save(trainer, np.random.default_rng(0).standard_normal(
                (64, config.latent_dim)).astype(np.float32), path)
            print(f"  samples: {path}")
    for name, seconds in results.items():
        verdict = (f"{seconds:.0f} s of training" if seconds is not None
                   else f"not reached within {args.cap_minutes:g} min")
        print(f"time to bar, {name}: {verdict}")


if __name__ == "__main__":
    main()
