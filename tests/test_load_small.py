"""A small class on a real server: bench/load_test.py with 3 students (the N = 20 figures come from the bench).

Loopback only, bounded in time: three websocket clients open the Lab, press
Play and keep the live view polling; then every tab closes and, with short
idle times, every training worker must be gone.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "load_test.py"


def _load_test():
    spec = importlib.util.spec_from_file_location("load_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.mark.loadtest
@pytest.mark.timeout(600)
def test_three_students_train_and_leave_no_worker_behind(tmp_path):
    bench = _load_test()
    report = bench.run(students=3, seconds=30, idle_pause_s=12.0, idle_free_s=12.0, max_training=2, slice_s=5,
                       log_path=tmp_path / "server.log")
    print("\n".join(report.lines()))
    assert report.errors == [] and not report.traceback_in_log
    assert report.live_after == 0
    assert all(s > 0 for s in report.steps_per_s), report.steps_per_s
    assert report.health_failures == 0 and report.health_max_s < 1.0
    assert report.refresh_p95_s < 2.0
    assert report.memory_over_baseline <= 0.10
