"""How far a supported-employment client has come (seed 001's five stages), derived from the forms
held after the intake (content/reviews/se_*.yaml) and the plan, never stored: when the coaching
started, the first employer contact, the job and the follow-along support after it. The fidelity
review (intake.flows.fidelity) and the exports read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from intake.flows.engine import Interview
from intake.flows.period import FollowUp, HeldReview, held_reviews

# The forms and the questions of spec 14 that the progress is read from.
SE_START, SE_EMPLOYER_CONTACT = "se_start", "se_employer_contact"
SE_EMPLOYER_AGREEMENT, SE_FOLLOW_ALONG = "se_employer_agreement", "se_follow_along"
AGREED_ON = "agreed_on"                      # se_start: the cooperation agreement made
EMPLOYMENT_START = "employment_start"        # se_employer_agreement
EMPLOYMENT_STATUS = "employment_status"      # se_follow_along: continuing | changed_tasks | ended
EMPLOYMENT_ENDED = "ended"
EMPLOYMENT_ENDED_ON = "employment_ended_on"  # se_follow_along, when ended
COACHING_STATUS = "coaching_status"          # se_follow_along: continuing | ended | lighter_support


class SessionLike(Protocol):
    """An intake session as the progress reads it (IntakeSession has both)."""

    interview: Interview
    follow_up: FollowUp


@dataclass(frozen=True)
class SeProgress:
    started_on: dt.date | None            # se_start's agreed_on, else its held_on, else the plan's start
    first_employer_contact: dt.date | None  # the earliest day an employer contact was logged
    employed_since: dt.date | None        # the latest complete employer agreement's employment_start
    follow_along_visits: int              # complete follow-along forms held since employed_since
    employment_ended_on: dt.date | None   # that job's end, as the latest follow-along since it records it
    coaching_status: str | None           # as the latest complete follow-along form records it
    stages_reached: frozenset[int]        # the stages (1-5) with a complete form

    @property
    def days_to_first_contact(self) -> int | None:
        if self.started_on is None or self.first_employer_contact is None:
            return None
        return (self.first_employer_contact - self.started_on).days


def se_progress(session: SessionLike) -> SeProgress:
    return progress_from(session.interview, held_reviews(session.interview, session.follow_up))


def progress_from(interview: Interview, held: Iterable[HeldReview]) -> SeProgress:
    """The progress from the forms `held` on the session of `interview` (what period_status read)."""
    reviews = interview.content.reviews
    held = list(held)
    complete = [r for r in held if r.complete]

    def of(kind: str, rows: list[HeldReview] = complete) -> list[HeldReview]:
        return [r for r in rows if r.review.kind == kind]

    start = _latest(of(SE_START))
    started_on = ((start.date(AGREED_ON) or start.held_on) if start else None) or interview.state.decisions.start
    # A contact is logged by its day: the form need not be finished for the contact to have happened.
    contacts = [r.held_on for r in of(SE_EMPLOYER_CONTACT, held) if r.held_on is not None]
    agreement = _latest(of(SE_EMPLOYER_AGREEMENT))
    employed_since = agreement.date(EMPLOYMENT_START) if agreement else None
    follow_along = of(SE_FOLLOW_ALONG)
    since_employed = [r for r in follow_along
                      if employed_since is not None and r.held_on is not None and r.held_on >= employed_since]
    last_visit = _latest(since_employed)
    ended = last_visit is not None and last_visit.get(EMPLOYMENT_STATUS) == EMPLOYMENT_ENDED
    last_follow_along = _latest(follow_along)
    return SeProgress(
        started_on=started_on,
        first_employer_contact=min(contacts, default=None),
        employed_since=employed_since,
        follow_along_visits=len(since_employed),
        employment_ended_on=last_visit.date(EMPLOYMENT_ENDED_ON) if ended else None,
        coaching_status=last_follow_along.get(COACHING_STATUS) if last_follow_along else None,
        stages_reached=frozenset(stage for r in complete
                                 if (stage := reviews[r.review.kind].stage) is not None))


def _latest(rows: list[HeldReview]) -> HeldReview | None:
    """The one held last (by its day; of the same day, the one opened last)."""
    if not rows:
        return None
    return max(enumerate(rows), key=lambda pair: (pair[1].held_on or dt.date.min, pair[0]))[1]
