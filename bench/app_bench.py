"""What the app costs: training inside the app's worker vs the headless Trainer, server start, LR latency.

    python bench/app_bench.py [--seconds 10] [--rounds 3] [--nf 16] [--batch 64] [--no-browser]

1. Throughput on the same config in the same process: the headless ``Trainer.run`` against the app's
   worker (scheduler, snapshots, budgeted views) while a simulated page polls every 0.5 s and builds the
   overview's curves and samples, as the Lab's fragment does.  Rounds alternate to share out machine noise.
   Target: the app costs <= 10 %.  Then the same through a real server driven by a websocket client.
2. Server start to an interactive page: ``streamlit run app/main.py`` to the Play button in headless
   Chromium.  Target <= 10 s.
3. Learning-rate change to its first step: from ``send("set", lr_g=...)`` to a published step made
   with the new rate.  Target <= 1 s (the page shows it at its next 0.5 s refresh).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402

from mechgan import training_figures as tf_fig  # noqa: E402
from mechgan.config import TrainConfig  # noqa: E402
from mechgan.training import Trainer  # noqa: E402

from app import live_charts  # noqa: E402
from app.lab_views import LIVE_S  # noqa: E402
from app.registry import Registry  # noqa: E402


def headless_rate(config: TrainConfig, seconds: float) -> float:
    t = Trainer(config)
    t.run(2)  # trace the step functions outside the timing
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        t.step()
        n += 1
    return n / (time.perf_counter() - start)


def simulated_page(snap, kept: dict) -> None:
    """What one fragment refresh of the Lab's overview computes on the server: the two live curves as
    Arrow tables (as Streamlit sends them), and the sample image only when the samples changed."""
    for data, _ in (live_charts.loss_curves(snap.history, "", "", "", ("D loss", "G loss")),
                    live_charts.d_score_curves(snap.history, "", "", ("D(real)", "D(fake)"))):
        pa.Table.from_pandas(data).to_batches()
    if snap.samples is not None and kept.get("samples") is not snap.samples:
        kept.update(samples=snap.samples, grid=tf_fig.sample_png(snap.samples, snap.sample_scores))


def app_rate(registry: Registry, config: TrainConfig, seconds: float, key: str) -> float:
    w, _ = registry.worker(key, config)
    w.wait_until(lambda s: s.state == "paused", 300)
    w.wait_applied(w.send("step"), 120)
    w.wait_applied(w.send("step"), 120)  # traced, views computed once
    w.send("play")
    snap = w.wait_until(lambda s: s.state == "playing" and s.iteration >= 3, 120)
    start, i0, kept = time.perf_counter(), snap.iteration, {}
    while time.perf_counter() - start < seconds:
        w.touch("overview")
        simulated_page(w.snapshot(), kept)
        time.sleep(LIVE_S)
    w.send("pause")
    end = w.wait_until(lambda s: s.state == "paused", 60)
    elapsed = time.perf_counter() - start
    rate = (end.iteration - i0) / elapsed
    w.send("stop")
    w.join(60)
    return rate


def lr_latency(registry: Registry, config: TrainConfig, trials: int) -> list[float]:
    w, _ = registry.worker("latency", config)
    w.wait_until(lambda s: s.state == "paused", 300)
    w.send("play")
    w.wait_until(lambda s: s.iteration >= 3, 120)
    times = []
    for i in range(trials):
        lr = 1e-4 * (i + 2)
        start = time.perf_counter()
        w.send("set", {"lr_g": lr})
        w.wait_until(lambda s: s.config.lr_g == lr and s.iteration > s.config_iteration, 30, poll=0.002)
        times.append(time.perf_counter() - start)
        time.sleep(0.3)
    w.send("stop")
    w.join(60)
    return times


def server_cost(config: TrainConfig, seconds: float) -> None:
    """The same comparison through a real ``streamlit run`` server: one websocket client opens the Lab,
    presses Play and keeps the live view refreshing, as a browser tab does (without the browser's own
    drawing, which happens on the student's computer).  Headless runs before and after bracket the noise."""
    sys.path.insert(0, str(ROOT / "bench"))
    import load_test

    before = headless_rate(config, seconds)
    report = load_test.run(students=1, seconds=3 * seconds, max_training=1,
                           defaults={"nf": config.nf, "batch_size": config.batch_size})
    after = headless_rate(config, seconds)
    served, head = report.training_steps_per_s[0], (before + after) / 2
    cost = 1 - served / head
    print(f"1b. through a real server: {served:.2f} steps/s against headless {before:.2f} / {after:.2f}: "
          f"cost {cost:+.1%}  target <= 10 %  {'OK' if cost <= 0.10 else 'MISSED'}"
          + (f"  (errors: {report.errors})" if report.errors else ""))


def server_start_to_interactive() -> tuple[float, float]:
    """(seconds to the Play button, seconds until the run is built and paused)."""
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server  # noqa: E402
    from playwright.sync_api import sync_playwright

    import tempfile

    port = free_port()
    start = time.perf_counter()
    proc = start_server(port, Path(tempfile.mkdtemp(prefix="mechgan-bench-runs-")))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}", timeout=2000)
                    break
                except Exception:
                    if time.perf_counter() - start > 120:
                        raise
                    time.sleep(0.1)
            page.get_by_role("button", name="Play", exact=True).wait_for(timeout=120_000)
            interactive = time.perf_counter() - start
            page.locator('[data-testid="stMetricValue"]').filter(has_text="paused").wait_for(timeout=180_000)
            built = time.perf_counter() - start
            browser.close()
    finally:
        stop_server(proc)
    return interactive, built


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="length of each timed block")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--nf", type=int, default=TrainConfig().nf)
    ap.add_argument("--batch", type=int, default=TrainConfig().batch_size)
    ap.add_argument("--no-browser", action="store_true", help="skip the server-start measurement")
    args = ap.parse_args()
    config = TrainConfig(nf=args.nf, batch_size=args.batch)
    print(f"config: nf={config.nf} batch={config.batch_size} latent={config.latent_dim}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    registry = Registry(max_running=1)
    ratios = []
    for r in range(args.rounds):
        head = headless_rate(config, args.seconds)
        app = app_rate(registry, config, args.seconds, f"bench-{r}")
        ratios.append(app / head)
        print(f"  round {r + 1}: headless {head:.2f} steps/s, app worker {app:.2f} steps/s ({app / head:.0%})")
    cost = 1 - statistics.median(ratios)
    print(f"1. app cost on throughput: {cost:+.1%} (median of {args.rounds} rounds)  target <= 10 %  "
          f"{'OK' if cost <= 0.10 else 'MISSED'}")

    lat = lr_latency(registry, config, 5)
    print(f"3. LR change -> first step with it: median {statistics.median(lat):.2f} s, max {max(lat):.2f} s  "
          f"target <= 1 s  {'OK' if max(lat) <= 1.0 else 'MISSED'}")
    registry.shutdown(60)

    server_cost(config, args.seconds)

    if not args.no_browser:
        interactive, built = server_start_to_interactive()
        print(f"2. server start -> interactive page (Play button): {interactive:.1f} s  target <= 10 s  "
              f"{'OK' if interactive <= 10 else 'MISSED'};  run built and ready: {built:.1f} s")


if __name__ == "__main__":
    main()
