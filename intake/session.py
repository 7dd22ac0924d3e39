"""An open intake: the interview engine joined to the store, saving every change at once."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from intake.errors import ReadOnlySession, ReviewNotForService
from intake.flows.decisions import Agreement, PlanDecisions
from intake.flows.display import Texts
from intake.flows.engine import Answer, Interview, InterviewState, NotAllowed
from intake.flows.model import Content, ReviewFlow
from intake.flows.period import EARLIER_KTT, EARLIER_KTT_ENDED, EARLIER_KTT_MONTHS, ENDED_ON, HELD_ON, Mark, PeriodStatus, PreviousPeriod, Review, client_service, period_status, review_interview
from intake.flows.placements import Placement
from intake.flows.rules import Rules
from intake.flows.services import REHABILITATIVE_WORK_ACTIVITY
from intake.flows.text import LANGUAGES, Language
from intake.flows.validate import AnswerError, validate
from intake.store import SessionRecord
from intake.store_api import SessionStore

if TYPE_CHECKING:  # matching, profiles and plans (and numpy) are imported when first used
    from intake.flows.matching import Catalogue, MatchResult
    from intake.flows.plan import Plan


def catalogue_placements(store: SessionStore, content: Content) -> list[Placement]:
    """Every placement as one list: the built-in ones (content/placements/) merged with the county's
    own list imported into the store (`intake placements import`), an imported placement replacing
    the built-in one with the same id. It builds every placement, so the app never asks for it:
    matching uses merged_catalogue.matching_catalogue and a plan plan_placements, which keep this
    meaning (the tests compare them with it)."""
    from intake.placements_import import catalogue_entries  # numpy: not on the way to the first question

    return [entry.placement for entry in catalogue_entries(store, content)]


def plan_placements(store: SessionStore, content: Content, placement_id: str | None) -> list[Placement]:
    """The one placement (or job at an employer) a plan names, as in the merged catalogue (an imported one
    replaces the built-in one with its id), for PlanBuilder: a plan or an export never reads a county's whole list."""
    if placement_id is None:
        return []
    found = (store.placements.get(placement_id) or store.employers.get(placement_id)
             or next((p for p in [*content.placements, *content.employers] if p.id == placement_id), None))
    return [found] if found is not None else []


