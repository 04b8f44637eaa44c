"""Saved runs: ``runs/<name>/`` with config.json, weights, optimizer state, history.csv and PNG grids.

Only JSON, CSV, PNG and ``.npz`` (read with ``allow_pickle=False``) are
written, never pickles.  A save is built in a hidden temporary folder and
renamed into place, so a crash never leaves half a run behind.  A name that is
taken (after the same cleaning and cutting to 64 characters) is refused unless
overwriting is asked; an overwrite swaps the two folders in one system call
(Linux ``renameat2``), so at every instant ``<name>`` holds one complete
version.  Several processes (replicas, maybe on several hosts) may share the
folder: a save takes or swaps its name under a lock on ``.mechgan.lock``, and
each hidden folder names the process writing it, so a process starting up
mends only what a dead process left (see :func:`recover_runs`).
"""
from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import functools
import hashlib
import json
import os
import re
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows: only this process's threads are kept apart
    fcntl = None

import numpy as np

from mechgan.config import TrainConfig
from mechgan.errors import CodedError, Refusal
from mechgan.training import RECORD_KEYS, Trainer, generate_and_save

RUNS_DIR = Path("runs")
ARRAY_FILES = ("generator", "generator_average", "discriminator", "optimizer_g", "optimizer_d")
MAX_NAME = 64
# ``.<name>.tmp-<writer>-<random>``: a save in progress; ``.old-``: the version it replaces, set aside
# (``<writer>``, see _writer, is missing from the leftovers of older mechgan versions)
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?:(?P<writer>[0-9a-f]{8}-\d+-\d+)-)?[0-9a-f]{8}$")
LOCK_FILE = ".mechgan.lock"
# A leftover of a process this one cannot ask about (another host) is abandoned once untouched this long:
# a save takes seconds, a slow shared disk a minute.
ABANDONED_AFTER_S = 600.0


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
    tmp = _aside(final, "tmp")
    tmp.mkdir()
    try:
        _write(trainer, tmp, previous=final, owner=tag)
        with _swap_lock(root):
            _swap_in(tmp, final, tag, overwrite, allow_others)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _aside(final: Path, kind: str) -> Path:
    """A hidden folder beside ``final`` that names this process (see :data:`LEFTOVER`)."""
    return final.with_name(f".{final.name}.{kind}-{_writer()}-{uuid.uuid4().hex[:8]}")


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
        if not exchange(tmp, final):
            _replace_in_two_steps(tmp, final)
        return
    try:  # no lock on this file system: the rename itself refuses a name taken meanwhile
        if not rename_noreplace(tmp, final):
            os.rename(tmp, final)  # refused when ``final`` is a saved run (a non-empty folder)
    except OSError as e:
        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        raise RunExistsError(final.name, free_run_name(final.name, final.parent)) from None


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    return _renameat2(a, b, 2)


def rename_noreplace(a: Path, b: Path) -> bool:
    """Rename ``a`` to ``b`` unless ``b`` exists, even empty (``RENAME_NOREPLACE``); False where unsupported."""
    return _renameat2(a, b, 1)


def _renameat2(a: Path, b: Path, flags: int) -> bool:
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(-100, os.fsencode(a), -100, os.fsencode(b), flags) == 0:  # AT_FDCWD
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system without it (NFS)
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _replace_in_two_steps(tmp: Path, final: Path) -> None:
    """Where folders cannot be swapped: previous aside, new in; a crash between the two renames leaves
    ``.<name>.old-*``, which the start-up recovery puts back."""
    old = _aside(final, "old")
    os.replace(final, old)
    try:
        os.replace(tmp, final)
    except OSError:  # put the previous save back rather than lose it
        os.replace(old, final)
        raise
    os.replace(old, tmp)  # the caller removes it


