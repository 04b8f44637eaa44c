"""Unconditional designs as drawn and as parts: the pretrained run and a fresh default run, over noise seeds.

    python bench/unconditional_bench.py [RUN ...] [--fresh] [--n 1000] [--seeds 3]

Prints (nothing is asserted), for each saved run (default: ``assets/pretrained``) and, with ``--fresh``, a
default ``Trainer`` trained here for 1,200 iterations (training seed 0, its time printed): FM8 and FM4 (share
of designs whose solid is not one 8- / 4-connected piece), the W1 of material, precision and recall against
the shipped designs, each the mean ± std over ``--seeds`` noise seeds of ``--n`` samples; as G draws them and
as parts (``pieces.prune``: the pieces cut off from the largest clamped one removed).  Issue 20's targets
are printed beside.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from mechgan import data, metrics, physics_metrics, pieces, runs  # noqa: E402
from mechgan.training import Trainer  # noqa: E402

KEYS = ("fm8", "fm4", "material_w1", "precision", "recall")
TARGETS = ("targets (issue 20): pretrained FM8 <= 5 %, W1 <= 0.02, recall >= 0.6; a default run FM8 <= 10 % "
           "and `mechgan evaluate` PASS")


def figures(designs: np.ndarray) -> dict[str, float]:
    report = metrics.quality_report(designs, compliance_samples=0)
    fm4 = np.mean([physics_metrics.pieces(d, four_connected=True) != 1 for d in designs])
    return {"fm8": report["floating_rate"], "fm4": float(fm4), **{k: report[k] for k in KEYS[2:]}}


def bench(name: str, trainer: Trainer, n: int, seeds: int) -> None:
    rows = {"drawn": [], "parts": []}
    for seed in range(seeds):
        drawn = data.binarize(trainer.generate(trainer.sample_noise(n, seed)))
        rows["drawn"].append(figures(drawn))
        rows["parts"].append(figures(pieces.prune(drawn)))
    print(f"\n{name} ({trainer.iteration} iterations), {n} samples x {seeds} noise seeds, mean ± std:")
    print(f"{'':8s}" + "".join(f"{k:>20s}" for k in KEYS))
    for how, reports in rows.items():
        cells = [np.array([r[k] for r in reports]) for k in KEYS]
        print(f"{how:8s}" + "".join(f"{v.mean():>12.4f} ± {v.std():.4f}" for v in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", default=[str(ROOT / "assets" / "pretrained")], help="saved runs")
    parser.add_argument("--fresh", action="store_true", help="also train a default run for 1,200 iterations")
    parser.add_argument("--n", type=int, default=1000, help="samples a noise seed (default: %(default)s)")
    parser.add_argument("--seeds", type=int, default=3, help="noise seeds (default: %(default)s)")
    args = parser.parse_args()
    for run in args.runs:
        bench(run, runs.load_run(Path(run)), args.n, args.seeds)
    if args.fresh:
        trainer, start = Trainer(), time.perf_counter()
        trainer.run(1200)
        bench(f"a fresh default run, trained in {time.perf_counter() - start:.0f} s", trainer, args.n, args.seeds)
    print("\n" + TARGETS)


if __name__ == "__main__":
    main()
