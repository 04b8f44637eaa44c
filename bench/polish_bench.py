"""Polish: G proposes, SIMP finishes. G + K SIMP iterations against a cold SIMP stopped after K, and retrieval + K.

    python bench/polish_bench.py [--cases 24] [--seeds 3] [--mix 0.5] [--train] [--timing-cases 6] [--repeats 2]

Prints (nothing is asserted), for the held-out test split and the shipped OOD set (the first ``--cases`` of
each, ``conditional.evaluation_sets``): median |CE| against the case's converged SIMP design, FM8 (more than
one 8-connected piece), LD (no material under the load) and time per design, for K = 0 / 2 / 5 / 10 / 20:

* G + K: the shipped conditional G (one design per case and noise seed), then ``topopt.polish`` for K
  iterations (K = 0: G's binarized design), then made parts (``specification.prune_to_parts``), as
  ``mechgan design`` and the Design page deliver them; "FM8 drawn" is before that step; the time
  includes G's share of its batch;
* cold K: SIMP from the uniform density, stopped after K iterations and thresholded (one run per case,
  its state after each iteration, as a run stopped there returns it);
* retrieval + K: the nearest training design (by condition), then K iterations.

G's figures are the mean over the noise seeds with [min-max]; cold SIMP and retrieval draw no noise.
Times come from a pass of their own: real runs stopped at K, the three methods taking turns case by case
(the machine is shared: its load then falls on all alike), best of ``--repeats``, median over cases.
``--train`` adds training-split cases, where ``topopt.POLISH_MIX`` is chosen (``--mix``), not the sets
judged (retrieval returns a training case's own design there).
Then: the iterations a cold SIMP needs to reach G + 5's median |CE|, its time, and the targets of issue 20.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from mechgan import conditional, data, physics_metrics, topopt  # noqa: E402
from mechgan.specification import encode_condition, prune_to_parts, shipped_split  # noqa: E402

KS = (0, 2, 5, 10, 20)
FIGURES = ("median_abs_ce", "fm8_drawn", "fm8", "ld")


@dataclass
class Row:
    """One method at one K: a summary per noise seed (one only for a method without noise), and ms a design."""

    summaries: list[dict[str, float]]
    ms: float = float("nan")

    def cell(self, key: str) -> str:
        if key == "ms":
            return f"{self.ms:7.1f} ms"
        values = 100 * np.array([s[key] for s in self.summaries])
        text = f"{values.mean():7.2f} %"
        return text + (f" [{values.min():.2f}-{values.max():.2f}]" if len(values) > 1 else "")

    def mean(self, key: str) -> float:
        return float(np.mean([s[key] for s in self.summaries]))


def polished(designs: np.ndarray, cases: physics_metrics.Cases, k: int, mix: float) -> np.ndarray:
    """``designs`` after ``k`` polish iterations each (none for k = 0)."""
    if k == 0:
        return designs
    return np.array([topopt.polish(d, cases.load_case(i), float(cases.volfracs[i]), k, mix=mix).design
                     for i, d in enumerate(designs)])


def summary(designs: np.ndarray, cases: physics_metrics.Cases, prune: bool = False) -> dict[str, float]:
    """Physics of ``designs``, made parts first when ``prune``; "fm8_drawn" is their FM8 before (a count of
    pieces, as ``measure``'s: no second set of FE solves)."""
    fm8_drawn = float(np.mean([physics_metrics.pieces(d) != 1 for d in designs]))
    parts = prune_to_parts(designs, cases.rows) if prune else designs
    return physics_metrics.summarize(physics_metrics.measure(parts, cases)) | {"fm8_drawn": fm8_drawn}


def cold_runs(cases: physics_metrics.Cases) -> tuple[np.ndarray, np.ndarray]:
    """Cold SIMP on every case: (designs (its, n, 50, 50), CE (its, n)), row k-1 being the state a run stopped
    after k iterations returns; a run that converged earlier keeps its last state."""
    its = topopt.SimpSettings().max_iter
    designs, ce = np.zeros((its, len(cases), 50, 50), bool), np.zeros((its, len(cases)))
    for i in range(len(cases)):
        load, volfrac = cases.load_case(i), float(cases.volfracs[i])

        def record(it: int, densities: np.ndarray) -> None:
            designs[it - 1, i] = topopt.threshold_at_volume(densities, volfrac)
            ce[it - 1, i] = topopt.compliance(designs[it - 1, i], load) / cases.simp_compliance[i] - 1

        done = topopt.optimize(load, volfrac, on_iteration=record).iterations
        designs[done:, i], ce[done:, i] = designs[done - 1, i], ce[done - 1, i]
    return designs, ce


def timings(cases: physics_metrics.Cases, starts: dict[str, np.ndarray], plan: list[tuple[str, int]],
            n: int, repeats: int, mix: float) -> dict[tuple[str, int], float]:
    """ms a design of each (method, K) of ``plan``: real runs stopped at K, the methods taking turns case by
    case so the shared machine's load falls on all alike; best of ``repeats``, median over ``n`` cases."""
    best = {key: np.full(n, np.inf) for key in plan}
    for _ in range(repeats):
        for i in range(n):
            load, volfrac = cases.load_case(i), float(cases.volfracs[i])
            for who, k in plan:
                start = time.perf_counter()
                if who == "cold":
                    topopt.optimize(load, volfrac, settings=topopt.SimpSettings(max_iter=k))
                else:
                    topopt.polish(starts[who][i], load, volfrac, k, mix=mix)
                best[who, k][i] = min(best[who, k][i], time.perf_counter() - start)
    return {key: 1000 * float(np.median(v)) for key, v in best.items()}


def bench_set(name: str, cases: physics_metrics.Cases, model, retrieval, args: argparse.Namespace) -> dict:
    c = encode_condition(cases.rows, cases.angles, cases.volfracs)
    model.images(c[:2])  # the first call builds the graph's kernels
    rows: dict[tuple[str, int], Row] = {}
    starts = {"retrieval": retrieval.designs(c)}
    g_ms = []
    for seed in range(args.seeds):
        start = time.perf_counter()
        g = data.binarize(model.images(c, seed))
        g_ms.append(1000 * (time.perf_counter() - start) / len(c))
        starts.setdefault("G", g)
        for k in KS:
            row = rows.setdefault(("G", k), Row([]))
            row.summaries.append(summary(polished(g, cases, k, args.mix), cases, prune=True))
    for k in KS:
        rows["retrieval", k] = Row([summary(polished(starts["retrieval"], cases, k, args.mix), cases)])
    cold_designs, cold_ce = cold_runs(cases)
    for k in KS[1:]:
        rows["cold", k] = Row([summary(cold_designs[k - 1], cases)])
    catch_up = _catch_up(rows, cold_ce)
    plan = [(who, k) for k in KS[1:] for who in ("G", "cold", "retrieval")]
    plan += [("cold", k) for k in sorted(set(catch_up["iters"])) if ("cold", k) not in plan]
    ms = timings(cases, starts, plan, min(args.timing_cases, len(cases)), args.repeats, args.mix)
    for (who, k), value in ms.items():
        if (who, k) in rows:
            rows[who, k].ms = value + (np.mean(g_ms) if who == "G" else 0.0)
    rows["G", 0].ms, rows["retrieval", 0].ms = float(np.mean(g_ms)), 0.0
    _print_set(name, len(cases), args, rows)
    _print_catch_up(catch_up, rows, ms, cold_ce)
    return {"rows": rows, "catch_up": catch_up, "ms": ms}


def _print_set(name: str, n: int, args: argparse.Namespace, rows: dict[tuple[str, int], Row]) -> None:
    print(f"\n{name}: {n} cases, G over {args.seeds} noise seeds (mean [min-max]); time a design: "
          f"best of {args.repeats}, median over {min(args.timing_cases, n)} cases, G's designs of seed 0")
    print(f"{'':16s}{'median |CE|':>26s}{'FM8 drawn':>26s}{'FM8':>26s}{'LD':>26s}{'time/design':>14s}")
    for k in KS:
        for who, label in (("G", f"G + {k}"), ("cold", f"cold SIMP {k}"), ("retrieval", f"retrieval + {k}")):
            if (who, k) in rows:
                r = rows[who, k]
                print(f"{label:16s}" + "".join(f"{r.cell(key):>26s}" for key in FIGURES) + f"{r.cell('ms'):>14s}")


def _catch_up(rows: dict[tuple[str, int], Row], cold_ce: np.ndarray) -> dict:
    """Seed by seed, the cold iterations that first reach G + 5's median |CE| (the last if none does)."""
    curve = np.median(np.abs(cold_ce), axis=1)  # cold median |CE| after 1, 2, ... iterations
    targets = [s["median_abs_ce"] for s in rows["G", 5].summaries]
    iters = [int(np.argmax(curve <= t)) + 1 if (curve <= t).any() else len(curve) for t in targets]
    return {"g5_ce": targets, "iters": iters, "reached": [bool((curve <= t).any()) for t in targets]}


def _print_catch_up(catch_up: dict, rows: dict[tuple[str, int], Row], ms: dict, cold_ce: np.ndarray) -> None:
    cold_ms = [ms["cold", k] for k in catch_up["iters"]]
    ratio = rows["G", 5].ms / np.array(cold_ms)
    catch_up["ratio"] = ratio
    iters = ", ".join(str(k) if ok else f">{k}" for k, ok in zip(catch_up["iters"], catch_up["reached"]))
    print(f"cold SIMP to G + 5's median |CE| ({_spread(catch_up['g5_ce'], 100, ' %')}): {iters} iterations "
          f"(per seed), {_spread(cold_ms, 1, ' ms')} a design, against {rows['G', 5].ms:.1f} ms for G + 5: "
          f"time ratio {_spread(ratio, 1, '')}; cold SIMP to its end: median |CE| "
          f"{100 * np.median(np.abs(cold_ce[-1])):.2f} %")


def _spread(values, scale: float, unit: str) -> str:
    v = scale * np.asarray(values, float)
    return f"{v.mean():.2f}{unit} [{v.min():.2f}-{v.max():.2f}]"


def _targets(test: dict, ood: dict) -> None:
    g5 = test["rows"]["G", 5]
    print("\ntargets (issue 20), on the means above:")
    print(f"  test: G + 5 median |CE| <= 1 %: {100 * g5.mean('median_abs_ce'):.2f} %; FM8 <= 1 %: "
          f"{100 * g5.mean('fm8'):.2f} % as parts ({100 * g5.mean('fm8_drawn'):.2f} % as drawn); "
          "time <= 1/4 of a cold SIMP to the same median |CE|: "
          f"worst seed {max(test['catch_up']['ratio']):.2f}")
    for k in (5, 10):
        g, cold, ret = (ood["rows"][who, k] for who in ("G", "cold", "retrieval"))
        verdict = {key: "yes" if g.mean(key) < min(cold.mean(key), ret.mean(key)) else "no"
                   for key in ("median_abs_ce", "fm8")}
        print(f"  OOD, K = {k}: G + K below cold {k} and retrieval + {k}: median |CE| {verdict['median_abs_ce']} "
              f"({100 * g.mean('median_abs_ce'):.2f} / {100 * cold.mean('median_abs_ce'):.2f} / "
              f"{100 * ret.mean('median_abs_ce'):.2f} %), FM8 {verdict['fm8']} ({100 * g.mean('fm8'):.2f} / "
              f"{100 * cold.mean('fm8'):.2f} / {100 * ret.mean('fm8'):.2f} %); void under the load: "
              f"{100 * g.mean('ld'):.2f} % of G + {k}'s designs (target 0)")
    r5 = test["rows"]["retrieval", 5]
    print(f"  in distribution, retrieval + 5: median |CE| {100 * r5.mean('median_abs_ce'):.2f} %, FM8 "
          f"{100 * r5.mean('fm8'):.2f} %, against G + 5's {100 * g5.mean('median_abs_ce'):.2f} % and "
          f"{100 * g5.mean('fm8'):.2f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=24, help="cases a set (default: %(default)s)")
    parser.add_argument("--seeds", type=int, default=3, help="noise seeds for G (default: %(default)s)")
    parser.add_argument("--mix", type=float, default=topopt.POLISH_MIX,
                        help="share of the uniform volume in a polish's start (default: %(default)s)")
    parser.add_argument("--train", action="store_true", help="also training-split cases (where the mix is chosen)")
    parser.add_argument("--timing-cases", type=int, default=6, help="cases a set timed (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=2, help="timed runs a case, the best counts "
                                                                "(default: %(default)s)")
    args = parser.parse_args()
    model, retrieval = conditional.load_generator(), conditional.Retrieval.shipped()
    print(f"polish bench: the shipped conditional G ({model.meta.get('iterations')} iterations), start mix "
          f"{args.mix}")
    start = time.perf_counter()
    sets = conditional.evaluation_sets(args.cases)
    if args.train:
        split = shipped_split()
        picks = split.train[::len(split.train) // args.cases][:args.cases]
        sets = {"train": physics_metrics.Cases.of(split.dataset, picks), **sets}
    results = {name: bench_set(name, cases, model, retrieval, args) for name, cases in sets.items()}
    _targets(results["test"], results["ood"])
    print(f"\nbench wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
