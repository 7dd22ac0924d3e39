"""The session store: the only module that imports TinyDB.

First version: one TinyDB file, one document per session, written at once on
every accepted answer. Files are created readable by their owner only.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from tinydb import Query, TinyDB

from intake.errors import SessionNotFound, StoreProblem
from intake.flows.engine import InterviewState
from intake.flows.text import Language

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


class SessionRecord(SessionSummary):
    state: InterviewState


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
            self._db = TinyDB(self.path, encoding="utf-8")
            self._sessions = self._db.table("sessions")
            self._sessions.all()  # read now, so a damaged file fails here with a clear message
        except (OSError, ValueError) as exc:
            raise StoreProblem(f"Cannot open the store {self.path}: {exc}. "
                               "Check the file, or start with --store pointing to another file.") from None

    def close(self) -> None:
        self._db.close()

    def create(self, client_label: str, counsellor: str, state: InterviewState,
               language: Language = "fi", plain: bool = False) -> SessionRecord:
        now = _now()
        record = SessionRecord(id=uuid.uuid4().hex[:12], client_label=client_label, counsellor=counsellor,
                               language=language, plain=plain, created_at=now, updated_at=now, state=state)
        self._sessions.insert(record.model_dump(mode="json"))
        return record

    def get(self, session_id: str) -> SessionRecord:
        doc = self._sessions.get(Query().id == session_id)
        if doc is None:
            raise SessionNotFound(f"No session with id '{session_id}'. "
                                  "'intake list' shows the sessions in this store.")
        return self._validated(SessionRecord, doc)

    def save(self, record: SessionRecord) -> SessionRecord:
        record = record.model_copy(update={"updated_at": _now()})
        updated = self._sessions.update(record.model_dump(mode="json"), Query().id == record.id)
        if not updated:
            raise SessionNotFound(f"The session '{record.id}' is no longer in the store.")
        return record

    def list(self) -> list[SessionSummary]:
        """Sessions, most recently changed first."""
        fields = SessionSummary.model_fields
        out = [self._validated(SessionSummary, {k: v for k, v in doc.items() if k in fields})
               for doc in self._sessions.all()]
        return sorted(out, key=lambda s: s.updated_at, reverse=True)

    def _validated(self, model: type[BaseModel], doc: dict) -> BaseModel:
        try:
            return model.model_validate(doc)
        except ValidationError as exc:
            raise StoreProblem(f"A session in {self.path} is damaged ({exc.error_count()} problems). "
                               "Restore the file from a backup.") from None
