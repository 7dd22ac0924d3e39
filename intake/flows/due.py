"""Which sessions' next reviews are due or overdue on a given day: what the session list shows and
filters by. The next review's day is saved with each session; being overdue depends on the day, so
it is worked out here, never stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from intake.flows.model import Content

INTERIM = "interim"  # the review whose grace days say when a review is late
SOON_DAYS = 14       # "due soon": the next review falls within this many days
Due = Literal["overdue", "soon"]
DUE_FILTERS: tuple[Due | None, ...] = (None, "overdue", "soon")  # the order a key cycles through them


def grace_days(content: Content) -> int:
    """A review is still on time this many days after it fell due (the interim review's grace)."""
    return content.reviews[INTERIM].grace_days if INTERIM in content.reviews else 0


def is_overdue(next_review: dt.date | None, grace: int, today: dt.date) -> bool:
    return next_review is not None and next_review + dt.timedelta(days=grace) < today


@dataclass(frozen=True)
class ReviewDue:
    """Keeps the sessions whose next review is overdue on `today` (past its grace days), or falls
    due `soon` (within `days` of today, late but still in its grace days included)."""

    due: Due
    today: dt.date
    grace: int
    days: int = SOON_DAYS

    def days_range(self) -> tuple[dt.date, dt.date]:
        """The first and last next-review day kept (both included)."""
        last_late = self.today - dt.timedelta(days=self.grace + 1)
        if self.due == "overdue":
            return dt.date.min, last_late
        return last_late + dt.timedelta(days=1), self.today + dt.timedelta(days=self.days)
