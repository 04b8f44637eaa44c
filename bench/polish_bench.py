"""Polish: G proposes, SIMP finishes. G + K SIMP iterations against a cold SIMP stopped after K, and retrieval + K.

    python bench/polish_bench.py [--cases 24] [--seeds 3] [--mix 0.5] [--train]

Prints (nothing is asserted), for the held-out test split and the shipped OOD set (the first ``--cases`` of
each, ``conditional.evaluation_sets``): median |CE| against the case's converged SIMP design, FM8 (more than
one 8-connected piece), LD (no material under the load) and time per design, for K = 0 / 2 / 5 / 10 / 20:

* G + K: the shipped conditional G (one design per case and noise seed), then ``topopt.polish`` for K
  iterations (K = 0: G's binarized design); the time includes G's share of its batch;
* cold K: SIMP from the uniform density, stopped after K iterations and thresholded (one run per case,
  its state after each iteration, as a run stopped there returns it);
* retrieval + K: the nearest training design (by condition), then K iterations.

G's figures are the mean over the noise seeds with [min-max]; cold SIMP and retrieval draw no noise.
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
from mechgan.specification import encode_condition  # noqa: E402

KS = (0, 2, 5, 10, 20)
FIGURES = ("median_abs_ce", "fm8", "ld")


@dataclass
class Row:
    """One method at one K: a summary per noise seed (one only for a method without noise) and ms a design."""

    summaries: list[dict[str, float]]
    ms: list[float]

    def cell(self, key: str) -> str:
        values = np.array([s[key] for s in self.summaries]) if key != "ms" else np.array(self.ms)
        scale, unit = (1, " ms") if key == "ms" else (100, " %")
        text = f"{scale * values.mean():7.2f}{unit}"
        return text + (f" [{scale * values.min():.2f}-{scale * values.max():.2f}]" if len(values) > 1 else "")

    def mean(self, key: str) -> float:
        return float(np.mean([s[key] for s in self.summaries]))


def polished(designs: np.ndarray, cases: physics_metrics.Cases, k: int, mix: float) -> tuple[np.ndarray, float]:
    """``designs`` after ``k`` polish iterations each, and the median seconds a design."""
    if k == 0:
        return designs, 0.0
    out, seconds = [], []
    for i, d in enumerate(designs):
        start = time.perf_counter()
        out.append(topopt.polish(d, cases.load_case(i), float(cases.volfracs[i]), k, mix=mix).design)
        seconds.append(time.perf_counter() - start)
    return np.array(out), float(np.median(seconds))


def cold_runs(cases: physics_metrics.Cases) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cold SIMP on every case: (designs (its, n, 50, 50), CE (its, n), seconds (its, n)), row k-1 being the
    state a run stopped after k iterations returns; a run that converged earlier keeps its last state.

    A run's time to k is its solver time up to iteration k plus the threshold and compliance of that state
    (what a run stopped there does); the bench's own bookkeeping is not counted."""
    its = topopt.SimpSettings().max_iter
    designs = np.zeros((its, len(cases), 50, 50), bool)
    ce, seconds = np.zeros((its, len(cases))), np.zeros((its, len(cases)))
    for i in range(len(cases)):
        load, volfrac = cases.load_case(i), float(cases.volfracs[i])
        clock = {"solver": 0.0, "since": time.perf_counter()}

        def record(it: int, densities: np.ndarray) -> None:
            now = time.perf_counter()
            clock["solver"] += now - clock["since"]
            designs[it - 1, i] = topopt.threshold_at_volume(densities, volfrac)
            ce[it - 1, i] = topopt.compliance(designs[it - 1, i], load) / cases.simp_compliance[i] - 1
            seconds[it - 1, i] = clock["solver"] + time.perf_counter() - now
            clock["since"] = time.perf_counter()

        done = topopt.optimize(load, volfrac, on_iteration=record).iterations
        for a in (designs, ce, seconds):
            a[done:, i] = a[done - 1, i]
    return designs, ce, seconds


def bench_set(name: str, cases: physics_metrics.Cases, model, retrieval, seeds: int, mix: float) -> dict:
    c = encode_condition(cases.rows, cases.angles, cases.volfracs)
    model.images(c[:2])  # the first call builds the graph's kernels
    rows: dict[tuple[str, int], Row] = {}
    for seed in range(seeds):
        start = time.perf_counter()
        g = data.binarize(model.images(c, seed))
        g_seconds = (time.perf_counter() - start) / len(c)
        for k in KS:
            designs, seconds = polished(g, cases, k, mix)
            row = rows.setdefault(("G", k), Row([], []))
            row.summaries.append(physics_metrics.summarize(physics_metrics.measure(designs, cases)))
            row.ms.append(1000 * (g_seconds + seconds))
    for k in KS:
        designs, seconds = polished(retrieval.designs(c), cases, k, mix)
        rows[("retrieval", k)] = Row([physics_metrics.summarize(physics_metrics.measure(designs, cases))],
                                     [1000 * seconds])
    cold_designs, cold_ce, cold_seconds = cold_runs(cases)
    for k in KS[1:]:
        rows[("cold", k)] = Row([physics_metrics.summarize(physics_metrics.measure(cold_designs[k - 1], cases))],
                                [1000 * float(np.median(cold_seconds[k - 1]))])
    _print_set(name, len(cases), seeds, rows)
    return _catch_up(rows, cold_ce, cold_seconds)


