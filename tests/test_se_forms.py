"""Supported employment, stages 1–3 (issue 14, seed 001): the forms se_start, se_profile, se_job_search and
se_employer_contact load with the ids the other parts read, are held to the end for a supported-employment
client, hide their follow-up questions until an answer asks for them, and the profile says back the intake's
skills, strengths and interests instead of asking them again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from intake.flows.display import Texts
from intake.flows.model import DateQuestion, LongText, MultiChoice, ShortText, SingleChoice, YesNo
from intake.flows.period import HELD_ON
from intake.session import IntakeSession, ReviewSession
from intake.store import Store
from tests.test_content import CONTENT, walk
from tests.test_exports import CONSENTING, PLACEMENT, answer_as
from tests.test_follow_up import hold

SERVICE = "supported_employment"
START = dt.date(2026, 1, 12)
# kind: (stage, {question id: type, or the choice ids the contract fixes})
FORMS: dict[str, tuple[int, dict[str, Any]]] = {
    "se_start": (1, {
        "held_on": DateQuestion, "handover_meeting": YesNo, "handover_date": DateQuestion,
        "handover_participants": ["client", "job_coach", "referrer", "social_worker", "health_care",
                                  "mental_health_services", "employment_services", "kela", "education", "family",
                                  "other"],
        "handover_notes": LongText, "agreement_goal": LongText, "coach_tasks": LongText, "client_tasks": LongText,
        "meeting_frequency": ["weekly", "fortnightly", "monthly", "as_needed"],
        "agreement_made": YesNo, "agreed_on": DateQuestion}),
    "se_profile": (2, {
        "held_on": DateQuestion, "job_goal": LongText, "target_occupations": LongText, "can_do": LongText,
        "wants_to_do": LongText, "hours_wish": ["under_20", "from_20_to_30", "full_time", "open"],
        "study_plan_needed": YesNo, "study_plan": LongText}),
    "se_job_search": (3, {
        "held_on": DateQuestion,
        "search_ways": ["coach_contacts_employers", "client_applies", "job_ads", "own_network", "visits_together",
                        "recruitment_events"],
        "sectors": LongText, "first_contact_by": DateQuestion, "search_tasks": LongText}),
    "se_employer_contact": (3, {
        "held_on": DateQuestion, "employer": ShortText,
        "contact_way": ["visit", "phone", "email", "meeting_with_client"],
        "outcome": ["no_need_now", "call_later", "job_interview", "work_trial", "job_offer", "hired", "declined"],
        "next_step": LongText, "next_step_on": DateQuestion}),
}
OPTIONAL = {"next_step_on", "handover_notes"}  # the contract's optional ones, and the notes
# Asiakas X as a supported-employment client, with skills, strengths and interests the profile must say back:
# social (S) and enterprising (E) rated high, the rest low, so the real interests are "SE".
INTERESTS = {f"interest_{area}{n}": {"s": 5, "e": 4}.get(area, 1) for area in "riasec" for n in range(1, 5)}
CLIENT = {**CONSENTING, **INTERESTS, "service_type": SERVICE, "skills": ["cooking", "warehouse_logistics"],
          "skills_other": "Trukkikortti", "strengths_self": "Olen täsmällinen ja tulen toimeen ihmisten kanssa.",
          "strengths_counsellor": "Sinnikäs ja huumorintajuinen.", "enjoys": "Ruoanlaitto ystäville."}
INTAKE_SAID = ("Ruoanlaitto", "Varastotyöt ja logistiikka", "Trukkikortti", "Olen täsmällinen",
               "Sinnikäs ja huumorintajuinen", "Ruoanlaitto ystäville", "(SE)")


def questions(kind: str) -> dict[str, Any]:
    return {q.id: q for s in CONTENT.reviews[kind].sections for q in walk(s.questions)}


@pytest.fixture
def session(tmp_path):
    """Asiakas X's intake for supported employment, with the plan agreed from 12.1.2026."""
    s = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-1", "Liisa Valmentaja")
    answer_as(s, CLIENT)
    s.decide(placement_id=PLACEMENT, start=START, months=6, days_per_week=3, hours_per_day=4, plan_type="client_plan")
    assert s.agree().agreed is not None, [i.text for i in s.plan().issues]
    yield s
    s.close()


