"""A supported-employment client taken the whole way (issue 14): the joint intake with the support
staircase, an agreed plan with no fixed end, the five stages' forms from the referral to a job and the
support while in it, each reader's export, and the fidelity review's computed rapid job search."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from intake.export.agreed import ExportRefused
from intake.export.readers import render
from intake.fidelity_review import read_clients
from intake.flows.derive import support_level
from intake.flows.fidelity import rapid_job_search
from intake.flows.se_progress import se_progress
from intake.flows.stages import employer_contacts, stages
from intake.merged_catalogue import matching_catalogue
from intake.session import IntakeSession
from intake.store import Store
from tests.test_content import CONTENT
from tests.test_exports import CONSENTING, answer_as
from tests.test_follow_up import hold

SE = "supported_employment"
START = dt.date(2026, 2, 2)
TODAY = dt.date(2026, 9, 1)
INTAKE = {**CONSENTING, "service_type": SE, "support_staircase": "employer_cooperation",
          "restrictions_notes": "SECRET-HEALTH-NOTE", "substance_use_notes": "SECRET-SUBSTANCE-NOTE"}
# The forms of the five stages as held, in order: (kind, answers).
FORMS = [
    ("se_start", {"held_on": "2026-02-02", "handover_meeting": True, "handover_date": "2026-01-28",
                  "handover_participants": ["client", "job_coach", "referrer"], "agreement_goal": "Palkkatyö kahvilassa",
                  "agreement_made": True, "agreed_on": "2026-02-02"}),
    ("se_profile", {"held_on": "2026-02-09", "job_goal": "Kahvilatyö osa-aikaisena", "study_plan_needed": False}),
    ("se_job_search", {"held_on": "2026-02-16", "first_contact_by": "2026-03-01"}),
    ("se_employer_contact", {"held_on": "2026-02-20", "employer": "Kahvila Oy", "outcome": "call_later"}),
    ("se_employer_contact", {"held_on": "2026-03-05", "employer": "Leipomo Ky", "outcome": "hired"}),
    ("se_benefits", {"held_on": "2026-03-06", "referral_needed": True, "referred_to": "benefits_counsellor",
                     "referred_on": "2026-03-10"}),
    ("se_employer_agreement", {"held_on": "2026-03-09", "employer": "Leipomo Ky", "job_title": "Leipomoapulainen",
                               "employment_start": "2026-03-16", "contract": "fixed_term", "hours_per_week": 20,
                               "adjustments": ["task_list"], "disclosure": "agreed",
                               "disclosure_items": ["coaching", "adjustments"]}),
    ("se_follow_along", {"held_on": "2026-04-01", "visit_kind": "workplace_visit", "employment_status": "continuing",
                         "coaching_status": "continuing"}),
]


@pytest.fixture
def client(tmp_path):
    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "SE-1", "Liisa Ohjaaja")
    answer_as(session, INTAKE)
    session.decide(start=START, months=None, days_per_week=4, hours_per_day=5, plan_type="client_plan")
    assert session.agree().agreed is not None  # time-unlimited: no months
    yield session
    session.close()


def held(session: IntakeSession, forms=FORMS) -> None:
    for kind, answers in forms:
        hold(session.open_review(kind), answers)


def test_the_intake_gives_a_support_level_and_a_plan_with_no_fixed_end(client):
    assert support_level(client.interview) == "moderate"  # the staircase's employer-cooperation step
    status = client.status(today=TODAY)
    assert status.planned_end is None and status.start == START
    assert set(client.reviews_held()) >= {kind for kind, _ in FORMS}
    assert "placement_feedback" not in client.reviews_held()  # a work-activity placement's form


def test_the_matching_proposes_jobs_at_companies_for_this_client_and_none_as_a_ktt_client(client):
    catalogue = matching_catalogue(client.store, CONTENT)
    companies = {p.id for p in [*CONTENT.placements, *CONTENT.employers] if p.host_type == "company"}
    ranked = set(client.match(catalogue).ranked_ids)
    assert companies & ranked and ranked <= {p.id for p in CONTENT.employers}  # jobs only: paid work
    t, label = client.texts, client.record.client_label
    assert client.matching_title() == t("matching.title_jobs", client=label)
    client.jump("service_type")  # the same client, had the intake chosen rehabilitative work activity
    assert client.answer("rehabilitative_work_activity") is None
    assert not companies & set(client.match(catalogue).ranked_ids)
    assert client.matching_title() == t("matching.title", client=label)


def test_from_the_referral_to_a_job_and_follow_along_support_every_stage_is_reached(client):
    before = {s.number: s.reached for s in stages(client.reviews_held(), client.status(today=TODAY).reviews)}
    assert before == {1: False, 2: False, 3: False, 4: False, 5: False}
    held(client)
    status = client.status(today=TODAY)
    after = stages(client.reviews_held(), status.reviews)
    assert [(s.number, s.reached, s.reached_on) for s in after] == [
        (1, True, dt.date(2026, 2, 2)), (2, True, dt.date(2026, 2, 9)), (3, True, dt.date(2026, 2, 16)),
        (4, True, dt.date(2026, 3, 9)), (5, True, dt.date(2026, 4, 1))]
    log = [(c.get("employer"), c.get("outcome")) for c in employer_contacts(status.reviews)]
    assert log == [("Kahvila Oy", "call_later"), ("Leipomo Ky", "hired")]
    progress = se_progress(client)
    assert (progress.started_on, progress.days_to_first_contact, progress.employed_since,
            progress.follow_along_visits) == (START, 18, dt.date(2026, 3, 16), 1)


def test_each_reader_gets_the_stage_forms_it_may_see(client):
    held(client)
    record, today = client.record, TODAY
    counsellor = json.loads(render(CONTENT, record, "counsellor", today=today))
    kinds = [r["kind"] for r in counsellor["follow_up"]["reviews"]]
    assert kinds == [kind for kind, _ in FORMS]
    client_copy = render(CONTENT, record, "client", "md", today=today)
    assert "Kahvilatyö osa-aikaisena" in client_copy and "Leipomoapulainen" in client_copy  # agreed in the forms
    assert "SECRET-SUBSTANCE-NOTE" not in client_copy
    employer = render(CONTENT, record, "employer", "md", today=today)
    assert "Leipomoapulainen" in employer and "Liisa Omatyöntekijä" in employer  # the job, the coach (allowed)
    for secret in ("SECRET-HEALTH-NOTE", "SECRET-SUBSTANCE-NOTE", "Kahvila Oy", "Kahvilatyö osa-aikaisena"):
        assert secret not in employer, secret
    with pytest.raises(ExportRefused):
        render(CONTENT, record, "placement", "md", today=today)  # no work-activity placement in the plan


def test_the_employer_hears_nothing_when_the_client_says_no(client):
    held(client, FORMS[:6] + [(FORMS[6][0], {**FORMS[6][1], "disclosure": "none"})])
    with pytest.raises(ExportRefused):
        render(CONTENT, client.record, "employer", "md", today=TODAY)


def test_the_fidelity_review_computes_rapid_job_search_from_the_stored_forms(client):
    held(client)
    clients = read_clients(client.store, CONTENT, TODAY)
    mean, figures = rapid_job_search(clients)
    assert (mean, figures["clients"], figures["of"]) == (18, 1, 1)


def test_the_plan_says_the_job_is_found_in_the_job_search_and_asks_for_a_placement_only_in_ktt(client):
    from intake.screens.words import placement_missing  # the plan screen's and plain mode's words

    t = client.texts
    assert placement_missing(t, client.plan()) == t("plan.job_in_job_search")
    client.jump("service_type")
    assert client.answer("rehabilitative_work_activity") is None
    plan = client.plan()
    assert "plan.missing_placement" in {issue.key for issue in plan.issues}
    assert placement_missing(t, plan) == t("plan.missing_placement")


def test_a_new_period_after_supported_employment_is_not_counted_as_rehabilitative_work_activity(client):
    told = client.interview.active().get("earlier_ktt_months")
    hold(client.open_review("end"), {"held_on": "2026-08-31", "ended_on": "2026-08-31", "ended_as": "planned",
                                     "follow_on_path": "new_period"})
    new = client.new_period()
    try:
        carried = new.interview.state.answers
        assert ("earlier_ktt_months" in carried) == (told is not None)  # carried as the client told it, no more
        if told is not None:
            assert carried["earlier_ktt_months"].value == told
        assert new.follow_up.previous.months_before == client.status().months_total  # the months still counted
    finally:
        new.close()


def test_the_plan_is_agreed_without_days_or_hours_which_the_job_brings_and_says_only_its_period(tmp_path):
    from intake.screens.words import schedule

    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "SE-2", "Liisa Ohjaaja")
    try:
        answer_as(session, INTAKE)
        session.decide(start=START, plan_type="client_plan")
        plan = session.agree()
        assert plan.agreed is not None, [i.key for i in plan.issues]
        assert schedule(session.texts, plan, None) == [session.texts("plan.period_open_ended", start="2.2.2026")]
        client_copy = render(CONTENT, session.record, "client", "md", today=TODAY)
        assert session.texts("plan.period_open_ended", start="2.2.2026") in client_copy and "– päivää" not in client_copy
    finally:
        session.close()


def test_plain_mode_opens_the_agreed_plan_without_a_job_at_its_period_not_at_the_matching(client):
    from intake.plain.main import needs_placement

    assert client.interview.state.decisions.placement_id is None
    assert not needs_placement(client)  # the plan was agreed without one: on to the exports and the period
    client.decide(start=START)          # a change asks for a new agreement: the jobs are offered again
    assert needs_placement(client)
