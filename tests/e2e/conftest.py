"""A real `streamlit run app/main.py` server and a headless Debian Chromium, shared by the e2e tests."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the tests read the app's own texts (app.i18n)
    sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SMALL = {"nf": 8, "batch_size": 32}  # a class-demo size that trains fast on 2 cores (batch 16 lets D win at once)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float) -> float:
    """Seconds until the server's health endpoint answers ok."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"no healthy server at {url} after {timeout:.0f} s")


def start_server(port: int, runs_dir: Path, extra_env: dict | None = None, log=None) -> subprocess.Popen:
    """``log``: a file for the server's output (default: a pipe, read by :func:`stop_server`)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "MECHGAN_DEFAULTS": json.dumps(SMALL),
           "MECHGAN_RUNS_DIR": str(runs_dir), "MECHGAN_LANG": "en", **(extra_env or {})}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log or subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop_server(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(os.environ.get("MECHGAN_SCREENSHOTS") or tempfile.mkdtemp(prefix="mechgan-shots-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def runs_root(tmp_path_factory) -> Path:
    """The server's runs folder, where the tests read what a save wrote."""
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def server(runs_root):
    port = free_port()
    proc = start_server(port, runs_root)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, 60)
    except TimeoutError:
        pytest.fail(stop_server(proc)[-3000:])
    yield url
    log = stop_server(proc)
    assert "Traceback" not in log, log[-3000:]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
