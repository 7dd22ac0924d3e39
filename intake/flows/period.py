"""The period after the intake: its reviews, attendance, end and follow-on path, and the period
before it. What is recorded lives in `FollowUp` (saved with the session); what it means on a given
day (the next review, what is overdue, how many months are used) is derived here, never stored."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from intake.flows.due import INTERIM, grace_days, is_overdue
from intake.flows.engine import ActiveAnswers, Interview, InterviewState
from intake.flows.services import REHABILITATIVE_WORK_ACTIVITY

if TYPE_CHECKING:
    from intake.flows.model import Content
    from intake.flows.rules import ReviewInterval, Rules

# The service when the client's answers name none.
DEFAULT_SERVICE = REHABILITATIVE_WORK_ACTIVITY


def client_service(answers: ActiveAnswers) -> str:
    """The service the client's intake names (rehabilitative work activity when it names none)."""
    return answers.get("service_type") or DEFAULT_SERVICE


def client_benefits(answers: ActiveAnswers) -> set[str] | None:
    """The client's benefits, or None when the question was not answered (every rule then applies)."""
    benefits = answers.get("benefit")
    return set(benefits) if benefits else None

# Questions of the review flows (content/reviews/) that the app reads; a content test checks them.
HELD_ON = "held_on"                 # every review: the day it was held (or the feedback given)
ENDED_ON = "ended_on"               # the end review: the period's last day
ENDED_AS = "ended_as"               # planned | early
EARLY_REASON = "early_reason"
FOLLOW_ON_PATH = "follow_on_path"   # seed 000's twelve follow-on paths
GOAL_REVIEW = "goal_review"         # a repeat group with an entry for each goal of the intake
GOAL_STATUS = "status"              # achieved | partly | not_yet | not_relevant
SATISFACTION = "satisfaction"       # seed 004's 1–4 scale
END = "end"  # and INTERIM (intake.flows.due)
# The intake's questions on earlier periods, which a new period updates with the one that ended.
EARLIER_KTT, EARLIER_KTT_MONTHS, EARLIER_KTT_ENDED = "earlier_ktt", "earlier_ktt_months", "earlier_ktt_ended"

# An attended day, or why not: the allowance is paid only for attended days.
Mark = Literal["attended", "ill", "agreed_absence", "no_notice"]
MARKS: tuple[Mark, ...] = ("attended", "ill", "agreed_absence", "no_notice")


class Review(BaseModel):
    """A review or a feedback form held after the intake: an interview of its own on the review's flow."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str
    opened_at: dt.datetime
    state: InterviewState


class PreviousPeriod(BaseModel):
    """The ended period this one was started from."""

    model_config = ConfigDict(extra="forbid")

    session_id: str
    period: int = Field(ge=2, description="This period's number in the client's unbroken run of periods")
    months_before: float = Field(ge=0, description="Months in the periods before this one, in that run")


class FollowUp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reviews: list[Review] = []
    attendance: dict[dt.date, Mark] = {}
    previous: PreviousPeriod | None = None
    continued_in: str | None = Field(None, description="The session of the new period started from this ended one")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` from `start`: 3 months from 11.1. end on 10.4."""
    return add_months(start, months) - dt.timedelta(days=1)


def review_dates(start: dt.date, end: dt.date, interval: ReviewInterval | None) -> list[dt.date]:
    """Interim reviews at the rule's interval, and the end review on the last day; an interim review
    that would fall within the rule's weeks of the end review is left to the end review."""
    reviews = []
    if interval is not None:
        step, covers = interval.months, dt.timedelta(weeks=interval.end_review_covers_weeks)
        while (day := add_months(start, step)) < end - covers:
            reviews.append(day)
            step += interval.months
    return reviews + [end]


def months_between(first: dt.date, last: dt.date) -> float:
    """The length in calendar months of a period from its first to its last day: 11.1.–10.4. is 3.0,
    and a part month counts its share of the days of that month."""
    end = last + dt.timedelta(days=1)
    whole = (end.year - first.year) * 12 + end.month - first.month
    while whole > 0 and add_months(first, whole) > end:
        whole -= 1
    since = add_months(first, whole)
    return round(whole + (end - since).days / (add_months(first, whole + 1) - since).days, 2)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class HeldReview:
    review: Review
    interview: Interview
    held_on: dt.date | None
    complete: bool

    def get(self, name: str) -> Any:
        return self.interview.active().get(name)

    def date(self, name: str) -> dt.date | None:
        """A date answer of the review (None when unanswered)."""
        return _date(self.get(name))


def review_interview(content: Content, review: Review, intake: ActiveAnswers) -> Interview:
    """A review's interview, with the intake's answers behind it (its goals, its conditions)."""
    return Interview(content.review(review.kind), review.state, context=intake)


