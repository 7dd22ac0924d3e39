"""Exports for three readers: the counsellor's full record, the client's own plan and the placement's brief."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from intake.cli import main
from intake.export.agreed import ExportRefused
from intake.export.readers import render
from intake.flows.engine import Interview
from intake.flows.loader import ContentError, load_content
from intake.session import IntakeSession
from intake.store import Store
from tests.conftest import REAL_CONTENT
from tests.test_content import CONTENT
from tests.test_plan import SCHEMA, value_for

TODAY = dt.date(2027, 1, 1)
PLACEMENT = "espoo_kivenlahti_digital_guidance"
# Asiakas X shares with the placement, but none of the sensitive kinds, and one of two goals.
CONSENTING = {
    "consent_record": "minimum_only",
    "consent_share": ["placement"],
    "consent_placement": [],
    "name_for_placement": "Jari",
    "contact_person": "Liisa Omatyöntekijä, sosiaaliohjaaja",
    "contact_phone": "040 123 4567",
    "benefit": ["social_assistance"],
    "restrictions_notes": "Välilevyn pullistuma 2019, kipulääkitys",
    "substance_use_notes": "Alkoholia viikonloppuisin",
    "transport": ["public_transport"],
    "support_needs": ["written_task_list", "extra_breaks"],
    "substance_use": 3,
}
GOAL_FIELDS = ("goal", "actions", "for_placement")
GOALS = [("Oppia opastamaan ikäihmisiä digilaitteissa.", "Perehdytys ensimmäisellä viikolla.", True),
         ("Vähentää alkoholin käyttöä.", "A-klinikan käynnit.", False)]


def answer_as(session: IntakeSession, answers: dict[str, Any], goals=GOALS) -> None:
    """The real interview, answered as Asiakas X with `answers` by question id (or key) on top."""
    rng = random.Random(0)
    interview = session.interview
    while (step := interview.current()) is not None:
        q = step.question
        if step.is_add_another and step.group.id == "goals":
            value = step.entry < len(goals)
        elif q is not None and step.group is not None and step.group.id == "goals" and q.id in GOAL_FIELDS:
            value = goals[step.entry][GOAL_FIELDS.index(q.id)]
        elif q is not None and q.id == "due":
            assert session.skip() is None
            continue
        elif q is not None and (step.key in answers or q.id in answers):
            value = answers.get(step.key, answers.get(q.id))
        else:
            value = value_for(step, rng)
        assert session.answer(value) is None, step.key


def agree(session: IntakeSession, start: dt.date = dt.date(2027, 1, 11), months: int = 6) -> None:
    session.decide(placement_id=PLACEMENT, start=start, months=months, days_per_week=3,
                   hours_per_day=4, plan_type="activation_plan")
    assert session.agree().agreed is not None


def agreed_session(tmp_path: Path, answers: dict[str, Any] = CONSENTING, *,
                   period: tuple[dt.date, int] = (dt.date(2027, 1, 11), 6), **start: Any) -> IntakeSession:
    """Asiakas X's intake answered and agreed for a period from `period` = (first day, months)."""
    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-1", "Liisa Ohjaaja", **start)
    answer_as(session, answers)
    agree(session, *period)
    return session


@pytest.fixture
def session(tmp_path):
    s = agreed_session(tmp_path)
    yield s
    s.close()


def change(session: IntakeSession, key: str, value: Any) -> None:
    """Change one earlier answer, as the client does with F5, go on to the end again and agree the plan again
    (a change of an answer asks for a new agreement)."""
    session.jump(key)
    assert session.answer(value) is None
    while (step := session.interview.current()) is not None:
        earlier = session.interview.answer_for(step.key)
        assert session.answer(True if step.is_confirm else earlier.value) is None, step.key
    assert session.agree().agreed is not None


# --- consent first -------------------------------------------------------------------------------------

def test_consent_is_asked_before_any_personal_data():
    steps = [s.key for s in Interview(CONTENT).steps()]
    assert steps[:2] == ["consent_record", "consent_share"]


def test_consent_to_the_placement_follows_the_current_answer(session):
    brief = render(CONTENT, session.record, "placement", "md")
    assert "Alkoholia viikonloppuisin" not in brief and "Välilevyn" not in brief
    change(session, "consent_placement", ["health"])
    brief = render(CONTENT, session.record, "placement", "md")
    assert "Välilevyn pullistuma 2019" in brief  # the client now agrees to share health information
    assert "Alkoholia viikonloppuisin" not in brief
    change(session, "consent_share", [])
    with pytest.raises(ExportRefused, match="ei ole antanut lupaa näyttää suunnitelmaa työtoimintapaikalle"):
        render(CONTENT, session.record, "placement", "md")


