"""Dates that make no sense are refused with the reason (issue 8, item 14): a day the month does not
have, a job that ended in the future, a goal outside the plan's period, a visit already past, and
a purge of sessions 'completed before' a day still to come."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from intake.cli import main
from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.parse import parse_date
from intake.flows.plan import PlanBuilder
from intake.flows.rules import Rules
from intake.flows.validate import AnswerError
from intake.screens.matching import VisitScreen
from tests.test_content import CONTENT
from tests.test_engine import date, make_content, short
from tests.test_plan import value_for

TODAY = dt.date.today()


# --- a day the month does not have ------------------------------------------------------------

@pytest.mark.parametrize("text", ["31.2.2027", "2027-02-31", " 31.02.2027 "])
def test_february_31_says_how_many_days_february_has(text):
    error, value = parse_date(text)
    assert value is None
    assert error == AnswerError("error.date_no_such_day.2", {"day": 31, "month": 2, "year": 2027, "days": 28})
    step = Interview(make_content([date("d")])).current()
    assert "Helmikuussa 2027 on 28 päivää" in Texts(CONTENT, "fi").error(step, error)
    assert "Februari 2027 har 28 dagar" in Texts(CONTENT, "sv").error(step, error)
    assert "February 2027 has 28 days" in Texts(CONTENT, "en").error(step, error)
    assert "Helmikuussa 2027 on vain 28 päivää" in Texts(CONTENT, "fi", plain=True).error(step, error)


@pytest.mark.parametrize(("text", "key", "params"), [
    ("29.2.2025", "error.date_no_such_day.2", {"day": 29, "month": 2, "year": 2025, "days": 28}),
    ("31.4.2026", "error.date_no_such_day.4", {"day": 31, "month": 4, "year": 2026, "days": 30}),
    ("32.1.2026", "error.date_no_such_day.1", {"day": 32, "month": 1, "year": 2026, "days": 31}),
    ("1.13.2026", "error.date_no_such_month", {"month": 13}),
    ("2026-13-01", "error.date_no_such_month", {"month": 13}),
])
def test_impossible_days_name_the_problem(text, key, params):
    assert parse_date(text) == (AnswerError(key, params), None)


def test_leap_day_is_a_day():
    assert parse_date("29.2.2028") == (None, "2028-02-29")


def test_every_month_has_its_text():
    for month in range(1, 13):
        text = Texts(CONTENT, "en")(f"error.date_no_such_day.{month}", day=32, year=2027, days=31)
        assert "2027 has 31 days, so there is no day 32" in text


def test_engine_refuses_a_stored_day_the_month_does_not_have():
    interview = Interview(make_content([date("d")]))
    assert interview.answer("2027-02-31").key == "error.date_no_such_day.2"
    assert "d" not in interview.state.answers


# --- a job cannot have ended in the future ------------------------------------------------------

def test_a_day_still_to_come_is_refused_where_only_past_days_make_sense():
    interview = Interview(make_content([date("ended", not_after="today"), short("next")]))
    tomorrow = TODAY + dt.timedelta(days=1)
    error = interview.answer(tomorrow.isoformat())
    assert error == AnswerError("error.date_in_future", {"date": tomorrow, "today": TODAY})
    step = interview.current()
    assert Texts(CONTENT, "en").error(step, error).startswith(
        f"{tomorrow.day} {tomorrow:%B} {tomorrow.year} is in the future.")  # English names the month
    assert interview.answer(TODAY.isoformat()) is None  # today has come


def test_the_last_job_in_the_real_interview_cannot_have_ended_in_the_future():
    groups = [q for s in CONTENT.sections for q in s.questions if q.type == "repeat"]
    job_ended = next(q for g in groups for q in g.questions if q.id == "job_ended")
    assert job_ended.not_after == "today"


# --- goals within the plan's period -----------------------------------------------------------

def plan_with_goal_due(due: str):
    interview, rng = Interview(CONTENT), random.Random(0)
    while (step := interview.current()) is not None:
        value = due if step.question is not None and step.question.id == "due" else value_for(step, rng)
        assert interview.answer(value) is None, step.key
    interview.state.decisions = interview.state.decisions.model_copy(update={
        "placement_id": "espoo_kivenlahti_digital_guidance", "start": dt.date(2027, 1, 11), "months": 3,
        "days_per_week": 3, "hours_per_day": 4, "plan_type": "multi_sector_employment_plan"})
    return PlanBuilder(interview, Texts(CONTENT, "en"), "X-1", "Liisa", Rules(CONTENT.rules)).build()


@pytest.mark.parametrize(("due", "key", "says"), [
    ("2027-01-10", "plan.goal_due_before_start", "is due on 10 January 2027, before the period starts (11 January 2027)"),
    ("2027-04-11", "plan.goal_due_after_end", "is due on 11 April 2027, after the period ends (10 April 2027)"),
])
def test_a_goal_due_outside_the_period_is_an_issue_with_the_reason(due, key, says):
    plan = plan_with_goal_due(due)
    assert [i.key for i in plan.issues] == [key]
    assert says in plan.issues[0].text


def test_a_goal_due_within_the_period_is_fine():
    assert plan_with_goal_due("2027-04-10").issues == []


# --- purge before a day still to come ------------------------------------------------------------

def test_purge_refuses_a_day_far_in_the_future(store_path, capsys):
    assert main(["--store", str(store_path), "purge", "--completed-before", "2099-01-01", "--yes"]) == 2
    err = capsys.readouterr().err
    assert "2099-01-01 is in the future" in err and "give a day that has passed" in err
    assert not store_path.exists()  # refused before the store was even opened


def test_purge_names_the_problem_with_an_impossible_day(store_path, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--store", str(store_path), "purge", "--completed-before", "2027-02-31", "--yes"])
    assert exit.value.code == 2
    assert "February 2027 has 28 days" in capsys.readouterr().err


# --- a visit is agreed for a day to come ---------------------------------------------------------

async def test_visit_date_in_the_past_is_refused_with_the_reason():
    from textual.app import App
    from textual.widgets import Static

    results = []

    class VisitApp(App):
        def on_mount(self) -> None:
            self.push_screen(VisitScreen(Texts(CONTENT, "en"), "Paja", None), results.append)

    app = VisitApp()
    async with app.run_test() as pilot:
        yesterday = TODAY - dt.timedelta(days=1)
        await pilot.press(*yesterday.isoformat(), "enter")
        error = str(app.screen.query_one("#visit-error", Static).content)
        assert error.startswith(f"{yesterday.day} {yesterday:%B} {yesterday.year} has passed.")
        assert isinstance(app.screen, VisitScreen) and results == []
        app.screen.query_one("#visit-date").value = ""
        await pilot.press(*"2027-02-31", "enter")
        assert "February 2027 has 28 days" in str(app.screen.query_one("#visit-error", Static).content)
        app.screen.query_one("#visit-date").value = ""
        await pilot.press(*TODAY.isoformat(), "enter")
        assert results == [TODAY]
