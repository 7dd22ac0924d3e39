"""The outcome report read from the store (`intake report`, the report screen) and written out as a
table, CSV or JSON. It reads only the sessions whose summary in the index says their period ended in
the range, and writes counts only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from intake.errors import IntakeError
from intake.flows.display import Texts
from intake.flows.model import Content
from intake.flows.period import PeriodStatus
from intake.flows.report import OutcomeReport, ReportProblem, check_range, in_range, outcome_report
from intake.session import IntakeSession
from intake.store_api import SessionStore


def ended_periods(store: SessionStore, content: Content, start: dt.date | None, end: dt.date | None, *,
                  counsellor: str | None = None) -> list[PeriodStatus]:
    """The periods that ended from `start` to `end` (inclusive), optionally only one counsellor's.
    The index's summaries say which sessions ended when, so no other session file is read."""
    statuses = []
    for summary in store.list():
        if in_range(summary.ended_on, start, end) and (counsellor is None or summary.counsellor == counsellor):
            session = IntakeSession(store, content, store.get(summary.id), read_only=True)
            statuses.append(session.status())
    store.log_access("report", None)  # every ended session was read, though only counts leave
    return statuses


def read_report(store: SessionStore, content: Content, texts: Texts, start: dt.date | None = None,
                end: dt.date | None = None, *, counsellor: str | None = None) -> OutcomeReport:
    try:
        check_range(start, end)  # before the store is read
        return outcome_report(ended_periods(store, content, start, end, counsellor=counsellor), content, texts,
                              start=start, end=end)
    except ReportProblem as exc:
        raise IntakeError(str(exc)) from None


def heading(report: OutcomeReport, texts: Texts) -> str:
    start, end = (texts.date(d) if d else None for d in (report.start, report.end))
    if start and end:
        period = texts("report.period.between", start=start, end=end)
    elif start or end:
        period = texts("report.period.from", start=start) if start else texts("report.period.to", end=end)
    else:
        period = texts("report.period.all")
    return texts("report.title", period=period, ended=report.ended)


def percent(value: float | None, texts: Texts) -> str:
    """One decimal, with the decimal comma in Finnish and Swedish."""
    if value is None:
        return "-"
    return texts.number(value, 1)


def as_table(report: OutcomeReport, texts: Texts) -> str:
    """Aligned plain text: the heading, then each table with its rows and total."""
    lines = [heading(report, texts)]
    for table in report.tables:
        rows = [("", texts("report.column.count"), texts("report.column.percent"))]
        rows += [(row.label, str(row.count), percent(row.percent, texts)) for row in table.rows]
        rows.append((texts("report.column.total"), str(table.total), ""))
        width = [max(len(r[i]) for r in rows) for i in range(3)]
        lines += ["", table.title]
        lines += [f"  {label.ljust(width[0])}  {count.rjust(width[1])}  {share.rjust(width[2])}".rstrip()
                  for label, count, share in rows]
    return "\n".join(lines) + "\n"


def as_csv(report: OutcomeReport) -> str:
    """Every table's rows in one CSV, the table named in its own column (percent with a dot)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "label", "count", "percent"])
    for table in report.tables:
        for row in table.rows:
            writer.writerow([table.id, row.key, row.label, row.count, "" if row.percent is None else row.percent])
    return out.getvalue()


def as_json(report: OutcomeReport, texts: Texts) -> str:
    return json.dumps({
        "from": report.start.isoformat() if report.start else None,
        "to": report.end.isoformat() if report.end else None,
        "language": texts.language, "title": heading(report, texts), "ended": report.ended,
        "tables": [{"id": t.id, "title": t.title, "total": t.total,
                    "rows": [{"key": r.key, "label": r.label, "count": r.count, "percent": r.percent}
                             for r in t.rows]} for t in report.tables],
    }, indent=2, ensure_ascii=False) + "\n"
