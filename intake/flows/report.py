"""The outcome report: the periods that ended in a date range, counted as seed 000 (Kymenlaakso)
reports them: where clients went, how long they had been in the service, their goals, the reviews
held on time and the periods that ended early. Counts only: no labels, no ids, no answers' text."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from intake.flows.display import Texts
from intake.flows.model import Content, RepeatGroup, SingleChoice
from intake.flows.period import (
    EARLY_REASON, END, FOLLOW_ON_PATH, GOAL_REVIEW, GOAL_STATUS, PeriodStatus)
from intake.flows.text import Language

# Seed 000's length bands, over the months of the client's whole run of periods up to this ending
# (PeriodStatus.months_total: seed 000 counts clients in the service for over 4 years, though one
# period is at most 24 months). Each band holds the months up to and including its upper edge and
# above the band before: under 3 (< 3), 3–6 (3..6), over 6 months (> 6..12), over 1 year (> 12..24),
# over 2 years (> 24..36), over 3 years (> 36..48), over 4 years (> 48).
LENGTH_BANDS: tuple[tuple[str, float], ...] = (
    ("under_3_months", 3), ("3_to_6_months", 6), ("over_6_months", 12), ("over_1_year", 24),
    ("over_2_years", 36), ("over_3_years", 48), ("over_4_years", float("inf")))
ON_TIME = ("on_time", "late_or_missed")  # a review due in the period: held within the grace days, or not


def length_band(months: float) -> str:
    if months < LENGTH_BANDS[0][1]:
        return LENGTH_BANDS[0][0]
    return next(band for band, upper in LENGTH_BANDS[1:] if months <= upper)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    percent: float | None  # of the table's total, to one decimal; None when the total is 0


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    total: int
    rows: list[Row]


@dataclass(frozen=True)
class OutcomeReport:
    start: dt.date | None  # the first and last day of the endings counted (None: open-ended)
    end: dt.date | None
    ended: int
    tables: list[Table]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


class ReportProblem(ValueError):
    """A report that cannot be made (a date range, content without the end review); the message says
    what to change."""


def check_range(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and start > end:
        raise ReportProblem(f"--from {start.isoformat()} is after --to {end.isoformat()}: the report counts the "
                            "periods that ended from the first day to the last. Swap the dates or correct one.")


def in_range(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


def outcome_report(statuses: Iterable[PeriodStatus], content: Content, texts: Texts, *,
                   start: dt.date | None = None, end: dt.date | None = None) -> OutcomeReport:
    """The report over the periods among `statuses` that ended from `start` to `end` (inclusive).
    `texts`' language names the rows (the content's choices, the catalogue's keys)."""
    check_range(start, end)
    ended = [s for s in statuses if in_range(s.ended_on, start, end)]
    language: Language = texts.language
    paths, reasons, statuses_of_goals = (_choices(content, language, *where) for where in (
        (FOLLOW_ON_PATH,), (EARLY_REASON,), (GOAL_STATUS, GOAL_REVIEW)))
    goals: Counter[str] = Counter()
    due: Counter[str] = Counter()
    for status in ended:
        if status.end_review is not None:
            goals.update(entry.get(GOAL_STATUS) for entry in status.end_review.interview.active().groups.get(
                GOAL_REVIEW, []))
        due.update(ON_TIME[0] if d.on_time else ON_TIME[1] for d in status.due if d.on_time is not None)
    early = [s for s in ended if s.ended_as == "early"]
    tables = [
        _table("follow_on_path", texts("report.table.follow_on_path"), paths,
               Counter(s.follow_on_path for s in ended)),
        _table("length", texts("report.table.length"),
               [(band, texts(f"report.band.{band}")) for band, _ in LENGTH_BANDS],
               Counter(length_band(s.months_total) for s in ended)),
        _table("goals", texts("report.table.goals"), statuses_of_goals, goals),
        _table("reviews_on_time", texts("report.table.reviews_on_time"),
               [(key, texts(f"report.on_time.{key}")) for key in ON_TIME], due),
        _table("early_reasons", texts("report.table.early_reasons", early=len(early), ended=len(ended)), reasons,
               Counter(s.early_reason for s in early)),
    ]
    return OutcomeReport(start, end, len(ended), tables)


def _choices(content: Content, language: Language, question_id: str, group: str | None = None,
             ) -> list[tuple[str, str]]:
    """The values and labels of a choice question of the end review (in its repeat group `group`)."""
    questions = content.review(END).question_index if END in content.reviews else {}
    if group is not None:
        found = questions.get(group)
        questions = {q.id: q for q in found.questions} if isinstance(found, RepeatGroup) else {}
    question = questions.get(question_id)
    if not isinstance(question, SingleChoice):
        name = f"{group}.{question_id}" if group else question_id
        raise ReportProblem(f"The content has no end review with the choice question '{name}' that the report "
                            "counts (content/reviews.yaml, content/reviews/). Restore it, or report with the "
                            "built-in content.")
    return [(c.value, c.text.get(language)) for c in question.choices]


def _table(table_id: str, title: str, rows: list[tuple[str, str]], counts: Counter) -> Table:
    """Every row the content names, in its order, zero rows too; the total counts only those rows."""
    total = sum(counts[key] for key, _ in rows)
    return Table(table_id, title, total, [
        Row(key, label, counts[key], round(100 * counts[key] / total, 1) if total else None)
        for key, label in rows])
