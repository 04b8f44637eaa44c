"""Connectivity bench: G's connect penalty at some weights against none, on fresh default runs.

Trains the default config for ``--iterations`` at each seed with the connect
penalty at each ``--weights`` and without it.  Seeds go round the settings in
turn, so a slow spell of the shared machine falls on all of them.  For each run,
``--n`` samples (noise drawn by the run's seed) are scored: FM8 / FM4 (share of
samples whose solid is not one 8- / 4-connected piece, as
``metrics.floating_rate``), the W1 of material and the recall against the shipped
designs, and the training time per iteration (after a warm-up) as a ratio to the
first setting's mean.  Every figure: mean ± standard deviation over the seeds.
``--ablate`` swaps the penalty's mask for a variant (see ``ablate``) and runs the
weights alone; ``--conditional`` adds a one-seed conditional check (FM8 on the
test split's cases, 8 noises each).  The figures behind the penalty's shape are
in docs/decisions.md.  Usage::

    nice -n 10 python bench/connect_bench.py [--iterations 1200] [--seeds 3] [--n 1000] [--weights 10]
"""
from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from scipy import ndimage  # noqa: E402

from mechgan import data, losses, metrics, pieces  # noqa: E402
from mechgan.config import TrainConfig  # noqa: E402
from mechgan.training import Trainer  # noqa: E402

FIGURES = ("FM8", "FM4", "W1", "recall", "ms/it", "time ratio")


def settings(weights: list[float], only_connect: bool = False) -> dict[str, dict]:
    connect = {f"(b) connect {w:g}": {"connect_weight": w} for w in weights}
    return connect if only_connect else {**connect, "(c) neither": {"connect_weight": 0.0}}


def ablate(variant: str) -> None:
    """Swap the connect penalty's mask for a variant, to see what its shape is worth:
    ``any_size``: every piece cut off from the structure is pushed, not only the specks;
    ``no_load``: the structure is the largest clamped piece, the load ignored (the old speck penalty's)."""
    def any_size(images, load_rows, **kw):
        return pieces.connect_mask(images, load_rows, max_pixels=np.asarray(images)[0].size, **kw)

    def no_load(images, load_rows, **kw):
        return pieces.connect_mask(images, np.tile([0, -1], (len(images), 1)), **kw)

    losses.connect_mask = {"any_size": any_size, "no_load": no_load}[variant]


def fm4(designs: np.ndarray) -> float:
    """Share of bool designs whose solid is not one 4-connected piece."""
    return float(np.mean([ndimage.label(d)[1] != 1 for d in designs]))


def scores(images: np.ndarray, reference) -> dict[str, float]:
    report = metrics.quality_report(images, reference=reference, compliance_samples=0)
    return {"FM8": report["floating_rate"], "FM4": fm4(data.binarize(images)),
            "W1": report["material_w1"], "recall": report["recall"]}


def unconditional(args, reference) -> None:
    runs: dict[str, list[dict]] = {name: [] for name in settings(args.weights, bool(args.ablate))}
    for seed in range(args.seeds):
        for name, changes in settings(args.weights, bool(args.ablate)).items():
            trainer = Trainer(TrainConfig(seed=seed, **changes))
            row = {"ms/it": _trained(trainer, args.iterations)}
            row = scores(trainer.generate(trainer.sample_noise(args.n, seed)), reference) | row
            runs[name].append(row)
            print(f"seed {seed} {name:16s} " + "  ".join(f"{k} {v:.4f}" for k, v in row.items()), flush=True)
    base_name = next(iter(runs))
    base = np.mean([r["ms/it"] for r in runs[base_name]])
    for rows in runs.values():
        for r in rows:
            r["time ratio"] = r["ms/it"] / base
    print(f"\n{args.iterations} iterations, {args.n} samples, {args.seeds} seeds (mean ± std over seeds), "
          f"time ratio against {base_name}" + (f", ablation {args.ablate}" if args.ablate else ""))
    print(f"{'setting':18s}" + "".join(f"{k:>18s}" for k in FIGURES))
    for name, rows in runs.items():
        print(f"{name:18s}" + "".join(f"{_spread([r[k] for r in rows]):>18s}" for k in FIGURES))


def _trained(trainer: Trainer, iterations: int, warm_up: int = 20) -> float:
    """Train ``iterations``; the ms per iteration after the first ``warm_up`` (which hold the tracing)."""
    trainer.run(warm_up)
    start = trainer.seconds
    trainer.run(iterations - warm_up)
    return 1000 * (trainer.seconds - start) / (iterations - warm_up)


def _spread(values: list[float]) -> str:
    return f"{np.mean(values):.3f} ± {np.std(values):.3f}"


def conditional(args, reference) -> None:
    from mechgan.conditional import ConditionalGenerator, ConditionalTrainer
    from mechgan.specification import shipped_split

    split = shipped_split()
    cases = split.conditions[split.test]
    print(f"\nconditional, seed 0, {args.iterations} iterations, FM8 on {len(cases)} test cases x 8 noises")
    for name, changes in settings(args.weights, bool(args.ablate)).items():
        trainer = ConditionalTrainer(TrainConfig(conditional=True, **changes))
        ms = _trained(trainer, args.iterations)
        images = ConditionalGenerator.of(trainer).images(np.repeat(cases, 8, axis=0))
        designs = data.binarize(images)
        print(f"{name:18s} FM8 {metrics.floating_rate(designs):.3f}  FM4 {fm4(designs):.3f}  "
              f"ms/it {ms:.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=1200)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n", type=int, default=1000, help="samples scored per run")
    parser.add_argument("--weights", type=float, nargs="+", default=[10.0], help="connect weights tried")
    parser.add_argument("--conditional", action="store_true", help="add the one-seed conditional check")
    parser.add_argument("--skip-unconditional", action="store_true")
    parser.add_argument("--ablate", choices=("any_size", "no_load"), help="swap the penalty's mask for a variant "
                        "(the connect rows only, see ablate)")
    args = parser.parse_args()
    if args.ablate:
        ablate(args.ablate)
    reference = metrics.build_reference()
    print(f"{os.cpu_count()} CPU cores; default config: {TrainConfig()}", flush=True)
    if not args.skip_unconditional:
        unconditional(args, reference)
    if args.conditional:
        conditional(args, reference)


if __name__ == "__main__":
    main()
