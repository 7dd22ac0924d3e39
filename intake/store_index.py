"""The index of session summaries, so that listing never reads every session file.

Layout in `<store>/index/`:
  snapshot.json        {"format": 1, "generation": g, "entries": {id: {"s": summary, "sig": [ino, mtime_ns, size]}}}
  journal-<g>.jsonl    one line per change since the snapshot: {"id", "s", "sig"}, {"id", "damaged", "sig"}
                       or {"id", "deleted": true}

A session file that cannot be read is listed too, as damaged with the reason (`damaged`), so that
it is never hidden; it is read again as soon as its file changes (a restore).

The index is a cache: the session files are the truth. Each entry remembers the signature
(inode, mtime, size) of the session file it was read from; on open, one `stat` per file finds
every entry that is stale (a crash between a session write and its journal line, a lost
journal, a damaged snapshot) and re-reads only those files. So the journal needs no fsync of
its own, and a damaged or missing index is rebuilt from the session files.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from intake.errors import StoreProblem
from intake.store_files import ShortLock, append_line, dumps, private_dir, write_atomic

Sig = list[int]
INDEX_FORMAT = 1


def file_sig(st: os.stat_result) -> Sig:
    return [st.st_ino, st.st_mtime_ns, st.st_size]


class SummaryIndex:
    """Summaries of all sessions in memory, kept current from the journal of every process."""

    def __init__(self, folder: Path, sessions_dir: Path, lock_path: Path,
                 read_summary: Callable[[str], dict], make: Callable[[dict], Any]):
        self.folder = private_dir(folder)
        self.sessions_dir = sessions_dir
        self.snapshot_path = folder / "snapshot.json"
        self._lock = ShortLock(lock_path)
        self._read_summary = read_summary  # id -> summary dict from the session file (StoreProblem: unreadable)
        self._make = make  # summary dict -> validated summary object
        self.entries: dict[str, dict] = {}
        self.objects: dict[str, Any] = {}  # the readable sessions' summaries
        self.damaged: dict[str, str] = {}  # the unreadable sessions: id -> what is wrong
        self.generation = 0
        self._snap_ino = -1
        self._offset = 0
        # Seen while scanning the session files on open, for the store to clean up:
        self.temporary: list[Path] = []  # `.NAME.PID.tmp` files of writes
        self.loose: list[Path] = []  # session files that others may read
        with self._lock:
            self._load()
            self._reconcile()

    # -- reading -------------------------------------------------------------------------
    def journal_path(self, generation: int | None = None) -> Path:
        return self.folder / f"journal-{self.generation if generation is None else generation}.jsonl"

    def _load(self) -> None:
        enabled = gc.isenabled()
        gc.disable()  # tens of thousands of small dicts: the cyclic GC would rescan them again and again
        try:
            self._load_snapshot()
        finally:
            if enabled:
                gc.enable()

    def _load_snapshot(self) -> None:
        self.entries, self.objects, self.damaged, self._offset = {}, {}, {}, 0
        try:
            st = os.stat(self.snapshot_path)
            with open(self.snapshot_path, "rb") as f:
                snap = json.loads(f.read())
            if snap.get("format") != INDEX_FORMAT:
                raise ValueError("unknown index format")
            self.generation = int(snap["generation"])
            entries = snap["entries"]
            for sid, entry in entries.items():
                self._set(sid, entry)
            self._snap_ino = st.st_ino
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # missing or damaged: start empty; _reconcile re-reads every session file
            self.entries, self.objects, self.damaged = {}, {}, {}
            self.generation = max(self.generation, self._highest_journal()) + 1
            self._snap_ino = -1
        self._tail()

    def _highest_journal(self) -> int:
        gens = [int(p.stem.split("-", 1)[1]) for p in self.folder.glob("journal-*.jsonl")
                if p.stem.split("-", 1)[1].isdigit()]
        return max(gens, default=0)

    def _drop(self, sid: str) -> None:
        self.entries.pop(sid, None)
        self.objects.pop(sid, None)
        self.damaged.pop(sid, None)

    def _set(self, sid: str, entry: dict) -> None:
        self._drop(sid)
        try:
            if "damaged" in entry:
                self.damaged[sid] = str(entry["damaged"])
            else:
                self.objects[sid] = self._make(entry["s"])
        except Exception:  # a bad entry is dropped; _reconcile reads the file again
            return
        self.entries[sid] = entry

    def _apply(self, line: dict) -> None:
        sid = line["id"]
        if line.get("deleted"):
            self._drop(sid)
        else:
            self._set(sid, {k: v for k, v in line.items() if k != "id"})

    def _tail(self) -> None:
        """Apply the journal lines written since we last looked (by any process)."""
        try:
            with open(self.journal_path(), "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return
        end = data.rfind(b"\n") + 1  # a line still being written is read next time
        for raw in data[:end].splitlines():
            try:
                self._apply(json.loads(raw))
            except (ValueError, KeyError, TypeError):
                continue  # a torn line from a crash: reconcile on the next open fixes the entry
        self._offset += end

    def refresh(self) -> None:
        """Catch up with other processes: a new snapshot (compaction) or new journal lines."""
        try:
            ino = os.stat(self.snapshot_path).st_ino
        except FileNotFoundError:
            ino = -1
        if ino != self._snap_ino:
            with self._lock:
                self._load()
        else:
            self._tail()

    def _reconcile(self) -> None:
        """Compare every session file's signature with the index; re-read only what differs."""
        on_disk: dict[str, Sig] = {}
        with os.scandir(self.sessions_dir) as it:
            for entry in it:
                name = entry.name
                if name.startswith("."):
                    if name.endswith(".tmp"):
                        self.temporary.append(Path(entry.path))
                elif name.endswith(".json"):
                    try:
                        st = entry.stat()
                    except FileNotFoundError:
                        continue
                    on_disk[name[:-5]] = file_sig(st)
                    if st.st_mode & 0o077:
                        self.loose.append(Path(entry.path))
        changed = False
        for sid in [s for s in self.entries if s not in on_disk]:
            self._append({"id": sid, "deleted": True})
            changed = True
        for sid, sig in on_disk.items():
            entry = self.entries.get(sid)
            if entry is not None and entry["sig"] == sig:
                continue
            try:
                line = {"id": sid, "s": self._read_summary(sid), "sig": sig}
            except StoreProblem as exc:
                line = {"id": sid, "damaged": exc.message, "sig": sig}
            self._append(line)
            changed = True
        if self._snap_ino == -1 or (changed and self._offset > 4096 + 400 * max(1000, len(self.entries))):
            self._compact()

    # -- writing -------------------------------------------------------------------------
    def close(self) -> None:
        self._lock.close()

    def _append(self, line: dict) -> None:
        """Caller holds the index lock and has caught up with the journal."""
        self._tail()
        append_line(self.journal_path(), dumps(line).decode("utf-8") + "\n")
        self._tail()

    def put(self, sid: str, summary: dict, sig: Sig) -> None:
        self.record({"id": sid, "s": summary, "sig": sig})

    def delete(self, sid: str) -> None:
        self.record({"id": sid, "deleted": True})

    def record(self, line: dict) -> None:
        with self._lock:
            self.refresh()
            self._append(line)
            if self._offset > 4096 + 400 * max(1000, len(self.entries)):
                self._compact()

    def compact(self) -> None:
        """Rewrite the index from what it holds now: nothing of a deleted session stays in it."""
        with self._lock:
            self.refresh()
            self._compact()

    def _compact(self) -> None:
        """Write a new snapshot of everything and start a new journal (caller holds the lock)."""
        old = self.generation
        new = old + 1
        write_atomic(self.snapshot_path, dumps({"format": INDEX_FORMAT, "generation": new,
                                                "entries": self.entries}))
        self.generation, self._offset = new, 0
        self._snap_ino = os.stat(self.snapshot_path).st_ino
        for p in self.folder.glob("journal-*.jsonl"):
            if p.name != self.journal_path().name:
                p.unlink(missing_ok=True)
