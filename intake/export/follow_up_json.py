"""The follow-up in the counsellor's export: every review with its answers (as the intake's are given),
the schedule of reviews, attendance, the end of the period with its follow-on plan, and the distance
travelled. The counsellor's export is the full record, so nothing here is left out for a reader."""

from __future__ import annotations

import datetime as dt

from intake.export.answers_json import ExportedSection, exported_sections
from intake.export.follow_up import AfterIntake
from intake.flows.base import Record
from intake.flows.distance import domain_title
from intake.flows.period import EARLY_REASON, ENDED_AS, FOLLOW_ON_PATH, MARKS, Mark


class ExportedReview(Record):
    id: str
    kind: str
    title: str
    opened_at: dt.datetime
    held_on: dt.date | None
    complete: bool
    sections: list[ExportedSection]


class ExportedDue(Record):
    due: dt.date
    held_on: dt.date | None = None  # None: not held (yet)
    on_time: bool | None = None     # None: not due yet


class ExportedSchedule(Record):
    start: dt.date | None
    planned_end: dt.date | None
    interim_reviews: list[ExportedDue]
    next_review: dt.date | None
    overdue: bool


class ExportedAttendance(Record):
    marks: dict[dt.date, Mark]
    totals: dict[Mark, int]


class ExportedFollowOnStep(Record):
    action: str | None
    responsible: str | None
    by_when: dt.date | None


class ExportedEnding(Record):
    ended_on: dt.date
    ended_as: str | None
    ended_as_text: str | None
    early_reason: str | None
    early_reason_text: str | None
    follow_on_path: str | None
    follow_on_path_text: str | None
    follow_on_plan: list[ExportedFollowOnStep]


class ExportedMoment(Record):
    kind: str  # intake, or the review's kind
    number: int
    on: dt.date | None
    label: str


class ExportedDomain(Record):
    id: str
    title: str
    client: list[int | None]  # a rating for each moment; null: not rated (not discussed, not applicable)
    counsellor: list[int | None]


class ExportedDistance(Record):
    moments: list[ExportedMoment]
    domains: list[ExportedDomain]


class ExportedFollowUp(Record):
    period: int
    previous_session_id: str | None
    continued_in: str | None = None  # the session of the new period started from this ended one
    months: float
    months_before: float
    months_total: float
    reviews: list[ExportedReview]
    schedule: ExportedSchedule
    attendance: ExportedAttendance
    ending: ExportedEnding | None
    distance: ExportedDistance


def export_follow_up(after: AfterIntake) -> ExportedFollowUp:
    status, t = after.status, after.texts
    end = after.end
    ending = None
    if end is not None and status.ended_on is not None:
        ending = ExportedEnding(
            ended_on=status.ended_on, ended_as=status.ended_as, ended_as_text=after.words(end, ENDED_AS),
            early_reason=status.early_reason, early_reason_text=after.words(end, EARLY_REASON),
            follow_on_path=status.follow_on_path, follow_on_path_text=after.words(end, FOLLOW_ON_PATH),
            follow_on_plan=[ExportedFollowOnStep(action=s.action, responsible=s.responsible, by_when=s.by_when)
                            for s in after.follow_on()])
    marks = after.follow_up.attendance
    previous = after.follow_up.previous
    return ExportedFollowUp(
        period=status.number, previous_session_id=previous.session_id if previous else None,
        continued_in=after.follow_up.continued_in,
        months=status.months, months_before=status.months_before, months_total=status.months_total,
        reviews=[ExportedReview(id=r.review.id, kind=r.review.kind,
                                title=r.interview.content.flow.title.get(t.language), opened_at=r.review.opened_at,
                                held_on=r.held_on, complete=r.complete,
                                sections=exported_sections(r.interview, after.review_texts(r)))
                 for r in status.reviews],
        schedule=ExportedSchedule(start=status.start, planned_end=status.planned_end,
                                  interim_reviews=[ExportedDue(due=d.due, held_on=d.held_on, on_time=d.on_time)
                                                   for d in status.due],
                                  next_review=status.next_review, overdue=status.overdue),
        attendance=ExportedAttendance(marks=dict(sorted(marks.items())),
                                      totals={m: sum(v == m for v in marks.values()) for m in MARKS}),
        ending=ending,
        distance=ExportedDistance(
            moments=[ExportedMoment(kind=m.kind, number=m.number, on=m.on, label=m.label(t))
                     for m in after.distance.moments],
            domains=[ExportedDomain(id=d.id, title=domain_title(t, d), client=list(d.client),
                                    counsellor=list(d.counsellor)) for d in after.distance.domains]),
    )
