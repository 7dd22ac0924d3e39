"""The rules follow the law in force on their dates, each names its source and basis, and the plan tells
law (blocks) from guidance (warns; the counsellor records why)."""

from __future__ import annotations

import datetime as dt
import typing

import pytest

from intake.flows.engine import Answer, Interview
from intake.flows.rules import Benefit, Rules
from intake.session import IntakeSession
from intake.store import Store
from tests.test_content import CONTENT
from tests.test_plan import answer_all

RULES = Rules(CONTENT.rules)
KTT = "rehabilitative_work_activity"


def test_every_rule_and_type_has_a_public_source_and_a_basis():
    for item in [*CONTENT.rules.rules, *CONTENT.rules.plan_types, *CONTENT.rules.service_types]:
        assert item.basis in ("law", "guidance"), item.id
        for text in (item.source.fi, item.source.sv, item.source.en):
            assert text.strip() and "seed" not in text.lower(), (item.id, text)  # public references only


def test_the_benefit_choices_are_the_benefits_the_rules_know():
    [question] = [q for s in CONTENT.sections for q in s.questions if q.id == "benefit"]
    assert [c.value for c in question.choices] == list(typing.get_args(Benefit))
    assert [c.value for c in question.choices if c.exclusive] == ["none"]


def _entries():
    for item in [*CONTENT.rules.rules, *CONTENT.rules.plan_types]:
        for day in (item.valid_from, item.valid_to):
            if day is not None and day > dt.date(2001, 9, 1):
                yield pytest.param(item, day, id=f"{item.id}@{day}")


@pytest.mark.parametrize(("item", "day"), list(_entries()))
def test_each_dated_rule_on_the_day_before_and_the_day_it_changes(item, day):
    before = day - dt.timedelta(days=1)
    takes_effect = day == item.valid_from
    assert item.in_force(before) is not takes_effect
    assert item.in_force(day) is takes_effect


@pytest.mark.parametrize(("day", "benefits", "offered"), [
    (dt.date(2014, 12, 31), {"labour_market_subsidy"}, ["activation_plan"]),
    (dt.date(2015, 1, 1), {"labour_market_subsidy"}, ["activation_plan", "multi_sector_employment_plan"]),
    (dt.date(2025, 12, 31), {"labour_market_subsidy"}, ["activation_plan", "multi_sector_employment_plan"]),
    (dt.date(2026, 1, 1), {"labour_market_subsidy"}, ["multi_sector_employment_plan"]),
    (dt.date(2027, 1, 11), {"social_assistance"}, ["activation_plan", "multi_sector_employment_plan"]),
    (dt.date(2027, 1, 11), {"labour_market_subsidy", "social_assistance"},
     ["activation_plan", "multi_sector_employment_plan"]),
    (dt.date(2027, 1, 11), {"none"}, []),
])
def test_plan_types_depend_on_the_benefits_and_the_date(day, benefits, offered):
    assert [p.id for p in RULES.plan_types(KTT, day, benefits)] == offered


@pytest.mark.parametrize(("benefits", "name", "payer"), [
    ({"labour_market_subsidy"}, "Kulukorvaus", "Kela"),
    ({"unemployment_allowance"}, "Kulukorvaus", "Kela"),
    ({"social_assistance"}, "Toimintaraha", "Hyvinvointialue"),
    # Toimintaraha is not paid for days with kulukorvaus (189/2001, 18 §).
    ({"labour_market_subsidy", "social_assistance"}, "Kulukorvaus", "Kela"),
    ({"other"}, None, None),
    ({"none"}, None, None),
])
def test_the_allowance_follows_the_benefits(benefits, name, payer):
    rule = RULES.allowance(KTT, dt.date(2027, 1, 11), benefits)
    assert (rule.name.fi if rule else None) == name
    assert (payer in rule.payer.fi) if rule else payer is None


def test_swedish_names_of_the_allowances():
    assert {r.name.sv for r in CONTENT.rules.rules if r.kind == "daily_allowance"} == {
        "Kostnadsersättning", "Verksamhetspenning"}


@pytest.fixture
def session(tmp_path):
    s = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-1", "Liisa Ohjaaja")
    answer_all(s)
    yield s
    s.close()


def test_no_allowance_estimate_without_a_benefit_that_pays_one(session):
    key = next(s.key for s, _ in session.interview.transcript() if s.key == "benefit")
    session.jump(key)
    assert session.answer(["other"]) is None
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2027, 1, 11), months=3,
                   days_per_week=3, hours_per_day=4, plan_type="multi_sector_employment_plan")
    assert session.plan().allowance is None


def test_none_is_chosen_only_on_its_own(session):
    key = next(s.key for s, _ in session.interview.transcript() if s.key == "benefit")
    session.jump(key)
    error = session.answer(["none", "social_assistance"])
    assert error is not None and error.key == "error.choice_alone"
    assert "ei tukea" in CONTENT.texts["error.choice_alone"].fi


def test_an_old_single_choice_benefit_still_loads(session):
    # Saved before the benefit became a multiple choice.
    old = session.interview.state.answers["benefit"]
    session.interview.state.answers["benefit"] = Answer(value="social_assistance", by=old.by, at=old.at)
    loaded = Interview.from_json(CONTENT, session.interview.to_json())
    assert loaded.active().get("benefit") == ["social_assistance"]
    assert loaded.answer_for("benefit").value == ["social_assistance"]


def test_guidance_warns_and_the_counsellor_records_why(tmp_path):
    # A county whose guidance allows at most 4 hours a day; the placement offers 5.
    rules = CONTENT.rules.model_copy(update={"rules": [
        r.model_copy(update={"max": 4}) if r.id == "hours_per_day_guidance" else r for r in CONTENT.rules.rules]})
    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT.model_copy(update={"rules": rules}),
                                  "X-1", "Liisa Ohjaaja")
    answer_all(session)
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2027, 1, 11), months=3,
                   days_per_week=3, hours_per_day=5, plan_type="multi_sector_employment_plan")
    [warning] = [i for i in session.plan().issues if i.key == "plan.hours_above_max_guidance"]
    assert not warning.blocking and "THL" in warning.text
    assert not any(i.blocking for i in session.plan().issues)
    assert session.agree().agreed is None                           # no reason written: not agreed
    agreed = session.agree(reason="Asiakas haluaa pidemmät päivät kahtena päivänä.").agreed
    assert agreed is not None and agreed.guidance_reason.startswith("Asiakas haluaa")


def test_the_law_blocks_whatever_the_reason(session):
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2027, 1, 11), months=3,
                   days_per_week=5, hours_per_day=4, plan_type="multi_sector_employment_plan")
    [issue] = [i for i in session.plan().issues if i.key == "plan.days_above_max"]
    assert issue.blocking and "189/2001, 13 §" in issue.text
    assert session.agree(reason="Halutaan enemmän päiviä.").agreed is None
