"""The period screen for supported employment (issue 14, part A): one key for the service's many forms,
each named with its stage, the Stages block with the employer-contact log, and a period with no fixed
end. On a copy of the real content with small forms of the tests' own (tests/se_forms.py)."""

from __future__ import annotations

import datetime as dt
from contextlib import asynccontextmanager

import pytest
from textual.widgets import Input, OptionList, Static

from intake.screens.app import IntakeApp
from intake.screens.interview import InterviewScreen
from intake.screens.list_dialog import ListDialog
from intake.screens.period import REVIEW_KEYS, PeriodScreen
from intake.screens.plan import PlanScreen
from intake.store import Store
from tests.se_forms import FORMS, START, se_content, se_session
from tests.helpers import until
from tests.test_app_period import text_of
from tests.test_app_plan import SIZE, open_first_session
from tests.test_follow_up import hold

KTT = "rehabilitative_work_activity"


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    return se_content(tmp_path_factory.mktemp("se"))


@asynccontextmanager
async def on_the_period_screen(tmp_path, content, prepare=lambda session: None, **agreed):
    """The app on the period screen of a session agreed as tests/se_forms.py agrees it; `prepare` holds
    forms on the session first."""
    session = se_session(tmp_path, content, **agreed)
    try:
        prepare(session)
    finally:
        session.close()
        session.store.close()
    app = IntakeApp(store=Store(tmp_path / "store"), content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen) and app.screen.status is not None)
        yield app, pilot, app.screen.t


def review_keys(screen: PeriodScreen) -> dict[str, str]:
    """The review keys offered: key -> binding id."""
    return {key: b.binding.id for key, b in screen.active_bindings.items() if key in REVIEW_KEYS}


def held_contacts(session) -> None:
    hold(session.open_review("se_start"), {"held_on": "2026-01-20"})
    hold(session.open_review("se_employer_contact"),
         {"held_on": "2026-02-03", "employer": "Kahvila [b]Aroma[/b]", "outcome": "job_interview"})


async def test_supported_employment_has_one_key_for_its_forms_each_named_with_its_stage(tmp_path, content):
    async with on_the_period_screen(tmp_path, content) as (app, pilot, t):
        period = app.screen
        assert review_keys(period) == {"f2": "period.forms"}
        assert period.active_bindings["f2"].binding.description == t("key.period.forms")

        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, ListDialog))
        listed = app.screen.query_one("#dialog-options", OptionList)
        labels = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert labels == [t("key.period.review.interim"), t("key.period.review.end"),
                          *(t("period.form_stage", stage=stage, title=f"Lomake {kind}") if stage
                            else t(f"key.period.review.{kind}")  # a form with no stage: its short name
                            for kind, stage in FORMS.items())]
        await pilot.press("escape")  # nothing opened
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
        assert app.screen.session.follow_up.reviews == []

        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, ListDialog))
        listed = app.screen.query_one("#dialog-options", OptionList)
        listed.highlighted = labels.index(t("period.form_stage", stage=3, title="Lomake se_employer_contact"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen))
        assert app.screen.session.review.kind == "se_employer_contact"
        assert app.screen.step.key == "held_on"


async def test_the_period_shows_the_stages_the_contacts_and_no_fixed_end(tmp_path, content):
    async with on_the_period_screen(tmp_path, content, held_contacts) as (app, pilot, t):
        period = app.screen
        assert period.query_one("#period-stages").display
        shown = text_of(period, "#period-stages")
        assert t("period.stage.reached", stage=1, name=t("stage.name.1"), day=t.date(dt.date(2026, 1, 20))) in shown
        assert t("period.stage.not_yet", stage=2, name=t("stage.name.2")) in shown
        # the employer's name as stored, never read as markup
        assert f"{t.date(dt.date(2026, 2, 3))} · Kahvila [b]Aroma[/b] · Työhaastattelu" in shown
        basics = text_of(period, "#period-basics")
        assert t("period.open_ended_line", number=1, start=t.date(START)) in basics
        schedule = text_of(period, "#period-schedule")
        assert t("period.interim_due", day=t.date(dt.date(2026, 4, 12))) in schedule
        assert t("period.end_due", day="").strip() not in schedule  # no end review date is invented

        await pilot.press("f8")  # the plan says the same, and the months field stays empty
        await until(pilot, lambda: isinstance(app.screen, PlanScreen) and app.screen.query("#plan-sections Static"))
        plan_words = "\n".join(str(s.content) for s in app.screen.query("#plan-sections Static"))
        assert t("plan.period_open_ended", start=t.date(START)) in plan_words
        assert app.screen.query_one("#plan-months", Input).value == ""


async def test_rehabilitative_work_activity_keeps_a_key_for_each_of_its_four_forms_and_no_stages(tmp_path, content):
    async with on_the_period_screen(tmp_path, content, service=KTT, months=6) as (app, pilot, t):
        period = app.screen
        assert review_keys(period) == {"f2": "period.review_interim", "f3": "period.review_end",
                                       "f4": "period.review_placement_feedback", "f5": "period.review_client_feedback"}
        assert not period.query_one("#period-stages").display
        assert not period.query_one("#period-stages-heading", Static).display
        assert t("period.number_line", number=1, start=t.date(START), end=t.date(dt.date(2026, 7, 11))) in text_of(
            period, "#period-basics")
