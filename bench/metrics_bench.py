"""Cost of a live quality report: metrics.quality_report on 256 generator-like samples.

    python bench/metrics_bench.py [--n 256] [--repeats 5]

Prints the one-off cost of the shipped dataset's PCA basis and metric
reference, then the best and median wall time of quality_report (with its
default 32 compliance solves) and without the compliance gap, and the load
average so that figures from a busy machine can be read as such.
Target: well under 1.5 s a report on 2 CPU cores.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
from scipy import ndimage

from mechgan import data, metrics
from mechgan.pca import data_pca


def generator_like(designs: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """Training designs made gray, blurred and specked, as an early generator's outputs look."""
    rng = np.random.default_rng(seed)
    x = data.to_model_range(designs[rng.choice(len(designs), n)])[..., 0]
    x = ndimage.gaussian_filter(x, sigma=(0, 1, 1)) + rng.normal(0.0, 0.5, x.shape)
    return np.tanh(1.5 * x).astype(np.float32)


def timed(fn, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    (pca_s,) = timed(data_pca, 1)
    (ref_s,) = timed(metrics.build_reference, 1)
    ref = metrics.build_reference()
    print(f"training designs: {len(ref.designs)}; one-off: data_pca {pca_s:.2f} s, "
          f"reference {ref_s:.2f} s")
    images = generator_like(ref.designs, args.n)
    for label, samples in (("quality_report", 32), ("without compliance gap", 0)):
        times = timed(lambda: metrics.quality_report(images, compliance_samples=samples), args.repeats)
        print(f"{label} on {args.n} samples: best {min(times):.3f} s, median {np.median(times):.3f} s")
    report = metrics.quality_report(images)
    print("report:", ", ".join(f"{k} {v:.3f}" for k, v in report.items()))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
