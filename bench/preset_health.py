"""What the Lab's health box says for each preset, on the Lab's default networks or the tests' small ones.

    python bench/preset_health.py [--size default|small] [--steps 300] [--every 50] [--preset balanced ...]

Prints, every ``--every`` iterations of a fresh run of each preset (seed 0), every health finding (the box
shows the first), D's mean scores of reals and fakes over the last 20 records, and the swing (mean jump
of D's scores a record) against the gap between them, the two numbers ``app.health`` compares to call a
run oscillating.  tests/app/test_preset_health.py holds the small size to the descriptions.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from app.health import _swing, diagnose  # noqa: E402
from app.views import ViewMaker  # noqa: E402
from app.worker import Snapshot  # noqa: E402
from mechgan import data  # noqa: E402
from mechgan.config import TrainConfig  # noqa: E402
from mechgan.presets import PRESETS  # noqa: E402
from mechgan.training import Trainer  # noqa: E402

SIZES = {"default": TrainConfig(), "small": TrainConfig(nf=8, latent_dim=16, batch_size=16, seed=0)}


def checkpoint(trainer: Trainer, real_diversity: float) -> str:
    samples, scores = trainer.scored_fixed_samples()
    snap = Snapshot(state="paused", config=trainer.config, history=tuple(trainer.history), samples=samples,
                    sample_scores=scores, sample_iteration=trainer.iteration, iteration=trainer.iteration)
    found = ",".join(f.key for f in diagnose(snap, real_diversity)) or "-"
    last = trainer.history[-20:]
    real, fake = (np.mean([r[k] for r in last]) for k in ("d_real", "d_fake"))
    swing, gap = _swing(trainer.history) or (0.0, 0.0)
    return f"{trainer.iteration}: {found} (D(real) {real:.2f}, D(fake) {fake:.2f}, swing {swing:.3f} / gap {gap:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="default")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--every", type=int, default=50)
    parser.add_argument("--preset", nargs="*", default=list(PRESETS))
    args = parser.parse_args()
    designs = data.load_designs()
    real_diversity = ViewMaker.diversity(designs[:64])
    for name in args.preset:
        start = time.perf_counter()
        trainer = Trainer(PRESETS[name].apply(SIZES[args.size]), designs)
        print(f"{name} ({args.size} networks)", flush=True)
        while trainer.iteration < args.steps and trainer.status == "ok":
            trainer.run(args.every)
            print("  " + checkpoint(trainer, real_diversity), flush=True)
        print(f"  status {trainer.status}, {time.perf_counter() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
