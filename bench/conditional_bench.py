"""Conditional GAN against SIMP: time per design, and physics on the test and out-of-distribution cases.

    python bench/conditional_bench.py [--simp-cases 8] [--limit N] [--seeds 3] [--model FILE.npz]

Prints (nothing is asserted): the shipped conditional G's time per design, in a
batch and alone, against a full SIMP solve of the same cases (ratio), then the
physics table (CE, CE over the designs with material under the load, VFE, FM,
LD, support contact) of the shipped model, as drawn and pruned to parts, and of
nearest-neighbour retrieval on the held-out test split and the shipped
out-of-distribution set: each cell the mean over ``--seeds`` noise seeds, then
its spread (std).  Issues 14's and 20's targets are printed beside.
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from mechgan import conditional, physics_metrics, topopt  # noqa: E402

TARGETS = """targets (issue 14): test: median CE <= 5 % and within 2 points of retrieval's, FM <= 5 %, LD <= 1 %,
  median VFE <= 2 %; OOD: lower median CE and lower LD than retrieval; G >= 100x faster per design than SIMP
targets (issue 20): test: FM8 <= 5 %, median |CE| <= 3 %, LD <= 1 %, median VFE <= 2 %;
  OOD: LD and ce_loaded both below retrieval's, FM8 <= 15 %"""


def _seconds(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def timing(model: conditional.ConditionalGenerator, simp_cases: int) -> None:
    cases = conditional.evaluation_sets(simp_cases)["test"]
    c = conditional.encode_condition(cases.rows, cases.angles, cases.volfracs)
    batch = np.repeat(c, 64 // len(c) + 1, axis=0)[:64]
    model.images(batch[:2])  # first call builds the graph's kernels
    g_batch = _seconds(lambda: model.images(batch)) / len(batch)
    g_one = _seconds(lambda: model.images(batch[:1]))
    start = time.perf_counter()
    for i in range(len(cases)):
        topopt.optimize(cases.load_case(i), float(cases.volfracs[i]))
    simp = (time.perf_counter() - start) / len(cases)
    print(f"time per design: G {1000 * g_batch:.2f} ms in a batch of 64, {1000 * g_one:.1f} ms alone; "
          f"SIMP {1000 * simp:.0f} ms (mean of {len(cases)} test cases)")
    print(f"  ratio SIMP / G: {simp / g_batch:.0f}x batched, {simp / g_one:.0f}x one design at a time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simp-cases", type=int, default=8, help="test cases SIMP solves for the timing")
    parser.add_argument("--limit", type=int, default=None, help="at most this many cases a set (default: all)")
    parser.add_argument("--seeds", type=int, default=3, help="noise seeds for G (default: %(default)s)")
    parser.add_argument("--model", default=conditional.SHIPPED_MODEL, help="a conditional model .npz "
                                                                            "(default: the shipped one)")
    args = parser.parse_args()
    model = conditional.load_generator(args.model)
    meta = model.meta
    print(f"model: {args.model}, {meta.get('iterations')} iterations, "
          f"{meta.get('train_seconds', 0) / 60:.0f} min of training, config {meta['config']}")
    timing(model, args.simp_cases)
    start = time.perf_counter()
    tables = [conditional.physics_table(model, args.limit, seed) for seed in range(args.seeds)]
    print(f"\nphysics against SIMP, one design per case, mean over {args.seeds} noise seeds "
          f"({time.perf_counter() - start:.0f} s):")
    print(physics_metrics.format_table(_over_seeds(tables, np.mean)))
    print("spread (std over the seeds; retrieval draws no noise):")
    print(physics_metrics.format_table(_over_seeds(tables, np.std)))
    print(TARGETS)


def _over_seeds(tables: list[dict[str, dict]], reduce) -> dict[str, dict]:
    """One table: each cell ``reduce``d over the seeds' tables (NaN cells left out; NaN if all are)."""
    def cell(label: str, key: str) -> float:
        values = [t[label][key] for t in tables if not np.isnan(t[label][key])]
        return float(reduce(values)) if values else float("nan")

    return {label: {key: row[key] if key == "n" else cell(label, key) for key in row}
            for label, row in tables[0].items()}


if __name__ == "__main__":
    main()
