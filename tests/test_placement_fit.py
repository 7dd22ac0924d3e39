"""The chosen placement and the plan (issue 9, item 8): the days, hours and start date must be ones the
placement offers, and a placement for an age group is proposed and agreed only for a client of that age."""

from __future__ import annotations

import csv
import datetime as dt
import io

from intake.flows.matching import Catalogue, ClientProfile
from intake.flows.placements import AgeGroup
from intake.placements_import import parse_csv
from intake.session import IntakeSession
from tests.test_content import CONTENT
from tests.test_imported_placements import AGREED, county_copy
from tests.test_placements_import import template
from tests.test_plan import session  # noqa: F401  (the fixture: Asiakas X, every question answered)

START = dt.date(2027, 1, 11)
YOUTH = [p for p in CONTENT.placements if p.ages is not None]


def with_age(session: IntakeSession, age: int) -> None:
    session.jump("age")
    assert session.answer(age) is None


def issues(session: IntakeSession) -> dict[str, str]:
    return {i.key: i.text for i in session.plan().issues}


def test_the_youth_groups_of_the_catalogue_say_their_ages():
    ages = {p.id: p.ages for p in YOUTH}
    assert ages["forssa_suunta_youth_group"] == AgeGroup(max=29)            # "alle 30-vuotiaille"
    assert ages["espoo_nuorisoverstas_youth_group"] == AgeGroup(min=17, max=29)


def test_a_group_for_the_young_is_never_proposed_to_a_45_year_old():
    catalogue = Catalogue(CONTENT.placements, CONTENT.matching)
    older = catalogue.match(ClientProfile(start=START, age=45))
    younger = catalogue.match(ClientProfile(start=START, age=25))
    for p in YOUTH:
        assert p.id not in older.ranked_ids
        assert "exclude.age" not in " ".join(r.key for r in younger.why_not(p.id))
    [reason] = [r for r in older.why_not("espoo_nuorisoverstas_youth_group") if r.key.startswith("exclude.age")]
    from intake.flows.display import Texts

    assert Texts(CONTENT, "fi").reason(reason) == "Paikka on 17–29-vuotiaille; olet 45-vuotias."
    assert Texts(CONTENT, "en").reason(older.why_not("forssa_suunta_youth_group")[-1]) == \
        "The place is for people aged up to 29; you are 45."


def test_without_an_age_no_placement_is_excluded_for_its_age_group():
    result = Catalogue(CONTENT.placements, CONTENT.matching).match(ClientProfile(start=START))
    assert not [k for reasons in result.excluded().values() for r in reasons if (k := r.key).startswith("exclude.age")]


def test_the_age_question_says_why_and_refuses_an_impossible_age(session):
    question = next(q for s in CONTENT.sections for q in s.questions if q.id == "age")
    assert "vain" in question.help.fi and "ikäryhmä" in question.help.fi
    session.jump("age")
    assert session.answer(450) is not None
    assert session.answer(45) is None


def test_the_plan_says_when_the_client_is_not_of_the_placements_age(session):
    with_age(session, 45)
    session.decide(placement_id="forssa_suunta_youth_group", **dict(AGREED, days_per_week=2))
    found = issues(session)
    assert found["plan.age_not_in_group"] == ("Nuorten ryhmä Suunta ei sovi ikäsi puolesta: Paikka on enintään "
                                              "29-vuotiaille; olet 45-vuotias. Valitkaa toinen paikka.")
    assert session.agree().agreed is None
    with_age(session, 24)
    assert "plan.age_not_in_group" not in issues(session)


def test_days_and_hours_the_placement_does_not_offer_are_issues(session):
    # Kivenlahti offers 2, 3 or 4 days of 4 or 5 hours; 1 day and 4.5 hours are within the law.
    session.decide(placement_id="espoo_kivenlahti_digital_guidance", **dict(AGREED, days_per_week=1,
                                                                                 hours_per_day=4.5))
    found = issues(session)
    assert found["plan.days_not_offered"].startswith("Digiopastus")
    assert "tarjoaa 2, 3, 4 päivää viikossa, ei 1." in found["plan.days_not_offered"]
    assert "tarjoaa 4, 5 tuntia päivässä, ei 4,5." in found["plan.hours_not_offered"]
    session.decide(days_per_week=3, hours_per_day=4)
    assert not {"plan.days_not_offered", "plan.hours_not_offered"} & set(issues(session))


def test_a_group_that_starts_on_given_days_needs_one_of_them_as_the_start(session):
    group = county_copy(id="county_group", name="Kevään ryhmä", start_dates=[dt.date(2027, 3, 1), START])
    session.store.placements.import_all([group], "county.csv")
    session.decide(placement_id="county_group", **dict(AGREED, start=dt.date(2027, 1, 18)))
    assert issues(session)["plan.start_not_offered"] == (
        "Kevään ryhmä ottaa uusia aloittajia vain näinä päivinä: 11.1.2027, 1.3.2027. "
        "Valitkaa aloituspäiväksi jokin niistä (nyt 18.1.2027).")
    session.decide(start=START)
    assert "plan.start_not_offered" not in issues(session)
    assert session.agree().agreed is not None


def csv_of(**changes: str) -> str:
    header, rows = template()
    out = io.StringIO()
    csv.writer(out).writerows([header, [dict(rows[0], **changes)[c] for c in header]])
    return out.getvalue()


def test_a_county_list_gives_start_dates_and_ages_in_finnish_or_iso():
    found = parse_csv(csv_of(start_dates="1.3.2027; 2027-01-11", min_age="18", max_age="29"), "county.csv")
    [(_, placement)] = found.placements
    assert placement.start_dates == [dt.date(2027, 3, 1), START]
    assert placement.ages == AgeGroup(min=18, max=29)
    assert parse_csv(csv_of(), "county.csv").placements[0][1].ages is None   # left empty: any age


def test_bad_start_dates_and_ages_in_a_county_list_are_named():
    found = parse_csv(csv_of(start_dates="huomenna", min_age="40", max_age="29"), "county.csv")
    assert found.report() == [
        "county.csv:2: start_dates: item 1 'huomenna': should be a date such as 11.1.2027 or 2027-01-11",
        "county.csv:2: min_age: '40': the youngest age 40 is above the oldest 29",
    ]
