"""The session store: the only module that imports TinyDB.

A store is a folder (format 2):

  format.json               {"format": 2}: a newer format is refused, format 1 (one file) is migrated
  sessions/<id>.json        one small TinyDB file per session, written atomically and durably
  sessions/<id>.json.bak    the previous good version of that file (`intake restore ID`)
  index/                    summaries for listing without reading every session (store_index.py)
  locks/                    edit locks, one per session (store_locks.py)
  access.log.jsonl          who opened, changed, exported or deleted which session (store_log.py)
  placements.json           the county's own placements (`intake placements import`), a TinyDB file
  placements.json.bak       the previous import

Saving an answer rewrites only that session's file: the cost does not depend on how many
sessions the store holds. Files are 0600 and folders 0700.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from intake.errors import SessionNotFound, StoreProblem
from intake.flows.engine import InterviewState
from intake.flows.placements import Placement
from intake.flows.text import Language
from intake.store_files import ShortLock, dumps, fsync_dir, private_dir, read_json, write_atomic
from intake.store_index import SummaryIndex, file_sig
from intake.store_locks import SessionLock
from intake.store_log import AccessLog, os_user
from intake.store_migrate import interrupted_migration, migrate_v1

Status = Literal["in_progress", "completed"]
FORMAT = 2
SESSION_TABLE = "session"
META_TABLE = "meta"
PLACEMENTS_FILE = "placements.json"
PLACEMENTS_TABLE = "placements"


class SessionSummary(BaseModel):
    """What a list of sessions shows, without the answers."""

    model_config = ConfigDict(extra="forbid")

    id: str
    client_label: str
    counsellor: str
    language: Language = "fi"
    plain: bool = False
    created_at: dt.datetime
    updated_at: dt.datetime
    status: Status = "in_progress"
    answered: int = 0
    relevant: int = 0


class SessionRecord(SessionSummary):
    state: InterviewState


SUMMARY_FIELDS = tuple(SessionSummary.model_fields)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


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

    def read(self) -> dict | None:
        data = read_json(self.path, "session file", _restore_hint(self.session_id))
        if data is None:
            return None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise StoreProblem(f"The session file {self.path} is not an intake session file. "
                               f"{_restore_hint(self.session_id)}")
        meta = data.get(META_TABLE, {}).get("1", {})
        version = meta.get("format") if isinstance(meta, dict) else None
        if not isinstance(version, int) or version > FORMAT:
            raise StoreProblem(f"The session file {self.path} is in format {version!r}, newer than this version of "
                               f"intake understands (format {FORMAT}). Update intake to open it; "
                               "nothing was changed.")
        return data

    def write(self, data: dict) -> None:
        data[META_TABLE] = {"1": {"format": FORMAT}}
        self.written = write_atomic(self.path, dumps(data), backup=self.backup)

    def close(self) -> None:
        pass


class ImportedPlacement(BaseModel):
    """A placement from a county's own list, as stored: validated again whenever it is read."""

    model_config = ConfigDict(extra="forbid")

    placement: Placement
    imported_at: dt.datetime
    file: str
    who: str


class PlacementsImport(BaseModel):
    """What an import changed: ids added, ids that replaced an earlier import, ids removed (--replace-all)."""

    added: list[str] = []
    replaced: list[str] = []
    removed: list[str] = []


class PlacementsJSONStorage(AtomicJSONStorage):
    """The imported placements file: the same atomic, durable writes as a session file."""

    def read(self) -> dict | None:
        hint = (f"Import the county's list again with --replace-all (the damaged file is then kept as "
                f"{self.path.name}.damaged), or put back the previous import by moving {self.backup} to {self.path}.")
        data = read_json(self.path, "imported placements file", hint)
        if data is None:
            return None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise StoreProblem(f"The file {self.path} is not an intake placements file. {hint}")
        meta = data.get(META_TABLE, {}).get("1", {})
        version = meta.get("format") if isinstance(meta, dict) else None
        if not isinstance(version, int) or version > FORMAT:
            raise StoreProblem(f"The imported placements file {self.path} is in format {version!r}, newer than this "
                               f"version of intake understands (format {FORMAT}). Update intake; nothing was changed.")
        return data


