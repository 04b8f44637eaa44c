"""Saved runs: ``runs/<name>/`` with config.json, weights, optimizer state, history.csv and PNG grids.

Only JSON, CSV, PNG and ``.npz`` (read with ``allow_pickle=False``) are
written, never pickles.  A save is built in a hidden temporary folder and
renamed into place, so a crash never leaves half a run behind.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import uuid
from pathlib import Path

import numpy as np

from mechgan.config import TrainConfig
from mechgan.training import RECORD_KEYS, Trainer, generate_and_save

RUNS_DIR = Path("runs")
ARRAY_FILES = ("generator", "generator_average", "discriminator", "optimizer_g", "optimizer_d")
MAX_NAME = 64


def sanitize_run_name(name: str) -> str:
    """A safe folder name: letters, digits, '.', '_' and '-' only, no leading dot (no path escapes)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name).strip())
    cleaned = re.sub(r"-{2,}", "-", cleaned).lstrip(".-")[:MAX_NAME].rstrip(".-")
    if not cleaned:
        raise ValueError(f"run name {name!r} has no usable characters (use letters, digits, '-', '_' or '.')")
    return cleaned


def save_run(trainer: Trainer, name: str, root: Path | str = RUNS_DIR) -> Path:
    """Write (or overwrite) ``root/<name>`` atomically; returns the run folder."""
    root = Path(root)
    final = root / sanitize_run_name(name)
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{final.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        _write(trainer, tmp, previous=final)
        _swap_in(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _write(trainer: Trainer, folder: Path, previous: Path) -> None:
    state = trainer.get_state()
    meta = {"config": trainer.config.to_dict(), "progress": state["progress"]}
    (folder / "config.json").write_text(json.dumps(meta, indent=2))
    for key in ARRAY_FILES:
        np.savez(folder / f"{key}.npz", **state[key])
    _write_history(trainer.history, folder / "history.csv")
    for old_grid in sorted(previous.glob("grid_*.png")) if previous.is_dir() else []:
        shutil.copy2(old_grid, folder / old_grid.name)
    generate_and_save(trainer, trainer.fixed_noise, folder / f"grid_{trainer.iteration:07d}.png")


def _swap_in(tmp: Path, final: Path) -> None:
    if not final.exists():
        os.replace(tmp, final)
        return
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    os.replace(final, old)
    try:
        os.replace(tmp, final)
    except OSError:  # put the previous save back rather than lose it
        os.replace(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_history(records: list[dict], path: Path) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=RECORD_KEYS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)


def read_history(path: Path | str) -> list[dict]:
    """The records of a run folder's (or a history.csv file's) history, as floats (iteration as int)."""
    path = Path(path)
    path = path / "history.csv" if path.is_dir() else path
    with path.open(newline="") as f:
        return [{k: int(v) if k == "iteration" else float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def load_run(path: Path | str, designs: np.ndarray | None = None) -> Trainer:
    """A Trainer that continues exactly where the saved run stopped (``designs``: the data it trained on)."""
    path = Path(path)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"{path} is not a saved run (no config.json)")
    meta = json.loads((path / "config.json").read_text())
    trainer = Trainer(TrainConfig.from_dict(meta["config"]), designs)
    state = {key: _read_arrays(path / f"{key}.npz") for key in ARRAY_FILES}
    state["progress"] = meta["progress"]
    trainer.set_state(state, read_history(path))
    return trainer


def list_runs(root: Path | str = RUNS_DIR) -> list[Path]:
    """Saved run folders under ``root``, most recently saved first."""
    root = Path(root)
    if not root.is_dir():
        return []
    runs = [p for p in root.iterdir() if not p.name.startswith(".") and (p / "config.json").is_file()]
    return sorted(runs, key=lambda p: (p / "config.json").stat().st_mtime, reverse=True)
