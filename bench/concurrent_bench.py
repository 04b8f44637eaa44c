"""Concurrent training benchmark: steps/s of runs of one structure training in threads at once.

The compiled updates are called with Grappler's memory rewrite off
(``mechgan.updates.call``), which makes concurrent calls safe.  This prints
the cost of that on steps/s against a direct call (the rewrite on, as
before), each mode in its own process (a function is optimized once, at its
first call), the order swapped every round so a change of the machine's load falls on both::

    python bench/concurrent_bench.py [--runs 2] [--steps 30] [--rounds 2] [--batch 32]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def measure(runs: int, steps: int, batch: int, direct: bool) -> float:
    """Iterations per second of ``runs`` Trainers of the default structure, each in its own thread."""
    from mechgan import data, updates
    from mechgan.config import TrainConfig
    from mechgan.training import Trainer

    if direct:
        updates.call = lambda update, *args: update(*args)
    designs = data.load_designs()
    trainers = [Trainer(TrainConfig(batch_size=batch, seed=i), designs) for i in range(runs)]
    for t in trainers:
        t.run(3)  # tracing and warm-up
    threads = [threading.Thread(target=t.run, args=(steps,)) for t in trainers]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return runs * steps / (time.perf_counter() - start)


def call_overhead_us(calls: int = 3000) -> float:
    """Microseconds ``updates.call`` adds to one call of a trivial compiled function (best of 5)."""
    import tensorflow as tf

    from mechgan import updates

    direct = tf.function(lambda x: x + 1.0).get_concrete_function(tf.TensorSpec((), tf.float32))
    wrapped = tf.function(lambda x: x + 2.0).get_concrete_function(tf.TensorSpec((), tf.float32))
    x = tf.constant(1.0)
    direct(x), updates.call(wrapped, x)  # instantiated once each

    def best(action) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(calls):
                action()
            times.append((time.perf_counter() - start) / calls)
        return min(times)

    return 1e6 * (best(lambda: updates.call(wrapped, x)) - best(lambda: direct(x)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--mode", choices=("call", "direct"), help=argparse.SUPPRESS)  # one process's measure
    args = parser.parse_args()
    if args.mode:
        print(measure(args.runs, args.steps, args.batch, args.mode == "direct"))
        return
    rates: dict[str, list[float]] = {"call": [], "direct": []}
    for round_ in range(args.rounds):
        for mode in ("call", "direct") if round_ % 2 == 0 else ("direct", "call"):  # a load trend hits both
            out = subprocess.run([sys.executable, __file__, "--mode", mode, "--runs", str(args.runs), "--steps",
                                  str(args.steps), "--batch", str(args.batch)], capture_output=True, text=True,
                                 check=True)
            rates[mode].append(float(out.stdout.split()[-1]))
    call, direct = statistics.median(rates["call"]), statistics.median(rates["direct"])
    print(f"{args.runs} runs of batch {args.batch} at once, {args.steps} iterations each, {args.rounds} rounds: "
          f"updates.call {call:.2f} it/s (all runs), direct call {direct:.2f} it/s; ratio {call / direct:.3f} "
          f"(rounds: call {', '.join(f'{r:.2f}' for r in rates['call'])}; "
          f"direct {', '.join(f'{r:.2f}' for r in rates['direct'])})")
    print(f"updates.call's own cost: {call_overhead_us():.1f} us a call (an update takes milliseconds)")


if __name__ == "__main__":
    main()
