"""The plan: assembled from a real interview, checked against the rules in force, agreed and exported."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import jsonschema
import pytest

from intake.export.plan_json import build_export
from intake.flows.engine import Interview
from intake.flows.matching import Catalogue
from intake.flows.plan import add_months, review_dates
from intake.flows.profile import client_profile
from intake.flows.rules import Rules
from intake.session import IntakeSession
from intake.store import Store
from tests.test_content import CONTENT, random_value

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "export.schema.json").read_text())

# The "Asiakas X" path of seed 000: a former builder with back and mood problems, interested
# in computers, who found a place teaching older people to use digital devices, 3 days a week,
# 4 hours a day, for 3 months.
ASIAKAS_X = {
    "reason": "Selkä ei kestä rakennustöitä, ja mieliala on ollut matala. Haluan tekemistä.",
    "referral": "employment_services",
    "benefit": ["labour_market_subsidy"],
    "months_unemployed": 30,
    "education": "vocational",
    "physical_health@client": 3, "physical_health@counsellor": 3,
    "mental_health@client": 2, "mental_health@counsellor": 1,
    "housing@client": 0, "housing@counsellor": 2,
    "orientation": "forward",
    "skills": ["computers_basic", "construction", "repair_maintenance"],
    "pref_setting": "indoors",
    "pref_social": "either",
    "pref_works_with": ["people", "information"],
    "has_restrictions": True,
    "restrictions": ["no_lifting", "no_long_standing"],
    "wish_days_per_week": 3,
    "wish_hours_per_day": 4,
    "wish_times": ["morning", "daytime"],
    "home_municipality": "espoo",
    "max_journey_minutes": 45,
    "transport": ["public_transport"],
    "languages": ["fi"],
    "support_needs": [],
    "service_type": "rehabilitative_work_activity",
    "preferred_start": "2027-01-11",
    "support_and_guidance": "Omatyöntekijä tapaa kuukausittain; työvalmentaja perehdyttää alussa.",
}
# Social and investigative work appeals (teaching, computers), heavy building work no longer.
INVENTORY = {"r": [2, 1, 2, 2], "i": [5, 3, 4, 3], "a": [2, 2, 3, 2], "s": [5, 4, 4, 3], "e": [2, 2, 1, 2],
             "c": [4, 3, 3, 4]}


def value_for(step, rng: random.Random):
    q = step.question
    if step.is_confirm:
        return True
    if step.is_add_another:
        return False
    if step.key in ASIAKAS_X:
        return ASIAKAS_X[step.key]
    if q.id in ASIAKAS_X:
        return ASIAKAS_X[q.id]
    if q.id.startswith("interest_"):
        area, number = q.id[len("interest_")], int(q.id[-1])
        return INVENTORY[area][number - 1]
    if q.type == "scale" and q.scale == "difficulty_0_4":
        return 0
    return random_value(step, rng)


def answer_all(target) -> None:
    """Answer every step of the real interview as Asiakas X would (others: plausible values)."""
    interview = getattr(target, "interview", target)
    rng = random.Random(0)
    while (step := interview.current()) is not None:
        if step.question is not None and step.question.id == "due":
            assert target.skip() is None  # no target date: one would have to fall within each test's period
            continue
        assert target.answer(value_for(step, rng)) is None, step.key


@pytest.fixture
def session(tmp_path) -> IntakeSession:
    s = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-1", "Liisa Ohjaaja")
    answer_all(s)
    yield s
    s.close()


def test_asiakas_x_leads_to_the_digital_guidance_placement(session):
    profile = client_profile(session.interview)
    assert profile.restrictions == {"no_lifting", "no_long_standing"}
    assert profile.interest_code.startswith("S") and "I" in profile.interest_code
    result = session.match(Catalogue(CONTENT.placements, CONTENT.matching))
    assert result.ranked_ids[0] == "espoo_kivenlahti_digital_guidance"
    assert "vantaa_kehalogistiikka_warehouse" not in result.ranked_ids


def test_plan_checks_against_the_rules_in_plain_words(session):
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2027, 1, 11), months=2,
                   days_per_week=5, hours_per_day=3)
    plan = session.plan()
    texts = {i.key: i.text for i in session.plan().issues}
    assert texts["plan.days_above_max"] == "5 päivää viikossa on enemmän kuin laki sallii: enintään 4."
    assert texts["plan.hours_below_min"] == "3 tuntia päivässä on vähemmän kuin lain vaatima vähintään 4."
    assert texts["plan.months_below_min"] == "Jakson on oltava vähintään 3 kuukautta (nyt 2)."
    assert plan.agreed is None
    refused = session.agree()
    assert refused.agreed is None and refused.issues


def test_plan_in_english_says_the_legal_maximum():
    rules = Rules(CONTENT.rules)
    interview = Interview(CONTENT)
    answer_all(interview)
    interview.state.decisions = interview.state.decisions.model_copy(update={
        "placement_id": "espoo_kivenlahti_digital_guidance", "start": dt.date(2027, 1, 11), "months": 3,
        "days_per_week": 5, "hours_per_day": 4, "plan_type": "activation_plan"})
    from intake.flows.display import Texts
    from intake.flows.plan import PlanBuilder

    plan = PlanBuilder(interview, Texts(CONTENT, "en"), "X-1", "Liisa", rules).build()
    assert [i.text for i in plan.issues] == ["5 days a week is more than the legal maximum of 4."]


def test_agreed_plan_of_asiakas_x(session):
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", visits={
        "espoo_kivenlahti_digital_guidance": dt.date(2027, 1, 4)}, start=dt.date(2027, 1, 11), months=3,
        days_per_week=3, hours_per_day=4, plan_type="activation_plan")
    plan = session.agree(at=dt.datetime(2027, 1, 5, 10, tzinfo=dt.timezone.utc))
    assert plan.issues == []
    assert plan.agreed is not None and plan.agreed.counsellor == "Liisa Ohjaaja" and plan.agreed.client == "X-1"
    assert plan.placement.id == "espoo_kivenlahti_digital_guidance"
    assert plan.placement.visit == dt.date(2027, 1, 4)
    assert plan.end == dt.date(2027, 4, 11)
    assert plan.reviews == [dt.date(2027, 4, 11)]  # a 3-month period has only its end review
    # 3 days a week for the 12 whole weeks of 11.1.–11.4.2027, at 9 € a day.
    assert plan.allowance.attended_days == 36 and plan.allowance.total_euros == 324.0
    assert plan.allowance.travel_costs is True
    assert plan.plan_type == "Aktivointisuunnitelma"
    assert plan.service_type == "Kuntouttava työtoiminta"
    domains = {d.id: d for d in plan.assessment}
    assert domains["housing"].discuss is True        # client 0, counsellor 2
    assert domains["mental_health"].discuss is False  # 2 and 1
    assert domains["physical_health"].client.startswith("3")
    suggested = {s.id for s in plan.suggested_services}
    assert "physiotherapy" in suggested and "health_check" in suggested
    assert plan.goals and plan.goals[0].goal

    entries = session.store.access_log(session.record.id)
    assert "agree" in [e["action"] for e in entries]
    exported = build_export(CONTENT, session.record).model_dump(mode="json")
    jsonschema.validate(exported, SCHEMA)
    assert exported["plan"]["placement"]["id"] == "espoo_kivenlahti_digital_guidance"
    assert exported["plan"]["agreed"]["counsellor"] == "Liisa Ohjaaja"


def test_changing_anything_after_agreement_asks_to_agree_again(session):
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2027, 1, 11), months=6,
                   days_per_week=3, hours_per_day=4, plan_type="client_plan")
    assert session.agree().agreed is not None
    session.decide(hours_per_day=5)
    assert session.plan().agreed is None
    assert session.agree().agreed is not None
    key = next(s.key for s, _ in session.interview.transcript() if s.key == "reason")
    session.jump(key)
    assert session.answer("Uudet sanat.") is None
    assert session.plan().agreed is None
    assert build_export(CONTENT, session.record).plan is None  # only an agreed plan is exported


def test_unagreed_plan_names_what_is_missing(session):
    keys = {i.key for i in session.plan().issues}
    assert {"plan.missing_placement", "plan.missing_start", "plan.missing_months", "plan.missing_days",
            "plan.missing_hours", "plan.missing_plan_type"} <= keys


def test_plan_type_must_be_in_force_on_the_start_date(session):
    # The multi-sector employment plan exists from 2025; a period starting in 2024 cannot use it.
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2024, 9, 2), months=3,
                   days_per_week=3, hours_per_day=4, plan_type="multi_sector_employment_plan")
    issues = {i.key: i.text for i in session.plan().issues}
    assert list(issues) == ["plan.plan_type_not_in_force"]
    assert "Monialainen työllistymissuunnitelma" in issues["plan.plan_type_not_in_force"]
    session.decide(start=dt.date(2025, 1, 7))
    assert session.plan().issues == []


def test_company_can_never_be_the_placement_of_a_plan(session):
    session.decide(placement_id="vantaa_kehalogistiikka_warehouse", start=dt.date(2027, 1, 11), months=3,
                   days_per_week=3, hours_per_day=4)
    assert "plan.host_not_allowed" in {i.key for i in session.plan().issues}
    assert session.agree().agreed is None


@pytest.mark.parametrize("start,months,end", [
    (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
    (dt.date(2027, 11, 15), 3, dt.date(2028, 2, 15)),
    (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
])
def test_add_months(start, months, end):
    assert add_months(start, months) == end


def test_reviews_about_every_three_months_and_at_the_end():
    start = dt.date(2027, 1, 11)
    assert review_dates(start, add_months(start, 12)) == [
        dt.date(2027, 4, 11), dt.date(2027, 7, 11), dt.date(2027, 10, 11), dt.date(2028, 1, 11)]
    assert review_dates(start, add_months(start, 7)) == [dt.date(2027, 4, 11), dt.date(2027, 8, 11)]


def test_rules_in_force_follow_the_start_date():
    rules = Rules(CONTENT.rules)
    before = rules.in_force("rehabilitative_work_activity", dt.date(2015, 6, 30))
    after = rules.in_force("rehabilitative_work_activity", dt.date(2015, 7, 1))
    assert "days_per_week" not in before and after["days_per_week"].max == 4
    assert "plan_must_record" not in rules.in_force("rehabilitative_work_activity", dt.date(2020, 12, 31))
    assert [p.id for p in rules.plan_types("rehabilitative_work_activity", dt.date(2024, 6, 1))] == [
        "activation_plan", "client_plan"]
    assert "multi_sector_employment_plan" in [p.id for p in rules.plan_types("supported_employment",
                                                                           dt.date(2025, 1, 1))]
