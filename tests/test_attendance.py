"""Attendance: which days can be marked, the totals, the allowance summed over attended days at the
rate in force on each, and the attendance screen that marks them."""

from __future__ import annotations

import datetime as dt
import re
from string import Formatter
from typing import get_args

from textual.widgets import DataTable, Static

from intake.flows.attendance import Unmarkable, totals, unmarkable, weeks
from intake.flows.period import MARKS
from intake.flows.rules import DailyAllowance, Rules
from intake.screens.attendance import AttendanceScreen
from intake.screens.period import PeriodScreen
from intake.store import Store
from tests.helpers import until
from tests.test_app_period import on_the_period_screen, text_of
from tests.conftest import REPO
from tests.test_content import CONTENT

SERVICE = "rehabilitative_work_activity"
D = dt.date


def rules_with_a_raise(on: dt.date, euros: float) -> Rules:
    """The real rules, with toimintaraha raised to `euros` from `on` (listed first: it then takes precedence)."""
    old = next(r for r in CONTENT.rules.rules if isinstance(r, DailyAllowance) and "social_assistance" in r.for_benefits)
    raised = old.model_copy(update={"id": "toimintaraha_raised", "euros": euros, "valid_from": on})
    ended = old.model_copy(update={"valid_to": on})
    rest = [r for r in CONTENT.rules.rules if r is not old]
    return Rules(CONTENT.rules.model_copy(update={"rules": [raised, ended, *rest]}))


def test_a_day_outside_the_period_or_to_come_cannot_be_marked():
    first, last, today = D(2026, 1, 12), D(2026, 7, 11), D(2026, 3, 1)
    assert unmarkable(D(2026, 1, 11), first, last, today) == "before_start"
    assert unmarkable(D(2026, 7, 12), first, last, D(2026, 8, 1)) == "after_end"
    assert unmarkable(D(2026, 3, 2), first, last, today) == "future"
    assert unmarkable(first, first, last, today) is None and unmarkable(today, first, last, today) is None


def test_the_weeks_of_a_period_start_on_mondays_and_cover_both_ends():
    found = weeks(D(2026, 1, 14), D(2026, 2, 2))  # a Wednesday to a Monday
    assert found == [D(2026, 1, 12), D(2026, 1, 19), D(2026, 1, 26), D(2026, 2, 2)]
    assert len(weeks(D(2026, 1, 1), D(2027, 12, 31))) == 105  # two years: a hundred rows, not thousands


def test_totals_count_every_mark_and_pay_each_attended_day_its_own_rate():
    rules = rules_with_a_raise(D(2026, 3, 1), 12.5)
    marks = {D(2026, 2, 26): "attended", D(2026, 2, 27): "attended", D(2026, 3, 2): "attended",
             D(2026, 3, 3): "ill", D(2026, 3, 4): "no_notice"}
    found = totals(marks, rules, SERVICE, {"social_assistance"})
    assert found.counts == {"attended": 3, "ill": 1, "agreed_absence": 0, "no_notice": 1}
    assert (found.paid_days, found.unpaid_days, found.euros) == (3, 0, 2 * 9 + 12.5)


def test_attended_days_without_an_allowance_for_the_benefits_are_counted_apart():
    marks = {D(2026, 2, 26): "attended", D(2026, 2, 27): "ill"}
    rules = Rules(CONTENT.rules)
    unknown = totals(marks, rules, SERVICE, None)
    assert (unknown.paid_days, unknown.unpaid_days, unknown.euros) == (0, 1, 0.0)
    none_for_them = totals(marks, rules, SERVICE, {"no_benefit"})
    assert (none_for_them.paid_days, none_for_them.unpaid_days) == (0, 1)
    assert totals(marks, None, SERVICE, {"social_assistance"}).unpaid_days == 1