# --- the counsellor ---------------------------------------------------------------------------------------

def test_counsellor_export_is_the_full_record_against_the_schema(session):
    exported = json.loads(render(CONTENT, session.record))
    jsonschema.validate(exported, SCHEMA)
    assert exported["format_version"] == 1
    answers = {a["key"]: a["value"] for s in exported["sections"] for a in s["answers"]}
    assert answers["substance_use_notes"] == "Alkoholia viikonloppuisin"
    with pytest.raises(ExportRefused, match="json"):
        render(CONTENT, session.record, "counsellor", "html")


# --- the client ------------------------------------------------------------------------------------------

def test_client_plan_holds_what_the_client_needs_and_no_counsellor_notes(session):
    plan = render(CONTENT, session.record, "client", "md", today=TODAY)
    for expected in ("Oppia opastamaan ikäihmisiä digilaitteissa", "Perehdytys ensimmäisellä viikolla",
                     "Vähentää alkoholin käyttöä",  # the client's own plan holds every goal
                     "Digiopastus ikäihmisille, Korttelikoti Kastanja", "Leena Virtanen, 040 1234567",
                     "Kulkeminen paikkaan: Julkisilla kulkuneuvoilla", "3 päivää viikossa, 4 tuntia päivässä",
                     "Jakso 11.1.2027 – 10.7.2027", "9,00 €", "Toimintaraha arviolta", "Hyvinvointialue maksaa sen.",
                     "11.4.2027", "Liisa Omatyöntekijä, sosiaaliohjaaja, puh. 040 123 4567",
                     "oikeus nähdä", "korjaamaan", "ketkä ovat käsitelleet"):
        assert expected in plan, expected
    for notes in ("Välilevyn", "Alkoholia viikonloppuisin", CONTENT.question_index["reason"].guidance.fi[:30]):
        assert notes not in plan


def test_client_plan_is_in_the_session_language_and_plain_language(tmp_path):
    english = agreed_session(tmp_path / "en", language="en")
    plain = agreed_session(tmp_path / "plain", plain=True)
    try:
        en = render(CONTENT, english.record, "client", "md", today=TODAY)
        assert "# My plan – X-1" in en and "Your rights" in en and "Period 11 January 2027 to 10 July 2027" in en
        selko = render(CONTENT, plain.record, "client", "md", today=TODAY)
        assert "Sinun oikeutesi" in selko and "Saat nähdä, mitä sinusta on kirjoitettu." in selko
    finally:
        english.close()
        plain.close()


def test_client_plan_waits_for_the_agreement(tmp_path):
    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-1", "Liisa Ohjaaja")
    answer_as(session, CONSENTING)
    with pytest.raises(ExportRefused, match="ei ole vielä hyväksytty"):
        render(CONTENT, session.record, "client", "html")
    session.close()


def test_the_clients_words_are_shown_as_written_never_run(tmp_path):
    goals = [("<script>alert(1)</script> **lihavoitu** [linkki](http://x)", "1. askel", True)]
    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-1", "Liisa Ohjaaja")
    answer_as(session, CONSENTING, goals=goals)
    agree(session)
    page = render(CONTENT, session.record, "client", "html", today=TODAY)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = render(CONTENT, session.record, "client", "md", today=TODAY)
    assert r"\<script\>" in text and r"\*\*lihavoitu\*\*" in text and r"\[linkki\]" in text
    session.close()


# --- the placement ----------------------------------------------------------------------------------------

def test_placement_brief_holds_only_what_the_host_needs(session):
    brief = render(CONTENT, session.record, "placement", "md")
    for expected in ("Uusi tulija" if session.record.plain else "osallistuja: Jari",
                     "3 päivää viikossa, 4 tuntia päivässä", "Jakso 11.1.2027 – 10.7.2027",
                     "Liisa Omatyöntekijä, sosiaaliohjaaja, puh. 040 123 4567",
                     "Oppia opastamaan ikäihmisiä digilaitteissa", "Perehdytys ensimmäisellä viikolla",
                     "Tehtävissä ei nosteta mitään.", "Ohjeet ja tehtävät kirjallisina listana.",
                     "Lyhyt tauko noin tunnin välein.", "Ohjaus kielellä: Suomi."):
        assert expected in brief, expected
    for private in ("X-1", "Vähentää alkoholin", "A-klinikan", "Välilevyn", "Toimeentulotuki", "9,00 €",
                    "Ei nostamista"):  # the restriction is said as practice, not as the client's answer
        assert private not in brief, private
    assert ("Ei mukana, koska asiakas ei ole antanut lupaa antaa niitä työtoimintapaikalle: terveys, päihteet ja "
            "rahapelit, raha-asiat ja velat, etuudet ja toimeentulo, arvioinnin pisteet ja muistiinpanot.") in brief


