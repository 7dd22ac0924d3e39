"""The session store in a county's PostgreSQL database (psycopg 3): a `SessionStore` like the folder store.

The same promises, kept by the database (the tables are in store_pg_schema.py):
- a save is conditional on the revision it was read at (`SELECT ... FOR UPDATE`, then `revision + 1`);
- one editor per session: an advisory lock of the editor's connection, which the server releases when
  that connection ends in any way, with who holds it in `intake.edit_holders`;
- the access log is a table only its owner can change, chained by hash, appended through a function;
- delete and purge remove the session's row, its previous version and its damaged copies.
Who sees which session is the database's business (row-level security by role and team), not the app's.

A connection string never appears in a message with its password (`safe_url`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import socket
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.json import Jsonb

from intake.errors import ReadOnlyRole, SessionDamaged, SessionExists, SessionLocked, StoreProblem
from intake.flows.due import ReviewDue
from intake.flows.engine import InterviewState
from intake.flows.text import Language
from intake.store_records import (
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
from intake.store_index import Progress, search_text
from intake.store_files import process_ended
from intake.store_log import ACTIONS, Verification
from intake.store_pg_schema import FORMAT, ROLES, SECURITY, TABLES

BATCH = 500  # rows checked at a time by reconcile
INSERT = ("INSERT INTO intake.sessions (id, revision, record, summary, search, next_review, status, changed) "
          "VALUES (%(id)s, %(revision)s, %(record)s, %(summary)s, %(search)s, %(next_review)s, %(status)s, %(changed)s)")
LOCK_KEY = "hashtextextended(%s, 7031)"  # a session's advisory lock: 64 bits of its id
LOCK_WAIT = "5s"  # at most, for another's one write to end, or the server to release an ended holder's lock
# Who edits a session: only the note of a connection that holds an advisory lock now (one left by a
# program that died names nobody who edits it).
HOLDER = ("SELECT holder, host, pid, since FROM intake.edit_holders WHERE session_id = %s AND backend "
          "IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)")


def safe_url(conninfo: str) -> str:
    """The connection string without its password, for messages."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "(a database address that cannot be read)"
    params.pop("password", None)
    return make_conninfo(**params)


def has_password(conninfo: str) -> bool:
    try:
        return "password" in conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return False


def install(conninfo: str) -> None:
    """Create (or bring up to date) the schema, the group roles and the policies; run by the county's
    database administrator (`intake store init`), or by the first opening of a role allowed to."""
    with _connection(conninfo) as con, _errors(conninfo, "set up the intake schema in"), con.transaction():
        con.execute("SELECT pg_advisory_xact_lock(7031, 1)")  # two first openings at once
        con.execute(ROLES)
        con.execute(TABLES)
        con.execute(SECURITY)
        from intake.placement_catalogue_pg import GRANTS_SQL, SCHEMA_SQL

        con.execute(SCHEMA_SQL)
        con.execute(GRANTS_SQL)


def _connection(conninfo: str) -> psycopg.Connection:
    try:
        return psycopg.connect(conninfo, autocommit=True, application_name="intake")
    except psycopg.Error as exc:
        raise StoreProblem(f"Cannot connect to the database {safe_url(conninfo)}: {first_line(exc)}. Check the "
                           "address, that the server runs, and the password (in ~/.pgpass or PGPASSWORD, never "
                           "on the command line).") from None


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextlib.contextmanager
def _errors(conninfo: str, doing: str) -> Iterator[None]:
    """Database errors as StoreProblems that say what to do."""
    try:
        yield
    except pg_errors.InsufficientPrivilege as exc:
        raise StoreProblem(f"Your database role may not {doing} {safe_url(conninfo)} ({first_line(exc)}). Ask the "
                           "county's database administrator for the right role (README: a county's database).",
                           ) from None
    except psycopg.OperationalError as exc:
        raise StoreProblem(f"The connection to the database {safe_url(conninfo)} failed ({first_line(exc)}). "
                           "What was not confirmed as saved is not in the store; check the network and try again.") from None
    except psycopg.Error as exc:
        raise StoreProblem(f"The database {safe_url(conninfo)} refused to {doing} it: {first_line(exc)}.") from None


