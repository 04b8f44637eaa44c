"""Saved runs: ``runs/<name>/`` with config.json, weights, optimizer state, history.csv and PNG grids.

Only JSON, CSV, PNG and ``.npz`` (read with ``allow_pickle=False``) are
written, never pickles.  A save is built in a hidden temporary folder and
renamed into place, so a crash never leaves half a run behind.  A name that is
taken (after the same cleaning and cutting to 64 characters) is refused unless
overwriting is asked; an overwrite swaps the two folders in one system call
(Linux ``renameat2``), so at every instant ``<name>`` holds one complete
version.  Several processes (replicas, maybe on several hosts) may share the
folder: a save takes or swaps its name under a lock, and each hidden folder
names the process writing it, so a process starting up mends only what a dead
process left (:mod:`mechgan.run_folders`).
"""
from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np

from mechgan import run_folders
from mechgan.config import TrainConfig
from mechgan.errors import CodedError, Refusal
from mechgan.run_folders import LOCK_FILE, recover_once, recover_runs  # noqa: F401  (also runs.* for callers)
from mechgan.training import RECORD_KEYS, Trainer, generate_and_save

RUNS_DIR = Path("runs")
ARRAY_FILES = ("generator", "generator_average", "discriminator", "optimizer_g", "optimizer_d")
MAX_NAME = 64

class RunExistsError(CodedError, FileExistsError):
    """A run of that name is saved already; ``free_name`` is one that is not."""

    def __init__(self, name: str, free_name: str, owned_elsewhere: bool = False) -> None:
        self.name, self.free_name, self.owned_elsewhere = name, free_name, owned_elsewhere
        whose = "from another session " if owned_elsewhere else ""
        FileExistsError.__init__(self, errno.EEXIST, f"a run named {name!r} was saved {whose}already; "
                                                     f"choose another name (e.g. {free_name!r})"
                                 + ("" if owned_elsewhere else " or overwrite it"))
        self.code = "run_exists_elsewhere" if owned_elsewhere else "run_exists"
        self.fields = {"name": name, "free_name": free_name}


class RunError(Refusal):
    """A run name or saved run that mechgan cannot use."""


class RunMissingError(CodedError, FileNotFoundError):
    """No saved run where one was expected (another replica may have just replaced it)."""


def sanitize_run_name(name: str) -> str:
    """A safe folder name: letters, digits, '.', '_' and '-' only, no leading dot (no path escapes)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name).strip())
    cleaned = re.sub(r"-{2,}", "-", cleaned).lstrip(".-")[:MAX_NAME].rstrip(".-")
    if not cleaned:
        raise RunError(f"run name {name!r} has no usable characters (use letters, digits, '-', '_' or '.')",
                       "run_name_unusable", name=str(name))
    return cleaned


def owner_tag(session: str) -> str:
    """What a run records of the session that saved it: a digest, so downloads never show the key."""
    return hashlib.sha256(session.encode()).hexdigest()[:16] if session else ""


def read_meta(path: Path | str) -> dict:
    """A run folder's config.json: its ``config``, ``progress`` and ``owner``."""
    path = Path(path)
    if not (path / "config.json").is_file():
        raise RunMissingError(f"{path} is not a saved run (no config.json)", "run_missing", name=path.name)
    return json.loads((path / "config.json").read_text())


def is_conditional_run(path: Path | str) -> bool:
    return bool(read_meta(path)["config"].get("conditional", False))


def run_owner(path: Path | str) -> str:
    """The owner tag saved with a run ("" when it has none: saved by the CLI or a notebook)."""
    try:
        return read_meta(path).get("owner", "")
    except (OSError, ValueError):
        return ""