def _print_set(name: str, n: int, seeds: int, rows: dict[tuple[str, int], Row]) -> None:
    print(f"\n{name}: {n} cases, G over {seeds} noise seeds (mean [min-max])")
    print(f"{'':16s}{'median |CE|':>26s}{'FM8':>26s}{'LD':>26s}{'time/design':>30s}")
    for k in KS:
        for who, label in (("G", f"G + {k}"), ("cold", f"cold SIMP {k}"), ("retrieval", f"retrieval + {k}")):
            if (who, k) in rows:
                r = rows[who, k]
                print(f"{label:16s}" + "".join(f"{r.cell(key):>26s}" for key in FIGURES) + f"{r.cell('ms'):>30s}")


def _catch_up(rows: dict[tuple[str, int], Row], cold_ce: np.ndarray, cold_seconds: np.ndarray) -> dict:
    """The cold iterations (and ms a design) that first reach G + 5's median |CE|, seed by seed."""
    curve = np.median(np.abs(cold_ce), axis=1)  # cold median |CE| after 1, 2, ... iterations
    g5 = rows["G", 5]
    out = {"g5_ce": [s["median_abs_ce"] for s in g5.summaries], "g5_ms": g5.ms, "iters": [], "cold_ms": []}
    for target in out["g5_ce"]:
        reached = np.flatnonzero(curve <= target)
        k = int(reached[0]) if reached.size else len(curve) - 1
        out["iters"].append(k + 1 if reached.size else None)
        out["cold_ms"].append(1000 * float(np.median(cold_seconds[k])))
    full = np.median(cold_seconds[-1])
    print(f"cold SIMP to G + 5's median |CE| ({_spread(out['g5_ce'], 100, '%')}): "
          f"{', '.join(str(i) if i else f'>{len(curve)}' for i in out['iters'])} iterations (per seed), "
          f"{_spread(out['cold_ms'], 1, 'ms')} a design, against {_spread(out['g5_ms'], 1, 'ms')} for G + 5: "
          f"ratio {_spread(np.array(out['g5_ms']) / np.array(out['cold_ms']), 1, '')}; "
          f"a cold SIMP run to its end: {1000 * full:.0f} ms, median |CE| {100 * curve[-1]:.2f} %")
    out["rows"] = rows
    return out


def _spread(values, scale: float, unit: str) -> str:
    v = scale * np.asarray(values, float)
    return f"{v.mean():.2f}{unit} [{v.min():.2f}-{v.max():.2f}]"


def _targets(test: dict, ood: dict) -> None:
    g5 = test["rows"]["G", 5]
    ratio = max(np.array(test["g5_ms"]) / np.array(test["cold_ms"]))
    print("\ntargets (issue 20), on the means above:")
    print(f"  test: G + 5 median |CE| <= 1 %: {100 * g5.mean('median_abs_ce'):.2f} %; FM8 <= 1 %: "
          f"{100 * g5.mean('fm8'):.2f} %; time <= 1/4 of a cold SIMP to the same median |CE|: "
          f"worst seed {ratio:.2f}")
    for k in (5, 10):
        g, cold, ret = (ood["rows"][who, k] for who in ("G", "cold", "retrieval"))
        verdict = {key: "yes" if g.mean(key) < min(cold.mean(key), ret.mean(key)) else "no"
                   for key in ("median_abs_ce", "fm8")}
        print(f"  OOD, K = {k}: G + K below cold {k} and retrieval + {k}: median |CE| {verdict['median_abs_ce']} "
              f"({100 * g.mean('median_abs_ce'):.2f} / {100 * cold.mean('median_abs_ce'):.2f} / "
              f"{100 * ret.mean('median_abs_ce'):.2f} %), FM8 {verdict['fm8']} ({100 * g.mean('fm8'):.2f} / "
              f"{100 * cold.mean('fm8'):.2f} / {100 * ret.mean('fm8'):.2f} %); void under the load: "
              f"{100 * g.mean('ld'):.2f} % of G + {k}'s designs (target 0)")
    r5, g5 = test["rows"]["retrieval", 5], test["rows"]["G", 5]
    print(f"  in distribution, retrieval + 5: median |CE| {100 * r5.mean('median_abs_ce'):.2f} % against "
          f"G + 5's {100 * g5.mean('median_abs_ce'):.2f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=24, help="cases a set (default: %(default)s)")
    parser.add_argument("--seeds", type=int, default=3, help="noise seeds for G (default: %(default)s)")
    parser.add_argument("--mix", type=float, default=topopt.POLISH_MIX,
                        help="share of the uniform volume in a polish's start (default: %(default)s)")
    parser.add_argument("--train", action="store_true", help="also training-split cases (where the mix is chosen)")
    args = parser.parse_args()
    model, retrieval = conditional.load_generator(), conditional.Retrieval.shipped()
    print(f"polish bench: the shipped conditional G ({model.meta.get('iterations')} iterations), start mix "
          f"{args.mix}; times are medians over the designs, on this machine under its current load")
    start = time.perf_counter()
    sets = conditional.evaluation_sets(args.cases)
    if args.train:
        split = conditional.shipped_split()
        picks = split.train[::len(split.train) // args.cases][:args.cases]
        sets = {"train": physics_metrics.Cases.of(split.dataset, picks), **sets}
    results = {name: bench_set(name, cases, model, retrieval, args.seeds, args.mix) for name, cases in sets.items()}
    _targets(results["test"], results["ood"])
    print(f"\nbench wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
