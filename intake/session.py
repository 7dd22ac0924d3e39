"""An open intake: the interview engine joined to the store, saving every change at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from intake.flows.engine import Interview
from intake.flows.model import Content
from intake.flows.validate import AnswerError
from intake.store import SessionRecord, Store


class IntakeSession:
    def __init__(self, store: Store, content: Content, record: SessionRecord):
        self.store = store
        self.content = content
        self.record = record
        self.interview = Interview(content, record.state)

    @classmethod
    def start(cls, store: Store, content: Content, client_label: str, counsellor: str,
              language: str = "fi", plain: bool = False) -> IntakeSession:
        record = store.create(client_label, counsellor, Interview(content).state, language, plain)
        return cls(store, content, record)

    @classmethod
    def resume(cls, store: Store, content: Content, session_id: str) -> IntakeSession:
        return cls(store, content, store.get(session_id))

    def answer(self, value: Any, at: dt.datetime | None = None) -> AnswerError | None:
        error = self.interview.answer(value, at)
        if error is None:
            self.save()
        return error

    def skip(self) -> AnswerError | None:
        error = self.interview.skip()
        if error is None:
            self.save()
        return error

    def back(self) -> None:
        self.interview.back()
        self.save()

    def jump(self, key: str) -> None:
        self.interview.jump(key)
        self.save()

    def save(self) -> None:
        progress = self.interview.progress()
        self.record = self.store.save(self.record.model_copy(update={
            "state": self.interview.state,
            "status": "completed" if self.interview.is_complete else "in_progress",
            "answered": progress.answered,
            "relevant": progress.relevant,
        }))
