"""``mechgan design``: a call a case against many cases in one call (--cases), and the time a design in-process.

    python bench/design_cli_bench.py [--cases 40] [--n 8] [--polish 0] [--single-calls 3]

Prints (nothing is asserted): the wall time of ``mechgan design`` for one case (a fresh process each, so
TensorFlow's start-up and the model's load are paid each time; mean of ``--single-calls``), of one call
with a file of ``--cases`` held-out test cases, the time a design the command itself reports, and the time
a design of the same call made in this process (``ConditionalGenerator.designs``, model loaded and warm).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from mechgan import conditional  # noqa: E402

REPORTED = re.compile(r"in ([\d.]+) s a design")


def _cli(args: list[str]) -> tuple[float, float]:
    """(wall seconds of a ``mechgan design`` process, the seconds a design it reports)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               PYTHONWARNINGS="ignore")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mechgan.cli", "design", *args], capture_output=True,
                          text=True, env=env, check=True)
    wall = time.perf_counter() - start
    return wall, float(REPORTED.search(done.stdout)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=40, help="cases in the file (default: %(default)s)")
    parser.add_argument("--n", type=int, default=8, help="designs a case (default: %(default)s)")
    parser.add_argument("--polish", type=int, default=0, help="SIMP iterations a design (default: %(default)s)")
    parser.add_argument("--single-calls", type=int, default=3, help="one-case calls timed (default: %(default)s)")
    args = parser.parse_args()
    sets = conditional.evaluation_sets(args.cases)["test"]
    cases = np.column_stack([sets.rows, sets.angles, sets.volfracs])
    common = ["--n", str(args.n), "--polish", str(args.polish)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.csv"
        path.write_text("row,angle,volume\n" + "".join(f"{r:g},{a:g},{v:g}\n" for r, a, v in cases))
        single = [_cli(["--row", f"{r:g}", "--angle", f"{a:g}", "--volume", f"{v:g}", *common,
                        "--out", str(Path(tmp) / "one.npy")]) for r, a, v in cases[:args.single_calls]]
        many_wall, many_reported = _cli(["--cases", str(path), *common, "--out", str(Path(tmp) / "many.npy")])
    model = conditional.load_generator()
    model.designs(cases[:1], 1)  # the first call builds the graph's kernels
    start = time.perf_counter()
    model.designs(cases, args.n, polish=args.polish)
    in_process = (time.perf_counter() - start) / (len(cases) * args.n)
    one_wall = float(np.mean([w for w, _ in single]))
    total = len(cases) * args.n
    print(f"mechgan design, {args.n} designs a case, polish {args.polish}:")
    print(f"  one case a call:    {one_wall:6.2f} s a call ({args.single_calls} calls), "
          f"{1000 * one_wall / args.n:8.1f} ms a design; the command reports "
          f"{1000 * np.mean([r for _, r in single]):.1f} ms a design in-process")
    print(f"  {len(cases)} cases in one call: {many_wall:6.2f} s, {1000 * many_wall / total:8.1f} ms a design; "
          f"the command reports {1000 * many_reported:.1f} ms a design in-process")
    print(f"  in this process:    {1000 * in_process:8.1f} ms a design (model loaded and warm)")
    print(f"  {len(cases)} cases one call each would take ~{len(cases) * one_wall:.0f} s against {many_wall:.1f} s "
          f"in one call ({len(cases) * one_wall / many_wall:.0f}x)")


if __name__ == "__main__":
    main()
