"""A class behind HAProxy: N students on 3 replicas against N on one replica, on the same cores.

    python bench/replicas_bench.py --students 30 --seconds 60

Loopback only.  Both set-ups run on the cores this process may use (C), through Debian's HAProxy running
deploy/haproxy.cfg (its server-template written as one server line per replica): the single replica pinned
with `taskset` to all C cores, replica i of several to core i mod C, as a container given its `cpus` or a
cpuset is; each replica takes its training slots and TensorFlow threads from the cores it is pinned to
(app/registry.py's usable_cores), so the two set-ups train as many runs at once on as many cores (with 3
replicas on 2 cores, two replicas share a core: the total stays equal).  The students are
bench/load_test.py's websocket students.  Printed for each set-up: errors, page-refresh p95, the students
whose iteration counter rose within 60 s of opening the Lab, the sessions each replica held (HAProxy's
X-Mechgan-Replica header on each WebSocket); then the ratios of the two.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import MAX_SECONDS, MAX_STUDENTS, Server, StudentResult, free_port, student, wave  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TRAINED_WITHIN_S = 60.0
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
IDLE_S = 12.0  # MECHGAN_IDLE_PAUSE_S / _FREE_S: the warm-up tabs' runs pause before the class comes in


def balancer_config(ports: list[int]) -> str:
    """deploy/haproxy.cfg with its DNS server-template written as one server line per loopback replica."""
    config = (REPO / "deploy" / "haproxy.cfg").read_text()
    template = re.search(r"(?m)^\s*server-template .*$", config)
    if not template:
        raise ValueError("deploy/haproxy.cfg lost its server-template line")
    servers = "\n".join(f"    server lab{i} 127.0.0.1:{port}" for i, port in enumerate(ports, 1))
    return config.replace(template.group(0), servers)


def start_balancer(ports: list[int], folder: Path, log) -> tuple[subprocess.Popen, int]:
    """HAProxy on a free loopback port in front of the replicas on ``ports``; (process, port)."""
    (folder / "haproxy.cfg").write_text(balancer_config(ports))
    port = free_port()
    env = {**os.environ, "MECHGAN_HTTP_PORT": str(port), "MECHGAN_COOKIE_KEY": "loopback",
           "MECHGAN_LAB_HOST": "127.0.0.1", "MECHGAN_LAB_PORT": "0"}
    proc = subprocess.Popen([HAPROXY, "-db", "-f", str(folder / "haproxy.cfg")], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    return proc, port


def pinning(replicas: int, cores: list[int]) -> list[str]:
    """The ``taskset -c`` list of each replica: all cores for one, else core i mod C for replica i."""
    if replicas == 1:
        return [",".join(map(str, cores))]
    return [str(cores[i % len(cores)]) for i in range(replicas)]


@contextlib.contextmanager
def cluster(replicas: int, cores: list[int], folder: Path) -> Iterator[tuple[int, list[Server]]]:
    """``replicas`` pinned lab servers on one runs folder behind HAProxy; yields (balancer port, servers)."""
    runs_dir = folder / "runs"
    runs_dir.mkdir()
    env = {"MECHGAN_RUNS_DIR": str(runs_dir), "MECHGAN_IDLE_PAUSE_S": str(IDLE_S),
           "MECHGAN_IDLE_FREE_S": str(IDLE_S), "TF_CPP_MIN_LOG_LEVEL": "2",
           "STREAMLIT_SERVER_COOKIE_SECRET": "one-secret-for-the-class"}
    servers = [Server(env, folder / f"lab{i}.log", prefix=("taskset", "-c", cpus))
               for i, cpus in enumerate(pinning(replicas, cores), 1)]
    balancer = None
    log = (folder / "haproxy.log").open("w")
    try:
        for server in servers:  # all up before HAProxy starts: one it finds down comes back on a slow start
            server.wait_healthy(300)
        balancer, port = start_balancer([s.port for s in servers], folder, log)
        time.sleep(1.0)
        yield port, servers
    finally:
        if balancer is not None:
            balancer.terminate()
            balancer.wait(10)
        for server in servers:
            server.stop()
        log.close()


@dataclass
class Figures:
    replicas: int
    pinned: list[str]
    results: list[StudentResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def refresh(self) -> np.ndarray:
        return np.concatenate([r.refresh_s for r in self.results if r.refresh_s] or [[np.nan]])

    def trained_within(self, seconds: float) -> int:
        """Students whose counter rose within ``seconds`` of opening the page (load, build, Play, queue, compile)."""
        return sum(r.moving is not None and r.load_s + r.play_s + r.moving[0] <= seconds for r in self.results)

    @property
    def steps_per_s(self) -> float:
        return float(sum(r.steps_per_s for r in self.results))

    def lines(self) -> list[str]:
        sessions = collections.Counter(r.replica or "?" for r in self.results)
        refresh = self.refresh
        return [
            f"{self.replicas} replica(s), pinned to cores {' | '.join(self.pinned)}: {len(self.results)} students",
            f"  errors: {len(self.errors)}" + (f" (first: {self.errors[0]})" if self.errors else ""),
            f"  page refresh p50 {np.nanpercentile(refresh, 50):.2f} s, p95 {np.nanpercentile(refresh, 95):.2f} s "
            f"over {int(np.isfinite(refresh).sum())} refreshes",
            f"  trained within {TRAINED_WITHIN_S:.0f} s of opening the page: {self.trained_within(TRAINED_WITHIN_S)}"
            f" of {len(self.results)} (by the end: {sum(r.moving is not None for r in self.results)})",
            f"  steps/s, all sessions together: {self.steps_per_s:.1f}",
            f"  sessions per replica: {dict(sorted(sessions.items()))}",
        ]


async def _class(port: int, servers: list[Server], students: int, seconds: float, figures: Figures) -> None:
    # each replica imports TensorFlow, loads the data and builds a model once (a warm server, as in class)
    warm = [StudentResult() for _ in servers]
    await asyncio.gather(*(student(s.port, 1.0, r) for s, r in zip(servers, warm)))
    figures.errors += [f"warm-up: {e}" for r in warm for e in r.errors]
    await asyncio.sleep(IDLE_S + 2)  # their runs pause: every training slot is free for the class
    figures.results = await wave(port, students, seconds, 0.25, errors=figures.errors)
    figures.errors += [f"student {i}: {e}" for i, r in enumerate(figures.results) for e in r.errors]


def measure(replicas: int, students: int, seconds: float, cores: list[int]) -> Figures:
    figures = Figures(replicas, pinning(replicas, cores))
    folder = Path(tempfile.mkdtemp(prefix=f"mechgan-replicas-{replicas}-"))
    try:
        with cluster(replicas, cores, folder) as (port, servers):
            asyncio.run(asyncio.wait_for(_class(port, servers, students, seconds, figures),
                                         seconds + students + 600))
        figures.errors += [f"{log.name}: a traceback" for log in folder.glob("lab*.log") if "Traceback" in
                           log.read_text()]
    except (asyncio.TimeoutError, RuntimeError) as e:
        figures.errors.append(f"{type(e).__name__}: {e}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30, help=f"simulated students (at most {MAX_STUDENTS})")
    parser.add_argument("--seconds", type=float, default=60, help="seconds each student keeps Play on")
    parser.add_argument("--replicas", type=int, default=3, help="replicas compared with one")
    args = parser.parse_args(argv)
    if not Path(HAPROXY).exists():
        parser.error("haproxy missing (apt-get install haproxy)")
    students, seconds = max(1, min(args.students, MAX_STUDENTS)), max(1.0, min(args.seconds, MAX_SECONDS))
    cores = sorted(os.sched_getaffinity(0))
    one = measure(1, students, seconds, cores)
    several = measure(args.replicas, students, seconds, cores)
    print(f"{students} students, {seconds:.0f} s of Play each, {len(cores)} cores")
    print("\n".join(one.lines() + several.lines()))
    p95 = [np.nanpercentile(f.refresh, 95) for f in (one, several)]
    print(f"{args.replicas} replicas : 1 — steps/s {several.steps_per_s / max(one.steps_per_s, 1e-9):.2f}, "
          f"refresh p95 {p95[1] / p95[0]:.2f}, trained within {TRAINED_WITHIN_S:.0f} s "
          f"{several.trained_within(TRAINED_WITHIN_S)} : {one.trained_within(TRAINED_WITHIN_S)}")
    return 1 if one.errors or several.errors else 0


if __name__ == "__main__":
    sys.exit(main())
