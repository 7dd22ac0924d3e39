"""What every store backend keeps and says alike: the session records, and the checks and messages the
folder store (store.py) and the database store (store_pg.py) share."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from intake.errors import SessionConflict, SessionDamaged, SessionLocked, SessionNotFound
from intake.flows.due import ReviewDue
from intake.flows.engine import InterviewState
from intake.flows.period import FollowUp
from intake.flows.text import Language
from intake.text_safety import check_name

Status = Literal["in_progress", "completed"]


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
    period: int = 1                          # the period's number in the client's run of periods
    next_review: dt.date | None = None       # the next review to hold; None before the start and once ended
    ended_on: dt.date | None = None


class SessionRecord(SessionSummary):
    # Counts the saves: a save must name the revision it was read at, so that nothing written
    # in between by another process or window is silently overwritten (a lost update).
    revision: int = 0
    state: InterviewState
    follow_up: FollowUp = Field(default_factory=FollowUp)


class DamagedSession(BaseModel):
    """A session that cannot be read: listed with what is wrong, so it is never hidden."""

    id: str
    problem: str
    updated_at: dt.datetime  # its last change
    restorable: bool  # a previous version exists for `intake restore`

    @property
    def repair(self) -> str:
        return (f"intake restore {self.id}" if self.restorable
                else f"restore the store from a backup, or: intake delete {self.id}")


SUMMARY_FIELDS = tuple(SessionSummary.model_fields)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_record(client_label: str, counsellor: str, state: InterviewState, language: Language,
               plain: bool) -> SessionRecord:
    """A new session at revision 0 (NameProblem says what is wrong with a label or name)."""
    client_label = check_name(client_label, "client label")
    counsellor = check_name(counsellor, "counsellor's name")
    at = now()
    return SessionRecord(id=uuid.uuid4().hex[:12], client_label=client_label, counsellor=counsellor,
                         language=language, plain=plain, created_at=at, updated_at=at, state=state)


def review_days(due: ReviewDue | None) -> tuple[str, str] | None:
    """The first and last next-review day a review filter keeps (ISO)."""
    return None if due is None else tuple(day.isoformat() for day in due.days_range())


def validated(model: type[SessionSummary], doc: object, session_id: str, where: str, hint: str) -> SessionSummary:
    """The session (or its summary) kept in `where` (a file, a row), SessionDamaged when it does not hold a
    valid one of its own id. `doc` is parsed JSON, or JSON text (a database row's), which pydantic's own
    parser reads faster than json.loads and validation."""
    try:
        found = model.model_validate_json(doc) if isinstance(doc, str) else model.model_validate(doc)
    except ValidationError as exc:
        raise SessionDamaged(f"{where} is damaged ({exc.error_count()} problems). {hint}") from None
    if found.id != session_id:
        # Copied or renamed from another session: trusting it would show, export and change the other
        # client's data under this id.
        raise SessionDamaged(f"{where} holds another session ({found.id}), not {session_id}: it was copied or "
                             f"renamed. {hint}")
    return found


def check_id(session_id: str) -> str:
    """An id that can be one (letters, digits, - and _: safe in a file name and a pattern)."""
    if not session_id or not all(c.isalnum() or c in "-_" for c in session_id):
        raise not_found(session_id)
    return session_id


def not_found(session_id: str) -> SessionNotFound:
    return SessionNotFound(f"No session with id '{session_id}'. 'intake list' shows the sessions in this store.")


def gone(session_id: str) -> SessionNotFound:
    return SessionNotFound(f"The session '{session_id}' is no longer in the store.", key="error.session_gone",
                           session=session_id)


def locked_here(session_id: str, holder: str) -> SessionLocked:
    return SessionLocked(f"Session {session_id} is already open for editing in this program (by {holder}). "
                         "Close it there first, or open it read-only.",
                         key="error.locked_here", session=session_id, holder=holder)


def changed_elsewhere(session_id: str, saved: int, read: int) -> SessionConflict:
    return SessionConflict(
        f"Session {session_id} was saved elsewhere after it was read here (revision {saved}, this copy has {read}), "
        "so this change was not saved: it would have overwritten the other one. Open the session again to see the "
        "saved version.", key="error.changed_elsewhere", session=session_id)


def purgeable(summaries: list[SessionSummary], completed_before: dt.date) -> list[str]:
    """The completed sessions last changed before the day (local time), for `purge`."""
    return [s.id for s in summaries
            if s.status == "completed" and s.updated_at.astimezone().date() < completed_before]