@contextlib.contextmanager
def _swap_lock(root: Path) -> Iterator[bool]:
    """One process at a time takes or swaps a name in ``root``, or mends leftovers: a POSIX lock on
    :data:`LOCK_FILE` (NFS carries it between hosts; the kernel drops it when its holder dies), and a
    thread lock, as POSIX locks do not keep one process's threads apart.  Yields whether the file is
    locked (False where the file system refuses locks)."""
    with _THREAD_LOCK:
        if fcntl is None:
            yield False
            return
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            yield _lock(fd)
        finally:
            os.close(fd)  # releases the lock


def _lock(fd: int) -> bool:
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX)
    except OSError as e:
        if e.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
            raise
        return False
    return True


def recover_runs(root: Path | str = RUNS_DIR) -> list[str]:
    """Mend what crashed saves left in ``root``; returns what it did, one line each.

    Only what is certainly abandoned is touched: a ``.tmp-*`` folder of a dead writer (or, for a writer
    on another host, untouched for :data:`ABANDONED_AFTER_S`) is removed; under the lock, which no live
    save holds while its previous version is set aside, a ``.old-*`` folder is put back where its run is
    missing, and removed where it is not.  A save in progress in another process is left alone."""
    root = Path(root)
    leftovers = [(p, m) for p in sorted(root.iterdir()) if (m := LEFTOVER.match(p.name))] if root.is_dir() else []
    done = []
    for path, match in leftovers:
        if match["kind"] == "tmp" and _abandoned(path, match["writer"]):
            shutil.rmtree(path, ignore_errors=True)
            done.append(f"removed {path.name}")
    set_aside = [(p, m) for p, m in leftovers if m["kind"] == "old"]
    if set_aside:
        with _swap_lock(root) as locked:
            done += [_put_back(p, root / m["name"]) for p, m in set_aside
                     if p.exists() and (locked or _abandoned(p, m["writer"]))]
    return done


def _put_back(old: Path, final: Path) -> str:
    if not final.exists() and (old / "config.json").is_file():
        os.replace(old, final)
        return f"restored {final.name}"
    shutil.rmtree(old, ignore_errors=True)
    return f"removed {old.name}"


def recover_once(root: Path | str) -> None:
    """:func:`recover_runs` the first time this process uses ``root`` (its start-up)."""
    key = os.path.abspath(root)
    with _RECOVERY_LOCK:
        if key in _RECOVERED:
            return
        recover_runs(root)
        _RECOVERED.add(key)


def _writer() -> str:
    """This process, as leftovers name it: ``<namespace>-<pid>-<start time>``."""
    pid = os.getpid()
    return f"{_namespace()}-{pid}-{_started(pid)}"


@functools.cache
def _namespace() -> str:
    """Where a process id means one process: this boot of this host's process namespace (a container's own)."""
    try:
        where = Path("/proc/sys/kernel/random/boot_id").read_text().strip() + str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:  # no /proc (macOS): the host's name
        where = socket.gethostname()
    return hashlib.sha256(where.encode()).hexdigest()[:8]


def _started(pid: int) -> int:
    """A process's start time in clock ticks since boot (0 where unknown): with the pid, it names one process
    even after its pid is reused."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return 0


def _abandoned(path: Path, writer: str | None) -> bool:
    """Whether the writer of a leftover is dead: asked where it is a process of this namespace, otherwise
    judged by the leftover's last change."""
    namespace, pid, started = writer.split("-") if writer else ("", "0", "0")
    if namespace == _namespace():
        return not _alive(int(pid), int(started))
    try:
        changed = max([path.lstat().st_mtime] + [p.lstat().st_mtime for p in path.iterdir()])
    except OSError:  # gone meanwhile: renamed into place or removed by its writer
        return False
    return time.time() - changed > ABANDONED_AFTER_S


def _alive(pid: int, started: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    now = _started(pid)
    return not (now and started and now != started)  # a different start: the pid was reused


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # no C library to open by name (Windows)
        return None


_THREAD_LOCK = threading.Lock()
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
