"""``mechgan design``: cantilevers to a specification from the conditional model, as parts, to an .npy file."""
from __future__ import annotations

import argparse

from mechgan.cli_common import conditional_run, fail


def add_design_command(sub) -> None:
    d = sub.add_parser("design", help="designs for a load case from the conditional model, as an .npy "
                                      "(N, 50, 50) bool array; for a file of cases, (cases, N, 50, 50)")
    d.add_argument("--row", type=float, help="load node row on the right edge: 0 top, 50 bottom")
    d.add_argument("--angle", type=float, help="load direction, degrees from straight down, "
                                               "positive towards the free end")
    d.add_argument("--volume", type=float, help="target volume fraction, in (0, 1)")
    d.add_argument("--cases", metavar="FILE.csv", help="many cases in one call instead of --row/--angle/--volume: "
                                                       "one row,angle,volume a line (a header line allowed)")
    d.add_argument("--n", type=int, default=8, help="designs per case (default: %(default)s)")
    d.add_argument("--polish", type=int, default=0, metavar="K",
                   help="K SIMP iterations from each generated design, then the usual threshold "
                        "(default: %(default)s: none)")
    d.add_argument("--raw", action="store_true",
                   help="G's designs as drawn, floating pieces kept (default: parts, every piece cut off from the "
                        "one that joins the clamped edge to the load removed)")
    d.add_argument("--out", required=True, help="output .npy file")
    d.add_argument("--seed", type=int, default=0, help="seed of the noise (the same noises for every case)")
    d.add_argument("--run", help="a saved conditional run instead of the shipped model")
    d.add_argument("--runs-dir", default="runs")
    d.set_defaults(func=_design)


def _design(args: argparse.Namespace) -> int:
    import time

    import numpy as np

    try:  # before TensorFlow loads: a nonsense case costs a line, not seconds
        cases = _design_cases(args)
        if args.n < 1:
            raise ValueError(f"--n must be at least 1, got {args.n}")
        if args.polish < 0:
            raise ValueError(f"--polish must be a number of SIMP iterations, 0 or more, got {args.polish}")
        if not args.out.endswith(".npy"):
            raise ValueError(f"--out must name a .npy file, got {args.out!r}")
        from mechgan import conditional

        model = conditional_run(args) if args.run else conditional.load_generator()
    except ValueError as e:
        return fail(str(e))
    _warn_outside_trained_ranges(cases)
    start = time.perf_counter()
    designs = model.designs(cases, args.n, args.seed, args.polish, prune=not args.raw)
    per_design = (time.perf_counter() - start) / (len(cases) * args.n)
    if args.cases is None:
        designs = designs[0]
    np.save(args.out, designs)
    made = [f"polished by {args.polish} SIMP iterations"] if args.polish else []
    made.append("as drawn, floating pieces kept" if args.raw else "floating pieces removed")
    print(f"wrote {len(cases) * args.n} designs ({designs.shape}, bool, {', '.join(made)}) to {args.out} "
          f"in {per_design:.3f} s a design")
    return 0


def _design_cases(args: argparse.Namespace):
    """(m, 3) cases: the file's (--cases), or the one of --row, --angle and --volume."""
    import numpy as np

    from mechgan import specification

    one = (args.row, args.angle, args.volume)
    if args.cases is not None:
        if any(v is not None for v in one):
            raise ValueError("give either --cases or --row, --angle and --volume, not both")
        return specification.read_cases(args.cases)
    if any(v is None for v in one):
        raise ValueError("give --row, --angle and --volume (or --cases FILE)")
    specification.check_case(*one)
    return np.array([one])


def _warn_outside_trained_ranges(cases) -> None:
    import warnings

    from mechgan import specification
    from mechgan.dataset_builder import FAMILY as F

    outside = sum(not specification.in_trained_ranges(int(r), a, v) for r, a, v in cases)
    if outside:
        which = "this load case lies" if len(cases) == 1 else f"{outside} of the {len(cases)} load cases lie"
        warnings.warn(f"{which} outside the trained ranges (rows {F.row_min}-{F.row_max}, angles within "
                      f"+-{F.angle_max_deg:g} degrees, volume {F.volfrac_min:g}-{F.volfrac_max:g}): the designs "
                      "are out-of-distribution guesses", stacklevel=1)