@dataclass(frozen=True)
class DueReview:
    due: dt.date
    held_on: dt.date | None  # None: not held (yet)
    on_time: bool | None     # None: not due yet


@dataclass(frozen=True)
class PeriodStatus:
    """A period as it stands on `today`."""

    number: int
    start: dt.date | None
    planned_end: dt.date | None
    reviews: list[HeldReview]
    due: list[DueReview]           # the interim reviews the schedule asks for, each with the one that met it
    next_review: dt.date | None    # the next review to hold (interim or end); None once ended
    overdue: bool
    ended_on: dt.date | None
    ended_as: str | None
    early_reason: str | None
    follow_on_path: str | None
    months: float                  # this period, to its end or to today
    months_before: float

    @property
    def months_total(self) -> float:
        return round(self.months_before + self.months, 2)

    @property
    def end_review(self) -> HeldReview | None:
        return next((r for r in reversed(self.reviews) if r.review.kind == END and r.complete), None)


def held_reviews(interview: Interview, follow_up: FollowUp) -> list[HeldReview]:
    """The reviews and forms held on a session, in the order opened, each on its own interview with
    the intake's answers behind it."""
    content = interview.content
    intake = interview.active()
    held = []
    for review in follow_up.reviews:
        if review.kind not in content.reviews:
            continue  # a kind the content no longer has: kept in the file, not counted
        iv = review_interview(content, review, intake)
        held.append(HeldReview(review, iv, _date(iv.active().get(HELD_ON)), iv.is_complete))
    return held


def period_status(interview: Interview, follow_up: FollowUp, rules: Rules | None, today: dt.date) -> PeriodStatus:
    content = interview.content
    decisions = interview.state.decisions
    held = held_reviews(interview, follow_up)
    start = decisions.start
    planned_end = period_end(start, decisions.months) if start and decisions.months else None
    end = next((r for r in reversed(held) if r.review.kind == END and r.complete), None)
    ended_on = _date(end.get(ENDED_ON)) if end else None
    grace = dt.timedelta(days=grace_days(content))
    interim_days = sorted(r.held_on for r in held if r.review.kind == INTERIM and r.complete and r.held_on)
    schedule = _schedule(interview, rules, start, planned_end, ended_on or today, len(interim_days))
    # A period with a planned end closes its schedule with the end review; one without has only interim reviews.
    interims = schedule[:-1] if planned_end else schedule
    due = []
    for i, day in enumerate(interims):
        if ended_on is not None and day > ended_on:
            break
        met = interim_days[i] if i < len(interim_days) else None
        on_time = (met <= day + grace) if met else (False if (ended_on or today) > day + grace else None)
        due.append(DueReview(day, met, on_time))
    next_review = None
    if ended_on is None and schedule:
        next_review = next((d.due for d in due if d.held_on is None), planned_end)
    last = ended_on or min(today, planned_end) if planned_end else ended_on or today
    months = months_between(start, last) if start and last >= start else 0.0
    return PeriodStatus(
        number=follow_up.previous.period if follow_up.previous else 1,
        start=start, planned_end=planned_end, reviews=held, due=due, next_review=next_review,
        overdue=is_overdue(next_review, grace.days, today),
        ended_on=ended_on, ended_as=end.get(ENDED_AS) if end else None,
        early_reason=end.get(EARLY_REASON) if end else None,
        follow_on_path=end.get(FOLLOW_ON_PATH) if end else None,
        months=months, months_before=follow_up.previous.months_before if follow_up.previous else 0.0)


def open_review_dates(start: dt.date, interval: ReviewInterval | None, until: dt.date, held: int) -> list[dt.date]:
    """The interim reviews of a period with no planned end (supported employment is time-unlimited, IPS
    criterion 23): at the rule's interval, every one due by `until` and the next, and at least one
    more than the `held` interim reviews. No end review is invented: the period ends when one is held."""
    if interval is None:
        return []
    days, step = [], interval.months
    while not days or days[-1] <= until or len(days) <= held:
        days.append(add_months(start, step))
        step += interval.months
    return days


def _schedule(interview: Interview, rules: Rules | None, start: dt.date | None, end: dt.date | None,
              until: dt.date, held: int) -> list[dt.date]:
    """The reviews due: the interim reviews and the end review on `end`, or with no planned end, the
    interim reviews up to `until` (the period's end, or today)."""
    if not start:
        return []
    service = client_service(interview.active())
    if end is None and (rules is None or rules.time_limited(service, start)):
        return []  # its months are still to be decided
    interval = rules.in_force(service, start, "guidance").get("review_interval") if rules else None
    return review_dates(start, end, interval) if end else open_review_dates(start, interval, until, held)
