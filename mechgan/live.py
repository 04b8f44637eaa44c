"""The class's live runs, published by every server process (replica) in the shared runs folder.

Each replica writes under ``<runs>/.live/<replica>/``: a heartbeat and one small
JSON summary per live run, each written whole (a temporary file renamed into
place), so a reader on any replica sees a summary whole or not at all and the
teacher's class view needs no server of its own.  A file is stale once its
replica has died or it is older than STALE_S; readers skip stale files and
remove them, never a live replica's fresh ones.  The summaries themselves are
plain dicts the app makes (``app.class_feed``).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
import uuid
from pathlib import Path

from mechgan.run_folders import process_alive, process_tag

LIVE_DIR = ".live"  # hidden: the Runs page and the recovery of saves skip it
STALE_S = 60.0
HEARTBEAT = "heartbeat.json"
TMP_SUFFIX = ".tmp"
# a replica elsewhere (another host or container) whose heartbeat is this old has died: it beats every few seconds
SILENT_S = 20.0
REPLICA = re.compile(r"[0-9a-f]{8}-\d+-\d+")  # process_tag's form


def replica_id() -> str:
    """This server process, as the shared folder names it (host namespace, pid and start time)."""
    return process_tag()


def run_file(key: str) -> str:
    """The file name of a run's summary: a session key holds characters a file name may not."""
    return hashlib.sha256(key.encode()).hexdigest()[:16] + ".json"


def _write(path: Path, content: dict) -> None:
    """Write ``content`` as JSON in one piece: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{TMP_SUFFIX}")
    try:
        tmp.write_text(json.dumps(content, allow_nan=False))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class Publisher:
    """One replica's corner of the live folder: its heartbeat and its runs' summaries."""

    def __init__(self, root: Path | str, replica: str | None = None) -> None:
        self.replica = replica or replica_id()
        self.folder = Path(root) / LIVE_DIR / self.replica

    def publish(self, summaries: dict[str, dict]) -> None:
        """Beat, write each run's summary (key -> dict), and remove those of runs that ended here."""
        _write(self.folder / HEARTBEAT, {"replica": self.replica})
        wanted = {run_file(key): summary for key, summary in summaries.items()}
        for name, summary in wanted.items():
            _write(self.folder / name, {**summary, "replica": self.replica})
        for path in self.folder.glob("*.json"):
            if path.name != HEARTBEAT and path.name not in wanted:
                path.unlink(missing_ok=True)

    def withdraw(self) -> None:
        """Remove everything this replica published (it shuts down)."""
        for path in self.folder.glob("*.json"):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.folder.rmdir()


def replica_alive(root: Path | str, replica: str, now: float | None = None) -> bool:
    """Whether ``replica`` still serves: asked of the process where it runs on this host, otherwise told
    by a heartbeat younger than SILENT_S.  ``replica`` may come from an address bar: only its form is read."""
    if not REPLICA.fullmatch(replica):
        return False
    verdict = process_alive(replica)
    if verdict is not None:
        return verdict
    age = _age(Path(root) / LIVE_DIR / replica / HEARTBEAT, now)
    return age is not None and age < SILENT_S


def live_runs(root: Path | str, now: float | None = None) -> list[dict]:
    """Every fresh summary of every replica, stale files removed on the way (oldest replica first)."""
    now = time.time() if now is None else now
    base = Path(root) / LIVE_DIR
    if not base.is_dir():
        return []
    found = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        alive = process_alive(folder.name) is not False
        for path in sorted(folder.iterdir()):
            age = _age(path, now)
            if age is None:
                continue
            if not alive or age > STALE_S:
                path.unlink(missing_ok=True)  # a dead replica's, or one that stopped writing it
            elif path.name != HEARTBEAT and not path.name.endswith(TMP_SUFFIX):
                summary = _read(path)
                found += [summary] if summary is not None else []
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty: a live replica's folder never is for long, and is made again
    return found


def _age(path: Path, now: float | None) -> float | None:
    try:
        return (time.time() if now is None else now) - path.stat().st_mtime
    except OSError:
        return None


def _read(path: Path) -> dict | None:
    try:
        summary = json.loads(path.read_text())
    except (OSError, ValueError):  # removed meanwhile, or a file that is not ours
        return None
    return summary if isinstance(summary, dict) else None
