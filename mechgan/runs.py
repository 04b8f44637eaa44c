"""Saved runs: ``runs/<name>/`` with config.json, weights, optimizer state, history.csv and PNG grids.

Only JSON, CSV, PNG and ``.npz`` (read with ``allow_pickle=False``) are
written, never pickles.  A save is built in a hidden temporary folder and
renamed into place, so a crash never leaves half a run behind.  A name that is
taken (after the same cleaning and cutting to 64 characters) is refused unless
overwriting is asked; an overwrite swaps the two folders in one system call
(Linux ``renameat2``), so at every instant ``<name>`` holds one complete
version.  Leftovers of a crashed save are recovered or removed the first time
a process lists or saves into the runs folder.
"""
from __future__ import annotations

import csv
import ctypes
import errno
import functools
import hashlib
import json
import os
import re
import shutil
import threading
import uuid
from pathlib import Path

import numpy as np

from mechgan.config import TrainConfig
from mechgan.training import RECORD_KEYS, Trainer, generate_and_save

RUNS_DIR = Path("runs")
ARRAY_FILES = ("generator", "generator_average", "discriminator", "optimizer_g", "optimizer_d")
MAX_NAME = 64
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-[0-9a-f]{8}$")


class RunExistsError(FileExistsError):
    """A run of that name is saved already; ``free_name`` is one that is not."""

    def __init__(self, name: str, free_name: str, owned_elsewhere: bool = False) -> None:
        self.name, self.free_name, self.owned_elsewhere = name, free_name, owned_elsewhere
        whose = "from another session " if owned_elsewhere else ""
        super().__init__(errno.EEXIST, f"a run named {name!r} was saved {whose}already; "
                                       f"choose another name (e.g. {free_name!r})"
                         + ("" if owned_elsewhere else " or overwrite it"))


def sanitize_run_name(name: str) -> str:
    """A safe folder name: letters, digits, '.', '_' and '-' only, no leading dot (no path escapes)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name).strip())
    cleaned = re.sub(r"-{2,}", "-", cleaned).lstrip(".-")[:MAX_NAME].rstrip(".-")
    if not cleaned:
        raise ValueError(f"run name {name!r} has no usable characters (use letters, digits, '-', '_' or '.')")
    return cleaned


def owner_tag(session: str) -> str:
    """What a run records of the session that saved it: a digest, so downloads never show the key."""
    return hashlib.sha256(session.encode()).hexdigest()[:16] if session else ""


def read_meta(path: Path | str) -> dict:
    """A run folder's config.json: its ``config``, ``progress`` and ``owner``."""
    path = Path(path)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"{path} is not a saved run (no config.json)")
    return json.loads((path / "config.json").read_text())


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
    """
    root = Path(root)
    final = root / sanitize_run_name(name)
    root.mkdir(parents=True, exist_ok=True)
    recover_once(root)
    tag = owner_tag(owner)
    if final.exists():
        _check_overwrite(final, tag, overwrite, allow_others)
    tmp = root / f".{final.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        _write(trainer, tmp, previous=final, owner=tag)
        _swap_in(tmp, final, overwrite)
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


def _swap_in(tmp: Path, final: Path, overwrite: bool) -> None:
    """Put ``tmp`` at ``final``; the replaced version, if any, ends in ``tmp`` (removed by the caller)."""
    try:
        os.replace(tmp, final)  # refused when ``final`` is a saved run (a non-empty folder)
        return
    except OSError as e:
        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        if not overwrite:  # saved meanwhile by another session
            raise RunExistsError(final.name, free_run_name(final.name, final.parent)) from None
    if not exchange(tmp, final):
        _replace_in_two_steps(tmp, final)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(-100, os.fsencode(a), -100, os.fsencode(b), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system without the exchange
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _replace_in_two_steps(tmp: Path, final: Path) -> None:
    """Where folders cannot be swapped: previous aside, new in; a crash between the two renames leaves
    ``.<name>.old-*``, which the start-up recovery puts back."""
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    os.replace(final, old)
    try:
        os.replace(tmp, final)
    except OSError:  # put the previous save back rather than lose it
        os.replace(old, final)
        raise
    os.replace(old, tmp)  # the caller removes it


def recover_runs(root: Path | str = RUNS_DIR) -> list[str]:
    """Mend what crashed saves left in ``root``: a set-aside previous version whose run is missing is put
    back, every other hidden ``.tmp-*`` / ``.old-*`` folder is removed.  Returns what it did, one line each."""
    root = Path(root)
    done = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        match = LEFTOVER.match(path.name)
        if not match:
            continue
        final = root / match["name"]
        if match["kind"] == "old" and not final.exists() and (path / "config.json").is_file():
            os.replace(path, final)
            done.append(f"restored {final.name}")
        else:
            shutil.rmtree(path, ignore_errors=True)
            done.append(f"removed {path.name}")
    return done


def recover_once(root: Path | str) -> None:
    """:func:`recover_runs` the first time this process uses ``root`` (its start-up)."""
    key = os.path.abspath(root)
    with _RECOVERY_LOCK:
        if key in _RECOVERED:
            return
        recover_runs(root)
        _RECOVERED.add(key)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # no C library to open by name (Windows)
        return None


_RECOVERY_LOCK = threading.Lock()
_RECOVERED: set[str] = set()  # runs folders already recovered by this process


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
    from mechgan.conditional import make_trainer  # which imports this module

    path = Path(path)
    meta = read_meta(path)
    config = TrainConfig.from_dict(meta["config"])
    trainer = make_trainer(config, None if config.conditional else designs)
    state = {key: _read_arrays(path / f"{key}.npz") for key in ARRAY_FILES}
    state["progress"] = meta["progress"]
    trainer.set_state(state, read_history(path))
    return trainer


def list_runs(root: Path | str = RUNS_DIR) -> list[Path]:
    """Saved run folders under ``root``, most recently saved first."""
    root = Path(root)
    if not root.is_dir():
        return []
    recover_once(root)
    runs = [p for p in root.iterdir() if not p.name.startswith(".") and (p / "config.json").is_file()]
    return sorted(runs, key=lambda p: (p / "config.json").stat().st_mtime, reverse=True)