async def test_days_are_marked_saved_and_summed_and_refused_outside_the_period(tmp_path):
    # 12.1.–11.7.2026, a client on social assistance (toimintaraha 9 € a day)
    async with on_the_period_screen(tmp_path) as (app, pilot, t):
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, AttendanceScreen))
        screen = app.screen
        table = screen.query_one(DataTable)
        assert table.row_count == 26  # the weeks from 12.1. to 11.7.
        assert t("attendance.rules") in str(screen.query_one("#attendance-rules", Static).content)
        for day, key in ((D(2026, 1, 12), "1"), (D(2026, 1, 13), "1"), (D(2026, 1, 14), "1"),
                         (D(2026, 1, 15), "2"), (D(2026, 1, 16), "4"), (D(2026, 1, 19), "3"), (D(2026, 1, 20), "1")):
            table.cursor_coordinate = screen._coordinate(day)
            await pilot.press(key)
        table.cursor_coordinate = screen._coordinate(D(2026, 1, 20))
        await pilot.press("delete")  # cleared again
        assert str(table.get_cell_at(screen._coordinate(D(2026, 1, 12)))) == t("attendance.letter.attended")
        assert str(table.get_cell_at(screen._coordinate(D(2026, 1, 20)))) == "·"
        expected = {D(2026, 1, 12): "attended", D(2026, 1, 13): "attended", D(2026, 1, 14): "attended",
                    D(2026, 1, 15): "ill", D(2026, 1, 16): "no_notice", D(2026, 1, 19): "agreed_absence"}
        assert Store(tmp_path / "store").get(app.session.record.id).follow_up.attendance == expected
        shown = text_of(screen, "#attendance-totals")
        assert t("attendance.allowance_line", days=3, euros="27,00 €") in shown
        assert f"{t('attendance.mark.ill')}: 1" in shown

        table.cursor_coordinate = screen._coordinate(D(2026, 7, 12))  # the Sunday after the last day
        await pilot.press("1")
        assert text_of(screen, "#attendance-message") == t("attendance.refused.after_end", day=t.date(D(2026, 7, 12)))
        assert D(2026, 7, 12) not in app.session.follow_up.attendance
        table.cursor_coordinate = screen._coordinate(D(2026, 1, 21))
        await pilot.press("1")  # a good mark clears the message
        assert text_of(screen, "#attendance-message") == ""

        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen)
                    and t("attendance.allowance_line", days=4, euros="36,00 €") in text_of(app.screen,
                                                                                      "#period-attendance"))


async def test_a_day_to_come_cannot_be_marked(tmp_path):
    async with on_the_period_screen(tmp_path) as (app, pilot, t):
        period = app.screen
        # as on 1.3.2026, in the middle of the period
        await app.push_screen(AttendanceScreen(t, period.session, today=D(2026, 3, 1)))
        screen = app.screen
        table = screen.query_one(DataTable)
        assert screen.day_at(table.cursor_coordinate) == D(2026, 3, 1)  # the cursor starts on today
        table.cursor_coordinate = screen._coordinate(D(2026, 3, 2))
        await pilot.press("1")
        assert text_of(screen, "#attendance-message") == t("attendance.refused.future", day=t.date(D(2026, 3, 2)))
        assert period.session.follow_up.attendance == {}


def test_every_text_of_the_period_and_attendance_screens_speaks_every_language():
    """The keys the screens build from ids (the scan of test_app only sees written-out keys), and
    the whole block of this part: fi, sv and en, and plain Finnish for the client."""
    built = {f"attendance.{kind}.{m}" for kind in ("mark", "letter") for m in MARKS}
    built |= {f"attendance.refused.{why}" for why in get_args(Unmarkable)}
    built |= {f"period.due.{state}" for state in ("held", "on_time", "late", "overdue", "not_yet")}
    block = (REPO / "content" / "texts.yaml").read_text(encoding="utf-8").split(
        "# Issue 12: the period screen and attendance")[1]
    written = set(re.findall(r"^  ([a-z][a-z0-9_.]*):", block, re.M))
    assert built <= written and len(written) > 60
    for key in written:
        text = CONTENT.texts[key]
        assert text.fi and text.sv and text.en and text.plain and text.plain.fi, key
        fields = {tuple(sorted(name for _, name, _, _ in Formatter().parse(variant) if name))
                  for variant in (text.fi, text.sv, text.en, text.plain.fi)}
        assert len(fields) == 1, key  # the same {placeholders} in every language
