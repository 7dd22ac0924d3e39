"""The access log: who opened, changed, exported or deleted which session, and when.

One JSON object per line in `<store>/access.log.jsonl`, appended with O_APPEND and never
rewritten. It holds ids, actions, who and when; never answers or client labels.
The Finnish client-data act lets a client ask who has processed their data; `intake log` prints it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
from pathlib import Path

from intake.store_files import append_line, read_bytes

ACTIONS = ("create", "open", "open-read-only", "change", "agree", "export", "delete", "purge", "restore", "migrate")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return f"uid {os.getuid()}"


class AccessLog:
    def __init__(self, path: Path):
        self.path = path
        self.host = socket.gethostname()

    def write(self, action: str, session_id: str | None, who: str) -> None:
        assert action in ACTIONS, action
        entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "action": action,
                 "session": session_id, "who": who, "host": self.host, "pid": os.getpid()}
        append_line(self.path, json.dumps(entry, ensure_ascii=False) + "\n", durable=True)

    def read(self, session_id: str | None = None) -> list[dict]:
        data = read_bytes(self.path, "access log") or b""
        out = []
        for raw in data.splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:
                continue  # a line torn by a crash
            if session_id is None or entry.get("session") == session_id:
                out.append(entry)
        return out
