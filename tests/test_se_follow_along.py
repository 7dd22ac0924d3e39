"""Supported employment after the intake (issue 14): stage 5, the support during employment held as often as
needed (se_follow_along), and benefits counselling (se_benefits), which shows the intake's benefit answer
instead of asking it again."""

from __future__ import annotations

import pytest

from intake.flows.display import Texts
from intake.session import IntakeSession
from intake.store import Store
from tests.test_content import CONTENT
from tests.test_exports import CONSENTING, answer_as
from tests.test_follow_up import hold

SE = "supported_employment"


@pytest.fixture
def session(tmp_path):
    """A client whose intake chose supported employment (the reviews need no agreed plan to be held)."""
    s = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-2", "Liisa Ohjaaja")
    answer_as(s, {**CONSENTING, "service_type": SE, "benefit": ["unemployment_allowance", "social_assistance"]})
    yield s
    s.close()


def asked(review) -> list[str]:
    return [step.question.id for step, _ in review.interview.transcript() if step.question is not None]


def summary(review, plain: bool = False) -> list[str]:
    return Texts(review.content, "fi", plain).summary(review.interview, review.content.sections[0])


def test_the_forms_are_held_for_supported_employment_only():
    assert {"se_follow_along", "se_benefits"} <= set(CONTENT.reviews_for(SE))
    assert not {"se_follow_along", "se_benefits"} & set(CONTENT.reviews_for("rehabilitative_work_activity"))
    assert CONTENT.reviews["se_follow_along"].stage == 5 and CONTENT.reviews["se_benefits"].stage is None
    assert list(CONTENT.reviews)[-2:] == ["se_follow_along", "se_benefits"]


def test_support_visits_are_held_again_and_again_while_the_job_goes_on(session):
    hold(session.open_review("se_follow_along"), {"held_on": "2026-03-02", "visit_kind": "support_plan",
                                                  "employment_status": "continuing", "coaching_status": "continuing"})
    visit = session.open_review("se_follow_along")
    hold(visit, {"held_on": "2026-03-16", "visit_kind": "workplace_visit", "how_going": "Hyvin, vuorot sopivat.",
                 "employment_status": "changed_tasks", "coaching_status": "continuing"})
    assert [r.id for r in session.follow_up.reviews] == ["se_follow_along-1", "se_follow_along-2"]
    assert visit.interview.is_complete
    assert not {"employment_ended_on", "end_reason", "after_coaching"} & set(asked(visit))
    lines = summary(visit)
    assert lines[0] == "16.3.2026: tapasimme työpaikallasi."
    assert "Kerroit, miten työ sujuu: ”Hyvin, vuorot sopivat.”" in lines
    assert "Työsuhteesi jatkuu muuttunein tehtävin tai työajoin." in lines


def test_the_end_of_the_employment_and_of_the_coaching_ask_what_follows(session, tmp_path):
    review = session.open_review("se_follow_along")
    hold(review, {"held_on": "2026-06-01", "visit_kind": "phone_call", "employment_status": "ended",
                  "employment_ended_on": "2026-05-29", "end_reason": "new_job", "coaching_status": "ended",
                  "after_coaching": "Työpaikan yhteyshenkilö; paluu valmennukseen puhelinsoitolla."})
    assert {"employment_ended_on", "end_reason", "after_coaching"} <= set(asked(review))
    assert "Työsuhde päättyi 29.5.2026: siirryit uuteen työhön." in summary(review)
    assert "Valmennus loppuu." in summary(review, plain=True)
    saved = Store(tmp_path / "store").get(session.record.id).follow_up.reviews[0].state.answers
    assert (saved["end_reason"].value, saved["coaching_status"].value) == ("new_job", "ended")


def test_benefits_counselling_shows_the_intakes_benefits_without_asking_them(session):
    review = session.open_review("se_benefits")
    hold(review, {"held_on": "2026-04-07", "concerns": ["housing_allowance", "income_variation"],
                  "earnings_effect": "Päiväraha soviteltuna osa-aikatyön ajalta.", "referral_needed": True,
                  "referred_to": "kela", "referred_on": "2026-04-08"})
    assert review.interview.is_complete
    assert "benefit" not in asked(review)
    lines = summary(review)
    assert lines[0] == ("Alkuhaastattelussa kirjatut tukesi ja tulosi: Työttömyyspäiväraha (perus- tai "
                        "ansiopäiväraha), Toimeentulotuki.")
    assert "Sinua mietityttää: asumistuen muuttuminen, vaihtelevat tulot ja niiden ilmoittaminen." in lines
    assert "Sinut ohjattiin 8.4.2026: Kela." in lines


def test_no_referral_asks_nothing_more_and_no_concern_is_not_said(session):
    review = session.open_review("se_benefits")
    hold(review, {"held_on": "2026-04-07", "concerns": ["none"], "referral_needed": False})
    assert not {"referred_to", "referred_on"} & set(asked(review))
    assert not any(line.startswith(("Sinua mietityttää", "Sinut ohjattiin")) for line in summary(review))