class Store:
    """Sessions on disk. `who` defaults to the OS user; sessions pass their counsellor."""

    def __init__(self, path: Path, *, legacy: Path | None = None, user: str | None = None):
        self.path = Path(path)
        self.user = user or os_user()
        self._locks: dict[str, SessionLock] = {}
        self._changed: set[str] = set()
        self._good: dict[str, list[int]] = {}  # session id -> signature of the file last read or written
        try:
            self._migrate_if_needed(legacy)
            self._open()
        except OSError as exc:
            raise StoreProblem(f"Cannot open the store {self.path}: {exc.strerror or exc}. Check the folder's "
                               "owner and permissions, or use --store with another folder.") from None

    # -- opening -------------------------------------------------------------------------
    def _migrate_if_needed(self, legacy: Path | None) -> None:
        source = None
        if self.path.is_file():
            source = self.path
        elif (backup := interrupted_migration(self.path)) is not None:
            source = backup
        elif not self.path.exists() and legacy is not None and legacy.is_file():
            source = legacy
        if source is None:
            return
        migrate_v1(source, self.path, self._build_from_v1)
        AccessLog(self.path / "access.log.jsonl").write("migrate", None, self.user)

    def _build_from_v1(self, folder: Path, docs: list[dict]) -> None:
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
        write_atomic(folder / "format.json", dumps({"format": FORMAT, "app": "intake"}))

    def _open(self) -> None:
        existed = self.path.exists()
        private_dir(self.path)
        fmt_file = self.path / "format.json"
        hint = "Restore the store folder from a backup, or use --store with another folder."
        fmt = read_json(fmt_file, "store format file", hint)
        if fmt is None:
            if existed and any(p.name not in ("sessions", "index", "locks", "access.log.jsonl", PLACEMENTS_FILE,
                                              PLACEMENTS_FILE + ".bak")
                               for p in self.path.iterdir()):
                raise StoreProblem(f"The folder {self.path} is not an intake store (it has no format.json). "
                                   "Use --store with an empty or new folder.")
            write_atomic(fmt_file, dumps({"format": FORMAT, "app": "intake"}))
        else:
            version = fmt.get("format") if isinstance(fmt, dict) else None
            if not isinstance(version, int):
                raise StoreProblem(f"The store format file {fmt_file} is damaged. {hint}")
            if version > FORMAT:
                raise StoreProblem(f"The store {self.path} is in format {version}, written by a newer version of "
                                   f"intake (this version understands format {FORMAT}). Update intake; "
                                   "nothing was changed.")
        self.sessions_dir = private_dir(self.path / "sessions")
        self.locks_dir = private_dir(self.path / "locks")
        self.log = AccessLog(self.path / "access.log.jsonl")
        self.index = SummaryIndex(self.path / "index", self.sessions_dir, self.locks_dir / "index.lock",
                                  self._summary_from_file, SessionSummary.model_validate)

    def close(self) -> None:
        for lock in list(self._locks.values()):
            lock.release()
        self._locks.clear()
        if hasattr(self, "index"):
            self.index.close()

    # -- files ---------------------------------------------------------------------------
    def session_file(self, session_id: str) -> Path:
        if not session_id or not all(c.isalnum() or c in "-_" for c in session_id):
            raise SessionNotFound(f"No session with id '{session_id}'. "
                                  "'intake list' shows the sessions in this store.")
        return self.sessions_dir / f"{session_id}.json"

    def backup_file(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.json.bak"

    def _db(self, session_id: str) -> TinyDB:
        return TinyDB(self.session_file(session_id), self.backup_file(session_id), session_id,
                      storage=AtomicJSONStorage)

    def _read_record(self, session_id: str, path: Path | None = None) -> SessionRecord | None:
        path = path or self.session_file(session_id)
        db = TinyDB(path, None, session_id, storage=AtomicJSONStorage)
        doc = db.table(SESSION_TABLE, cache_size=0).get(doc_id=1)
        if doc is None:
            if path.exists():
                raise StoreProblem(f"The session file {path} holds no session. {_restore_hint(session_id)}")
            return None
        try:
            record = SessionRecord.model_validate(dict(doc))
        except ValidationError as exc:
            raise StoreProblem(f"The session file {path} is damaged ({exc.error_count()} problems). "
                               f"{_restore_hint(session_id)}") from None
        if path == self.session_file(session_id):
            self._good[session_id] = file_sig(os.stat(path))
        return record

    def _summary_from_file(self, session_id: str) -> dict | None:
        try:
            record = self._read_record(session_id)
        except StoreProblem:
            return None
        return None if record is None else record.model_dump(mode="json", include=set(SUMMARY_FIELDS))

    def _write(self, record: SessionRecord, *, new: bool = False) -> SessionRecord:
        doc = record.model_dump(mode="json")
        path = self.session_file(record.id)
        try:
            db = self._db(record.id)
            table = db.table(SESSION_TABLE, cache_size=0)
            if new:
                table.insert(Document(doc, doc_id=1))
            else:
                table.upsert(Document(doc, doc_id=1))
            sig = file_sig(db.storage.written)
            self._good[record.id] = sig
            self.index.put(record.id, {k: doc[k] for k in SUMMARY_FIELDS}, sig)
        except OSError as exc:
            raise StoreProblem(f"Cannot save session {record.id} to {path}: {exc.strerror or exc}. "
                               "The last saved version is kept; check the disk and the folder's permissions.") from None
        return record

    # -- locks ---------------------------------------------------------------------------
    def lock_session(self, session_id: str, holder: str | None = None) -> SessionLock:
        """Take the edit lock of a session (SessionLocked names who holds it elsewhere)."""
        lock = self._locks.get(session_id)
        if lock is None or not lock.held:
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

    def _check_good(self, session_id: str) -> None:
        """Before overwriting: the file must be the one we last read or wrote, or must read cleanly."""
        path = self.session_file(session_id)
        if self._good.get(session_id) != file_sig(os.stat(path)):
            self._read_record(session_id)  # StoreProblem when damaged: it is then never overwritten

    # -- the API -------------------------------------------------------------------------
    def create(self, client_label: str, counsellor: str, state: InterviewState,
               language: Language = "fi", plain: bool = False, *, lock: bool = False) -> SessionRecord:
        now = _now()
        record = SessionRecord(id=uuid.uuid4().hex[:12], client_label=client_label, counsellor=counsellor,
                               language=language, plain=plain, created_at=now, updated_at=now, state=state)
        if lock:
            self.lock_session(record.id, counsellor)
        with self._editing(record.id, counsellor):
            self._write(record, new=True)
        self.log.write("create", record.id, counsellor)
        return record

    def get(self, session_id: str) -> SessionRecord:
        record = self._read_record(session_id)
        if record is None:
            raise SessionNotFound(f"No session with id '{session_id}'. "
                                  "'intake list' shows the sessions in this store.")
        return record

    def save(self, record: SessionRecord, who: str | None = None) -> SessionRecord:
        """Write the session durably. Takes its edit lock for the write unless this store holds it."""
        if not self.session_file(record.id).exists():
            raise SessionNotFound(f"The session '{record.id}' is no longer in the store.")
        record = record.model_copy(update={"updated_at": _now()})
        held = self._held(record.id)
        who = who or (held.holder if held is not None else None)
        with self._editing(record.id, who or self.user):
            self._check_good(record.id)
            self._write(record)
        if record.id not in self._changed:
            self._changed.add(record.id)
            self.log.write("change", record.id, who or record.counsellor)
        return record

    def list(self, text: str | None = None, status: Status | None = None) -> list[SessionSummary]:
        """Sessions, most recently changed first; optionally only those matching `text` or `status`."""
        self.index.refresh()
        items = list(self.index.objects.values())
        if status is not None:
            items = [s for s in items if s.status == status]
        if text:
            needle = text.casefold()
            items = [s for s in items if needle in s.client_label.casefold() or needle in s.counsellor.casefold()
                     or s.id.startswith(needle)]
        items.sort(key=lambda s: s.updated_at, reverse=True)
        return items

    def delete(self, session_id: str, who: str | None = None, action: str = "delete") -> None:
        """Remove a session for good (its file, its previous version, its index entry) and log it."""
        path = self.session_file(session_id)
        if not path.exists():
            raise SessionNotFound(f"No session with id '{session_id}'. "
                                  "'intake list' shows the sessions in this store.")
        with self._editing(session_id, who or self.user):
            for p in (path, self.backup_file(session_id)):
                p.unlink(missing_ok=True)
            fsync_dir(self.sessions_dir)
            self.index.delete(session_id)
            self.log.write(action, session_id, who or self.user)
        self.unlock_session(session_id)

    def purge(self, completed_before: dt.date, who: str | None = None) -> list[str]:
        """Delete every completed session last changed before the given day (local time)."""
        gone = []
        for s in self.list(status="completed"):
            if s.updated_at.astimezone().date() < completed_before:
                self.delete(s.id, who, action="purge")
                gone.append(s.id)
        return gone

    def restore(self, session_id: str, who: str | None = None) -> SessionRecord:
        """Put back the last good version (`<id>.json.bak`); the damaged file is kept as `.damaged`."""
        path, bak = self.session_file(session_id), self.backup_file(session_id)
        if not bak.exists():
            raise StoreProblem(f"Session {session_id} has no previous version ({bak} is missing). "
                               "Restore the store folder from a backup.")
        good = self._read_record(session_id, bak)  # raises when the backup is damaged too
        if good is None:
            raise StoreProblem(f"The previous version {bak} holds no session. Restore the store folder from a backup.")
        with self._editing(session_id, who or self.user):
            if path.exists():
                os.replace(path, path.with_name(path.name + ".damaged"))
            write_atomic(path, bak.read_bytes())
            self.index.put(session_id, good.model_dump(mode="json", include=set(SUMMARY_FIELDS)),
                           file_sig(os.stat(path)))
            self.log.write("restore", session_id, who or self.user)
        return good

    # -- the county's own placements ------------------------------------------------------
    @property
    def placements_file(self) -> Path:
        return self.path / PLACEMENTS_FILE

    def _placements_db(self) -> TinyDB:
        return TinyDB(self.placements_file, self.placements_file.with_name(PLACEMENTS_FILE + ".bak"),
                      storage=PlacementsJSONStorage)

    def imported_placements(self) -> list[ImportedPlacement]:
        """The placements imported from a county's own list, in import order (validated; StoreProblem
        naming the file when it is damaged)."""
        db = self._placements_db()
        found = []
        for doc in db.table(PLACEMENTS_TABLE, cache_size=0).all():
            try:
                found.append(ImportedPlacement.model_validate(dict(doc)))
            except ValidationError as exc:
                raise StoreProblem(f"The imported placements file {self.placements_file} is damaged "
                                   f"(entry {doc.doc_id}: {exc.error_count()} problems). Import the county's list "
                                   "again with --replace-all, or put back the previous import from "
                                   f"{self.placements_file.name}.bak.") from None
        return found

    def import_placements(self, placements: list[Placement], file: str, *, replace_all: bool = False,
                          who: str | None = None) -> PlacementsImport:
        """Store placements from a county's list in one atomic, durable write: each replaces an earlier
        import with the same id; with `replace_all`, the earlier import is dropped altogether."""
        lock = ShortLock(self.locks_dir / "placements.lock")
        try:
            with lock:
                try:
                    old = self.imported_placements()
                except StoreProblem:
                    if not replace_all:
                        raise
                    # Replacing everything: the damaged file is kept aside, never overwritten.
                    os.replace(self.placements_file, self.placements_file.with_name(PLACEMENTS_FILE + ".damaged"))
                    old = []
                now = _now()
                new = {p.id: ImportedPlacement(placement=p, imported_at=now, file=file, who=who or self.user)
                       for p in placements}
                outcome = PlacementsImport(
                    added=[i for i in new if i not in {o.placement.id for o in old}],
                    replaced=[i for i in new if i in {o.placement.id for o in old}],
                    removed=[o.placement.id for o in old if replace_all and o.placement.id not in new])
                kept = [] if replace_all else [new.pop(o.placement.id, o) for o in old]
                docs = [e.model_dump(mode="json") for e in [*kept, *new.values()]]
                self._placements_db().storage.write(
                    {PLACEMENTS_TABLE: {str(i): doc for i, doc in enumerate(docs, start=1)}})
        except OSError as exc:
            raise StoreProblem(f"Cannot save the imported placements to {self.placements_file}: "
                               f"{exc.strerror or exc}. Nothing was imported; check the disk and the folder's "
                               "permissions.") from None
        finally:
            lock.close()
        return outcome

    def log_access(self, action: str, session_id: str | None, who: str | None = None) -> None:
        self.log.write(action, session_id, who or self.user)

    def access_log(self, session_id: str | None = None) -> list[dict]:
        return self.log.read(session_id)
