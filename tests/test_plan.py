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
from intake.flows.plan import add_months, period_end, review_dates
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
    # Seed 000: vocational rehabilitation by the pension provider and Kela already tried, without result.
    "earlier_ktt": False,
    "services_tried": ["pension_vocational_rehabilitation", "kela_vocational_rehabilitation"],
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
    # Every refusal names its act and section.
    assert texts["plan.days_above_max"] == ("5 päivää viikossa on enemmän kuin laki sallii: enintään 4 päivää "
                                            "kalenteriviikossa (laki kuntouttavasta työtoiminnasta 189/2001, 13 §, muutettu 142/2015).")
    assert texts["plan.hours_below_min"] == "3 tuntia päivässä on vähemmän kuin lain vaatima vähintään 4 (laki kuntouttavasta työtoiminnasta 189/2001, 13 §, muutettu 142/2015)."
    assert texts["plan.months_below_min"] == "Jakson on oltava vähintään 3 kuukautta (nyt 2) (laki kuntouttavasta työtoiminnasta 189/2001, 13 §, muutettu 142/2015)."
    assert plan.agreed is None
    refused = session.agree()
    assert refused.agreed is None and refused.issues


def test_plan_in_english_says_the_legal_maximum():
    rules = Rules(CONTENT.rules)
    interview = Interview(CONTENT)
    answer_all(interview)
    interview.state.decisions = interview.state.decisions.model_copy(update={
        "placement_id": "espoo_kivenlahti_digital_guidance", "start": dt.date(2027, 1, 11), "months": 3,
        "days_per_week": 5, "hours_per_day": 4, "plan_type": "multi_sector_employment_plan"})
    from intake.flows.display import Texts
    from intake.flows.plan import PlanBuilder

    plan = PlanBuilder(interview, Texts(CONTENT, "en"), "X-1", "Liisa", rules).build()
    assert [i.text for i in plan.issues if i.key == "plan.days_above_max"] == [
        "5 days a week is more than the law allows: at most 4 days per calendar week (Act on Rehabilitative Work "
        "Activity 189/2001, section 13, as amended by 142/2015)."]


def test_agreed_plan_of_asiakas_x(session):
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", visits={
        "espoo_kivenlahti_digital_guidance": dt.date(2027, 1, 4)}, start=dt.date(2027, 1, 11), months=3,
        days_per_week=3, hours_per_day=4, plan_type="multi_sector_employment_plan")
    plan = session.agree(at=dt.datetime(2027, 1, 5, 10, tzinfo=dt.timezone.utc))
    assert plan.issues == []
    assert plan.agreed is not None and plan.agreed.counsellor == "Liisa Ohjaaja" and plan.agreed.client == "X-1"
    assert plan.placement.id == "espoo_kivenlahti_digital_guidance"
    assert plan.placement.visit == dt.date(2027, 1, 4)
    assert plan.end == dt.date(2027, 4, 10)  # 3 months from 11.1. end on 10.4. (was 11.4.)
    assert plan.reviews == [dt.date(2027, 4, 10)]  # a 3-month period has only its end review
    # 3 days a week for the 12 whole weeks of 11.1.–10.4.2027, at 9 € a day, paid with his labour market subsidy.
    assert plan.allowance.attended_days == 36 and plan.allowance.total_euros == 324.0
    assert plan.allowance.travel_costs is True
    assert plan.allowance.name == "Kulukorvaus" and "Kela" in plan.allowance.payer
    assert plan.plan_type == "Monialainen työllistymissuunnitelma"
    assert plan.service_type == "Kuntouttava työtoiminta"
    domains = {d.id: d for d in plan.assessment}
    assert domains["housing"].discuss is True        # client 0, counsellor 2
    assert domains["mental_health"].discuss is True   # 2 and 1: one point is enough for mental health
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
                   days_per_week=3, hours_per_day=4, plan_type="multi_sector_employment_plan")
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
    # The multi-sector employment plan exists from 1.1.2015 (1369/2014); a period starting in 2014 cannot use it.
    # (This test used to say it began in 2025, under 381/2023: that was the wrong act and date.)
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2014, 9, 1), months=3,
                   days_per_week=3, hours_per_day=4, plan_type="multi_sector_employment_plan")
    issues = {i.key: i.text for i in session.plan().issues}
    assert "plan.plan_type_not_in_force" in issues
    assert "Monialainen työllistymissuunnitelma" in issues["plan.plan_type_not_in_force"]
    session.decide(start=dt.date(2021, 1, 11))
    assert session.plan().issues == []


