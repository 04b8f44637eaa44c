"""Conditional GAN against SIMP: time per design, and physics on the test and out-of-distribution cases.

    python bench/conditional_bench.py [--simp-cases 8] [--limit N]

Prints (nothing is asserted): the shipped conditional G's time per design, in a
batch and alone, against a full SIMP solve of the same cases (ratio), then the
physics table (CE, VFE, FM, LD, support contact) of the shipped model and of
nearest-neighbour retrieval on the held-out test split and the shipped
out-of-distribution set.  Issue 14's targets are printed beside.
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from mechgan import conditional, physics_metrics, topopt  # noqa: E402

TARGETS = """targets (issue 14): test: median CE <= 5 % and within 2 points of retrieval's, FM <= 5 %, LD <= 1 %,
  median VFE <= 2 %; OOD: lower median CE and lower LD than retrieval; G >= 100x faster per design than SIMP"""


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
    args = parser.parse_args()
    model = conditional.load_generator()
    meta = model.meta
    print(f"shipped model: {conditional.SHIPPED_MODEL.name}, {meta.get('iterations')} iterations, "
          f"{meta.get('train_seconds', 0) / 60:.0f} min of training, config {meta['config']}")
    timing(model, args.simp_cases)
    start = time.perf_counter()
    table = conditional.physics_table(model, args.limit)
    print(f"\nphysics against SIMP, one design per case ({time.perf_counter() - start:.0f} s):")
    print(physics_metrics.format_table(table))
    print(TARGETS)


if __name__ == "__main__":
    main()
