"""The index of session summaries, so that listing, filtering and counting never read every session file.

`<store>/index/sessions.sqlite` (SQLite in WAL mode, the folder 0700 and its files 0600) holds one
row per session file: its summary (JSON), a casefolded search text (what the list shows), the day
of its next review (a column of its own, indexed: the list filters by it), the file's signature (inode, mtime, size) and, for a file that cannot be read, what is wrong with it
(listed first, so that it is never hidden; read again as soon as its file changes).

The index is a cache: the session files are the truth. Opening does not stat every file (100,000
stats take half a second); instead:
- before a session file is written or removed, its id is put in `intents`; the row update after
  the write takes it out, so opening re-reads only the files whose change may not have reached the
  index (a crash in between);
- the sessions folder's (inode, ctime) is remembered after a full comparison and moved on by each
  write of ours that started from it; any other change to the folder (a file copied in or removed
  by hand, a crashed write's temporary file, a chmod) makes the next open compare every file;
- a missing, damaged or older index is rebuilt from the session files;
- the rows a list shows are checked against their files (`page`), and `reconcile` compares all.
Commits are not fsynced (synchronous=NORMAL): a commit lost in a power cut is found again by the
rules above. Deleting a session erases its row for good: secure_delete zeroes it, and a checkpoint
empties the WAL, which still holds older copies of the row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import multiprocessing
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from intake.errors import StoreProblem
from intake.store_files import FILE_MODE, make_private, private_dir
from intake.text_safety import printable

Sig = tuple[int, int, int]
Progress = Callable[[int, int], None]
SCHEMA = 2  # PRAGMA user_version: an index of another layout is rebuilt (2: next_review)
DB_NAME = "sessions.sqlite"
BATCH = 2000  # rows read and committed at a time while comparing every file
PARALLEL_FROM = 4 * BATCH  # files to read before reader processes pay for their start (a fraction of a second)
MAX_READERS = 4
SCHEMA_SQL = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    summary TEXT,            -- the summary as JSON; NULL for a damaged file
    problem TEXT,            -- what is wrong with a damaged file; NULL for a readable one
    healthy INTEGER NOT NULL,
    changed_us INTEGER NOT NULL,
    search TEXT NOT NULL,
    next_review TEXT,        -- ISO day of the next review; NULL: none (not started, ended, damaged)
    ino INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL
);
-- the list's order, covering the filter: a filtered page never reads the rows it skips
CREATE INDEX listing ON sessions (healthy, changed_us DESC, id, search);
-- the sessions with a next review in its order (the most overdue first), covering the text filter:
-- a review filter reads only the rows in its range of days
CREATE INDEX due ON sessions (next_review, changed_us DESC, id, search) WHERE next_review IS NOT NULL;
CREATE TABLE intents (id TEXT PRIMARY KEY);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
ORDER = "ORDER BY healthy, changed_us DESC, id"
DUE_ORDER = "ORDER BY next_review, changed_us DESC, id"
Days = tuple[str, str]  # the first and last next-review day a review filter keeps (ISO, both included)
UPSERT = """
INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET summary = excluded.summary, problem = excluded.problem, healthy = excluded.healthy,
    changed_us = excluded.changed_us, search = excluded.search, next_review = excluded.next_review,
    ino = excluded.ino, mtime_ns = excluded.mtime_ns, size = excluded.size
