"""The ``mechgan`` command: thin argument parsing over the library."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mechgan.cli_common import conditional_run, fail, resolve_run
from mechgan.cli_design import add_design_command


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
    trainer = runs.load_run(resolve_run(name, args.runs_dir), designs)
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
        return fail(str(e))
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

    bar = tqdm(total=None if args.minutes else args.steps, initial=trainer.iteration, unit="it", desc=name)

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


def _sample(args: argparse.Namespace) -> int:
    from mechgan import runs
    from mechgan.training import generate_and_save

    try:
        trainer = runs.load_run(resolve_run(args.run, args.runs_dir))
    except ValueError as e:
        return fail(str(e))
    if args.n < 1:
        return fail(f"--n must be at least 1, got {args.n}")
    path = generate_and_save(trainer, trainer.sample_noise(args.n, args.seed), args.out)
    print(f"wrote {args.n} samples to {path}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    """The quality report of a saved run's samples as drawn (its verdict is the exit status), beside the
    same samples as parts; a conditional model's physics."""
    from mechgan import data, metrics, pieces, runs

    if args.run.endswith(".npz") or _is_conditional(args):
        return _evaluate_conditional(args)
    try:
        trainer = runs.load_run(resolve_run(args.run, args.runs_dir))
    except ValueError as e:
        return fail(str(e))
    images = trainer.generate(trainer.sample_noise(args.n, args.seed))
    report = metrics.quality_report(images, compliance_samples=args.compliance_samples)
    parts = metrics.quality_report(pieces.prune(data.binarize(images)), compliance_samples=0)
    print(f"quality of {args.n} samples after {trainer.iteration} iterations, as drawn and as parts "
          "(the pieces cut off from the clamped one removed):")
    print(f"  {'':22s} {'drawn':>8s} {'parts':>8s}")
    for key, value in report.items():  # a part's binarity is 1 and its compliance that of the design drawn
        print(f"  {key:22s} {value:8.4f}" + ("" if key in ("binarity", "compliance_gap") else f" {parts[key]:8.4f}"))
    bar = ", ".join(str(c) for c in metrics.QUALITY_BAR.values())
    print(f"as parts: {_verdict(parts)}")
    print(f"as drawn: {_verdict(report)} (bar: {bar}; the exit status)")
    return 0 if metrics.passes_bar(report) else 1


def _verdict(report: dict) -> str:
    from mechgan import metrics

    missed = metrics.bar_failures(report)
    return f"FAIL: misses {', '.join(str(metrics.QUALITY_BAR[k]) for k in missed)}" if missed else \
        "PASS: meets the quality bar"


def _is_conditional(args: argparse.Namespace) -> bool:
    from mechgan import runs

    try:
        return runs.is_conditional_run(resolve_run(args.run, args.runs_dir))
    except ValueError:
        return False


def _evaluate_conditional(args: argparse.Namespace) -> int:
    """Physics against SIMP on the test and out-of-distribution cases, beside nearest-neighbour retrieval."""
    from mechgan import conditional, physics_metrics

    try:
        model = conditional.load_generator(args.run) if args.run.endswith(".npz") else conditional_run(args)
    except ValueError as e:
        return fail(str(e))
    print(f"physics against SIMP, one design per case (at most {args.n} cases a set):")
    print(physics_metrics.format_table(conditional.physics_table(model, args.n, args.seed)))
    return 0


def _train_conditional(args: argparse.Namespace) -> int:
    from mechgan import conditional, runs

    try:
        name = runs.sanitize_run_name(args.name)
        trainer = _trainer_of(args, name, conditional.ConditionalTrainer)
    except ValueError as e:
        return fail(str(e))

    def checkpoint(rec: dict) -> None:  # an interrupted training keeps its run
        if rec["iteration"] % args.save_every == 0:
            runs.save_run(trainer, name, args.runs_dir, overwrite=True)

    _train_for(trainer, args, name, checkpoint)
    path = runs.save_run(trainer, name, args.runs_dir, overwrite=True)
    print(f"saved {trainer.iteration} iterations ({trainer.seconds / 60:.1f} min of training) to {path}")
    if args.export:
        print(f"wrote the generator to {conditional.ConditionalGenerator.of(trainer).save(args.export)}")
    return 0 if trainer.status == "ok" else 1


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
    add_design_command(sub)
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
