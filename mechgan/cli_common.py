"""What the ``mechgan`` commands share: finding a saved run, and failing in one line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def resolve_run(run: str, runs_dir: str) -> Path:
    from mechgan import runs

    paths = (Path(run), Path(runs_dir) / runs.sanitize_run_name(run))
    for path in paths:
        if (path / "config.json").is_file():
            return path
    raise ValueError(f"no saved run {run!r} (looked for {paths[0]} and {paths[1]})")


def conditional_run(args: argparse.Namespace):
    """The generator of the saved conditional run ``args.run``."""
    from mechgan import conditional, runs

    trainer = runs.load_run(resolve_run(args.run, args.runs_dir))
    if not trainer.config.conditional:
        raise ValueError(f"{args.run} is not a conditional run (train one with `mechgan train-conditional`)")
    return conditional.ConditionalGenerator.of(trainer)


def fail(message: str) -> int:
    print(f"mechgan: error: {message}", file=sys.stderr)
    return 2