def asked(review: ReviewSession) -> set[str]:
    return {s.question_id for s in review.interview.steps() if s.kind == "question"}


def summary(review: ReviewSession) -> str:
    section = review.interview.content.sections[0]
    return "\n".join(review.texts.summary(review.interview, section))


# --- the forms and the ids the other parts read ---------------------------------------------------------

@pytest.mark.parametrize("kind", list(FORMS))
def test_each_form_is_held_for_supported_employment_only_at_its_stage(kind):
    review = CONTENT.reviews[kind]
    assert review.stage == FORMS[kind][0] and review.services == [SERVICE]
    assert [s.id for s in review.sections] == [kind]
    assert kind in CONTENT.reviews_for(SERVICE) and kind not in CONTENT.reviews_for("rehabilitative_work_activity")


def test_the_forms_come_in_stage_order_after_the_reviews_and_the_feedback_forms():
    kinds = list(CONTENT.reviews)
    assert kinds[4:8] == list(FORMS)


@pytest.mark.parametrize("kind", list(FORMS))
def test_each_form_asks_the_contracts_questions_first_the_day_it_was_held(kind):
    found = questions(kind)
    first = CONTENT.reviews[kind].sections[0].questions[0]
    assert first.id == HELD_ON and first.not_after == "today" and first.required
    for qid, expected in FORMS[kind][1].items():
        q = found[qid]
        if isinstance(expected, list):
            assert isinstance(q, (SingleChoice, MultiChoice)) and [c.value for c in q.choices] == expected, qid
        else:
            assert isinstance(q, expected), qid
        assert q.required is (qid not in OPTIONAL), qid


def test_the_profile_asks_none_of_the_intakes_skills_strengths_and_interests_again():
    intake = {q.id for s in CONTENT.sections if s.id == "strengths" for q in walk(s.questions)}
    assert {"skills", "strengths_self", "strengths_counsellor", "interest_s1"} <= intake
    assert set(questions("se_profile")) & intake == set()


# --- held for a supported-employment client -------------------------------------------------------------

ANSWERS = {
    "se_start": {HELD_ON: "2026-01-14", "handover_meeting": True, "handover_date": "2026-01-13",
                 "handover_participants": ["client", "job_coach", "referrer"], "agreement_made": True,
                 "agreed_on": "2026-01-14", "agreement_goal": "Palkkatyö keittiössä."},
    "se_profile": {HELD_ON: "2026-01-21", "study_plan_needed": True, "study_plan": "Hygieniapassi keväällä.",
                   "job_goal": "Keittiöapulainen lounasravintolassa."},
    "se_job_search": {HELD_ON: "2026-01-28", "first_contact_by": "2026-02-11",
                      "search_ways": ["coach_contacts_employers", "visits_together"]},
    "se_employer_contact": {HELD_ON: "2026-02-04", "employer": "Lounasravintola Kivi", "contact_way": "visit",
                            "outcome": "job_interview", "next_step": "Haastattelu ti klo 10."},
}


@pytest.mark.parametrize("kind", list(FORMS))
def test_each_form_is_held_to_the_end_for_a_supported_employment_client_and_saved(session, tmp_path, kind):
    hold(session.open_review(kind), ANSWERS[kind])
    status = session.status(today=dt.date(2026, 3, 1))
    held = [r for r in status.reviews if r.review.kind == kind]
    assert [(r.complete, r.held_on) for r in held] == [(True, dt.date.fromisoformat(ANSWERS[kind][HELD_ON]))]
    assert all(held[0].get(qid) == value for qid, value in ANSWERS[kind].items())
    reopened = Store(tmp_path / "store").get(session.record.id)
    assert [r.kind for r in reopened.follow_up.reviews] == [kind]