def free_run_name(name: str, root: Path | str = RUNS_DIR) -> str:
    """``name`` cleaned, or ``name-2``, ``name-3``, ... : the first that no run in ``root`` uses."""
    base = sanitize_run_name(name)
    candidate, n = base, 1
    while (Path(root) / candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[:MAX_NAME - len(suffix)].rstrip(".-") + suffix
    return candidate


def save_run(trainer: Trainer, name: str, root: Path | str = RUNS_DIR, *, overwrite: bool = False,
             owner: str = "", allow_others: bool = True) -> Path:
    """Write ``root/<name>`` atomically; returns the run folder.

    A taken name raises :class:`RunExistsError` unless ``overwrite``; ``owner`` (a session key) is
    recorded as a digest, and a run recorded by another owner is overwritten only if ``allow_others``.
    Of several processes saving one name at once, exactly one takes it; the others get the error.
    """
    root = Path(root)
    final = root / sanitize_run_name(name)
    root.mkdir(parents=True, exist_ok=True)
    recover_once(root)
    tag = owner_tag(owner)
    if final.exists():  # refused before the write; checked again under the lock, for what changed meanwhile
        _check_overwrite(final, tag, overwrite, allow_others)
    tmp = run_folders.aside(final, "tmp")
    tmp.mkdir()
    try:
        _write(trainer, tmp, previous=final, owner=tag)
        with run_folders.swap_lock(root):
            _swap_in(tmp, final, tag, overwrite, allow_others)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _check_overwrite(final: Path, tag: str, overwrite: bool, allow_others: bool) -> None:
    elsewhere = not allow_others and run_owner(final) != tag
    if elsewhere or not overwrite:
        raise RunExistsError(final.name, free_run_name(final.name, final.parent), elsewhere)


def _write(trainer: Trainer, folder: Path, previous: Path, owner: str) -> None:
    state = trainer.get_state()
    meta = {"config": trainer.config.to_dict(), "progress": state["progress"], "owner": owner}
    (folder / "config.json").write_text(json.dumps(meta, indent=2))
    for key in ARRAY_FILES:
        np.savez(folder / f"{key}.npz", **state[key])
    _write_history(trainer.history, folder / "history.csv")
    for old_grid in sorted(previous.glob("grid_*.png")) if previous.is_dir() else []:
        shutil.copy2(old_grid, folder / old_grid.name)
    generate_and_save(trainer, trainer.fixed_noise, folder / f"grid_{trainer.iteration:07d}.png")


def _swap_in(tmp: Path, final: Path, tag: str, overwrite: bool, allow_others: bool) -> None:
    """Put ``tmp`` at ``final`` (under the lock); the replaced version, if any, ends in ``tmp``."""
    if final.exists():  # saved by another session or replica while this one wrote
        _check_overwrite(final, tag, overwrite, allow_others)
        if not run_folders.exchange(tmp, final):
            run_folders.replace_in_two_steps(tmp, final)
        return
    try:  # no lock on this file system: the rename itself refuses a name taken meanwhile
        if not run_folders.rename_noreplace(tmp, final):
            os.rename(tmp, final)  # refused when ``final`` is a saved run (a non-empty folder)
    except OSError as e:
        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        raise RunExistsError(final.name, free_run_name(final.name, final.parent)) from None


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
    """A Trainer that continues exactly where the saved run stopped (``designs``: the data it trained on;
    a conditional run's are the shipped training split)."""
    path = Path(path)
    meta = read_meta(path)
    config = TrainConfig.from_dict(meta["config"])
    trainer = Trainer(config, None if config.conditional else designs)
    try:
        state = {key: _read_arrays(path / f"{key}.npz") for key in ARRAY_FILES}
        state["progress"] = meta["progress"]
        trainer.set_state(state, read_history(path))
    except (KeyError, ValueError, FileNotFoundError) as e:  # another version's save, or a damaged one
        raise RunError(f"{path.name}: {e}", "run_unreadable", name=path.name) from e
    return trainer


def list_runs(root: Path | str = RUNS_DIR) -> list[Path]:
    """Saved run folders under ``root``, most recently saved first: read afresh at each call, so a run
    another replica saved is listed; saves in progress (hidden folders) are not."""
    root = Path(root)
    if not root.is_dir():
        return []
    recover_once(root)
    saved = {}
    for path in (p for p in root.iterdir() if not p.name.startswith(".")):
        try:  # a run that another process is swapping may be missing for an instant
            saved[path] = (path / "config.json").stat().st_mtime
        except OSError:
            continue
    return sorted(saved, key=saved.__getitem__, reverse=True)
