"""After the intake: reviews held on the same session, when they fall due, the end of the period and a
new period started from it."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from intake.flows.engine import Interview, NotAllowed
from intake.flows.loader import ContentError, load_content
from intake.flows.period import period_status
from intake.session import IntakeSession, ReviewSession
from intake.store import Store
from tests.test_content import CONTENT, random_value
from tests.test_exports import CONSENTING, GOALS, answer_as
from tests.test_exports import agreed_session as exports_agreed_session

START = dt.date(2026, 1, 12)  # reviews are held on days that have come: the period lies in the past


def agreed_session(tmp_path, months: int = 6) -> IntakeSession:
    return exports_agreed_session(tmp_path, period=(START, months))


@pytest.fixture
def session(tmp_path):
    s = agreed_session(tmp_path)
    yield s
    s.close()


def hold(review: ReviewSession | Interview, answers: dict[str, Any], steps: dict[str, Any] | None = None,
         stop=lambda step: False) -> None:
    """Answer a review to its end (or to the step `stop` picks): `answers` by question id, `steps` by
    step key, the rest plausibly. A ReviewSession saves every answer; a review's bare Interview answers
    in memory (many reviews, fast)."""
    rng = random.Random(1)
    interview = getattr(review, "interview", review)
    while (step := interview.current()) is not None and not stop(step):
        q = step.question
        if steps and step.key in steps:
            value = steps[step.key]
        elif q is not None and q.id in answers:
            value = answers[q.id]
        elif step.is_add_another:
            value = False
        else:
            value = random_value(step, rng)
        assert review.answer(value) is None, step.key


def test_a_review_asks_about_each_goal_of_the_intake_by_its_own_words(session):
    review = session.open_review("interim")
    goal_steps = [s for s in review.interview.steps() if s.group is not None and s.group.id == "goal_review"
                  and s.question.id == "status"]
    assert [s.entry_title for s in goal_steps] == [goal for goal, _, _ in GOALS]
    assert session.texts.entry_heading(goal_steps[1]) == f"Tavoite 2 «{GOALS[1][0]}»"


def test_the_next_review_falls_due_three_months_from_the_start_and_is_overdue_after_the_grace_days(session):
    status = session.status(today=dt.date(2026, 3, 1))
    assert status.next_review == dt.date(2026, 4, 12) and not status.overdue
    assert session.status(today=dt.date(2026, 4, 26)).overdue is False  # 14 days of grace
    assert session.status(today=dt.date(2026, 4, 27)).overdue is True


def test_an_interim_review_held_on_time_moves_the_next_review_on_and_is_saved(session, tmp_path):
    hold(session.open_review("interim"), {"held_on": "2026-04-20"})
    status = session.status(today=dt.date(2026, 5, 1))
    assert [(d.due, d.held_on, d.on_time) for d in status.due] == [(dt.date(2026, 4, 12), dt.date(2026, 4, 20), True)]
    # 6 months from 12.1.: the end review on the last day, 11.7. (an interim review on 12.7. would fall on it)
    assert status.next_review == dt.date(2026, 7, 11)
    summary = session.store.list()[0]
    assert summary.next_review == status.next_review  # the session list reads it from the index
    reopened = Store(tmp_path / "store").get(session.record.id)
    assert [r.kind for r in reopened.follow_up.reviews] == ["interim"]
    assert reopened.follow_up.reviews[0].state.answers == session.follow_up.reviews[0].state.answers


def test_a_late_review_is_not_on_time(session):
    hold(session.open_review("interim"), {"held_on": "2026-05-20"})
    assert session.status(today=dt.date(2026, 6, 1)).due[0].on_time is False


def test_an_unfinished_review_is_resumed_not_started_again(session):
    first = session.open_review("interim")
    first.answer("2026-04-20")
    again = session.open_review("interim")
    assert again.review.id == first.review.id and again.interview.answer_for("held_on").value == "2026-04-20"
    assert len(session.follow_up.reviews) == 1


def test_the_end_review_ends_the_period_with_its_follow_on_path(session):
    hold(session.open_review("end"), {"held_on": "2026-07-10", "ended_on": "2026-07-11", "ended_as": "planned",
                                      "follow_on_path": "pay_subsidised_work"})
    status = session.status(today=dt.date(2026, 8, 1))
    assert (status.ended_on, status.follow_on_path, status.next_review) == (dt.date(2026, 7, 11),
                                                                           "pay_subsidised_work", None)
    assert status.months == 6.0
    # the interim review that fell due in April was never held
    assert [(d.due, d.on_time) for d in status.due] == [(dt.date(2026, 4, 12), False)]
    assert session.store.list()[0].ended_on == dt.date(2026, 7, 11)
    with pytest.raises(NotAllowed):
        session.open_review("interim")


def test_an_early_ending_asks_why(session):
    review = session.open_review("end")
    hold(review, {"held_on": "2026-02-20", "ended_on": "2026-02-20", "ended_as": "early",
                  "early_reason": "health", "follow_on_path": "sickness_benefit"})
    status = session.status(today=dt.date(2026, 3, 1))
    assert (status.ended_as, status.early_reason) == ("early", "health")
    assert status.months < 3


def test_a_new_period_carries_the_answers_that_still_hold_for_confirmation(session):
    hold(session.open_review("end"), {"held_on": "2026-07-10", "ended_on": "2026-07-11", "ended_as": "planned",
                                      "follow_on_path": "new_period"},
         steps={"housing@client": 0, "housing@counsellor": 1})
    new = session.new_period()
    try:
        carried = new.interview.state.answers
        assert carried["reason"].value == session.interview.answer_for("reason").value and carried["reason"].carried
        # the end review's rating, not the intake's
        assert (carried["housing@client"].value, carried["housing@counsellor"].value) == (0, 1)
        assert not any(key.startswith("goals") for key in carried)  # goals are set afresh
        # the ended period is an earlier period now, its months added to those the intake was told of
        told = session.interview.active().get("earlier_ktt_months") or 0
        assert (carried["earlier_ktt"].value, carried["earlier_ktt_months"].value) == (True, told + 6)
        assert not any("#confirm" in key for key in carried)
        assert new.interview.current().is_confirm  # the first section's summary, to confirm
        assert new.follow_up.previous.session_id == session.record.id
        assert new.status().number == 2 and new.follow_up.previous.months_before == 6.0
        assert new.record.period == 2
    finally:
        new.close()


def test_a_new_period_needs_an_ended_one_and_is_started_once(session):
    with pytest.raises(NotAllowed):
        session.new_period()
    hold(session.open_review("end"), {"held_on": "2026-07-10", "ended_on": "2026-07-11", "ended_as": "planned",
                                      "follow_on_path": "new_period"})
    new = session.new_period()
    new.close()
    assert session.follow_up.continued_in == new.record.id
    with pytest.raises(NotAllowed, match=new.record.id):
        session.new_period()


def test_a_review_cannot_be_held_or_end_the_period_before_the_period_began(session):
    review = session.open_review("end")
    error = review.answer("2026-01-11")
    assert error is not None and session.texts.error(review.interview.current(), error) == (
        "Jakso alkoi 12.1.2026. Päivä ei voi olla sitä ennen; tarkista päivämäärä.")
    assert review.answer("2026-01-12") is None


def test_the_session_list_has_no_next_review_before_the_plan_is_agreed(tmp_path):
    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-3", "Liisa Ohjaaja")
    try:
        answer_as(session, CONSENTING)
        session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=START, months=6, days_per_week=3,
                       hours_per_day=4, plan_type="activation_plan")
        assert session.status().next_review is not None and session.store.list()[0].next_review is None
        session.agree()
        assert session.store.list()[0].next_review == session.status().next_review
    finally:
        session.close()


def test_attendance_is_saved_day_by_day(session, tmp_path):
    session.mark(dt.date(2026, 1, 12), "attended")
    session.mark(dt.date(2026, 1, 13), "ill")
    session.mark(dt.date(2026, 1, 13), None)
    assert Store(tmp_path / "store").get(session.record.id).follow_up.attendance == {
        dt.date(2026, 1, 12): "attended"}


def test_a_review_condition_sees_the_intakes_answers(session):
    # goal_review.next is asked unless the goal was achieved (its own answer); the intake's goals give the entries
    review = session.open_review("interim")
    hold(review, {"held_on": "2026-04-20", "status": "achieved"})
    assert not any(s.question is not None and s.question.id == "next" for s in review.interview.steps())


def test_period_status_without_a_start_has_no_reviews(tmp_path):
    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-2", "Liisa Ohjaaja")
    try:
        status = period_status(session.interview, session.follow_up, session.rules, dt.date(2026, 12, 1))
        assert (status.next_review, status.due, status.ended_on, status.months) == (None, [], None, 0.0)
    finally:
        session.close()


@pytest.mark.parametrize("change, message", [
    (("reviews/goal_review.yaml", "for_each: goals", "for_each: skills"),
     "for_each: 'skills' is not a repeat group of the intake"),
    (("reviews/goal_review.yaml", "title_from: goal", "title_from: aim"),
     "title_from: 'aim' is not a question of the intake's group 'goals'"),
    (("reviews.yaml", "- reviews/review_meeting.yaml", "- ../elsewhere.yaml"),
     "a review's section file must be in reviews/"),
    (("sections/goals.yaml", "      add_another:", "      for_each: goals\n      unused:"),
     "unknown key"),
])
def test_review_content_mistakes_are_named(content_copy, change, message):
    name, old, new = change
    path = content_copy / name
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert message in str(caught.value)
