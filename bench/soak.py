"""A semester on one server: several waves of a class, each trains, saves and leaves.

    python bench/soak.py --waves 4 --students 20 --seconds 45

One ``streamlit run`` server (bench/load_test.py's machinery) meets ``--waves``
classes in a row: each student opens the Lab, presses Play, keeps the page live
for ``--seconds``, saves the run and closes the tab.  After each wave's cleanup
(short idle times) it prints the server's RSS, the live workers left and the
growth against the previous wave.  What matters for a server that runs all
semester: from the second wave on, memory after cleanup does not grow (target
<= 2 % a wave); the first wave's rise over the baseline is a one-off.
``--env KEY=VALUE`` sets the server's environment, e.g. ``MALLOC_ARENA_MAX=2``
as the Docker image does, to compare allocator settings in one command each.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import count_live_workers, sample_server, serve, settle_rss, warm_up, wave  # noqa: E402

GROWTH_TARGET = 0.02


@dataclass
class Wave:
    after_mb: float
    peak_mb: float
    live_after: int
    trained: int
    saved: int
    errors: list[str]


@dataclass
class SoakReport:
    students: int
    seconds: float
    env: dict[str, str]
    baseline_mb: float = float("nan")
    startup_s: float = float("nan")
    waves: list[Wave] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    traceback_in_log: bool = False

    def growth(self) -> list[float]:
        """Memory after each wave's cleanup against the previous wave's (the first: against the baseline)."""
        before = [self.baseline_mb] + [w.after_mb for w in self.waves[:-1]]
        return [w.after_mb / b - 1.0 for w, b in zip(self.waves, before)]

    def lines(self) -> list[str]:
        settings = " ".join(f"{k}={v}" for k, v in self.env.items()) or "default allocator settings"
        out = [f"{len(self.waves)} waves of {self.students} students, {self.seconds:.0f} s of Play each, then "
               f"Save and close; {settings}; server ready in {self.startup_s:.1f} s",
               f"baseline (one student came and left) {self.baseline_mb:.0f} MB"]
        for i, (w, g) in enumerate(zip(self.waves, self.growth()), 1):
            against = "baseline" if i == 1 else f"wave {i - 1}"
            out.append(f"wave {i}: peak {w.peak_mb:.0f} MB, after cleanup {w.after_mb:.0f} MB ({g:+.1%} on {against}; "
                       f"{w.after_mb / self.baseline_mb - 1:+.1%} on baseline); {w.trained} trained, {w.saved} saved, "
                       f"{w.live_after} workers left, {len(w.errors)} errors")
        later = self.growth()[1:]
        if later:
            out.append(f"growth a wave from wave 2 on: max {max(later):+.1%}, mean {sum(later) / len(later):+.1%} "
                       f"(target <= {GROWTH_TARGET:+.0%})")
        out.append(f"errors: {len(self.errors)}" + (f" (first: {self.errors[0]})" if self.errors else "")
                   + ("; a traceback in the server log" if self.traceback_in_log else ""))
        return out


async def _drive(server, report: SoakReport, waves: int, idle_wait: float, stagger: float) -> None:
    report.baseline_mb, warm_errors = await warm_up(server, idle_wait)
    report.errors += warm_errors
    for i in range(waves):
        stop, health, rss = asyncio.Event(), [], []
        sampler = asyncio.create_task(sample_server(server.port, server.proc.pid, health, rss, stop))
        errors: list[str] = []
        results = await wave(server.port, report.students, report.seconds, stagger, f"wave{i + 1}-student",
                             errors)
        stop.set()
        await sampler
        after = await settle_rss(server.proc.pid, idle_wait)
        errors += [f"student {j}: {e}" for j, r in enumerate(results) for e in r.errors]
        report.waves.append(Wave(after, max(rss + [after]), await count_live_workers(server.port),
                                 sum(r.last_iteration is not None and r.last_iteration > 0 for r in results),
                                 sum(r.saved for r in results), errors))
        report.errors += [f"wave {i + 1}: {e}" for e in errors]
        print(report.lines()[2 + i], flush=True)


def soak(waves: int, students: int, seconds: float, idle_pause_s: float = 12.0, idle_free_s: float = 12.0,
         max_training: int | None = None, slice_s: float | None = None, stagger_s: float = 0.25,
         env: dict[str, str] | None = None, log_path: Path | None = None) -> SoakReport:
    """Start a server, send ``waves`` classes through it, stop it; every figure in a :class:`SoakReport`."""
    report = SoakReport(students, seconds, dict(env or {}))
    budget = waves * (seconds + students * stagger_s + 2 * idle_free_s + 600)
    report.startup_s, errors, report.traceback_in_log = serve(
        lambda server, idle_wait: _drive(server, report, waves, idle_wait, stagger_s), budget, idle_pause_s,
        idle_free_s, max_training, slice_s, log_path=log_path, env=env)
    report.errors += errors
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waves", type=int, default=4, help="classes that come and leave, one after the other")
    parser.add_argument("--students", type=int, default=20, help="simulated students a wave")
    parser.add_argument("--seconds", type=float, default=45, help="seconds each student keeps Play on")
    parser.add_argument("--max-training", type=int, default=None, help="MECHGAN_MAX_TRAINING (default: cores)")
    parser.add_argument("--slice", type=float, default=None, help="MECHGAN_SLICE_S: a run's turn while others wait")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="server environment, e.g. MALLOC_ARENA_MAX=2 (repeatable)")
    parser.add_argument("--log", type=Path, help="server log (default: a temp file)")
    args = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env)
    report = soak(args.waves, args.students, args.seconds, max_training=args.max_training, slice_s=args.slice,
                  env=env, log_path=args.log)
    print("\n".join(report.lines()))
    later = report.growth()[1:]
    return 0 if not report.errors and all(g <= GROWTH_TARGET for g in later) else 1


if __name__ == "__main__":
    sys.exit(main())