"""
# While comparing every file, a row is replaced only if nobody changed it since it was compared:
# another process may have written a newer version in between.
UPSERT_IF_UNCHANGED = UPSERT + " WHERE sessions.ino IS ? AND sessions.mtime_ns IS ? AND sessions.size IS ?"


def file_sig(st: os.stat_result) -> Sig:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def search_text(summary: dict) -> str:
    # What the list shows, so that what is seen can be typed.
    return printable(f"{summary['client_label']} {summary['counsellor']} {summary['id']}").casefold()


def _summary_row(sid: str, summary: dict, sig: Sig) -> tuple:
    changed = dt.datetime.fromisoformat(summary["updated_at"])
    # A summary saved before periods had reviews has no next_review: it has none to show.
    return (sid, json.dumps(summary, ensure_ascii=False), None, 1, int(changed.timestamp() * 1e6),
            search_text(summary), summary.get("next_review"), *sig)


def _file_row(read_summary: Callable[[str], dict], sid: str, sig: Sig) -> tuple:
    try:
        summary = read_summary(sid)
    except StoreProblem as exc:
        return (sid, None, exc.message, 0, sig[1] // 1000, sid.casefold(), None, *sig)
    return _summary_row(sid, summary, sig)


def _file_rows(read_summary: Callable[[str], dict], batch: list[tuple[str, Sig]]) -> list[tuple]:
    """The rows of a batch of files (in a reader process when the index is built in parallel)."""
    return [_file_row(read_summary, sid, sig) for sid, sig in batch]


def _is_damaged(exc: sqlite3.DatabaseError) -> bool:
    """A damaged or foreign index file (rebuilt), not a locked or unwritable one (a problem to report)."""
    return type(exc) is sqlite3.DatabaseError  # "file is not a database", "database disk image is malformed"


class SummaryIndex:
    """Summaries of all sessions in SQLite; every method may be called from any thread."""

    def __init__(self, folder: Path, sessions_dir: Path, read_summary: Callable[[str], dict],
                 progress: Progress | None = None):
        self.folder = private_dir(folder)
        self.sessions_dir = sessions_dir
        self.path = folder / DB_NAME
        self._read_summary = read_summary  # id -> summary dict from the session file (StoreProblem: unreadable)
        self._lock = threading.RLock()  # one connection, shared by the app's UI thread and its workers
        # Seen while comparing every file, for the store to clean up:
        self.temporary: list[Path] = []  # `.NAME.PID.tmp` files of writes
        self.loose: list[Path] = []  # session files that others may read
        try:
            self._con = self._connect()
            if self._con.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                self._recreate()
        except sqlite3.DatabaseError as exc:
            if not _is_damaged(exc):
                raise self._problem(exc) from None
            self._recreate()
        if self._meta("folder") != self._folder_sig():
            self.reconcile(progress)
        else:
            self._redo_intents()
        for old in (*folder.glob("snapshot.json"), *folder.glob("journal-*.jsonl")):
            old.unlink()  # the index of earlier versions, rebuilt above from the session files

    # -- the database ----------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        # Created private before SQLite writes a byte into it; its -wal and -shm files get its mode.
        os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
        make_private(self.path)
        con = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA secure_delete=ON")
        return con

    def _recreate(self) -> None:
        """Start an empty index (missing, damaged, or of another layout): the caller compares every file."""
        with contextlib.suppress(AttributeError):
            self._con.close()
        for suffix in ("", "-wal", "-shm"):
            self.path.with_name(DB_NAME + suffix).unlink(missing_ok=True)
        self._con = self._connect()
        with self._lock:
            self._con.executescript(f"BEGIN; {SCHEMA_SQL}; PRAGMA user_version = {SCHEMA}; COMMIT;")

    def _problem(self, exc: sqlite3.Error) -> StoreProblem:
        return StoreProblem(f"Cannot use the session index {self.path}: {exc}. Check the disk and the folder's "
                            f"permissions; if it stays, remove the folder {self.folder} (it is rebuilt from the "
                            "session files).")

    def _repair(self, exc: sqlite3.DatabaseError) -> None:
        """Damaged while open: rebuilt from the session files. Any other problem is reported."""
        if not _is_damaged(exc):
            raise self._problem(exc) from None
        self._recreate()
        self.reconcile()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._con.execute("BEGIN IMMEDIATE")
                try:
                    yield self._con
                except BaseException:
                    self._con.execute("ROLLBACK")
                    raise
                self._con.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self._repair(exc)  # the rebuilt index holds this change too: it is in the files already

    def _query(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._con.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                self._repair(exc)
                return self._con.execute(sql, params).fetchall()

    def _meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def _folder_sig(self) -> str:
        st = os.stat(self.sessions_dir)
        return f"{st.st_ino}:{st.st_ctime_ns}"

    def close(self) -> None:
        with self._lock:
            self._con.close()

    # -- keeping it current ----------------------------------------------------------------
    def _row(self, sid: str, sig: Sig) -> tuple:
        return _file_row(self._read_summary, sid, sig)

    def _read_rows(self, stale: list[str], on_disk: dict[str, Sig]) -> Iterator[tuple[list[str], list[tuple]]]:
        """The rows of the stale files, a batch at a time. Reading and parsing is nearly all the cost of
        building the index (a tenth of a millisecond a file): a large build shares it among the CPUs."""
        batches = [[(sid, on_disk[sid]) for sid in stale[i:i + BATCH]] for i in range(0, len(stale), BATCH)]
        workers = min(os.cpu_count() or 1, MAX_READERS)
        # Forked readers (a spawned one would run the caller's script again), and only from a process
        # with no other thread: a fork copies the locks other threads hold mid-use. The app's
        # background check runs in a thread, and reads alone: it rarely has many files to read.
        if (len(stale) < PARALLEL_FROM or workers < 2 or threading.active_count() > 1
                or "fork" not in multiprocessing.get_all_start_methods()):
            for batch in batches:
                yield [sid for sid, _ in batch], _file_rows(self._read_summary, batch)
            return
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for batch, rows in zip(batches, pool.map(_file_rows, itertools.repeat(self._read_summary), batches)):
                yield [sid for sid, _ in batch], rows

    def _stat(self, sid: str) -> Sig | None:
        try:
            return file_sig(os.stat(self.sessions_dir / f"{sid}.json"))
        except FileNotFoundError:
            return None

    def _refresh(self, sids: list[str]) -> None:
        """Read these session files again (a row for a file that is gone is removed)."""
        rows, gone = [], []
        for sid in sids:
            sig = self._stat(sid)
            if sig is None:
                gone.append((sid,))
            else:
                rows.append(self._row(sid, sig))
        with self._transaction() as con:
            con.executemany(UPSERT, rows)
            con.executemany("DELETE FROM sessions WHERE id = ?", gone)
            con.executemany("DELETE FROM intents WHERE id = ?", [(sid,) for sid in sids])

    def _redo_intents(self) -> None:
        sids = [sid for (sid,) in self._query("SELECT id FROM intents")]
        if sids:
            self._refresh(sids)

    def reconcile(self, progress: Progress | None = None) -> bool:
        """Compare every session file with its row and read again only those that differ (all of
        them when the index is new). True when anything changed."""
        folder = self._folder_sig()  # before the scan: a change during it shows at the next open
        on_disk: dict[str, Sig] = {}
        temporary, loose = [], []
        with os.scandir(self.sessions_dir) as it:
            for entry in it:
                name = entry.name
                if name.startswith("."):
                    if name.endswith(".tmp"):
                        temporary.append(Path(entry.path))
                elif name.endswith(".json"):
                    try:
                        st = entry.stat()
                    except FileNotFoundError:
                        continue
                    on_disk[name[:-5]] = file_sig(st)
                    if st.st_mode & 0o077:
                        loose.append(Path(entry.path))
        self.temporary, self.loose = temporary, loose
        known = {sid: (ino, mtime, size) for sid, ino, mtime, size
                 in self._query("SELECT id, ino, mtime_ns, size FROM sessions")}
        stale = [sid for sid, sig in on_disk.items() if known.get(sid) != sig]
        gone = [(sid, *sig) for sid, sig in known.items() if sid not in on_disk]
        done = 0
        for batch, rows in self._read_rows(stale, on_disk):
            rows = [(*row, *known.get(sid, (None, None, None))) for sid, row in zip(batch, rows)]
            with self._transaction() as con:
                con.executemany(UPSERT_IF_UNCHANGED, rows)
            done += len(batch)
            if progress is not None and len(stale) > BATCH:  # a bar only for a build that takes a while
                progress(done, len(stale))
        with self._transaction() as con:
            con.executemany("DELETE FROM sessions WHERE id = ? AND ino = ? AND mtime_ns = ? AND size = ?", gone)
            con.execute("DELETE FROM intents")  # every file was just compared
            con.execute("INSERT OR REPLACE INTO meta VALUES ('folder', ?)", (folder,))
        return bool(stale or gone)

    def begin(self, sid: str) -> str:
        """Before a session file is written or removed: returns the folder's state before the change."""
        before = self._folder_sig()
        with self._transaction() as con:
            con.execute("INSERT OR IGNORE INTO intents VALUES (?)", (sid,))
        return before

    def _done(self, con: sqlite3.Connection, sid: str, before: str) -> None:
        con.execute("DELETE FROM intents WHERE id = ?", (sid,))
        # Move the remembered state of the folder on only when it was ours to move: nothing else
        # changed the folder since it was remembered.
        con.execute("UPDATE meta SET value = ? WHERE key = 'folder' AND value = ?", (self._folder_sig(), before))

    def put(self, sid: str, summary: dict, sig: Sig, before: str) -> None:
        """After the session file was written (`before` from `begin`)."""
        with self._transaction() as con:
            con.execute(UPSERT, _summary_row(sid, summary, sig))
            self._done(con, sid, before)

    def delete(self, sid: str, before: str, *, erase: bool = True) -> None:
        """After the session's files were removed: its row goes, and with `erase` every trace of it."""
        with self._transaction() as con:
            con.execute("DELETE FROM sessions WHERE id = ?", (sid,))
            self._done(con, sid, before)
        if erase:
            self.erase()

    def erase(self) -> None:
        """Write the WAL into the database and empty it: deleted rows are then zeroed everywhere."""
        for _ in range(100):
            with self._lock:
                busy = self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if not busy:
                return
            time.sleep(0.01)  # another process is reading: it is done within milliseconds

    # -- reading -----------------------------------------------------------------------------
    @staticmethod
    def _where(words: list[str], *more: str, days: Days | None = None) -> tuple[str, list[str]]:
        """Rows whose search text holds every word (casefolded by the caller) and, with `days`, whose
        next review falls on one of them."""
        conditions = ["instr(search, ?) > 0"] * len(words) + list(more)
        params = list(words)
        if days is not None:
            conditions.append("next_review BETWEEN ? AND ?")
            params += days
        return (" WHERE " + " AND ".join(conditions) if conditions else ""), params

    def count(self, words: list[str] = (), *, damaged_only: bool = False, days: Days | None = None) -> int:
        where, params = self._where(list(words), *(["healthy = 0"] if damaged_only else []), days=days)
        return self._query(f"SELECT count(*) FROM sessions{where}", params)[0][0]

    def page(self, words: list[str] = (), offset: int = 0, limit: int | None = None,
             days: Days | None = None) -> list[tuple]:
        """Rows (id, summary JSON or None, problem or None, changed_us) in the list's order: the
        damaged first, then the most recently changed; with `days` (only sessions with a next review
        on one of them), the earliest next review first. Each is checked against its file first."""
        where, params = self._where(list(words), days=days)
        sql = (f"SELECT id, summary, problem, changed_us, ino, mtime_ns, size FROM sessions{where} "
               f"{ORDER if days is None else DUE_ORDER} LIMIT ? OFFSET ?")
        for _ in range(3):
            rows = self._query(sql, [*params, -1 if limit is None else limit, offset])
            stale = [r[0] for r in rows if self._stat(r[0]) != tuple(r[4:])]
            if not stale:
                break
            self._refresh(stale)  # changed behind the index's back: read again, then ask again
        return [r[:4] for r in rows]

    def everything(self, healthy: bool, words: list[str] = ()) -> list[tuple]:
        """Every readable session's (id, summary JSON), or every damaged one's (id, problem, changed_us),
        holding every word (casefolded by the caller), as `page` filters."""
        where, params = self._where(list(words), f"healthy = {int(healthy)}")
        columns = "id, summary" if healthy else "id, problem, changed_us"
        return self._query(f"SELECT {columns} FROM sessions{where} {ORDER}", params)
