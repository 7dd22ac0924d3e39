"""The period after the intake for supported employment (issue 14, part A): only the forms held for the
client's service, the stages reached and the employer-contact log, and a time-unlimited period. On a
copy of the real content with small forms of the tests' own (tests/se_forms.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.errors import ReviewNotForService
from intake.flows.display import Texts
from intake.flows.model import DateQuestion
from intake.flows.stages import stage_block, stages
from intake.plain.period import hold_period
from intake.plain.talk import Talk
from intake.screens.error_words import error_words
from intake.screens.words import plan_period
from tests.se_forms import FORMS, SE, START, se_content, se_session
from tests.test_content import CONTENT
from tests.test_follow_up import hold
from tests.test_plain import heading, numbered, typing

KTT = "rehabilitative_work_activity"
FEEDBACK = ["placement_feedback", "client_feedback"]


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    return se_content(tmp_path_factory.mktemp("se"))


@pytest.fixture
def se(tmp_path, content):
    session = se_session(tmp_path, content)
    yield session
    session.close()


def test_each_service_is_offered_only_its_forms():
    # the real content: the feedback forms of seed 002 are about a work-activity placement; the interim
    # and end reviews are held for every service (IPS continuous assessment, criteria 14 and 22)
    se = list(CONTENT.reviews_for(SE))
    assert se[:2] == ["interim", "end"] and not set(FEEDBACK) & set(se)
    for service in (KTT, "work_activity", "employment_supporting_activity"):
        assert list(CONTENT.reviews_for(service)) == ["interim", "end", *FEEDBACK]


def test_a_supported_employment_client_has_the_interim_and_end_reviews_and_the_seven_forms(se, tmp_path, content):
    assert list(se.reviews_held()) == ["interim", "end", *FORMS]
    ktt = se_session(tmp_path / "ktt", content, service=KTT, months=6)
    try:
        assert list(ktt.reviews_held()) == ["interim", "end", *FEEDBACK]
    finally:
        ktt.close()


def test_a_form_not_held_for_the_service_is_refused_with_what_to_hold_instead(se, tmp_path, content):
    for kind in ("placement_feedback", "no_such_form"):
        with pytest.raises(ReviewNotForService) as refused:
            se.open_review(kind)
        assert "se_start" in refused.value.message and "interim" in refused.value.message
    assert se.follow_up.reviews == []  # nothing was opened
    title, message = error_words(se.texts, refused.value)
    assert title == se.texts("error.title.review_not_for_service")
    assert "no_such_form" in message and "Lomake se_employer_contact" in message

    ktt = se_session(tmp_path / "ktt", content, service=KTT, months=6)
    try:
        with pytest.raises(ReviewNotForService):
            ktt.open_review("se_start")
        assert ktt.open_review("placement_feedback").review.kind == "placement_feedback"
    finally:
        ktt.close()


# --- time-unlimited ---------------------------------------------------------------------------

def test_supported_employment_is_agreed_without_months_and_has_no_end(se):
    plan = se.plan()
    assert plan.agreed is not None and plan.start == START and plan.end is None
    assert "plan.missing_months" not in [i.key for i in plan.issues]
    assert plan_period(se.texts, plan, None) == se.texts("plan.period_open_ended", start=se.texts.date(START))
    status = se.status(today=dt.date(2026, 8, 1))
    assert status.planned_end is None and status.end_review is None
    # interim reviews every 3 months (IPS continuous assessment), each due as far as today and the next
    assert [(d.due, d.on_time) for d in status.due] == [
        (dt.date(2026, 4, 12), False), (dt.date(2026, 7, 12), False), (dt.date(2026, 10, 12), None)]
    assert status.next_review == dt.date(2026, 4, 12) and status.overdue


def test_an_interim_review_moves_the_open_ended_schedule_on_and_the_end_review_still_ends_it(se):
    hold(se.open_review("interim"), {"held_on": "2026-04-20"})
    status = se.status(today=dt.date(2026, 5, 1))
    assert status.next_review == dt.date(2026, 7, 12) and not status.overdue
    assert se.store.list()[0].next_review == se.status().next_review  # saved for the session list
    hold(se.open_review("end"), {"held_on": "2026-11-02", "ended_on": "2026-11-02", "ended_as": "planned",
                                 "follow_on_path": "pay_subsidised_work"})
    status = se.status(today=dt.date(2027, 6, 1))
    assert status.ended_on == dt.date(2026, 11, 2) and status.next_review is None
    # none due after the end
    assert [d.due for d in status.due] == [dt.date(2026, 4, 12), dt.date(2026, 7, 12), dt.date(2026, 10, 12)]


def test_rehabilitative_work_activity_still_needs_its_months(tmp_path, content):
    ktt = se_session(tmp_path, content, service=KTT, months=6)
    try:
        ktt.decide(months=None)
        plan = ktt.agree()
        assert plan.agreed is None
        assert [i.key for i in plan.issues if i.blocking] == ["plan.missing_months"]
        assert plan_period(ktt.texts, plan, None) == ktt.texts("plan.period_open")
        assert ktt.status(today=dt.date(2026, 8, 1)).due == []  # no schedule until its length is decided
    finally:
        ktt.close()


# --- the stages and the employer-contact log ----------------------------------------------------

def contact(se, day: str, employer: str, outcome: str) -> None:
    hold(se.open_review("se_employer_contact"), {"held_on": day, "employer": employer, "outcome": outcome})


def test_the_stages_reached_and_the_employer_contacts_are_derived_from_the_forms_held(se):
    t = se.texts
    assert [(s.number, s.reached) for s in stages(se.reviews_held(), se.status().reviews)] == [
        (n, False) for n in range(1, 6)]
    hold(se.open_review("se_start"), {"held_on": "2026-01-20"})
    contact(se, "2026-02-03", "Kahvila Aroma", "job_interview")
    contact(se, "2026-02-01", "Pesula Oy", "no_need_now")
    unfinished = se.open_review("se_employer_agreement")  # stage 4 not reached: the form is not complete
    unfinished.answer("2026-03-01")

    shown = stages(se.reviews_held(), se.status().reviews)
    assert [(s.number, s.reached, s.reached_on) for s in shown] == [
        (1, True, dt.date(2026, 1, 20)), (2, False, None), (3, True, dt.date(2026, 2, 1)), (4, False, None),
        (5, False, None)]
    lines = stage_block(t, se.reviews_held(), se.status().reviews)
    name = t("stage.name.3")
    assert t("period.stage.reached", stage=3, name=name, day=t.date(dt.date(2026, 2, 1))) in lines
    assert t("period.stage.not_yet", stage=4, name=t("stage.name.4")) in lines
    log = lines[lines.index(t("period.contacts_heading")) + 1:]
    assert log == [f"{t.date(dt.date(2026, 2, 1))} · Pesula Oy · Ei tarvetta nyt",
                   f"{t.date(dt.date(2026, 2, 3))} · Kahvila Aroma · Työhaastattelu"]


def test_a_service_whose_forms_record_no_stage_shows_no_stages(tmp_path, content):
    ktt = se_session(tmp_path, content, service=KTT, months=6)
    try:
        assert stage_block(ktt.texts, ktt.reviews_held(), ktt.status().reviews) == []
    finally:
        ktt.close()


def test_plain_mode_offers_the_services_forms_with_their_stages_and_says_the_stages(se):
    contact(se, "2026-02-01", "Pesula Oy", "hired")
    fi = Texts(se.content, "fi")
    job_search = fi("period.form_stage", stage=3, title="Lomake se_job_search")

    def reply(prompt: str, said: list[str]) -> str | None:
        if heading(said) == fi("plain.period.which"):
            kinds = [r.kind for r in se.follow_up.reviews]
            return numbered(said, fi("plain.period.done") if "se_job_search" in kinds else job_search)
        step = se.review(se.follow_up.reviews[-1].id).interview.current()
        if isinstance(step.question, DateQuestion):
            return "1.3.2026"
        return "1"  # the summary confirmed

    def run(typist) -> None:
        talk = Talk(typist, se.texts)
        talk.open(se)
        assert hold_period(talk, se) is True

    said = "\n".join(typing(reply, run).said())
    assert fi("period.section.stages") in said
    assert f"{fi.date(dt.date(2026, 2, 1))} · Pesula Oy · Palkattu" in said
    assert fi("period.form_stage", stage=1, title="Lomake se_start") in said
    assert fi("key.period.review.interim") in said
    assert fi("key.period.review.placement_feedback") not in said
    assert [r.kind for r in se.follow_up.reviews] == ["se_employer_contact", "se_job_search"]
    assert se.review(se.follow_up.reviews[-1].id).interview.is_complete
    # stage 3 was reached by the contact of 1.2.: said so before the job-search plan and after it
    assert said.count(fi("period.stage.reached", stage=3, name=fi("stage.name.3"), day=fi.date(dt.date(2026, 2, 1)))) == 2