def test_asiakas_x_in_2021_gets_the_plan_type_of_seed_000(session):
    # Seed 000 (Kymenlaakso, 2021, labour market subsidy): PTA and a multi-sector employment plan under 1369/2014.
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2021, 3, 1), months=3,
                   days_per_week=3, hours_per_day=4, plan_type="multi_sector_employment_plan")
    plan = session.plan()
    assert plan.issues == [] and plan.unconfirmed == []
    rules = Rules(CONTENT.rules)
    offered = [p.id for p in rules.plan_types("rehabilitative_work_activity", dt.date(2021, 3, 1),
                                              {"labour_market_subsidy"})]
    assert offered == ["activation_plan", "multi_sector_employment_plan"]
    assert "1369/2014" in rules.plan_types("rehabilitative_work_activity", dt.date(2021, 3, 1))[1].source.fi


def test_a_2027_client_on_labour_market_subsidy_gets_no_activation_plan(session):
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2027, 1, 11), months=3,
                   days_per_week=3, hours_per_day=4, plan_type="activation_plan")
    plan = session.plan()
    refusal = next(i for i in plan.issues if i.key == "plan.plan_type_not_for_benefits")
    assert refusal.blocking and "HE 109/2025" in refusal.text and "toimeentulotukea" in refusal.text
    assert session.agree().agreed is None
    offered = Rules(CONTENT.rules).plan_types("rehabilitative_work_activity", dt.date(2027, 1, 11),
                                              {"labour_market_subsidy"})
    assert [p.id for p in offered] == ["multi_sector_employment_plan"]
    # The enacted act of HE 109/2025 could not be confirmed: the plan says so.
    assert any("HE 109/2025" in note for note in plan.unconfirmed)


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


def test_reviews_at_the_interval_of_the_rules_and_at_the_end():
    start = dt.date(2027, 1, 11)
    interval = Rules(CONTENT.rules).in_force("rehabilitative_work_activity", start, "guidance")["review_interval"]
    assert (interval.months, interval.end_review_covers_weeks) == (3, 6)
    assert review_dates(start, period_end(start, 12), interval) == [
        dt.date(2027, 4, 11), dt.date(2027, 7, 11), dt.date(2027, 10, 11), dt.date(2028, 1, 10)]
    assert review_dates(start, period_end(start, 7), interval) == [dt.date(2027, 4, 11), dt.date(2027, 8, 10)]
    monthly = interval.model_copy(update={"months": 1, "end_review_covers_weeks": 0})
    assert review_dates(start, period_end(start, 3), monthly) == [
        dt.date(2027, 2, 11), dt.date(2027, 3, 11), dt.date(2027, 4, 10)]


@pytest.mark.parametrize("start,months,end", [
    (dt.date(2027, 1, 11), 3, dt.date(2027, 4, 10)),
    (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 27)),
    (dt.date(2027, 3, 1), 12, dt.date(2028, 2, 29)),
])
def test_period_ends_the_day_before_the_same_date(start, months, end):
    assert period_end(start, months) == end


def test_rules_in_force_follow_the_start_date():
    rules = Rules(CONTENT.rules)
    before = rules.in_force("rehabilitative_work_activity", dt.date(2015, 6, 30))
    after = rules.in_force("rehabilitative_work_activity", dt.date(2015, 7, 1))
    assert "days_per_week" not in before and after["days_per_week"].max == 4
    assert "plan_must_record" not in rules.in_force("rehabilitative_work_activity", dt.date(2020, 12, 31))
    # Rehabilitative work activity comes through an activation or multi-sector employment plan, never a client plan.
    assert [p.id for p in rules.plan_types("rehabilitative_work_activity", dt.date(2024, 6, 1))] == [
        "activation_plan", "multi_sector_employment_plan"]
    assert "multi_sector_employment_plan" in [p.id for p in rules.plan_types("supported_employment",
                                                                           dt.date(2025, 1, 1))]
