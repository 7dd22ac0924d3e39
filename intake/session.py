"""An open intake: the interview engine joined to the store, saving every change at once."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from intake.errors import ReadOnlySession
from intake.flows.decisions import Agreement, PlanDecisions
from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.model import Content
from intake.flows.placements import Placement
from intake.flows.rules import Rules
from intake.flows.validate import AnswerError
from intake.store import SessionRecord, Store

if TYPE_CHECKING:  # matching, profiles and plans (and numpy) are imported when first used
    from intake.flows.matching import Catalogue, MatchResult
    from intake.flows.plan import Plan


def catalogue_placements(store: Store, content: Content) -> list[Placement]:
    """Every placement as one list: the built-in ones (content/placements/) merged with the county's
    own list imported into the store (`intake placements import`), an imported placement replacing
    the built-in one with the same id. It builds every placement, so the app never asks for it:
    matching uses merged_catalogue.matching_catalogue and a plan plan_placements, which keep this
    meaning (the tests compare them with it)."""
    from intake.placements_import import catalogue_entries  # numpy: not on the way to the first question

    return [entry.placement for entry in catalogue_entries(store, content)]


def plan_placements(store: Store, content: Content, placement_id: str | None) -> list[Placement]:
    """The one placement a plan names, as in the merged catalogue (an imported one replaces the
    built-in one with its id), for PlanBuilder: a plan or an export never reads a county's whole list."""
    if placement_id is None:
        return []
    found = store.placements.get(placement_id) or next((p for p in content.placements if p.id == placement_id), None)
    return [found] if found is not None else []


class IntakeSession:
    """One open session. Unless read-only, it holds the session's edit lock until `close()`.

    `holder` is the person editing (the counsellor's name); it is named to anyone else who
    tries to open the session, and written in the access log.
    """

    def __init__(self, store: Store, content: Content, record: SessionRecord, *,
                 holder: str | None = None, read_only: bool = False):
        self.store = store
        self.content = content
        self.record = record
        self.holder = holder or record.counsellor
        self.read_only = read_only
        self.interview = Interview(content, record.state)

    @classmethod
    def start(cls, store: Store, content: Content, client_label: str, counsellor: str,
              language: str = "fi", plain: bool = False) -> IntakeSession:
        record = store.create(client_label, counsellor, Interview(content).state, language, plain, lock=True)
        return cls(store, content, record, holder=counsellor)

    @classmethod
    def resume(cls, store: Store, content: Content, session_id: str, *, holder: str | None = None,
               read_only: bool = False) -> IntakeSession:
        """Open a saved session. SessionLocked (naming who has it) when it is being edited elsewhere;
        `read_only=True` opens it anyway, for reading."""
        if read_only:
            record = store.get(session_id)
            store.log_access("open-read-only", session_id, holder)
            return cls(store, content, record, holder=holder, read_only=True)
        store.lock_session(session_id, holder)
        try:
            record = store.get(session_id)
        except BaseException:
            store.unlock_session(session_id)
            raise
        store.log_access("open", session_id, holder or record.counsellor)
        return cls(store, content, record, holder=holder)

    def close(self) -> None:
        """Release the edit lock (everything is already saved)."""
        if not self.read_only:
            self.store.unlock_session(self.record.id)

    def __enter__(self) -> IntakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def answer(self, value: Any, at: dt.datetime | None = None) -> AnswerError | None:
        self._writable()
        error = self.interview.answer(value, at)
        if error is None:
            self.save()
        return error

    def skip(self) -> AnswerError | None:
        self._writable()
        error = self.interview.skip()
        if error is None:
            self.save()
        return error

    def back(self) -> None:
        self._writable()
        self.interview.back()
        self.save()

    def jump(self, key: str) -> None:
        self._writable()
        self.interview.jump(key)
        self.save()

    # --- matching and the plan ---------------------------------------------------------

    @property
    def texts(self) -> Texts:
        return Texts(self.content, self.record.language, self.record.plain)

    @property
    def rules(self) -> Rules | None:
        return Rules(self.content.rules) if self.content.rules else None

    def match(self, catalogue: Catalogue) -> MatchResult:
        """Placements for this client, for the start date decided (or the preferred one)."""
        from intake.flows.profile import client_profile

        profile = client_profile(self.interview, self.interview.state.decisions.start)
        return catalogue.match(profile, self.rules)

    def decide(self, **changes: Any) -> None:
        """Change decisions (placement, visits, plan type, start, months, days, hours); the plan must
        then be agreed again."""
        self._writable()
        current = self.interview.state.decisions.model_dump()
        self.interview.state.decisions = PlanDecisions.model_validate({**current, **changes, "agreed": None})
        self.save()

    def plan(self) -> Plan:
        from intake.flows.plan import PlanBuilder

        return PlanBuilder(self.interview, self.texts, self.record.client_label, self.record.counsellor,
                           self.rules,
                           plan_placements(self.store, self.content, self.interview.state.decisions.placement_id)).build()

    def agree(self, at: dt.datetime | None = None, reason: str | None = None) -> Plan:
        """Record that both agree on the plan, when the law leaves nothing to fix and any departure from
        guidance has its reason recorded; returns the plan either way."""
        self._writable()
        plan = self.plan()
        reason = (reason or "").strip() or None
        departs = any(not i.blocking for i in plan.issues)
        if not any(i.blocking for i in plan.issues) and (reason or not departs):
            self.interview.state.decisions.agreed = Agreement(
                at=at or dt.datetime.now(dt.timezone.utc), client=self.record.client_label,
                counsellor=self.holder, guidance_reason=reason if departs else None)
            self.save()
            self.store.log_access("agree", self.record.id, self.holder)
            plan = self.plan()
        return plan

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlySession(f"Session {self.record.id} is open read-only: nothing can be changed. "
                                  "Close it and open it again for editing when nobody else has it open.")

    def save(self) -> None:
        self._writable()
        progress = self.interview.progress()
        self.record = self.store.save(self.record.model_copy(update={
            "state": self.interview.state,
            "status": "completed" if self.interview.is_complete else "in_progress",
            "answered": progress.answered,
            "relevant": progress.relevant,
        }), who=self.holder)
