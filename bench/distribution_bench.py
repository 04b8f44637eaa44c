"""Does the distribution view's background show what D believes?  Prints, over a training run:

* the correlation between D's verdict in training (mean D(real) - D(fake) over the
  last iterations' batches) and the view's contrast (mean background under the
  real designs minus under the generated ones), over every snapshot of the run;
* the cost of one view and the refresh interval the worker's budget gives it.

The run plays, one after the other, the presets a class tries: both learning rates
small (D cannot tell), "Generator too strong" (G fools D), balanced, "Discriminator
too strong" (D tells every design), so D's verdict spans its whole range.

    python bench/distribution_bench.py [--iterations 150] [--every 15]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the app package, as bench/app_bench.py does

from mechgan.config import TrainConfig  # noqa: E402
from mechgan.presets import PRESETS  # noqa: E402
from mechgan.training import Trainer  # noqa: E402

PHASES = ("both_small", "g_too_strong", "balanced", "d_too_strong")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=150, help="iterations per phase")
    parser.add_argument("--every", type=int, default=15, help="iterations between two views")
    parser.add_argument("--window", type=int, default=10, help="iterations averaged for D's verdict")
    args = parser.parse_args()

    from app.views import ViewMaker
    from app.worker import WorkerSettings

    views = ViewMaker()
    trainer = Trainer(TrainConfig(connect_weight=0.0), designs=views.designs)
    gaps, contrasts, costs, steps = [], [], [], []
    for phase in PHASES:
        trainer.update(**PRESETS[phase].changes)
        for _ in range(args.iterations // args.every):
            start = time.perf_counter()
            trainer.run(args.every)
            steps.append((time.perf_counter() - start) / args.every)
            recent = trainer.history[-args.window:]
            start = time.perf_counter()
            data = views.distribution(trainer)
            costs.append(time.perf_counter() - start)
            gaps.append(np.mean([r["d_real"] - r["d_fake"] for r in recent]))
            contrasts.append(data.contrast)
        print(f"{phase:>14}: iteration {trainer.iteration}, D(real)-D(fake) {gaps[-1]:.3f}, "
              f"background contrast {contrasts[-1]:.3f}")
    r = np.corrcoef(gaps, contrasts)[0, 1]
    print(f"views: {len(gaps)}; D(real)-D(fake) from {min(gaps):.3f} to {max(gaps):.3f}; "
          f"contrast from {min(contrasts):.3f} to {max(contrasts):.3f}")
    print(f"correlation(D(real)-D(fake), background contrast) = {r:.3f}")
    budget = WorkerSettings().distribution
    cost, step = float(np.median(costs[1:])), float(np.median(steps))
    print(f"one view: median {1000 * cost:.0f} ms = {cost / step:.1f} training iterations of {1000 * step:.0f} ms; "
          f"worker budget {budget.fraction:.0%} of the run's time, at least every {budget.min_interval:g} s "
          f"-> a new view every {cost + max(budget.min_interval, cost / budget.fraction):.2f} s while shown "
          f"on this machine")


if __name__ == "__main__":
    main()
