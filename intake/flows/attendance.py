"""Attendance over a period: which days can be marked, the totals of each mark, and the allowance as
the law pays it, for each attended day at the rate in force on that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from intake.flows.period import MARKS, Mark, client_benefits, client_service

if TYPE_CHECKING:
    from intake.flows.engine import Interview
    from intake.flows.rules import Rules

# Why a day cannot be marked.
Unmarkable = Literal["before_start", "after_end", "future"]


@dataclass(frozen=True)
class AttendanceTotals:
    counts: dict[Mark, int]   # every mark, zero when never used
    paid_days: int            # attended days an allowance was in force for
    euros: float              # the allowance for those days
    unpaid_days: int          # attended days with no allowance for the client's benefits


def unmarkable(day: dt.date, first: dt.date, last: dt.date, today: dt.date) -> Unmarkable | None:
    """Why `day` cannot be marked in a period from `first` to `last`, or None when it can."""
    if day < first:
        return "before_start"
    if day > last:
        return "after_end"
    if day > today:
        return "future"
    return None


def weeks(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Mondays of the weeks the period touches, from the week of `first` to the week of `last`."""
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= last:
        out.append(monday)
        monday += dt.timedelta(weeks=1)
    return out


def totals(attendance: dict[dt.date, Mark], rules: Rules | None, service: str,
           benefits: set[str] | None) -> AttendanceTotals:
    """Count each mark, and sum the allowance over the attended days: each day at the rate in force on
    it for these benefits (a rate may change within a period)."""
    counts = {mark: 0 for mark in MARKS}
    paid, unpaid, euros = 0, 0, 0.0
    for day, mark in attendance.items():
        counts[mark] += 1
        if mark != "attended":
            continue
        rule = rules.allowance(service, day, benefits) if rules is not None and benefits else None
        if rule is None:
            unpaid += 1
        else:
            paid += 1
            euros += rule.euros
    return AttendanceTotals(counts=counts, paid_days=paid, euros=round(euros, 2), unpaid_days=unpaid)


def session_totals(interview: Interview, attendance: dict[dt.date, Mark], rules: Rules | None) -> AttendanceTotals:
    """The totals for a client, with the service and benefits their intake answers name."""
    answers = interview.active()
    return totals(attendance, rules, client_service(answers), client_benefits(answers))
