"""The ``mechgan`` command: thin argument parsing over the library."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _dataset_build(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from mechgan import data, dataset_builder

    out = Path(args.out) if args.out else data.DATASET_PATH
    work = Path(args.work) if args.work else Path("build") / f"dataset-seed{args.seed}"
    bar = tqdm(total=args.n, unit="design", desc="topology optimization")

    def progress(done: int, total: int) -> None:
        bar.n = done
        bar.refresh()

    meta = dataset_builder.build(args.n, args.seed, out, work, args.workers, progress)
    bar.close()
    print(f"wrote {meta['n']} designs to {out} ({meta['candidates']} runs, "
          f"{meta['discarded']} discarded as not one connected piece touching support and load)")
    return 0


def _dataset_info(args: argparse.Namespace) -> int:
    from mechgan import data

    designs = data.load_designs(args.path) if args.path else data.load_designs()
    print(data.describe(designs))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mechgan", description="GANs on mechanical designs")
    sub = parser.add_subparsers(dest="command", required=True)
    ds = sub.add_parser("dataset", help="build or describe the designs dataset")
    ds_sub = ds.add_subparsers(dest="action", required=True)
    b = ds_sub.add_parser("build", help="run topology optimization to build the dataset")
    b.add_argument("--n", type=int, default=5000, help="number of valid designs")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--out", help="output .npz (default: the shipped dataset)")
    b.add_argument("--work", help="folder of finished chunks, for resuming")
    b.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    b.set_defaults(func=_dataset_build)
    i = ds_sub.add_parser("info", help="count and material-level summary")
    i.add_argument("path", nargs="?", help="a dataset file (default: the shipped one)")
    i.set_defaults(func=_dataset_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
