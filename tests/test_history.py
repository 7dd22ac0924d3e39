"""The client's history (189/2001 8 § 2–3): earlier periods of rehabilitative work activity and the services
already tried. The plan shows the months used, never as a limit, and marks a suggestion already tried."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from intake.export.plan_json import build_export
from intake.flows.display import Texts
from intake.flows.loader import ContentError, load_content
from intake.screens.plan import earlier_ktt_line, suggestion_lines
from intake.session import IntakeSession
from intake.store import Store
from tests import test_plan
from tests.conftest import REAL_CONTENT
from tests.test_content import CONTENT
from tests.test_plan import answer_all

AGREEABLE = dict(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2027, 1, 11), months=3,
                 days_per_week=3, hours_per_day=4, plan_type="multi_sector_employment_plan")


# Seed 000 names no services in use that would rule the suggestion out; test_plan leaves services_in_use to
# the random answers, which give him Kela rehabilitation in use (and so no Kela suggestion at all).
SEED_000 = {"services_in_use": []}


def start(tmp_path: Path, **history) -> IntakeSession:
    """Asiakas X's interview, with his history replaced by `history` where given."""
    answers = {**test_plan.ASIAKAS_X, **SEED_000, **history}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(test_plan, "ASIAKAS_X", answers)
        session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-1", "Liisa Ohjaaja")
        answer_all(session)
    return session


def suggestions(session: IntakeSession) -> dict:
    return {s.id: s for s in session.plan().suggested_services}


def test_asiakas_x_gets_kela_vocational_rehabilitation_marked_as_already_tried(tmp_path):
    session = start(tmp_path)
    found = suggestions(session)
    # Kept in the list for the counsellor to discuss, but not proposed afresh: he tried it without result.
    assert found["kela_vocational_rehabilitation"].already_tried is True
    assert found["physiotherapy"].already_tried is False
    shown = suggestion_lines(Texts(CONTENT, "fi"), found["kela_vocational_rehabilitation"])
    assert shown.splitlines()[:2] == ["• Kelan ammatillinen kuntoutus",
                                      "   ↺ " + Texts(CONTENT, "fi")("plan.already_tried")]
    assert "Jo kokeiltu" in shown
    assert "Jo kokeiltu" not in suggestion_lines(Texts(CONTENT, "fi"), found["physiotherapy"])
    summary = [line for s in CONTENT.sections for line in Texts(CONTENT, "fi").summary(session.interview, s)]
    assert "Olet jo kokeillut näitä: Kelan ammatillinen kuntoutus, Työeläkelaitoksen ammatillinen kuntoutus." in summary
    session.close()


def test_a_client_who_tried_nothing_gets_it_proposed_as_before(tmp_path):
    session = start(tmp_path, services_tried=[])
    found = suggestions(session)
    assert found["kela_vocational_rehabilitation"].already_tried is False
    assert "Jo kokeiltu" not in suggestion_lines(Texts(CONTENT, "fi"), found["kela_vocational_rehabilitation"])
    session.close()


def test_asiakas_x_has_no_earlier_periods(tmp_path):
    session = start(tmp_path)
    plan = session.plan()
    assert plan.earlier_ktt_months == 0
    assert earlier_ktt_line(Texts(CONTENT, "fi"), plan) == "Ei aiempia kuntouttavan työtoiminnan jaksoja."
    session.close()


def test_the_plan_shows_the_months_already_used_without_blocking_on_the_total(tmp_path):
    # 30 months in earlier periods: more than 24 in total, but the limit is 3–24 months per period.
    session = start(tmp_path, earlier_ktt=True, earlier_ktt_months=30, earlier_ktt_ended="2025-06-30")
    session.decide(**AGREEABLE)
    plan = session.agree(at=dt.datetime(2027, 1, 5, 10, tzinfo=dt.timezone.utc))
    assert plan.earlier_ktt_months == 30
    assert plan.issues == [] and plan.agreed is not None
    assert earlier_ktt_line(Texts(CONTENT, "fi"), plan) == "Aiemmin kuntouttavassa työtoiminnassa yhteensä 30 kk."
    assert earlier_ktt_line(Texts(CONTENT, "en"), plan) == (
        "Earlier in rehabilitative work activity for 30 months in total.")
    exported = build_export(CONTENT, session.record).model_dump(mode="json")["plan"]
    assert exported["earlier_ktt_months"] == 30
    assert {s["id"]: s["already_tried"] for s in exported["suggested_services"]}[
        "kela_vocational_rehabilitation"] is True
    session.close()


def test_unasked_history_shows_no_months_line(tmp_path):
    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-2", "Liisa Ohjaaja")
    plan = session.plan()
    assert plan.earlier_ktt_months is None and earlier_ktt_line(Texts(CONTENT, "fi"), plan) is None
    session.close()


def test_tried_as_must_name_a_choice_of_services_tried(tmp_path):
    copy = shutil.copytree(REAL_CONTENT, tmp_path / "content")
    path = copy / "suggestions.yaml"
    path.write_text(path.read_text().replace("tried_as: job_coaching", "tried_as: job_coachin"))
    with pytest.raises(ContentError) as raised:
        load_content(copy)
    assert "'job_coachin' is not a choice of the question 'services_tried'" in str(raised.value)
