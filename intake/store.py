"""The session store: the only module that imports TinyDB.

A store is a folder (format 2):

  format.json               {"format": 2}: a newer format is refused, format 1 (one file) is migrated
  sessions/<id>.json        one small TinyDB file per session, written atomically and durably
  sessions/<id>.json.bak    the previous good version of that file (`intake restore ID`)
  index/                    summaries for listing without reading every session (SQLite, store_index.py)
  locks/                    edit locks, one per session (store_locks.py)
  access.log.jsonl          who opened, changed, exported or deleted which session (store_log.py)
  placements.sqlite         the county's own placements (`intake placements import`, placement_catalogue.py)
  employers.sqlite          the county's jobs at employers (`intake employers import`), the same way

Saving an answer rewrites only that session's file: the cost does not depend on how many
sessions the store holds. Files are 0600 and folders 0700.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic_core import from_json
from pydantic import ValidationError
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from intake.errors import (
    SessionDamaged,
    SessionExists,
    SessionLocked,
    StoreProblem,
)
from intake.flows.due import ReviewDue
from intake.flows.engine import InterviewState
from intake.flows.text import Language
from intake.store_files import (
    dumps,
    fsync_dir,
    is_stale_temporary,
    make_private,
    private_dir,
    read_json,
    write_atomic,
)
from intake.store_index import Progress, Sig, SummaryIndex, file_sig
from intake.store_locks import SessionLock
from intake.store_log import AccessLog, Verification, os_user
from intake.store_records import (  # the records are imported from here too
    SUMMARY_FIELDS,
    DamagedSession,
    SessionRecord,
    SessionSummary,
    Status,
    changed_elsewhere,
    check_id,
    gone,
    locked_here,
    new_record,
    not_found,
    now,
    purgeable,
    review_days,
    validated,
)
from intake.store_migrate import erase_from_v1_backup, interrupted_migration, migrate_v1

if TYPE_CHECKING:
    from intake.placement_catalogue import EmployerCatalogue, PlacementCatalogue

FORMAT = 2
SESSION_TABLE = "session"
META_TABLE = "meta"


def _keep_damaged(path: Path) -> Path:
    """Keep a damaged file under the first free name `<name>.damaged`, `.damaged.2`, …: a hard link,
    which fails rather than replace an earlier damaged copy (the only copy of the newest answers)."""
    for n in itertools.count(1):
        kept = path.with_name(path.name + (".damaged" if n == 1 else f".damaged.{n}"))
        try:
            os.link(path, kept)
            return kept
        except FileExistsError:
            continue


def _validated(model: type[SessionSummary], doc: dict, session_id: str, path: Path) -> SessionSummary:
    """The session (or its summary) in a file, SessionDamaged when it does not hold a valid one."""
    return validated(model, doc, session_id, f"The session file {path}", _restore_hint(session_id))


def _restore_hint(session_id: str) -> str:
    return (f"Run 'intake restore {session_id}' to go back to the last good version of this session, "
            "or restore the store folder from a backup.")


class AtomicJSONStorage(Storage):
    """TinyDB storage for one small file: atomic, durable writes that keep the previous version.

    Reading a file that is missing returns None (TinyDB then starts empty); a file that is
    truncated, garbage or from a newer format raises StoreProblem naming it. TinyDB always reads
    before it writes, so a file that could not be read is never overwritten.
    """

    def __init__(self, path: Path, backup: Path | None = None, session_id: str = ""):
        self.path = path
        self.backup = backup
        self.session_id = session_id

    def read(self, loads: Callable[[bytes], Any] = json.loads) -> dict | None:
        data = read_json(self.path, "session file", _restore_hint(self.session_id), damaged=SessionDamaged,
                         loads=loads)
        if data is None:
            return None
        meta = data.get(META_TABLE, {}).get("1", {}) if isinstance(data, dict) else None
        version = meta.get("format") if isinstance(meta, dict) else None
        if not isinstance(version, int) or not all(isinstance(t, dict) for t in data.values()):
            raise SessionDamaged(f"The session file {self.path} is not an intake session file. "
                                 f"{_restore_hint(self.session_id)}")
        if version > FORMAT:
            raise StoreProblem(f"The session file {self.path} is in format {version!r}, newer than this version of "
                               f"intake understands (format {FORMAT}). Update intake to open it; "
                               "nothing was changed.")
        return data

    def write(self, data: dict) -> None:
        data[META_TABLE] = {"1": {"format": FORMAT}}
        self.written = write_atomic(self.path, dumps(data), backup=self.backup)

    def close(self) -> None:
        pass


def read_summary(sessions_dir: Path, session_id: str) -> dict:
    """The summary of a session file, for the index: checked like a record, but the interview itself
    is validated only when the session is opened (a tenth of the time, for the index of 100,000
    sessions), and parsed with pydantic's faster JSON reader."""
    path = sessions_dir / f"{session_id}.json"
    data = AtomicJSONStorage(path, None, session_id).read(loads=from_json)
    doc = (data or {}).get(SESSION_TABLE, {}).get("1")
    if not isinstance(doc, dict):
        raise SessionDamaged(f"The session file {path} holds no session. {_restore_hint(session_id)}"
                             if data is not None else f"The session file of {session_id} is missing.")
    summary = {k: doc[k] for k in SUMMARY_FIELDS if k in doc}
    return _validated(SessionSummary, summary, session_id, path).model_dump(mode="json")


