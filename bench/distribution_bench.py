"""Does the distribution view's background show what D believes?  Prints, over a training run:

* the correlation between D's verdict in training (mean D(real) - D(fake) over the
  last iterations' batches) and the view's contrast (mean background under the
  real designs minus under the generated ones), over every snapshot of the run;
* the cost of one view and the refresh interval the worker's budget gives it.

The run plays the phases a class sees: balanced, then "Discriminator too strong"
(D wins), then both learning rates small (nothing moves), so the verdict spans
"D cannot tell" to "D tells every design".

    python bench/distribution_bench.py [--iterations 600] [--every 20]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from mechgan.config import TrainConfig
from mechgan.presets import PRESETS
from mechgan.training import Trainer

PHASES = ("balanced", "d_too_strong", "balanced")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=600, help="iterations per phase")
    parser.add_argument("--every", type=int, default=20, help="iterations between two views")
    parser.add_argument("--window", type=int, default=10, help="iterations averaged for D's verdict")
    args = parser.parse_args()

    from app.views import ViewMaker
    from app.worker import WorkerSettings

    views = ViewMaker()
    trainer = Trainer(TrainConfig(speck_weight=0.0), designs=views.designs)
    gaps, contrasts, costs = [], [], []
    for phase in PHASES:
        trainer.update(**PRESETS[phase].changes)
        for _ in range(args.iterations // args.every):
            trainer.run(args.every)
            recent = trainer.history[-args.window:]
            start = time.perf_counter()
            data = views.distribution(trainer)
            costs.append(time.perf_counter() - start)
            gaps.append(np.mean([r["d_real"] - r["d_fake"] for r in recent]))
            contrasts.append(data.contrast)
        print(f"{phase:>14}: iteration {trainer.iteration}, D(real)-D(fake) {gaps[-1]:.3f}, "
              f"background contrast {contrasts[-1]:.3f}")
    r = np.corrcoef(gaps, contrasts)[0, 1]
    budget = WorkerSettings().distribution
    cost = float(np.median(costs[1:]))
    print(f"views: {len(gaps)}; D(real)-D(fake) from {min(gaps):.3f} to {max(gaps):.3f}; "
          f"contrast from {min(contrasts):.3f} to {max(contrasts):.3f}")
    print(f"correlation(D(real)-D(fake), background contrast) = {r:.3f}")
    print(f"one view: median {1000 * cost:.0f} ms; worker budget {budget.fraction:.0%} of the run's time, "
          f"at least every {budget.min_interval:g} s -> a new view every "
          f"{max(budget.min_interval, cost / budget.fraction):.2f} s while shown")


if __name__ == "__main__":
    main()
