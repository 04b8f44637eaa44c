"""Folders written beside other processes: the runs folder's atomic swaps, its lock and its recovery.

A folder is built hidden beside its final place, under a name that says which
process writes it (:data:`LEFTOVER`), then renamed or swapped into place in one
system call where the file system allows (Linux ``renameat2``).  A process
starting up mends only what a dead process left: it asks about a writer of its
own namespace, and judges one of another host by the leftover's age.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
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

# ``.<name>.tmp-<writer>-<random>``: a save in progress; ``.old-``: the version it replaces, set aside
# (``<writer>``, see process_tag, is missing from the leftovers of older mechgan versions)
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?:(?P<writer>[0-9a-f]{8}-\d+-\d+)-)?[0-9a-f]{8}$")
LOCK_FILE = ".mechgan.lock"
# A leftover of a process this one cannot ask about (another host) is abandoned once untouched this long:
# a save takes seconds, a slow shared disk a minute.
ABANDONED_AFTER_S = 600.0


def aside(final: Path, kind: str) -> Path:
    """A hidden folder beside ``final`` that names this process (see :data:`LEFTOVER`)."""
    return final.with_name(f".{final.name}.{kind}-{process_tag()}-{uuid.uuid4().hex[:8]}")

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


def replace_in_two_steps(tmp: Path, final: Path) -> None:
    """Where folders cannot be swapped: previous aside, new in; a crash between the two renames leaves
    ``.<name>.old-*``, which the start-up recovery puts back."""
    old = aside(final, "old")
    os.replace(final, old)
    try:
        os.replace(tmp, final)
    except OSError:  # put the previous save back rather than lose it
        os.replace(old, final)
        raise
    os.replace(old, tmp)  # the caller removes it


@contextlib.contextmanager
def swap_lock(root: Path) -> Iterator[bool]:
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


def recover_runs(root: Path | str) -> list[str]:
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
        with swap_lock(root) as locked:
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


def process_tag() -> str:
    """This process, as leftovers (and the class view's replicas) name it: ``<namespace>-<pid>-<start time>``."""
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
    alive = process_alive(writer) if writer else None
    if alive is not None:
        return not alive
    try:
        changed = max([path.lstat().st_mtime] + [p.lstat().st_mtime for p in path.iterdir()])
    except OSError:  # gone meanwhile: renamed into place or removed by its writer
        return False
    return time.time() - changed > ABANDONED_AFTER_S


def process_alive(tag: str) -> bool | None:
    """Whether the process a :func:`process_tag` names still runs; None when it belongs to another host or
    container, where nobody here can ask."""
    try:
        namespace, pid, started = tag.split("-")
        pid_number, start = int(pid), int(started)
    except ValueError:
        return None
    return _alive(pid_number, start) if namespace == _namespace() else None


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
