"""The screens after the intake, on the real content: the period screen, reviews held in the
interview screen and back, the end of the period, a new period, and what cannot be done. The bulk of
a review is answered through its session (as test_app_plan answers the intake); the steps that
route the app are taken through the screens."""

from __future__ import annotations

import datetime as dt
from contextlib import asynccontextmanager

from textual.widgets import OptionList, Static

from intake.screens.app import IntakeApp
from intake.screens.dialogs import ConfirmDialog, MessageDialog
from intake.screens.interview import InterviewScreen
from intake.screens.period import PeriodScreen
from intake.screens.plan import PlanScreen
from intake.screens.start import StartScreen
from intake.screens.summary import SummaryScreen
from intake.screens.transcript import TranscriptAnswer
from intake.store import Store
from tests.helpers import until
from tests.test_app_plan import SIZE, open_first_session
from tests.test_content import CONTENT
from tests.test_follow_up import agreed_session, hold

END_ANSWERS = {"held_on": "2026-07-10", "ended_on": "2026-07-11", "ended_as": "planned",
               "follow_on_path": "pay_subsidised_work"}


def agreed_store(tmp_path) -> None:
    """A store with one session whose plan is agreed for a period in the past (12.1.–11.7.2026)."""
    session = agreed_session(tmp_path)
    try:
        assert session.agree().agreed is not None
    finally:
        session.close()
        session.store.close()


def new_app(tmp_path) -> IntakeApp:
    return IntakeApp(store=Store(tmp_path / "store"), content=CONTENT, export_dir=tmp_path / "exports")


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def held_list(screen: PeriodScreen) -> str:
    listed = screen.query_one("#period-reviews", OptionList)
    return "\n".join(str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count))


@asynccontextmanager
async def on_the_period_screen(tmp_path):
    """The app on the period screen of an agreed session (see `agreed_store`): the app, its pilot
    and the session's texts."""
    agreed_store(tmp_path)
    app = new_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)  # an agreed plan with a start opens on its period
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
        yield app, pilot, app.screen.t


async def hold_on_screen(pilot, key: str, answers: dict) -> InterviewScreen:
    """Open a review with its key on the period screen and answer all but its last step (the last
    section's summary, to confirm) through its session; the interview screen is left showing it."""
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, InterviewScreen))
    screen = pilot.app.screen
    review = screen.session
    last = review.content.sections[-1].id
    hold(review, answers, stop=lambda step: step.is_confirm and step.section.id == last)
    await screen.show_current()
    assert screen.step.is_confirm
    return screen


async def test_an_interim_review_is_held_from_the_period_screen_and_the_schedule_shows_it(tmp_path):
    async with on_the_period_screen(tmp_path) as (app, pilot, t):
        period = app.screen
        overdue = t("period.due.overdue")
        assert overdue in text_of(period, "#period-schedule")  # the April review was never held
        assert t("period.next_overdue", day=t.date(dt.date(2026, 4, 12))) in text_of(period, "#period-schedule")
        assert t("period.no_reviews") in held_list(period)

        await pilot.press("f2")  # the interim review, the content's first kind
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen))
        screen = app.screen
        # the header names the review; its first question is the day it is held
        title = CONTENT.reviews["interim"].title.get("fi")
        assert text_of(screen, "#interview-header").startswith(title)
        assert screen.step.key == "held_on"
        await pilot.press(*"20.4.2026", "enter")
        await until(pilot, lambda: screen.step.key != "held_on")
        # a goal of the intake is asked about by its own words
        goal_steps = [s for s in screen.session.interview.steps() if s.group is not None and s.entry_title]
        assert goal_steps and goal_steps[0].entry_title in screen.t.entry_heading(goal_steps[0])

        await pilot.press("escape")  # everything is saved: back to the period
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
        assert t("period.review_unfinished", answered=1, relevant=app.screen.session.status().reviews[0]
                 .interview.progress().relevant) in held_list(app.screen)

        screen = await hold_on_screen(pilot, "f2", {})  # the unfinished review carries on
        assert screen.session.interview.answer_for("held_on").value == "2026-04-20"
        await pilot.press("ctrl+s")  # the summary confirmed: the review is complete
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
        period = app.screen
        schedule = text_of(period, "#period-schedule")
        assert t("period.due.on_time", day=t.date(dt.date(2026, 4, 20))) in schedule
        # the end review, due on the planned last day, is what is overdue now
        assert f"{t('period.end_due', day=t.date(dt.date(2026, 7, 11)))}: {overdue}" in schedule
        assert t("period.review_complete") in held_list(period)
        saved = Store(tmp_path / "store").list()[0]
        assert saved.next_review == dt.date(2026, 7, 11)  # now the end review

        # a review held is read (and can be corrected) in its own summary, and Esc comes back
        period.query_one("#period-reviews", OptionList).focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        assert app.screen.session.review.kind == "interim"
        assert any(t.date(dt.date(2026, 4, 20)) in str(answer.content)
                   for answer in app.screen.query(TranscriptAnswer))
        assert not app.screen.query("#export")  # exported with the session, from its own summary
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))


