"""The access log: who opened, listed, changed, exported or deleted which session, and when.

One JSON object per line in `<store>/access.log.jsonl`, appended with O_APPEND and never
rewritten. It holds ids, actions, who and when; never answers or client labels.
The Finnish client-data act lets a client ask who has processed their data; `intake log` prints it.

Tamper evidence: every entry records in `prev` the SHA-256 of the line before it (the first one,
of nothing), so editing, removing or inserting a line breaks the chain from there on;
`access.log.head` holds the number of entries and the hash of the last, so lines cut from the
end show too. `intake log --verify` names the first entry that does not fit. This shows changes
made by hand or by other programs; someone who can rewrite the whole store can rewrite the chain
as well (keep backups elsewhere). Entries written before the log was chained are accepted only
as a block at its start, and counted.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from intake.errors import StoreProblem
from intake.store_files import ShortLock, append_line, dumps, read_bytes, read_json, write_atomic

ACTIONS = ("create", "open", "open-read-only", "list", "change", "agree", "export", "export-client",
           "export-placement", "export-employer", "delete", "purge", "restore", "migrate", "import", "new-period",
           "report",  # report: the outcome report read the ended sessions (it shows counts only)
           "copy",  # copy: every session and the log were copied in from another store (`intake store copy`)
           "fidelity")  # fidelity: the fidelity review read every session (it keeps counts and means only)
GENESIS = hashlib.sha256(b"").hexdigest()


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return f"uid {os.getuid()}"


def line_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class Verification:
    entries: int  # lines in the log
    unchained: int  # entries from before the log was chained, at its start
    broken_at: int | None = None  # 1-based number of the first entry that does not fit
    problem: str = ""
    where: str = ""  # the log as a person would find it to keep it for investigation (a file)

    @property
    def ok(self) -> bool:
        return self.broken_at is None


class AccessLog:
    def __init__(self, path: Path, locks_dir: Path):
        self.path = path
        self.head_path = path.with_name(path.name.removesuffix(".jsonl") + ".head")
        self.host = socket.gethostname()
        self._lock_path = locks_dir / "access-log.lock"

    def write(self, action: str, session_id: str | None, who: str) -> None:
        assert action in ACTIONS, action
        self.append({"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "action": action,
                     "session": session_id, "who": who, "host": self.host, "pid": os.getpid()})

    def append(self, entry: dict) -> None:
        """Chain an entry to the last one: one written now, or one of another store's log (`intake store copy`)."""
        lock = ShortLock(self._lock_path)  # appends of two processes must not both chain to the same line
        try:
            with lock:
                last, count = self._last_line()
                entry = {**entry, "prev": line_hash(last) if last is not None else GENESIS}
                raw = dumps(entry)
                append_line(self.path, raw.decode("utf-8") + "\n", durable=True)
                # After the line is on disk: a crash in between leaves the head one entry behind,
                # which verify accepts (a head ahead of the log means lines were removed).
                write_atomic(self.head_path, dumps({"entries": count + 1, "last": line_hash(raw)}), durable=False)
        finally:
            lock.close()

    def _last_line(self) -> tuple[bytes | None, int]:
        """The last line and the number of lines. Reads only the end of the log, and takes the
        count from the head when the head names that last line (else, after a crash or in a log
        from before the head, counts the lines)."""
        try:
            with open(self.path, "rb") as f:
                size = f.seek(0, os.SEEK_END)
                chunk = 4096
                while True:
                    f.seek(max(0, size - chunk))
                    tail = f.read()
                    lines = tail.splitlines()
                    if len(lines) >= 2 or chunk >= size:
                        break
                    chunk *= 4
        except FileNotFoundError:
            return None, 0
        if not lines:
            return None, 0
        last = lines[-1]
        try:
            head = read_json(self.head_path, "access log head")
        except StoreProblem:
            head = None
        if isinstance(head, dict) and head.get("last") == line_hash(last) and isinstance(head.get("entries"), int):
            return last, head["entries"]
        return last, len((read_bytes(self.path, "access log") or b"").splitlines())

    def read(self, session_id: str | None = None) -> list[dict]:
        data = read_bytes(self.path, "access log") or b""
        out = []
        for raw in data.splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:
                continue  # a damaged line: `intake log --verify` names it
            if isinstance(entry, dict) and (session_id is None or entry.get("session") == session_id):
                entry.pop("prev", None)
                out.append(entry)
        return out

    def verify(self) -> Verification:
        lines = (read_bytes(self.path, "access log") or b"").splitlines()
        result = Verification(entries=len(lines), unchained=0, where=str(self.path))
        prev: bytes | None = None
        for n, raw in enumerate(lines, start=1):
            try:
                entry = json.loads(raw)
                chained = "prev" in entry
            except (ValueError, TypeError):
                return _broken(result, n, "it is not a log entry (damaged, or text added by hand)")
            if not chained:
                if result.unchained != n - 1:
                    return _broken(result, n, "it has no link to the entry before it (inserted or edited)")
                result.unchained += 1
            elif entry["prev"] != (line_hash(prev) if prev is not None else GENESIS):
                return _broken(result, n, "it does not follow the entry before it: that one was changed or "
                                          "removed, or this one was inserted")
            prev = raw
        try:
            head = read_json(self.head_path, "access log head")
        except StoreProblem:
            head = "damaged"
        if head is None:
            if result.entries > result.unchained:
                return _broken(result, result.entries, "the log's head (access.log.head) is missing")
        elif not isinstance(head, dict) or not isinstance(head.get("entries"), int):
            return _broken(result, result.entries, "the log's head (access.log.head) is damaged")
        elif head["entries"] > result.entries:
            return _broken(result, result.entries, f"the head says {head['entries']} entries: "
                                                   f"{head['entries'] - result.entries} were removed from the end")
        elif head["entries"] == result.entries and lines and head.get("last") != line_hash(lines[-1]):
            return _broken(result, result.entries, "the last entry was changed")
        return result


def _broken(result: Verification, n: int, problem: str) -> Verification:
    result.broken_at, result.problem = n, problem
    return result
