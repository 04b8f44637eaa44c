"""Time to load the shipped dataset (unpack the bits, copy the arrays): what the first page of a
server waits for besides TensorFlow.

    python bench/data_bench.py [--repeats 5]

Prints the best and median wall time of an uncached ``load_dataset()`` and the load average, so that
figures from a busy machine can be read as such.  Target: well under 1 s on 2 CPU cores.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from mechgan import data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    times = []
    for _ in range(args.repeats):
        data._unpack.cache_clear()  # an uncached load, as a new server process makes
        start = time.perf_counter()
        designs = data.load_dataset().designs
        times.append(time.perf_counter() - start)
    print(f"load_dataset: {len(designs)} designs, best {min(times):.3f} s, median {statistics.median(times):.3f} s "
          f"over {args.repeats} (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