async def test_the_end_review_ends_the_period_and_a_new_period_opens_its_confirmation(tmp_path):
    async with on_the_period_screen(tmp_path) as (app, pilot, t):
        period = app.screen
        await until(pilot, lambda: period.status is not None)
        # a new period is not offered before this one has ended, and F7 does nothing
        assert period.check_action("new_period", ()) is False and period.check_action("review", ()) is True
        await pilot.press("f7")
        assert app.screen is period and len(Store(tmp_path / "store").list()) == 1

        screen = await hold_on_screen(pilot, "f3", END_ANSWERS)  # the end review
        assert text_of(screen, "#interview-header").startswith(CONTENT.reviews["end"].title.get("fi"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
        period = app.screen
        end = text_of(period, "#period-end")
        assert t("period.ended_line", day=t.date(dt.date(2026, 7, 11))) in end
        path = next(c for c in CONTENT.review("end").question_index["follow_on_path"].choices
                    if c.value == "pay_subsidised_work")
        assert path.text.get("fi") in end
        end_review_due = t.date(dt.date(2026, 7, 11))
        assert t("period.next_overdue", day=end_review_due) not in text_of(period, "#period-schedule")

        # no review after the end: the keys are no longer offered, and a review opened anyway is refused
        assert period.check_action("review", ()) is False and period.check_action("new_period", ()) is True
        period.call_later(period.action_review, "interim")
        await until(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert text_of(app.screen, "#dialog-message") == t("period.refused.ended")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))

        ended = period.session
        await pilot.press("f7")  # asked first: a new session is made
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
        assert len(Store(tmp_path / "store").list()) == 1
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert await pilot.click("#dialog-yes")
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen))
        new = app.screen.session
        assert new is not ended and new.follow_up.previous.session_id == ended.record.id
        assert app.screen.step.is_confirm  # the carried background summary, to confirm
        assert app.session is new  # the ended period's lock is released
        assert [type(s) for s in app.screen_stack[-2:]] == [StartScreen, InterviewScreen]


async def test_the_plan_screen_leads_to_the_period_once_agreed(tmp_path):
    async with on_the_period_screen(tmp_path) as (app, pilot, _):
        await pilot.press("f8")
        await until(pilot, lambda: isinstance(app.screen, PlanScreen))
        assert app.screen.check_action("period", ()) is True
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, StartScreen))
        assert app.session is None


async def test_the_period_screen_names_the_reviews_shortly_and_opens_the_distance_travelled(tmp_path):
    from intake.screens.distance_chart import DistanceScreen

    async with on_the_period_screen(tmp_path) as (app, pilot, t):
        labels = {b.binding.id: b.binding.description for b in app.screen.active_bindings.values() if b.binding.id}
        assert labels["period.review_interim"] == t("key.period.review.interim") == "Väliarvio"
        assert labels["period.review_end"] == t("key.period.review.end") == "Loppuarvio"
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, DistanceScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