class Store:
    """Sessions on disk. `who` defaults to the OS user; sessions pass their counsellor."""

    def __init__(self, path: Path, *, legacy: Path | None = None, user: str | None = None,
                 progress: Progress | None = None):
        """`progress(done, total)` is called while the index is built from the session files."""
        self.path = Path(path)
        self.user = user or os_user()
        self._locks: dict[str, SessionLock] = {}
        self._changed: set[str] = set()
        # session id -> (signature, revision) of the file as last read or written here: a save
        # whose file still has that signature need not read the file to know its revision
        self._known: dict[str, tuple[Sig, int]] = {}
        try:
            migrated = self._migrate_if_needed(legacy)
            self._open(progress)
            if migrated:
                self.log.write("migrate", None, self.user)
            self._clean_up()
        except OSError as exc:
            raise StoreProblem(f"Cannot open the store {self.path}: {exc.strerror or exc}. Check the folder's "
                               "owner and permissions, or use --store with another folder.") from None

    # -- opening -------------------------------------------------------------------------
    def _migrate_if_needed(self, legacy: Path | None) -> bool:
        source = None
        if self.path.is_file():
            source = self.path
        elif (backup := interrupted_migration(self.path)) is not None:
            source = backup
        elif not self.path.exists() and legacy is not None and legacy.is_file():
            source = legacy
        if source is None:
            return False
        migrate_v1(source, self.path, self._build_from_v1)
        return True

    def _build_from_v1(self, folder: Path, docs: list[dict], backup: Path) -> None:
        records = []
        for doc in docs:
            try:
                records.append(SessionRecord.model_validate(doc))
            except ValidationError as exc:
                raise StoreProblem(f"Session {doc.get('id', '?')!r} in the old store file cannot be read "
                                   f"({exc.error_count()} problems); nothing was migrated.") from None
        sessions = private_dir(folder / "sessions")
        for record in records:
            data = {META_TABLE: {"1": {"format": FORMAT}},
                    SESSION_TABLE: {"1": record.model_dump(mode="json")}}
            write_atomic(sessions / f"{record.id}.json", dumps(data), durable=False)
        for f in sessions.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        fsync_dir(sessions)
        # The backup holds every old session: deleting one must erase it there too.
        write_atomic(folder / "format.json", dumps({"format": FORMAT, "app": "intake", "v1_backup": str(backup)}))

    def _open(self, progress: Progress | None) -> None:
        existed = self.path.exists()
        private_dir(self.path)
        fmt_file = self.path / "format.json"
        hint = "Restore the store folder from a backup, or use --store with another folder."
        fmt = read_json(fmt_file, "store format file", hint)
        if fmt is None:
            if existed and any(p.name not in ("sessions", "index", "locks", "access.log.jsonl")
                               and not p.name.startswith(("placements.", "employers.")) for p in self.path.iterdir()):
                raise StoreProblem(f"The folder {self.path} is not an intake store (it has no format.json). "
                                   "Use --store with an empty or new folder.")
            fmt = {"format": FORMAT, "app": "intake"}
            write_atomic(fmt_file, dumps(fmt))
        else:
            version = fmt.get("format") if isinstance(fmt, dict) else None
            if not isinstance(version, int):
                raise StoreProblem(f"The store format file {fmt_file} is damaged. {hint}")
            if version > FORMAT:
                raise StoreProblem(f"The store {self.path} is in format {version}, written by a newer version of "
                                   f"intake (this version understands format {FORMAT}). Update intake; "
                                   "nothing was changed.")
        self.v1_backup = Path(fmt["v1_backup"]) if isinstance(fmt.get("v1_backup"), str) else None
        self.sessions_dir = private_dir(self.path / "sessions")
        self.locks_dir = private_dir(self.path / "locks")
        self.log = AccessLog(self.path / "access.log.jsonl", self.locks_dir)
        self.index = SummaryIndex(private_dir(self.path / "index"), self.sessions_dir,
                                  functools.partial(read_summary, self.sessions_dir), progress)
        (self.locks_dir / "index.lock").unlink(missing_ok=True)  # the lock of the earlier index's journal

    def _clean_up(self) -> None:
        """What a crash or an older version left behind: temporary files of writes that will never
        finish (they hold answers), holder files of locks nobody holds, files others may read."""
        # sessions/ was scanned by the index already; the store's own folder and the index's are small.
        small = [p for folder in (self.path, self.index.folder) for p in folder.iterdir() if p.is_file()]
        for tmp in [*self.index.temporary, *(p for p in small if p.name.startswith(".") and p.name.endswith(".tmp"))]:
            if is_stale_temporary(tmp):
                tmp.unlink(missing_ok=True)
        for loose in [*self.index.loose, *small]:
            make_private(loose)  # passes over a file removed just above
        for holder in self.locks_dir.glob("*.holder.json"):
            session_id = holder.name.removesuffix(".holder.json")
            if self._held(session_id) is None:
                try:
                    SessionLock(self.locks_dir, session_id, self.user).acquire().release()
                except SessionLocked:
                    continue  # really held, by another process
                holder.unlink(missing_ok=True)

    def close(self) -> None:
        for lock in list(self._locks.values()):
            lock.release()
        self._locks.clear()
        if hasattr(self, "index"):
            self.index.close()
        for catalogue in ("placements", "employers"):
            if catalogue in self.__dict__:
                self.__dict__[catalogue].close()

    # -- files ---------------------------------------------------------------------------
    def session_file(self, session_id: str) -> Path:
        return self.sessions_dir / f"{check_id(session_id)}.json"

    def backup_file(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.json.bak"

    def _copies(self, session_id: str) -> list[Path]:
        """Every file in sessions/ that holds this session, whole or in part: the file, its previous
        version, damaged copies kept by restore, temporary files of writes."""
        name = self.session_file(session_id).name  # ids are letters, digits, - and _: safe in a pattern
        return [*self.sessions_dir.glob(f"{name}*"), *self.sessions_dir.glob(f".{name}*.tmp")]

    def _db(self, session_id: str) -> TinyDB:
        return TinyDB(self.session_file(session_id), self.backup_file(session_id), session_id,
                      storage=AtomicJSONStorage)

    def _read_record(self, session_id: str, path: Path | None = None) -> SessionRecord | None:
        path = path or self.session_file(session_id)
        try:
            sig = file_sig(os.stat(path))
        except FileNotFoundError:
            sig = None
        db = TinyDB(path, None, session_id, storage=AtomicJSONStorage)
        doc = db.table(SESSION_TABLE, cache_size=0).get(doc_id=1)
        if doc is None:
            if path.exists():
                raise SessionDamaged(f"The session file {path} holds no session. {_restore_hint(session_id)}")
            return None
        record = _validated(SessionRecord, dict(doc), session_id, path)
        # Known only when the file did not change while it was read (another process saving): the
        # revision read must belong to the signature remembered, or a lost update goes unnoticed.
        if path == self.session_file(session_id) and sig == file_sig(os.stat(path)):
            self._known[session_id] = (sig, record.revision)
        return record

    def _write(self, record: SessionRecord, *, new: bool = False) -> SessionRecord:
        doc = record.model_dump(mode="json")
        path = self.session_file(record.id)
        try:
            before = self.index.begin(record.id)
            db = self._db(record.id)
            table = db.table(SESSION_TABLE, cache_size=0)
            if new:
                table.insert(Document(doc, doc_id=1))
            else:
                table.upsert(Document(doc, doc_id=1))
            sig = file_sig(db.storage.written)
            self._known[record.id] = (sig, record.revision)
            self.index.put(record.id, {k: doc[k] for k in SUMMARY_FIELDS}, sig, before)
        except OSError as exc:
            raise StoreProblem(f"Cannot save session {record.id} to {path}: {exc.strerror or exc}. "
                               "The last saved version is kept; check the disk and the folder's permissions.") from None
        return record

    # -- locks ---------------------------------------------------------------------------
    def lock_session(self, session_id: str, holder: str | None = None) -> SessionLock:
        """Take the edit lock of a session: SessionLocked names who holds it, in another process or
        already in this one (one editor per session, also within one program)."""
        self.session_file(session_id)  # SessionNotFound for an id that cannot be one: no lock file outside locks/
        if self._held(session_id) is not None:
            raise locked_here(session_id, self._locks[session_id].holder)
        lock = SessionLock(self.locks_dir, session_id, holder or self.user).acquire()
        self._locks[session_id] = lock
        return lock

    def unlock_session(self, session_id: str) -> None:
        lock = self._locks.pop(session_id, None)
        if lock is not None:
            lock.release()
        self._changed.discard(session_id)

    def _held(self, session_id: str) -> SessionLock | None:
        lock = self._locks.get(session_id)
        return lock if lock is not None and lock.held else None

    @contextlib.contextmanager
    def _editing(self, session_id: str, who: str | None):
        """The edit lock for one write: the one this store holds, or taken just for the write."""
        if self._held(session_id) is not None:
            yield
        else:
            with SessionLock(self.locks_dir, session_id, who or self.user):
                yield

    def _revision_on_disk(self, session_id: str) -> int:
        """The revision of the session file now (StoreProblem when it cannot be read: it is then
        never overwritten)."""
        path = self.session_file(session_id)
        known = self._known.get(session_id)
        if known is not None and known[0] == file_sig(os.stat(path)):
            return known[1]
        record = self._read_record(session_id)
        if record is None:
            raise gone(session_id)
        return record.revision

    # -- the API -------------------------------------------------------------------------
    def create(self, client_label: str, counsellor: str, state: InterviewState,
               language: Language = "fi", plain: bool = False, *, lock: bool = False) -> SessionRecord:
        record = new_record(client_label, counsellor, state, language, plain)
        if lock:
            self.lock_session(record.id, counsellor)
        with self._editing(record.id, counsellor):
            self._write(record, new=True)
        self.log.write("create", record.id, counsellor)
        return record

    def has_session(self, session_id: str) -> bool:
        return self.session_file(session_id).exists()

    def get(self, session_id: str) -> SessionRecord:
        record = self._read_record(session_id)
        if record is None:
            raise not_found(session_id)
        return record

    def save(self, record: SessionRecord, who: str | None = None) -> SessionRecord:
        """Write the session durably, as the next revision of the one it was read at: SessionConflict
        when the file has changed since (nothing is written). Takes its edit lock for the write
        unless this store holds it."""
        if not self.session_file(record.id).exists():
            raise gone(record.id)
        held = self._held(record.id)
        who = who or (held.holder if held is not None else None)
        with self._editing(record.id, who or self.user):
            on_disk = self._revision_on_disk(record.id)
            if on_disk != record.revision:
                raise changed_elsewhere(record.id, on_disk, record.revision)
            record = self._write(record.model_copy(update={"updated_at": now(), "revision": on_disk + 1}))
        if record.id not in self._changed:
            self._changed.add(record.id)
            self.log.write("change", record.id, who or record.counsellor)
        return record

    def adopt(self, record: SessionRecord, *, replace: bool = False, who: str | None = None) -> SessionRecord:
        """Take in a session made elsewhere (`intake import`) under its own id: a session with that id
        is replaced only with `replace` (as its next revision; a damaged one is kept aside first)."""
        path = self.session_file(record.id)
        with self._editing(record.id, who or self.user):
            revision = 0
            if path.exists():
                if not replace:
                    raise SessionExists(f"Session {record.id} is in this store already; nothing was imported. "
                                        "Add --replace to put the imported version in its place.")
                try:
                    revision = self._revision_on_disk(record.id) + 1
                except SessionDamaged:
                    _keep_damaged(path)
            record = self._write(record.model_copy(update={"revision": revision}), new=not path.exists())
            self.log.write("import", record.id, who or self.user)
        return record

    def reconcile(self, progress: Progress | None = None) -> bool:
        """Compare every session file with the index (opening the store trusts what it knows of its
        own writes; this finds what was changed behind its back). True when anything changed."""
        return self.index.reconcile(progress)

    def count(self, text: str = "", *, damaged_only: bool = False, due: ReviewDue | None = None) -> int:
        """How many sessions `page` can show (matching every word of `text`, and `due`), without reading them."""
        return self.index.count(text.casefold().split(), damaged_only=damaged_only, days=review_days(due))

    def page(self, text: str = "", offset: int = 0, limit: int | None = None,
             due: ReviewDue | None = None) -> list[SessionSummary | DamagedSession]:
        """A slice of the session list in its order: the damaged first (never hidden), then the most
        recently changed. `text` keeps the sessions whose client label, counsellor or id hold every
        word of it (a damaged one: its id). `due` keeps only the sessions whose next review is
        overdue or due soon, the earliest (the most overdue) first: a damaged session has no next
        review to go by, so it is left out. Each row shown is checked against its file first."""
        found: list[SessionSummary | DamagedSession] = []
        for sid, summary, problem, changed_us in self.index.page(text.casefold().split(), offset, limit, review_days(due)):
            if summary is None:
                found.append(self._damaged(sid, problem, changed_us))
            else:
                found.append(SessionSummary.model_validate_json(summary))
        return found

    def _damaged(self, session_id: str, problem: str, changed_us: int) -> DamagedSession:
        return DamagedSession(id=session_id, problem=problem,
                              updated_at=dt.datetime.fromtimestamp(changed_us / 1e6, dt.timezone.utc),
                              restorable=self.backup_file(session_id).exists())

    def list(self, text: str | None = None, status: Status | None = None) -> list[SessionSummary]:
        """Every readable session, most recently changed first (every file is compared with the index
        first); optionally only those matching `text` (every word, as `page`) or `status`. The ones that cannot be read are
        in `damaged()`. For a list on screen, `page` and `count` cost what is shown."""
        self.reconcile()
        words = (text or "").casefold().split()
        items = [SessionSummary.model_validate_json(summary) for _, summary in self.index.everything(True, words)]
        return items if status is None else [s for s in items if s.status == status]

    def damaged(self) -> list[DamagedSession]:
        """The sessions whose files cannot be read, with what is wrong and how to repair each (every
        file is compared with the index first)."""
        self.reconcile()
        return [self._damaged(*row) for row in self.index.everything(healthy=False)]

    def delete(self, session_id: str, who: str | None = None, action: str = "delete", *,
               erase: bool = True) -> None:
        """Erase a session for good, damaged or not: its file, previous version, damaged copies,
        temporary files, lock files, its row in the index (every older copy of the row erased unless
        `erase` is False: purge erases once, at the end) and its copy in a format-1 migration backup.
        The access log keeps that it existed and was deleted (it never holds answers or labels)."""
        copies = self._copies(session_id)
        if not copies:
            raise not_found(session_id)
        with self._editing(session_id, who or self.user):
            before = self.index.begin(session_id)
            for p in copies:
                p.unlink(missing_ok=True)
            fsync_dir(self.sessions_dir)
            self.index.delete(session_id, before, erase=erase)
            if self.v1_backup is not None:
                erase_from_v1_backup(self.v1_backup, session_id)
            self.log.write(action, session_id, who or self.user)
            self._known.pop(session_id, None)
        self.unlock_session(session_id)
        for p in self.locks_dir.glob(f"{session_id}.*"):
            p.unlink(missing_ok=True)

    def purge(self, completed_before: dt.date, who: str | None = None) -> list[str]:
        """Delete every completed session last changed before the given day (local time)."""
        ids = purgeable(self.list(status="completed"), completed_before)
        for session_id in ids:
            self.delete(session_id, who, action="purge", erase=False)
        if ids:
            self.index.erase()
        return ids

    def restorable(self, session_id: str) -> SessionRecord:
        """The previous version that `restore` would put back. Only a damaged (or missing) session
        file is restored: StoreProblem says why not otherwise, and nothing is changed."""
        path, bak = self.session_file(session_id), self.backup_file(session_id)
        if not path.exists() and not bak.exists():
            raise not_found(session_id)
        try:
            self._read_record(session_id)
        except SessionDamaged:
            pass
        except StoreProblem as exc:
            raise StoreProblem(f"{exc.message} Restore puts back the previous version of a damaged session only; "
                               "this one is not damaged, so nothing was changed.") from None
        else:
            if path.exists():
                raise StoreProblem(f"Session {session_id} is not damaged: it reads correctly, so restore changes "
                                   "nothing (it would put back an older version and lose the newest answers).")
        if not bak.exists():
            raise StoreProblem(f"Session {session_id} has no previous version ({bak} is missing). "
                               "Restore the store folder from a backup.")
        try:
            good = self._read_record(session_id, bak)
        except StoreProblem as exc:
            raise StoreProblem(f"The previous version of session {session_id} cannot be used either: {exc.message} "
                               "Restore the store folder from a backup.") from None
        if good is None:
            raise StoreProblem(f"The previous version {bak} holds no session. Restore the store folder from a backup.")
        return good

    def restore(self, session_id: str, who: str | None = None) -> tuple[SessionRecord, Path | None]:
        """Put back the previous version of a damaged session. The damaged file is kept beside it
        as `<id>.json.damaged` (`.damaged.2`, … when one is kept already: never overwritten).
        Returns the version put back and where the damaged file was kept."""
        path, bak = self.session_file(session_id), self.backup_file(session_id)
        with self._editing(session_id, who or self.user):
            good = self.restorable(session_id)
            before = self.index.begin(session_id)
            kept = _keep_damaged(path) if path.exists() else None
            write_atomic(path, bak.read_bytes())
            sig = file_sig(os.stat(path))
            self._known[session_id] = (sig, good.revision)
            self.index.put(session_id, good.model_dump(mode="json", include=set(SUMMARY_FIELDS)), sig, before)
            self.log.write("restore", session_id, who or self.user)
        return good, kept

    def take_copy(self, records: Iterable[SessionRecord], entries: Iterable[dict]) -> None:
        for record in records:
            with self._editing(record.id, self.user):
                self._write(record, new=True)
        for entry in entries:
            self.log.append(entry)

    # -- the county's own placements ------------------------------------------------------
    @functools.cached_property
    def placements(self) -> PlacementCatalogue:
        from intake.placement_catalogue import PlacementCatalogue  # SQLite and numpy: only when used

        return PlacementCatalogue(self.path, self.locks_dir, self.user)

    @functools.cached_property
    def employers(self) -> EmployerCatalogue:
        from intake.placement_catalogue import EmployerCatalogue  # SQLite and numpy: only when used

        return EmployerCatalogue(self.path, self.locks_dir, self.user)

    def log_access(self, action: str, session_id: str | None, who: str | None = None) -> None:
        self.log.write(action, session_id, who or self.user)

    def verify_access_log(self) -> Verification:
        return self.log.verify()

    def access_log(self, session_id: str | None = None) -> list[dict]:
        if session_id is not None:
            self.session_file(session_id)  # SessionNotFound for an id that cannot be one
        return self.log.read(session_id)
