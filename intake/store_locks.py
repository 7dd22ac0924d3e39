"""Edit locks: one editor per session across processes, named in the message to the others.

An OS lock (flock, through the filelock library) on `<store>/locks/<id>.lock`: the kernel
releases it when the holder's process ends in any way, so a lock whose holder died is
recovered at once. Who holds it (name, host, pid, since when) is in `<id>.holder.json`,
written after the lock is taken and read only to word the message for the others.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from pathlib import Path

from filelock import FileLock, Timeout

from intake.errors import SessionLocked
from intake.store_files import FILE_MODE, dumps, write_atomic


class SessionLock:
    def __init__(self, folder: Path, session_id: str, holder: str):
        self.session_id = session_id
        self.holder = holder
        self.info_path = folder / f"{session_id}.holder.json"
        self._lock = FileLock(folder / f"{session_id}.lock", timeout=0, mode=FILE_MODE, thread_local=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def acquire(self) -> SessionLock:
        if self._lock.is_locked:
            return self
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise self._locked() from None
        info = {"holder": self.holder, "host": socket.gethostname(), "pid": os.getpid(),
                "since": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        write_atomic(self.info_path, dumps(info), durable=False)
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            try:
                self.info_path.unlink(missing_ok=True)
            finally:
                self._lock.release(force=True)

    def __enter__(self) -> SessionLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _locked(self) -> SessionLocked:
        """Who has the session, as far as the holder's note says; `key` says it on screen."""
        rest = "Open it read-only, or ask them to close it; if that program has ended, the lock is released by itself."
        try:
            info = json.loads(self.info_path.read_text(encoding="utf-8"))
            since = dt.datetime.fromisoformat(info["since"])
            who = dict(holder=str(info["holder"]), host=str(info["host"]), pid=int(info["pid"]))
        except (OSError, ValueError, KeyError, TypeError):
            return SessionLocked(f"Session {self.session_id} is being edited by another window or process. {rest}",
                                 key="error.locked_unknown", session=self.session_id)
        return SessionLocked(f"Session {self.session_id} is being edited by {who['holder']} on {who['host']} (process "
                             f"{who['pid']}) since {since.astimezone():%Y-%m-%d %H:%M}. {rest}",
                             key="error.locked_elsewhere", session=self.session_id, since=since, **who)
