"""The Design page's three columns for one case, timed as the page times them (``mechgan.proposals``).

    python bench/design_columns_bench.py [--row 25] [--angle 0] [--volume 0.4] [--n 4] [--ks 1 5 20] [--repeats 3]

Prints (nothing is asserted), best of ``--repeats`` in one process, the machine shared: G alone, G + K for each
K (G's share included), SIMP from scratch, each as ms a design with its SIMP iterations and median CE against
SIMP from scratch, and each time as a ratio to SIMP from scratch's.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from mechgan import conditional, proposals, topopt  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--row", type=int, default=25)
    parser.add_argument("--angle", type=float, default=0.0)
    parser.add_argument("--volume", type=float, default=0.4)
    parser.add_argument("--n", type=int, default=4, help="G's designs (default: %(default)s, the page's)")
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    model, load = conditional.load_generator(), topopt.LoadCase(args.row, args.angle)
    model.design(args.row, args.angle, args.volume)  # the first call builds G's kernels, as the page's _model
    best: dict[str, proposals.Attempt] = {}
    for _ in range(args.repeats):
        g = proposals.generated(model, load, args.volume, args.n, 0)
        tries = {"G alone": g, **{f"G + {k}": proposals.polished(g, load, args.volume, k) for k in args.ks},
                 "SIMP from scratch": proposals.from_scratch(load, args.volume)}
        for name, a in tries.items():
            if name not in best or a.seconds_each < best[name].seconds_each:
                best[name] = a
    reference = best["SIMP from scratch"]
    print(f"case row {args.row}, angle {args.angle:+.0f} deg, volume {args.volume}, {args.n} designs of G; "
          f"best of {args.repeats}")
    for name, a in best.items():
        ce = 100 * np.median(a.errors(float(reference.compliance[0])))
        print(f"{name:18s} {1000 * a.seconds_each:8.1f} ms a design  {a.iterations:3d} iterations  "
              f"median CE {ce:+6.2f} %  time / SIMP from scratch {a.seconds_each / reference.seconds_each:.2f}")


if __name__ == "__main__":
    main()
