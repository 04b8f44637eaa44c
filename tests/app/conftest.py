"""AppTest fixtures: a small class-demo config, saved runs in a temp folder, a built Lab."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `app` is the repository's app/, never this tests/app folder

from lab_helpers import metrics, new_app, ready, wait_until, worker_of  # noqa: E402

SMALL = {"nf": 8, "batch_size": 16, "latent_dim": 16}
os.environ.setdefault("MECHGAN_DEFAULTS", json.dumps(SMALL))
os.environ["MECHGAN_LANG"] = "en"
os.environ.setdefault("MECHGAN_RUNS_DIR", tempfile.mkdtemp(prefix="mechgan-app-runs-"))  # the class feed's too


@pytest.fixture(autouse=True)
def runs_dir(tmp_path, monkeypatch):
    """Saved runs go to a temporary folder."""
    from app import save_box

    monkeypatch.setattr(save_box, "RUNS_ROOT", tmp_path / "runs")
    return tmp_path / "runs"


@pytest.fixture
def lab():
    """The Lab page with its worker built and paused."""
    at = new_app()
    wait_until(at, ready, 300, what="the worker to build")
    assert not at.exception
    yield at
    w = worker_of(at)
    if w is not None:
        w.send("stop")
        w.join(30)