def _restore_hint(session_id: str) -> str:
    return f"Run 'intake restore {session_id}' to go back to its previous version, or ask for the database's backup."


def _validated(record: str, session_id: str, revision: int) -> SessionRecord:
    """The session in a row (its revision is the row's), SessionDamaged when it holds no valid one of its id."""
    found = validated(SessionRecord, record, session_id, f"The row of session {session_id} in the database",
                      _restore_hint(session_id))
    return found.model_copy(update={"revision": revision})


def _row_values(record: SessionRecord) -> dict:
    doc = record.model_dump(mode="json")
    summary = {k: doc[k] for k in SUMMARY_FIELDS}
    return dict(id=record.id, revision=record.revision, record=Jsonb(doc), summary=Jsonb(summary),
                search=search_text(summary), next_review=summary["next_review"], status=summary["status"],
                changed=record.updated_at)


class PostgresStore:
    def __init__(self, conninfo: str, cache_dir: Path | None = None):
        """`cache_dir`: this user's private folder for what matching reads of the imported placements
        (None: built again at every start)."""
        self.conninfo = conninfo
        self.cache_dir = cache_dir
        self.where = safe_url(conninfo)
        self.host, self.pid = socket.gethostname(), os.getpid()
        self._con = _connection(conninfo)
        self._mutex = threading.RLock()  # one statement or transaction at a time on the one connection
        self._locks: dict[str, str] = {}  # the sessions whose edit lock this store holds, and for whom
        self._changed: set[str] = set()  # sessions whose first save since opening was logged
        self.user = self._con.info.user
        self._check_format()

    # -- the connection ------------------------------------------------------------------
    @contextlib.contextmanager
    def _db(self, doing: str = "use the store in", *, write: bool = False) -> Iterator[psycopg.Cursor]:
        with self._mutex, _errors(self.conninfo, doing):
            if self._con.broken:
                # The server cut the last one (a restart, the network): the edit locks went with it, but every
                # save still names the revision it read, so working on after a new connection loses nothing.
                self._con, self._locks = _connection(self.conninfo), {}
            if write:
                with self._con.transaction(), self._con.cursor() as cur:
                    cur.execute("SET LOCAL intake.app_write = 'on'")
                    yield cur
            else:
                with self._con.cursor() as cur:
                    yield cur

    def _check_format(self) -> None:
        with self._db() as cur:  # the catalogue, which every role may read: is the store there at all?
            installed = cur.execute("SELECT FROM pg_tables WHERE schemaname = 'intake' AND tablename = 'meta'"
                                    ).fetchone() is not None
        if not installed:
            install(self.conninfo)  # an empty database: set it up when this role may (else it says so)
            return
        with self._db() as cur:
            row = cur.execute("SELECT value FROM intake.meta WHERE key = 'format'").fetchone()
        if row is None:
            raise StoreProblem(f"The store in {self.where} has no format (intake.meta): it was changed by hand. "
                               "Run 'intake store init' as the database's administrator to mend it.")
        if not row[0].isdigit() or int(row[0]) > FORMAT:
            raise StoreProblem(f"The store in {self.where} is in format {row[0]}, written by a newer version of intake "
                               f"(this one understands format {FORMAT}). Update intake; nothing was changed.")

    def close(self) -> None:
        for session_id in list(self._locks):
            with contextlib.suppress(StoreProblem):  # a connection already lost: its locks went with it
                self.unlock_session(session_id)
        with contextlib.suppress(psycopg.Error):
            self._con.close()  # the server releases every advisory lock of the connection
        for catalogue in ("placements", "employers"):
            if catalogue in self.__dict__:
                self.__dict__[catalogue].close()

    # -- one editor per session -----------------------------------------------------------
    def lock_session(self, session_id: str, holder: str | None = None) -> str:
        """Become the session's one editor, for `holder` (returned)."""
        check_id(session_id)
        if session_id in self._locks:
            raise locked_here(session_id, self._locks[session_id])
        holder = holder or self.user
        with self._db("lock a session in") as cur:
            if not self._may_change:
                raise ReadOnlyRole(f"Your database role {self.user} may read the team's sessions but not change "
                                   f"them. You can open session {session_id} read-only.", key="error.read_only_role",
                                   session=session_id, role=self.user)
            if not (cur.execute(f"SELECT pg_try_advisory_lock({LOCK_KEY})", (session_id,)).fetchone()[0]
                    or self._after_a_wait(cur, session_id, "pg_advisory_lock")):
                raise self._locked(cur, session_id)
            cur.execute("INSERT INTO intake.edit_holders (session_id, holder, host, pid, since) VALUES (%s, %s, %s, %s, "
                        "now()) ON CONFLICT (session_id) DO UPDATE SET holder = excluded.holder, host = excluded.host, "
                        "pid = excluded.pid, since = excluded.since, db_user = current_user, backend = pg_backend_pid()",
                        (session_id, holder, self.host, self.pid))
        self._locks[session_id] = holder
        return holder

    def unlock_session(self, session_id: str) -> None:
        self._changed.discard(session_id)
        if self._locks.pop(session_id, None) is None:
            return
        with self._db("unlock a session in") as cur:
            cur.execute("DELETE FROM intake.edit_holders WHERE session_id = %s AND host = %s AND pid = %s",
                        (session_id, self.host, self.pid))
            cur.execute(f"SELECT pg_advisory_unlock({LOCK_KEY})", (session_id,))

    @staticmethod
    def _locked(cur: psycopg.Cursor, session_id: str) -> SessionLocked:
        rest = "Open it read-only, or ask them to close it; if that program has ended, the lock is released by itself."
        row = cur.execute(HOLDER, (session_id,)).fetchone()
        if row is None:
            return SessionLocked(f"Session {session_id} is being edited by another window or process. {rest}",
                                 key="error.locked_unknown", session=session_id)
        holder, host, pid, since = row
        return SessionLocked(f"Session {session_id} is being edited by {holder} on {host} (process {pid}) since "
                             f"{since.astimezone():%Y-%m-%d %H:%M}. {rest}", key="error.locked_elsewhere",
                             session=session_id, since=since, holder=holder, host=host, pid=pid)

    def _take_for_write(self, cur: psycopg.Cursor, session_id: str) -> None:
        """The edit lock for the transaction's write: ours already (the same connection takes it again),
        or SessionLocked naming who edits it."""
        if not (cur.execute(f"SELECT pg_try_advisory_xact_lock({LOCK_KEY})", (session_id,)).fetchone()[0]
                or self._after_a_wait(cur, session_id, "pg_advisory_xact_lock")):
            raise self._locked(cur, session_id)

    def _after_a_wait(self, cur: psycopg.Cursor, session_id: str, take: str) -> bool:
        """Whether the lock was taken after all, waiting at most LOCK_WAIT: when no editor is noted (it is
        held for one write), or the one noted is a process on this computer that has ended (the server
        releases its lock when it notices the connection gone, a moment later)."""
        row = cur.execute(HOLDER, (session_id,)).fetchone()
        if row is not None and (row[1] != self.host or not process_ended(row[2])):
            return False
        try:
            with self._con.transaction():
                cur.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
                cur.execute(f"SELECT {take}({LOCK_KEY})", (session_id,))
        except pg_errors.LockNotAvailable:
            return False
        return True

    # -- one session ----------------------------------------------------------------------
    def create(self, client_label: str, counsellor: str, state: InterviewState,
               language: Language = "fi", plain: bool = False, *, lock: bool = False) -> SessionRecord:
        record = new_record(client_label, counsellor, state, language, plain)
        if lock:
            self.lock_session(record.id, counsellor)
        with self._db("create a session in", write=True) as cur:
            cur.execute(INSERT, _row_values(record))
            self._log(cur, "create", record.id, counsellor)
        return record

    def has_session(self, session_id: str) -> bool:
        check_id(session_id)
        with self._db() as cur:
            return cur.execute("SELECT 1 FROM intake.sessions WHERE id = %s", (session_id,)).fetchone() is not None

    def get(self, session_id: str) -> SessionRecord:
        check_id(session_id)
        with self._db() as cur:
            row = cur.execute("SELECT record::text, revision, problem, checked FROM intake.sessions WHERE id = %s",
                              (session_id,)).fetchone()
        if row is None:
            raise not_found(session_id)
        return self._record_of(session_id, *row)

    def _record_of(self, session_id: str, record: str, revision: int, problem: str | None,
                   checked: bool) -> SessionRecord:
        try:
            return _validated(record, session_id, revision)
        except SessionDamaged as exc:
            if checked and problem is None:
                raise  # a newer version's row: not marked, it is not damaged for that version
            if not checked:
                self._mark(session_id, exc.message)
            raise

    @functools.cached_property
    def _may_change(self) -> bool:
        """Whether this role changes sessions (a team lead only reads them)."""
        with self._db() as cur:
            return cur.execute("SELECT has_table_privilege('intake.sessions', 'UPDATE')").fetchone()[0]

    def _mark(self, session_id: str, problem: str) -> None:
        if not self._may_change:
            return  # marked by the next counsellor's program that meets it
        with self._db("check a session in", write=True) as cur:
            cur.execute("UPDATE intake.sessions SET problem = %s, summary = NULL, next_review = NULL, "
                        "search = id WHERE id = %s AND NOT checked", (problem, session_id))

    def _revision_now(self, cur: psycopg.Cursor, session_id: str) -> int | None:
        """The saved revision, the row locked until the transaction ends (None: there is none); SessionDamaged
        for a row that does not hold a valid session: it is never overwritten by a save."""
        # The record only when something else wrote it: fetching and parsing it cost 0.2 ms of a 2 ms save.
        row = cur.execute("SELECT CASE WHEN checked THEN NULL ELSE record::text END, revision, problem, checked "
                          "FROM intake.sessions WHERE id = %s FOR UPDATE", (session_id,)).fetchone()
        if row is None:
            return None
        record, revision, problem, checked = row
        if not checked:  # changed by hand since it was checked: perhaps mended, perhaps damaged
            _validated(record, session_id, revision)
        elif problem is not None:
            raise SessionDamaged(problem)
        return revision

    def _damaged_now(self, cur: psycopg.Cursor, session_id: str) -> bool:
        """Whether the saved row does not hold a valid session (checked now when intake did not write it)."""
        try:
            self._revision_now(cur, session_id)
        except SessionDamaged:
            return True
        return False

    def save(self, record: SessionRecord, who: str | None = None) -> SessionRecord:
        who = who or self._locks.get(record.id) or record.counsellor
        with self._db("save a session in", write=True) as cur:
            self._take_for_write(cur, record.id)
            saved = self._revision_now(cur, record.id)
            if saved is None:
                raise gone(record.id)
            if saved != record.revision:
                raise changed_elsewhere(record.id, saved, record.revision)
            record = record.model_copy(update={"updated_at": now(), "revision": saved + 1})
            self._update(cur, record)
            if record.id not in self._changed:
                self._log(cur, "change", record.id, who)
        self._changed.add(record.id)
        return record

    @staticmethod
    def _update(cur: psycopg.Cursor, record: SessionRecord, keep_previous: bool = True) -> None:
        previous = "record" if keep_previous else "previous"
        cur.execute(f"UPDATE intake.sessions SET previous = {previous}, revision = %(revision)s, record = %(record)s, "
                    "summary = %(summary)s, search = %(search)s, next_review = %(next_review)s, status = %(status)s, "
                    "changed = %(changed)s, problem = NULL WHERE id = %(id)s", _row_values(record))

    def adopt(self, record: SessionRecord, *, replace: bool = False, who: str | None = None) -> SessionRecord:
        with self._db("import a session into", write=True) as cur:
            self._take_for_write(cur, record.id)
            row = cur.execute("SELECT revision FROM intake.sessions WHERE id = %s FOR UPDATE",
                              (record.id,)).fetchone()
            if row is None:
                record = record.model_copy(update={"revision": 0})
                cur.execute(INSERT, _row_values(record))
            elif not replace:
                raise SessionExists(f"Session {record.id} is in this store already; nothing was imported. "
                                    "Add --replace to put the imported version in its place.")
            else:
                damaged = self._damaged_now(cur, record.id)  # also a row changed by hand, not yet checked
                if damaged:  # a damaged version may hold the newest answers: kept
                    cur.execute("INSERT INTO intake.damaged_copies (session_id, record) SELECT id, record "
                                "FROM intake.sessions WHERE id = %s", (record.id,))
                record = record.model_copy(update={"revision": row[0] + 1})
                self._update(cur, record, keep_previous=not damaged)
            self._log(cur, "import", record.id, who or self.user)
        return record

    # -- many sessions --------------------------------------------------------------------
    @staticmethod
    def _where(words: list[str], *more: str, days: tuple[str, str] | None = None) -> tuple[str, list]:
        conditions = [*more, *("search LIKE %s" for _ in words)]
        params: list = [f"%{_like(w)}%" for w in words]
        if days is not None:
            conditions.append("next_review BETWEEN %s AND %s")
            params += list(days)
        return (" WHERE " + " AND ".join(conditions)) if conditions else "", params

    def count(self, text: str = "", *, damaged_only: bool = False, due: ReviewDue | None = None) -> int:
        self.reconcile()
        where, params = self._where(text.casefold().split(), *(["problem IS NOT NULL"] if damaged_only else []),
                                    days=review_days(due))
        with self._db() as cur:
            return cur.execute(f"SELECT count(*) FROM intake.sessions{where}", params).fetchone()[0]

    def page(self, text: str = "", offset: int = 0, limit: int | None = None,
             due: ReviewDue | None = None) -> list[SessionSummary | DamagedSession]:
        self.reconcile()
        days = review_days(due)
        where, params = self._where(text.casefold().split(), days=days)
        order = ("next_review, changed DESC, id" if days is not None
                 else "(problem IS NULL), changed DESC, id")
        with self._db() as cur:
            rows = cur.execute(f"SELECT id, summary::text, problem, changed, previous IS NOT NULL FROM intake.sessions"
                               f"{where} ORDER BY {order} LIMIT %s OFFSET %s", [*params, limit, offset]).fetchall()
        return [SessionSummary.model_validate_json(summary) if problem is None
                else DamagedSession(id=sid, problem=problem, updated_at=changed, restorable=restorable)
                for sid, summary, problem, changed, restorable in rows]

    def list(self, text: str | None = None, status: Status | None = None) -> list[SessionSummary]:
        self.reconcile()
        where, params = self._where((text or "").casefold().split(), "problem IS NULL",
                                    *(["status = %s"] if status else []))
        with self._db() as cur:
            rows = cur.execute(f"SELECT summary::text FROM intake.sessions{where} ORDER BY changed DESC, id",
                               [*([status] if status else []), *params]).fetchall()
        return [SessionSummary.model_validate_json(summary) for (summary,) in rows]

    def damaged(self) -> list[DamagedSession]:
        self.reconcile()
        with self._db() as cur:
            rows = cur.execute("SELECT id, problem, changed, previous IS NOT NULL FROM intake.sessions "
                               "WHERE problem IS NOT NULL ORDER BY changed DESC, id").fetchall()
        return [DamagedSession(id=sid, problem=problem, updated_at=changed, restorable=restorable)
                for sid, problem, changed, restorable in rows]

    def reconcile(self, progress: Progress | None = None) -> bool:
        """Check the rows written by something other than intake since they were last checked (by hand,
        with psql): their summaries are made again, and those that hold no valid session are marked
        damaged, to be listed first. True when any was found. A role that only reads leaves them to the
        next counsellor's program (a row it cannot check is listed as it was last checked; opening it
        still checks it)."""
        if not self._may_change:
            return False
        with self._db() as cur:
            total = cur.execute("SELECT count(*) FROM intake.sessions WHERE NOT checked").fetchone()[0]
        done = 0
        while done < total:
            with self._db("check the sessions in", write=True) as cur:
                rows = cur.execute("SELECT id, record::text, revision FROM intake.sessions WHERE NOT checked LIMIT %s "
                                   "FOR UPDATE SKIP LOCKED", (BATCH,)).fetchall()
                if not rows:
                    break
                for sid, record, revision in rows:
                    try:
                        valid = _validated(record, sid, revision)
                    except SessionDamaged as exc:
                        cur.execute("UPDATE intake.sessions SET problem = %s, summary = NULL, next_review = NULL, "
                                    "search = id WHERE id = %s", (exc.message, sid))
                    else:
                        values = _row_values(valid)
                        cur.execute("UPDATE intake.sessions SET problem = NULL, summary = %(summary)s, "
                                    "search = %(search)s, next_review = %(next_review)s, status = %(status)s "
                                    "WHERE id = %(id)s", values)
            done += len(rows)
            if progress is not None:
                progress(min(done, total), total)
        return done > 0

    # -- erasing and repairing ------------------------------------------------------------
    def delete(self, session_id: str, who: str | None = None, action: str = "delete") -> None:
        check_id(session_id)
        with self._db("delete a session in", write=True) as cur:
            self._take_for_write(cur, session_id)
            if cur.execute("DELETE FROM intake.sessions WHERE id = %s", (session_id,)).rowcount == 0:
                raise not_found(session_id)
            cur.execute("DELETE FROM intake.edit_holders WHERE session_id = %s", (session_id,))
            self._log(cur, action, session_id, who or self.user)
        self.unlock_session(session_id)

    def purge(self, completed_before: dt.date, who: str | None = None) -> list[str]:
        ids = purgeable(self.list(status="completed"), completed_before)
        for session_id in ids:
            self.delete(session_id, who, action="purge")
        return ids

    def restorable(self, session_id: str) -> SessionRecord:
        check_id(session_id)
        with self._db() as cur:
            row = cur.execute("SELECT record::text, revision, problem, checked, previous::text FROM intake.sessions "
                              "WHERE id = %s", (session_id,)).fetchone()
        if row is None:
            raise not_found(session_id)
        record, revision, problem, checked, previous = row
        try:
            self._record_of(session_id, record, revision, problem, checked)
        except SessionDamaged:
            pass
        else:
            raise StoreProblem(f"Session {session_id} is not damaged: it reads correctly, so restore changes "
                               "nothing (it would put back an older version and lose the newest answers).")
        if previous is None:
            raise StoreProblem(f"Session {session_id} has no previous version in the database. Restore it from the "
                               "database's backup.")
        try:
            return _validated(previous, session_id, revision + 1)
        except SessionDamaged as exc:
            raise StoreProblem(f"The previous version of session {session_id} cannot be used either: {exc.message} "
                               "Restore it from the database's backup.") from None

    def restore(self, session_id: str, who: str | None = None) -> tuple[SessionRecord, str | None]:
        """Put back the previous version of a damaged session, as its next revision; the damaged one is
        kept in intake.damaged_copies (it may hold the newest answers) until the session is deleted."""
        good = self.restorable(session_id)
        with self._db("restore a session in", write=True) as cur:
            self._take_for_write(cur, session_id)
            cur.execute("INSERT INTO intake.damaged_copies (session_id, record) SELECT id, record FROM intake.sessions "
                        "WHERE id = %s", (session_id,))
            self._update(cur, good, keep_previous=False)
            self._log(cur, "restore", session_id, who or self.user)
        return good, f"the table intake.damaged_copies of {self.where}"

    # -- moving a whole store -------------------------------------------------------------
    def take_copy(self, records: Iterable[SessionRecord], entries: Iterable[dict], *, owner: str | None = None,
                  team: str | None = None) -> None:
        """As the folder store's; the entries are chained by the database, by the owner's function (a
        counsellor's role may not write entries of other times or roles). The sessions belong to `owner`
        (a counsellor's role) and `team`, else to the role copying them and its team."""
        with self._db("copy a store into", write=True) as cur:
            if owner is not None and cur.execute("SELECT FROM pg_roles WHERE rolname = %s", (owner,)).fetchone() is None:
                raise StoreProblem(f"There is no database role {owner!r}; nothing was copied. Create the counsellor's "
                                   "login role first (README: a county's database).")
            if team is not None and cur.execute("SELECT FROM intake.team_members WHERE team = %s",
                                                (team,)).fetchone() is None:
                raise StoreProblem(f"Nobody is in the team {team!r} (intake.team_members); nothing was copied. Add "
                                   "its members first, or check the team's name.")
            cur.executemany(INSERT, (_row_values(r) for r in records))
            cur.execute("UPDATE intake.sessions SET owner = coalesce(%s, owner), team = coalesce(%s, team)",
                        (owner, team))  # the store was empty: these are the copied ones
            for e in entries:
                cur.execute("SELECT intake.append_entry(%s, %s, %s, %s, %s, %s, coalesce(%s, session_user))",
                            (e["at"], e["action"], e.get("session"), e["who"], e.get("host", "?"), e.get("pid", 0),
                             e.get("role")))

    # -- the access log -------------------------------------------------------------------
    def _log(self, cur: psycopg.Cursor, action: str, session_id: str | None, who: str) -> None:
        assert action in ACTIONS, action
        cur.execute("SELECT intake.log_access(%s, %s, %s, %s, %s)", (action, session_id, who, self.host, self.pid))

    def log_access(self, action: str, session_id: str | None, who: str | None = None) -> None:
        with self._db("write the access log of") as cur:
            self._log(cur, action, session_id, who or self.user)

    def access_log(self, session_id: str | None = None) -> list[dict]:
        where, params = ("", []) if session_id is None else (" WHERE session = %s", [check_id(session_id)])
        with self._db("read the access log of") as cur:
            rows = cur.execute(f"SELECT at, action, session, who, host, pid, db_user FROM intake.access_log{where} "
                               "ORDER BY n", params).fetchall()
        return [{"at": at.astimezone(dt.timezone.utc).isoformat(), "action": action, "session": session, "who": who, "host": host,
                 "pid": pid, "role": role} for at, action, session, who, host, pid, role in rows]

    def verify_access_log(self) -> Verification:
        with self._db("check the access log of") as cur:
            entries, broken_at, problem = cur.execute("SELECT * FROM intake.verify_access_log()").fetchone()
        return Verification(entries=entries, unchained=0, broken_at=broken_at, problem=problem or "",
                            where=f"the table intake.access_log of {self.where}")

    # -- the county's own placements ------------------------------------------------------
    @functools.cached_property
    def placements(self):
        from intake.placement_catalogue_pg import PgPlacementCatalogue

        return PgPlacementCatalogue(functools.partial(_connection, self.conninfo), self.user, self.cache_dir)

    @functools.cached_property
    def employers(self):
        from intake.placement_catalogue_pg import PgEmployerCatalogue

        return PgEmployerCatalogue(functools.partial(_connection, self.conninfo), self.user, self.cache_dir)


def _like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
