"""Per-design wall time of mechgan.topopt against the top88-style baseline, same run.

    python bench/topopt_bench.py [--cases 6]

Prints one line per load case (both times, both compliances) and the summary
figures: median per-design speed-up and the largest relative compliance gap.
Each solver runs ``--repeats`` times per case, alternating, and the fastest
wall time counts, which damps the noise of a shared machine.
Target: speed-up >= 5x with compliances within 1 %.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from top88_baseline import top88  # noqa: E402

from mechgan import topopt  # noqa: E402
from mechgan.dataset_builder import candidate_params  # noqa: E402


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    print(f"solver: {'CHOLMOD (cvxopt)' if topopt.HAVE_CHOLMOD else 'SciPy'}; "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    topopt.optimize(topopt.LoadCase(25, 0.0), 0.4)  # warm the mesh cache, as the builder does
    speedups, gaps = [], []
    for i in range(args.cases):
        row, angle, volfrac = candidate_params(seed=12345, index=i)
        load = topopt.LoadCase(row, angle)
        t_fast, t_base = [], []
        for _ in range(args.repeats):
            fast, dt = _timed(topopt.optimize, load, volfrac)
            t_fast.append(dt)
            (base_design, base_iters), dt = _timed(top88, load, volfrac)
            t_base.append(dt)
        base_c = topopt.compliance(base_design, load)
        speedups.append(min(t_base) / min(t_fast))
        gaps.append(abs(fast.compliance - base_c) / base_c)
        print(f"case {i}: row {row:2d} angle {angle:+6.1f} vol {volfrac:.3f} | "
              f"mechgan {min(t_fast):5.2f} s ({fast.iterations} it, c={fast.compliance:.3f}) | "
              f"baseline {min(t_base):5.2f} s ({base_iters} it, c={base_c:.3f}) | "
              f"speed-up {speedups[-1]:.1f}x, compliance gap {gaps[-1]:.2%}")
    print(f"median speed-up per design: {np.median(speedups):.1f}x (min {min(speedups):.1f}x); "
          f"largest compliance gap: {max(gaps):.3%}  [target: >= 5x, <= 1 %]")


if __name__ == "__main__":
    main()
