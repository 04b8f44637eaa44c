"""The ``mechgan`` command: thin argument parsing over the library."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _dataset_build(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from mechgan import data, dataset_builder

    default_out = data.DATASET_PATH if args.family == "shipped" else dataset_builder.OOD_DATASET_PATH
    out = Path(args.out) if args.out else default_out
    work = Path(args.work) if args.work else Path("build") / f"dataset-{args.family}-seed{args.seed}"
    bar = tqdm(total=args.n, unit="design", desc="topology optimization")

    def progress(done: int, total: int) -> None:
        bar.n = done
        bar.refresh()

    meta = dataset_builder.build(args.n, args.seed, out, work, args.workers, progress,
                                 family=dataset_builder.FAMILIES[args.family])
    bar.close()
    print(f"wrote {meta['n']} designs to {out} ({meta['candidates']} runs, "
          f"{meta['discarded']} discarded as not one connected piece touching support and load)")
    return 0


def _dataset_info(args: argparse.Namespace) -> int:
    from mechgan import data

    designs = data.load_designs(args.path) if args.path else data.load_designs()
    print(data.describe(designs))
    return 0


# ------------------------------------------------------------------ training

def _add_config_options(parser: argparse.ArgumentParser) -> None:
    """One option per TrainConfig field, its choices or range from mechgan.config; ``config.parse`` reads
    the text as it reads links and MECHGAN_DEFAULTS (``--nf inf`` is one line naming the setting)."""
    from dataclasses import fields

    from mechgan import config

    group = parser.add_argument_group("hyper-parameters (defaults from mechgan.config.TrainConfig)")
    for f in fields(config.TrainConfig):
        param = config.PARAMS[f.name]
        allowed = "true or false, " if isinstance(f.default, bool) else "" if param.choices \
            else f"in {param.range_text()}, "
        words = param.choices if isinstance(f.default, str) else None  # argparse lists them in --help
        group.add_argument("--" + f.name.replace("_", "-"), default=argparse.SUPPRESS, choices=words,
                           help=f"({allowed}default: {f.default})")  # unnamed ones stay out of args
    for old, new in config.RENAMED.items():  # an old name still works, unlisted
        group.add_argument("--" + old.replace("_", "-"), dest=new, default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _named_settings(args: argparse.Namespace) -> dict:
    """The settings named on the command line, parsed as links and MECHGAN_DEFAULTS are."""
    from mechgan.config import PARAMS, parse

    return {name: parse(name, getattr(args, name)) for name in PARAMS if hasattr(args, name)}


def _config_from(args: argparse.Namespace):
    from mechgan.config import TrainConfig

    return TrainConfig(**_named_settings(args))


def _trainer_of(args: argparse.Namespace, name: str, new, designs=None):
    """The run to train: with ``--resume`` the saved run ``name``, the live settings named on the command line
    applied (a staged schedule is then a list of commands); else ``new(config)``, never over a saved run."""
    from mechgan import runs
    from mechgan.config import LIVE_FIELDS

    if not args.resume:
        if not getattr(args, "overwrite", False) and (Path(args.runs_dir) / name).exists():
            raise ValueError(f"a run named {name!r} exists in {args.runs_dir}: add --resume to continue it, or choose "
                             f"another --name (e.g. {runs.free_run_name(name, args.runs_dir)!r})"
                             + (" or pass --overwrite" if hasattr(args, "overwrite") else ""))
        return new(_config_from(args))
    trainer = runs.load_run(_resolve_run(name, args.runs_dir), designs)
    changes = {k: v for k, v in _named_settings(args).items() if v != getattr(trainer.config, k)}
    if frozen := sorted(set(changes) - LIVE_FIELDS):
        raise ValueError(f"--resume keeps the model of {name!r}: "
                         f"{', '.join('--' + k.replace('_', '-') for k in frozen)} cannot change (live settings can)")
    trainer.update(**changes)
    return trainer


def _train(args: argparse.Namespace) -> int:
    import time

    from mechgan import runs, tensorboard_log, user_data
    from mechgan.training import Trainer

    try:
        if args.resume and not args.name:
            raise ValueError("--resume needs the --name of the saved run to continue")
        name = runs.sanitize_run_name(args.name or time.strftime("run-%Y%m%d-%H%M%S"))
        designs = user_data.load_user_dataset(args.data) > 0.5 if args.data else None
        trainer = _trainer_of(args, name, lambda config: Trainer(config, designs), designs)
    except ValueError as e:  # DatasetError and SettingError are ValueErrors
        return _fail(str(e))
    writer = tensorboard_log.writer(args.tensorboard, name)
    _train_for(trainer, args, name, None if writer is None else lambda rec: tensorboard_log.record(writer, trainer, rec))
    path = runs.save_run(trainer, name, args.runs_dir, overwrite=args.overwrite or args.resume)
    if trainer.status != "ok":
        print(trainer.status_message, file=sys.stderr)
    print(f"saved {trainer.iteration} iterations to {path}")
    return 0 if trainer.status == "ok" else 1


def _train_for(trainer, args: argparse.Namespace, name: str, after=None) -> None:
    """Train until iteration ``--steps``, or for ``--minutes`` of wall time, under a progress bar;
    ``after(record)`` after each iteration.  Ctrl-C stops it: the caller saves the run so far."""
    from tqdm import tqdm

    bar = tqdm(total=None if args.minutes else args.steps, unit="it", desc=name)

    def progress(rec: dict) -> None:
        bar.update(1)
        bar.set_postfix(loss_d=f"{rec['loss_d']:.3f}", loss_g=f"{rec['loss_g']:.3f}",
                        d_real=f"{rec['d_real']:.2f}", d_fake=f"{rec['d_fake']:.2f}")
        if after is not None:
            after(rec)

    try:
        trainer.run(None if args.minutes else max(args.steps - trainer.iteration, 0), progress,
                    minutes=args.minutes or None)
    except KeyboardInterrupt:
        print("\ninterrupted: saving the run so far", file=sys.stderr)
    finally:
        bar.close()


def _resolve_run(run: str, runs_dir: str) -> Path:
    from mechgan import runs

    paths = (Path(run), Path(runs_dir) / runs.sanitize_run_name(run))
    for path in paths:
        if (path / "config.json").is_file():
            return path
    raise ValueError(f"no saved run {run!r} (looked for {paths[0]} and {paths[1]})")


def _sample(args: argparse.Namespace) -> int:
    from mechgan import runs
    from mechgan.training import generate_and_save

    try:
        trainer = runs.load_run(_resolve_run(args.run, args.runs_dir))
    except ValueError as e:
        return _fail(str(e))
    if args.n < 1:
        return _fail(f"--n must be at least 1, got {args.n}")
    path = generate_and_save(trainer, trainer.sample_noise(args.n, args.seed), args.out)
    print(f"wrote {args.n} samples to {path}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from mechgan import metrics, runs

    if args.run.endswith(".npz") or _is_conditional(args):
        return _evaluate_conditional(args)
    try:
        trainer = runs.load_run(_resolve_run(args.run, args.runs_dir))
    except ValueError as e:
        return _fail(str(e))
    report = metrics.quality_report(trainer.generate(trainer.sample_noise(args.n, args.seed)),
                                    compliance_samples=args.compliance_samples)
    print(f"quality of {args.n} samples after {trainer.iteration} iterations:")
    for key, value in report.items():
        print(f"  {key:22s} {value:.4f}" if isinstance(value, float) else f"  {key:22s} {value}")
    bar = ", ".join(str(c) for c in metrics.QUALITY_BAR.values())
    if metrics.passes_bar(report):
        print(f"PASS: meets the quality bar ({bar})")
        return 0
    print(f"FAIL: misses {', '.join(str(metrics.QUALITY_BAR[k]) for k in metrics.bar_failures(report))} "
          f"(bar: {bar})")
    return 1


def _is_conditional(args: argparse.Namespace) -> bool:
    from mechgan import runs

    try:
        return runs.is_conditional_run(_resolve_run(args.run, args.runs_dir))
    except ValueError:
        return False


def _evaluate_conditional(args: argparse.Namespace) -> int:
    """Physics against SIMP on the test and out-of-distribution cases, beside nearest-neighbour retrieval."""
    from mechgan import conditional, physics_metrics

    try:
        model = conditional.load_generator(args.run) if args.run.endswith(".npz") else _conditional_run(args)
    except ValueError as e:
        return _fail(str(e))
    print(f"physics against SIMP, one design per case (at most {args.n} cases a set):")
    print(physics_metrics.format_table(conditional.physics_table(model, args.n, args.seed)))
    return 0


def _conditional_run(args: argparse.Namespace):
    """The generator of the saved conditional run ``args.run``."""
    from mechgan import conditional, runs

    trainer = runs.load_run(_resolve_run(args.run, args.runs_dir))
    if not trainer.config.conditional:
        raise ValueError(f"{args.run} is not a conditional run (train one with `mechgan train-conditional`)")
    return conditional.ConditionalGenerator.of(trainer)


def _train_conditional(args: argparse.Namespace) -> int:
    from mechgan import conditional, runs

    try:
        name = runs.sanitize_run_name(args.name)
        trainer = _trainer_of(args, name, conditional.ConditionalTrainer)
    except ValueError as e:
        return _fail(str(e))

    def checkpoint(rec: dict) -> None:  # an interrupted training keeps its run
        if rec["iteration"] % args.save_every == 0:
            runs.save_run(trainer, name, args.runs_dir, overwrite=True)

    _train_for(trainer, args, name, checkpoint)
    path = runs.save_run(trainer, name, args.runs_dir, overwrite=True)
    print(f"saved {trainer.iteration} iterations ({trainer.seconds / 60:.1f} min of training) to {path}")
    if args.export:
        print(f"wrote the generator to {conditional.ConditionalGenerator.of(trainer).save(args.export)}")
    return 0 if trainer.status == "ok" else 1


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

        model = _conditional_run(args) if args.run else conditional.load_generator()
    except ValueError as e:
        return _fail(str(e))
    _warn_outside_trained_ranges(cases)
    start = time.perf_counter()
    designs = model.designs(cases, args.n, args.seed, args.polish)
    per_design = (time.perf_counter() - start) / (len(cases) * args.n)
    if args.cases is None:
        designs = designs[0]
    np.save(args.out, designs)
    polished = f", polished by {args.polish} SIMP iterations" if args.polish else ""
    print(f"wrote {len(cases) * args.n} designs ({designs.shape}, bool{polished}) to {args.out} "
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


def _fail(message: str) -> int:
    print(f"mechgan: error: {message}", file=sys.stderr)
    return 2


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
    b.add_argument("--family", choices=("shipped", "ood"), default="shipped",
                   help="cases of the shipped set, or the out-of-distribution test set "
                        "(default output: assets/designs_ood.npz)")
    b.set_defaults(func=_dataset_build)
    i = ds_sub.add_parser("info", help="count and material-level summary")
    i.add_argument("path", nargs="?", help="a dataset file (default: the shipped one)")
    i.set_defaults(func=_dataset_info)
    _add_run_commands(sub)
    _add_conditional_commands(sub)
    return parser


def _add_run_commands(sub) -> None:
    t = sub.add_parser("train", help="train a GAN and save the run")
    t.add_argument("--steps", type=int, default=1200, help="iterations (default: %(default)s, about 3 min on 2 cores)")
    t.add_argument("--minutes", type=float, help="train for this long instead of --steps")
    t.add_argument("--name", help="run name (default: run-<date>-<time>)")
    t.add_argument("--runs-dir", default="runs", help="where runs are saved (default: %(default)s)")
    t.add_argument("--overwrite", action="store_true", help="replace a saved run of the same name")
    t.add_argument("--resume", action="store_true", help="continue the saved run --name up to --steps; "
                   "the live settings named here apply from now on")
    t.add_argument("--data", help="a user dataset (.npy, .npz, .zip of PNGs) instead of the shipped one")
    t.add_argument("--tensorboard", metavar="DIR", help="also write TensorBoard summaries under DIR")
    _add_config_options(t)
    t.set_defaults(func=_train)
    s = sub.add_parser("sample", help="write a PNG grid of a saved run's samples")
    s.add_argument("run", help="run folder, or run name under --runs-dir")
    s.add_argument("--n", type=int, default=64)
    s.add_argument("--out", default="samples.png")
    s.add_argument("--seed", type=int, default=0, help="seed of the noise")
    s.add_argument("--runs-dir", default="runs")
    s.set_defaults(func=_sample)
    e = sub.add_parser("evaluate", help="quality report of a saved run (exit status 1 below the bar); "
                                        "for a conditional run or model (.npz), physics against SIMP")
    e.add_argument("run", help="run folder, or run name under --runs-dir, or a conditional model .npz")
    e.add_argument("--n", type=int, default=256, help="samples to evaluate (default: %(default)s)")
    e.add_argument("--seed", type=int, default=0, help="seed of the noise")
    e.add_argument("--compliance-samples", type=int, default=32,
                   help="designs whose compliance is solved for the compliance gap; 0 skips it")
    e.add_argument("--runs-dir", default="runs")
    e.set_defaults(func=_evaluate)


def _add_conditional_commands(sub) -> None:
    t = sub.add_parser("train-conditional", help="train a conditional GAN G(z, c), D(x, c) on the shipped "
                                                  "training split and save the run")
    t.add_argument("--steps", type=int, default=2000, help="iterations (default: %(default)s)")
    t.add_argument("--minutes", type=float, help="train for this long instead of --steps")
    t.add_argument("--name", default="conditional", help="run name (default: %(default)s)")
    t.add_argument("--runs-dir", default="runs", help="where runs are saved (default: %(default)s)")
    t.add_argument("--save-every", type=int, default=1000, help="checkpoint every this many iterations")
    t.add_argument("--resume", action="store_true", help="continue the saved run --name; "
                   "the live settings named here apply from now on")
    t.add_argument("--export", metavar="FILE.npz", help="also write the generator alone (as shipped in assets/)")
    _add_config_options(t)
    t.set_defaults(func=_train_conditional)
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
                        "(default: %(default)s, G's designs as they are)")
    d.add_argument("--out", required=True, help="output .npy file")
    d.add_argument("--seed", type=int, default=0, help="seed of the noise (the same noises for every case)")
    d.add_argument("--run", help="a saved conditional run instead of the shipped model")
    d.add_argument("--runs-dir", default="runs")
    d.set_defaults(func=_design)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