class IntakeSession:
    """One open session. Unless read-only, it holds the session's edit lock until `close()`.

    `holder` is the person editing (the counsellor's name); it is named to anyone else who
    tries to open the session, and written in the access log.
    """

    def __init__(self, store: SessionStore, content: Content, record: SessionRecord, *,
                 holder: str | None = None, read_only: bool = False):
        self.store = store
        self.content = content
        self.record = record
        self.holder = holder or record.counsellor
        self.read_only = read_only
        self.interview = Interview(content, record.state)
        self.follow_up = record.follow_up  # the live reviews and attendance, saved with the answers

    @classmethod
    def start(cls, store: SessionStore, content: Content, client_label: str, counsellor: str,
              language: str = "fi", plain: bool = False, short_path: bool = False) -> IntakeSession:
        state = Interview(content).state
        state.short_path = short_path
        record = store.create(client_label, counsellor, state, language, plain, lock=True)
        return cls(store, content, record, holder=counsellor)

    @classmethod
    def resume(cls, store: SessionStore, content: Content, session_id: str, *, holder: str | None = None,
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

    def hold_short(self, short: bool) -> None:
        """Hold the interview on the short path of a first meeting (what content marks `later` waits),
        or continue with the rest from where it was left."""
        self._writable()
        self.interview.hold_short(short)
        self.save()

    def speak(self, language: Language, plain: bool) -> None:
        """Hold the rest of the session in `language`, in plain language or not: the place in the
        interview and every answer stay (answers are stored as values, not words). A session open
        read-only is read in the new language, and nothing is saved."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
        self.record = self.record.model_copy(update={"language": language, "plain": plain})
        if not self.read_only:
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

    # --- after the intake: reviews, attendance, the end and a new period ---------------------

    def status(self, today: dt.date | None = None) -> PeriodStatus:
        return period_status(self.interview, self.follow_up, self.rules, today or dt.date.today())

    def open_review(self, kind: str, at: dt.datetime | None = None) -> ReviewSession:
        """The review of `kind` left unfinished, or a new one. Only one end review: once it is
        complete the period has ended, and a second one is refused (start a new period instead).
        Only the kinds held for the client's service can be opened."""
        self._held_for_service(kind)
        intake = self.interview.active()
        for review in reversed(self.follow_up.reviews):
            if review.kind == kind and not review_interview(self.content, review, intake).is_complete:
                return ReviewSession(self, review)
        self._writable()
        if self.status().ended_on is not None:
            raise NotAllowed("The period has ended: a review can no longer be added. Start a new period "
                             "from it to carry on.")
        number = sum(r.kind == kind for r in self.follow_up.reviews) + 1
        flow = self.content.review(kind).flow
        review = Review(id=f"{kind}-{number}", kind=kind, opened_at=at or dt.datetime.now(dt.timezone.utc),
                        state=InterviewState(flow_id=flow.id, flow_version=flow.version))
        self.follow_up.reviews.append(review)
        self.save()
        return ReviewSession(self, review)

    def matching_title(self) -> str:
        """The matching step's heading: jobs for a service on the open labour market, else placements."""
        service, day = client_service(self.interview.active()), self.interview.state.decisions.start or dt.date.today()
        jobs = self.rules is not None and self.rules.open_labour_market(service, day)
        return self.texts("matching.title_jobs" if jobs else "matching.title", client=self.record.client_label)

    def reviews_held(self) -> dict[str, ReviewFlow]:
        """The reviews and forms held for this client's service, in the content's order."""
        return self.content.reviews_for(client_service(self.interview.active()))

    def _held_for_service(self, kind: str) -> None:
        held = self.reviews_held()
        if kind in held:
            return
        t = self.texts
        flow = self.content.reviews.get(kind)
        raise ReviewNotForService(
            f"The form {kind!r} is not held for a client of {client_service(self.interview.active())}: "
            f"hold one of {', '.join(held) or 'none'} instead.", key="error.review_not_for_service",
            form=flow.title.get(t.language, t.plain) if flow else kind,
            forms=", ".join(f.title.get(t.language, t.plain) for f in held.values()))

    def review(self, review_id: str) -> ReviewSession:
        """A review held earlier, to read or to correct."""
        return ReviewSession(self, next(r for r in self.follow_up.reviews if r.id == review_id))

    def mark(self, day: dt.date, mark: Mark | None) -> None:
        """Record a day of the period as attended or absent (None: clear it)."""
        self._writable()
        if mark is None:
            self.follow_up.attendance.pop(day, None)
        else:
            self.follow_up.attendance[day] = mark
        self.save()

    def new_period(self, at: dt.datetime | None = None) -> IntakeSession:
        """A new period started from this ended one, as a session of its own: the answers that still
        hold (the latest, a review's over the intake's) are carried for the client to confirm, the
        goals are set afresh, and the months used so far are counted."""
        self._writable()
        status = self.status()
        if status.ended_on is None:
            raise NotAllowed("The period has not ended: hold the end review first.")
        if self.follow_up.continued_in is not None:
            raise NotAllowed(f"A new period was already started from this one: session {self.follow_up.continued_in}.")
        at = at or dt.datetime.now(dt.timezone.utc)
        answers = carried_answers(self.content, self.interview, status, at)
        state = InterviewState(flow_id=self.content.flow.id, flow_version=self.content.flow.version, answers=answers)
        record = self.store.create(self.record.client_label, self.holder, state, self.record.language,
                                   self.record.plain, lock=True)
        session = IntakeSession(self.store, self.content, record, holder=self.holder)
        session.follow_up.previous = PreviousPeriod(session_id=self.record.id, period=status.number + 1,
                                                    months_before=status.months_total)
        session.save()
        self.follow_up.continued_in = record.id
        self.save()
        self.store.log_access("new-period", record.id, self.holder)
        return session

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlySession(f"Session {self.record.id} is open read-only: nothing can be changed. "
                                  "Close it and open it again for editing when nobody else has it open.",
                                  key="error.read_only", session=self.record.id)

    def save(self) -> None:
        self._writable()
        progress = self.interview.progress()
        status = self.status()
        self.record = self.store.save(self.record.model_copy(update={
            "state": self.interview.state,
            "follow_up": self.follow_up,
            "status": "completed" if self.interview.is_complete else "in_progress",
            "answered": progress.answered,
            "relevant": progress.relevant,
            "period": status.number,
            # the reviews of a plan in force: once agreed (a later change that asks for a new agreement
            # keeps them once one is held)
            "next_review": status.next_review if self.interview.state.decisions.agreed or self.follow_up.reviews
            else None,
            "ended_on": status.ended_on,
        }), who=self.holder)


def carried_answers(content: Content, interview: Interview, status: PeriodStatus,
                    at: dt.datetime) -> dict[str, Answer]:
    """The answers a new period starts with: those of the sections that carry forward, each the
    latest given (a review's rating over the intake's), marked as carried; no section confirmations,
    so each section's summary is confirmed again."""
    carried = {section.id for section in content.sections if section.carry_forward}
    latest: dict[str, Answer] = {}
    for step, answer in interview.transcript():
        if not step.is_confirm and step.section.id in carried:
            latest[step.key] = answer
    for held in status.reviews:
        if held.complete:
            for step, answer in held.interview.transcript():
                if not step.is_confirm and step.key in latest:
                    latest[step.key] = answer
    carried_now = {key: answer.model_copy(update={"carried": True, "at": at}) for key, answer in latest.items()}
    # The period that ended is now an earlier period too, if it was one of rehabilitative work activity
    # (189/2001 counts those): its months counted into those used so far.
    if client_service(interview.active()) != REHABILITATIVE_WORK_ACTIVITY:
        return carried_now
    before = interview.active().get(EARLIER_KTT_MONTHS) or 0
    earlier = {EARLIER_KTT: True, EARLIER_KTT_MONTHS: max(1, round(before + status.months)),
               EARLIER_KTT_ENDED: status.ended_on.isoformat()}
    for key, value in earlier.items():
        if key in content.question_index:
            carried_now[key] = Answer(value=value, by="client", at=at, carried=True)
    return carried_now


class ReviewSession:
    """A review of an open session, driven like the intake (by the interview screen): every answer
    is saved at once, with the session."""

    def __init__(self, session: IntakeSession, review: Review):
        self.session = session
        self.review = review
        self.content = session.content.review(review.kind)
        self.interview = review_interview(session.content, review, session.interview.active())

    @property
    def record(self) -> SessionRecord:
        return self.session.record

    @property
    def read_only(self) -> bool:
        return self.session.read_only

    @property
    def store(self) -> SessionStore:
        return self.session.store

    @property
    def texts(self) -> Texts:
        """On the review's own content: its questions are not the intake's (a section summary looks them up)."""
        return Texts(self.content, self.record.language, self.record.plain)

    def answer(self, value: Any, at: dt.datetime | None = None) -> AnswerError | None:
        self.session._writable()
        error = self._within_period(value) or self.interview.answer(value, at)
        if error is None:
            self.session.save()
        return error

    def _within_period(self, value: Any) -> AnswerError | None:
        """A review is held, and a period ends, on or after the day the period began."""
        step = self.interview.current()
        start = self.session.interview.state.decisions.start
        if step is None or step.question is None or step.question.id not in (HELD_ON, ENDED_ON) or start is None:
            return None
        error, clean = validate(step, value, self.content)
        if error is None and clean and dt.date.fromisoformat(str(clean)) < start:
            return AnswerError("error.before_period_start", {"start": start})
        return None

    def skip(self) -> AnswerError | None:
        self.session._writable()
        error = self.interview.skip()
        if error is None:
            self.session.save()
        return error

    def back(self) -> None:
        self.session._writable()
        self.interview.back()
        self.session.save()

    def jump(self, key: str) -> None:
        self.session._writable()
        self.interview.jump(key)
        self.session.save()

    def speak(self, language: Language, plain: bool) -> None:
        self.session.speak(language, plain)
