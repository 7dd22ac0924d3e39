"""Attendance over the period, a week to a row: each day marked with a key, in letters and colour,
the totals of each mark, the allowance for the attended days, and the absence rules for the client."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from intake.flows.attendance import AttendanceTotals, session_totals, unmarkable, weeks
from intake.flows.display import Texts
from intake.flows.period import MARKS, Mark
from intake.screens.base import FAILED, IntakeScreen
from intake.screens.footer import KeyFooter
from intake.screens.texts_util import plain
from intake.session import IntakeSession

# Colour only repeats the letter in each cell (and the legend says what each letter means).
STYLES: dict[Mark, str] = {"attended": "bold green", "ill": "bold yellow", "agreed_absence": "bold cyan",
                           "no_notice": "bold red"}
UNMARKED, OUTSIDE = "·", ""


def allowance_lines(t: Texts, totals: AttendanceTotals) -> list[str]:
    """The allowance for the attended days, and the attended days it does not cover."""
    lines = [t("attendance.allowance_line", days=totals.paid_days, euros=t.euros(totals.euros))]
    if totals.unpaid_days:
        lines.append(t("attendance.unpaid_line", days=totals.unpaid_days))
    return lines


class AttendanceScreen(IntakeScreen):
    BINDINGS = [
        Binding("1", "mark('attended')", "Attended", id="attendance.attended"),
        Binding("2", "mark('ill')", "Ill", id="attendance.ill"),
        Binding("3", "mark('agreed_absence')", "Agreed absence", id="attendance.agreed_absence"),
        Binding("4", "mark('no_notice')", "Without notice", id="attendance.no_notice"),
        Binding("0,delete", "mark(None)", "Clear", id="attendance.clear"),
        Binding("escape", "back", "Period", id="attendance.back"),
    ]

    def __init__(self, texts: Texts, session: IntakeSession, today: dt.date | None = None):
        super().__init__(texts)
        self.session = session
        self.today = today or dt.date.today()
        status = session.status(self.today)
        self.first = status.start
        self.last = status.ended_on or status.planned_end or self.today
        self.weeks = weeks(self.first, self.last)

    def respoken(self) -> AttendanceScreen:
        return AttendanceScreen(self.app.session_texts(self.session), self.session, self.today)

    def compose(self) -> ComposeResult:
        yield Static(plain(self.t("attendance.title", client=self.session.record.client_label)),
                     id="attendance-header")
        with Horizontal(id="attendance-main"):
            yield DataTable(id="attendance-days", cursor_type="cell", zebra_stripes=True)
            with VerticalScroll(id="attendance-side"):
                yield Static("", id="attendance-message", classes="field-error", markup=False)
                yield Static(self.t("attendance.totals_title"), classes="plan-heading", markup=False)
                yield Static("", id="attendance-totals", markup=False)
                yield Static(self._legend(), id="attendance-legend")
                yield Static(self.t("attendance.rules_title"), classes="plan-heading", markup=False)
                yield Static(plain(self.t("attendance.rules")), id="attendance-rules")
                yield Static(plain(self.t("attendance.rules_source")), classes="plan-text muted")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(self.t("attendance.week"), key="week")
        for day in self.t("attendance.weekdays").split():
            table.add_column(day)
        for monday in self.weeks:
            days = [monday + dt.timedelta(days=i) for i in range(7)]
            table.add_row(self.t("attendance.week_of", day=self.t.date(monday)), *map(self._cell, days))
        # The cursor starts on today, or on the period's last day once it lies behind.
        focus_day = min(max(self.today, self.first), self.last)
        table.cursor_coordinate = self._coordinate(focus_day)
        table.focus()
        self.show_totals()

    # --- days and cells -------------------------------------------------------------------

    def _coordinate(self, day: dt.date) -> Coordinate:
        return Coordinate((day - self.weeks[0]).days // 7, day.weekday() + 1)

    def day_at(self, coordinate: Coordinate) -> dt.date | None:
        """The day under the cursor (None on the week column)."""
        if coordinate.column == 0:
            return None
        return self.weeks[coordinate.row] + dt.timedelta(days=coordinate.column - 1)

    def _cell(self, day: dt.date) -> Text:
        if day < self.first or day > self.last:
            return Text(OUTSIDE)
        mark = self.session.follow_up.attendance.get(day)
        if mark is None:
            return Text(UNMARKED, style="dim")
        return Text(self.t(f"attendance.letter.{mark}"), style=STYLES[mark])

    def _legend(self) -> Text:
        """What each letter means, each letter in its colour as in the table."""
        t = self.t
        legend = Text()
        for mark in MARKS:
            legend.append(t(f"attendance.letter.{mark}"), style=STYLES[mark])
            legend.append(f" = {t(f'attendance.mark.{mark}')}\n")
        legend.append(f"{UNMARKED} = {t('attendance.unmarked')}")
        return legend

    def show_totals(self) -> None:
        t = self.t
        totals = session_totals(self.session.interview, self.session.follow_up.attendance, self.session.rules)
        lines = [f"{t(f'attendance.mark.{m}')}: {totals.counts[m]}" for m in MARKS] + allowance_lines(t, totals)
        self.query_one("#attendance-totals", Static).update(plain("\n".join(lines)))

    # --- marking --------------------------------------------------------------------------

    def action_mark(self, mark: Mark | None) -> None:
        table = self.query_one(DataTable)
        message = self.query_one("#attendance-message", Static)
        day = self.day_at(table.cursor_coordinate)
        if day is None:
            message.update(self.t("attendance.pick_a_day"))
            return
        why = unmarkable(day, self.first, self.last, self.today)
        if why is not None:  # attendance.refused.before_start, .after_end, .future
            message.update(self.t(f"attendance.refused.{why}", day=self.t.date(day)))
            return
        if self.guarded(lambda: self.session.mark(day, mark)) is FAILED:
            return
        message.update("")
        table.update_cell_at(table.cursor_coordinate, self._cell(day))
        self.show_totals()

    def action_back(self) -> None:
        self.app.pop_screen()