def test_every_restriction_and_support_need_has_a_practice_text():
    for question in ("restrictions", "support_needs"):
        for choice in CONTENT.question_index[question].choices:
            assert f"practice.{choice.value}" in CONTENT.texts, choice.value


def test_placement_brief_is_refused_without_consent_to_share_with_it(tmp_path):
    session = agreed_session(tmp_path, {**CONSENTING, "consent_share": ["kela"]})
    with pytest.raises(ExportRefused, match="ei ole antanut lupaa näyttää suunnitelmaa työtoimintapaikalle"):
        render(CONTENT, session.record, "placement", "html")
    session.close()


# --- the command line and the access log -------------------------------------------------------------------

def test_cli_exports_for_each_reader_and_logs_the_reader(session, tmp_path, capsys):
    store = ["--store", str(tmp_path / "store")]
    sid = session.record.id
    session.close()
    out = tmp_path / "plan.html"
    assert main([*store, "export", sid, "--for", "client", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and oct(out.stat().st_mode)[-3:] == "600"
    assert main([*store, "export", sid, "--for", "placement", "--format", "md"]) == 0
    assert "Näin tuette työssä" in capsys.readouterr().out
    assert main([*store, "export", sid, "--for", "placement", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "intake-placement-brief"
    assert main([*store, "export", sid]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "intake-plan"
    actions = [e["action"] for e in Store(tmp_path / "store").access_log(sid) if e["action"].startswith("export")]
    assert actions == ["export-client", "export-placement", "export-placement", "export"]
    assert main([*store, "export", sid, "--for", "counsellor", "--format", "md"]) == 2


# --- the sensitive flag in content ------------------------------------------------------------------------

def _without_line(tmp_path: Path, file: str, after: str, line: str) -> Path:
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, target)
    path = target / file
    text = path.read_text(encoding="utf-8")
    assert after + line in text
    path.write_text(text.replace(after + line, after, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize("question, file, message", [
    ("finances_notes", "sections/assessment.yaml", "asked because of the sensitive answer 'finances'"),
    ("housing", "sections/assessment.yaml", "rates on the scale 'difficulty_0_4'"),
    ("restrictions", "sections/strengths.yaml", "asked because of the sensitive answer 'has_restrictions'"),
])
def test_check_content_refuses_a_sensitive_question_without_the_flag(tmp_path, question, file, message):
    flags = {"finances_notes": "[finances, assessment]", "housing": "[assessment]", "restrictions": "[health]"}
    content = _without_line(tmp_path, file, f"    - id: {question}\n", f"      sensitive: {flags[question]}\n")
    with pytest.raises(ContentError, match=message):
        load_content(content)


# --- the app --------------------------------------------------------------------------------------------

async def export_in_app(session: IntakeSession, export_dir: Path, reader: str, fmt: str) -> tuple[list[str], list[Path]]:
    """Export from the summary's export key: the readers the app offered, and the files in `export_dir`."""
    from intake.screens.app import IntakeApp
    from intake.screens.choice_dialog import ChoiceDialog
    from intake.screens.summary import SummaryScreen

    app = IntakeApp(store=session.store, content=CONTENT, export_dir=export_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(SummaryScreen(session.texts, session))
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        offered = [button.name for button in app.screen.query(".choice")]
        assert await pilot.click(f"#choice-{reader}")
        await pilot.pause()
        assert await pilot.click(f"#choice-{fmt}")
        await app.workers.wait_for_complete()
        await pilot.pause()
    return offered, list(export_dir.glob("*"))


async def test_the_export_key_asks_for_the_reader_and_the_format(session, tmp_path):
    offered, files = await export_in_app(session, tmp_path / "exports", "placement", "md")
    assert offered == ["counsellor", "client", "placement"]  # the employer only in supported employment
    assert [f.suffix for f in files] == [".md"] and "placement" in files[0].name
    assert "Näin tuette työssä" in files[0].read_text(encoding="utf-8")
    assert oct(files[0].stat().st_mode)[-3:] == "600"
    assert [e["action"] for e in session.store.access_log(session.record.id)][-1] == "export-placement"