def test_the_employer_contact_log_is_each_contact_held_as_a_form_of_its_own(session):
    for day, employer in [("2026-02-04", "Lounasravintola Kivi"), ("2026-02-06", "Kauppa Keskusta")]:
        hold(session.open_review("se_employer_contact"), {**ANSWERS["se_employer_contact"], HELD_ON: day,
                                                          "employer": employer})
    log = [(r.review.id, r.held_on, r.get("employer")) for r in session.status(today=dt.date(2026, 3, 1)).reviews]
    assert log == [("se_employer_contact-1", dt.date(2026, 2, 4), "Lounasravintola Kivi"),
                   ("se_employer_contact-2", dt.date(2026, 2, 6), "Kauppa Keskusta")]


def test_the_profile_says_back_the_intakes_skills_strengths_and_interests_without_asking_them(session):
    review = session.open_review("se_profile")
    hold(review, ANSWERS["se_profile"])
    assert asked(review).isdisjoint({"skills", "skills_other", "strengths_self", "strengths_counsellor", "enjoys"})
    said = summary(review)
    assert all(part in said for part in INTAKE_SAID), said
    assert "Sosiaalinen" in said or "Ihmisten" in said  # the area's name, not only its letter
    assert "Keittiöapulainen lounasravintolassa." in said and "Hygieniapassi keväällä." in said
    plain = Texts(review.content, "fi", plain=True).summary(review.interview, review.content.sections[0])
    assert any("Ruoanlaitto" in line for line in plain)


def test_the_start_says_back_the_intakes_referral(session):
    review = session.open_review("se_start")
    hold(review, ANSWERS["se_start"])
    said = summary(review)
    assert "Sinut ohjasi työhönvalmennukseen:" in said or "Hakeuduit työhönvalmennukseen itse." in said
    assert "Saattaen vaihtamisen tapaaminen pidettiin 13.1.2026." in said


# --- the follow-up questions are asked only when an answer asks for them ----------------------------------

HANDOVER = {"handover_date", "handover_participants", "handover_notes"}


@pytest.mark.parametrize("held,shown", [(True, True), (False, False)])
def test_the_handover_meetings_details_are_asked_only_when_one_was_held(session, held, shown):
    review = session.open_review("se_start")
    hold(review, {**ANSWERS["se_start"], "handover_meeting": held})
    assert (HANDOVER <= asked(review)) is shown and (HANDOVER & asked(review) == set()) is not shown
    assert ("Saattaen vaihtamisen tapaamista ei pidetty." in summary(review)) is not shown


@pytest.mark.parametrize("made", [True, False])
def test_the_day_of_the_agreement_is_asked_only_when_it_was_made(session, made):
    review = session.open_review("se_start")
    hold(review, {**ANSWERS["se_start"], "agreement_made": made})
    assert ("agreed_on" in asked(review)) is made


@pytest.mark.parametrize("needed", [True, False])
def test_the_study_plan_is_asked_only_when_one_is_needed(session, needed):
    review = session.open_review("se_profile")
    hold(review, {**ANSWERS["se_profile"], "study_plan_needed": needed})
    assert ("study_plan" in asked(review)) is needed
    assert review.interview.active().get("study_plan") == ("Hygieniapassi keväällä." if needed else None)


def test_changing_the_answer_hides_the_follow_up_again_and_keeps_it(session):
    review = session.open_review("se_start")
    hold(review, ANSWERS["se_start"])
    review.jump("handover_meeting")
    assert review.answer(False) is None
    assert HANDOVER & asked(review) == set() and review.interview.active().get("handover_date") is None
    review.jump("handover_meeting")
    assert review.answer(True) is None
    assert review.interview.active().get("handover_date") == "2026-01-13"  # kept, inactive, and back


@pytest.mark.parametrize("outcome,asked_who", [("declined", True), ("job_interview", False)])
def test_who_declined_is_asked_only_when_the_contact_was_declined(session, outcome, asked_who):
    review = session.open_review("se_employer_contact")
    hold(review, {**ANSWERS["se_employer_contact"], "outcome": outcome})
    assert ("declined_by" in asked(review)) is asked_who
