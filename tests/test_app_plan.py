"""The steps after the questions, on the real content: section summaries confirmed, the matching
step, the plan, and the export of the agreed plan. The interview part is answered through the
session directly, to keep the tests fast; the app then opens the saved session."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from textual.widgets import Input, OptionList, Select, Static

from intake.flows.loader import load_content
from intake.flows.model import (
    Content,
    DateQuestion,
    LongText,
    MultiChoice,
    NumberQuestion,
    ScaleQuestion,
    ShortText,
    SingleChoice,
)
from intake.flows.text import LANGUAGES
from intake.screens.app import IntakeApp
from intake.screens.dialogs import MessageDialog
from intake.screens.interview import InterviewScreen
from intake.screens.matching import CompareScreen, MatchingScreen, VisitScreen, WhyNotScreen
from intake.screens.plan import PlanScreen
from intake.screens.session_list import SessionList
from intake.screens.start import StartScreen
from intake.screens.summary import SummaryScreen
from intake.screens.transcript import TranscriptAnswer
from intake.session import IntakeSession
from intake.store import Store

from .conftest import REAL_CONTENT

REPO = Path(__file__).resolve().parent.parent
SIZE = (120, 40)

# A client much like "Asiakas X" of seed 000: likes people and computers, cannot lift, lives in
# Espoo and goes by bus, 3 days a week, 4 hours a day.
CHOICES: dict[str, Any] = {
    "referral": "employment_services",
    "benefit": ["labour_market_subsidy"],
    "consent_record": "all_needed",
    "orientation": "forward",
    "pref_setting": "indoors",
    "pref_social": "either",
    "home_municipality": "espoo",
    "service_type": "rehabilitative_work_activity",
    "skills": ["computers_basic", "digital_guidance", "customer_service"],
    "pref_works_with": ["people", "information"],
    "restrictions": ["no_lifting"],
    "wish_times": ["daytime"],
    "transport": ["public_transport"],
    "languages": ["fi"],
    "services_in_use": ["health_centre"],
    "consent_share": ["placement"],
    "support_needs": [],
    "months_unemployed": 30,
    "years": 12,
    "wish_days_per_week": 3,
    "wish_hours_per_day": 4,
    "max_journey_minutes": 60,
    "contact_phone": "040 123 4567",
    "contact_person": "Liisa Omatyöntekijä",
    "helper": "Liisa Omatyöntekijä",
    "goal": "Oppia opastamaan ikäihmisiä digilaitteissa.",
    "job_ended": "2023-05-31",
    "due": "2027-03-31",
    "preferred_start": "2026-10-01",
}
INTEREST_LIKES = {"s": 5, "c": 4, "i": 3}  # the social area strongest, then conventional


# A visit is agreed for a day to come (a day that has passed is refused).
VISIT = dt.date.today() + dt.timedelta(days=30)
VISIT_TYPED = f"{VISIT.day}.{VISIT.month}.{VISIT.year}"


def valid_value(step, content: Content) -> Any:
    """A valid answer for any step of the real interview."""
    if step.is_confirm:
        return True
    if step.is_add_another:
        return False
    q = step.question
    if q.id in CHOICES:
        return CHOICES[q.id]
    if isinstance(q, ScaleQuestion):
        if q.scale == "like_1_5":
            return INTEREST_LIKES.get(q.id.removeprefix("interest_")[0], 2)
        if q.scale == "difficulty_0_4":
            if q.id == "mental_health":  # the views differ by two: for discussion
                return 1 if step.view == "client" else 3
            return 1
        return max(p.value for p in content.scales[q.scale].points) - 1
    if isinstance(q, SingleChoice):
        return q.choices[0].value
    if isinstance(q, MultiChoice):
        return [q.choices[0].value]
    if isinstance(q, NumberQuestion):
        return int(q.min or 0) + 1
    if isinstance(q, DateQuestion):
        return (q.min or dt.date(2024, 1, 15)).isoformat()
    if isinstance(q, (ShortText, LongText)):
        return "Vastaus, jonka asiakas kertoi omin sanoin."
    return True  # yes/no


def answer_interview(session: IntakeSession, stop=lambda step: False) -> None:
    """Answer with valid values until the interview is complete or `stop(step)` says so."""
    interview = session.interview
    for _ in range(500):
        step = interview.current()
        if step is None or stop(step):
            return
        error = session.answer(valid_value(step, session.content))
        assert error is None, (step.key, error)
    raise AssertionError("the interview did not end")


@cache
def real_content() -> Content:
    return load_content(REAL_CONTENT)


def saved_session(store_path: Path, stop=lambda step: False, **decisions: Any) -> str:
    """A session on the real content, answered through the session and saved; returns its id."""
    store = Store(store_path)
    session = IntakeSession.start(store, real_content(), "X-1", "Liisa Ohjaaja")
    try:
        answer_interview(session, stop)
        if decisions:
            session.decide(**decisions)
        return session.record.id
    finally:
        session.close()
        store.close()


def new_app(store_path: Path, tmp_path: Path) -> IntakeApp:
    return IntakeApp(store=Store(store_path), content=real_content(), export_dir=tmp_path / "exports")


async def open_first_session(pilot) -> None:
    await pilot.pause()
    assert isinstance(pilot.app.screen, StartScreen)
    assert pilot.app.screen.query_one(SessionList).row_count >= 1
    assert await pilot.click("#sessions", offset=(4, 1))
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


# --- the matching step and the plan -------------------------------------------------------------


async def test_matching_compare_why_not_visit_choose_plan_agree_export(store_path, tmp_path):
    content = real_content()
    session_id = saved_session(store_path)
    company = next(p for p in content.placements if p.host_type == "company")
    app = new_app(store_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        screen = app.screen
        assert isinstance(screen, MatchingScreen)     # a complete interview opens the matching step
        proposals = screen.proposals
        assert len(proposals) >= 2
        assert all(p.placement.host_type != "company" for p in proposals)   # rehabilitative work activity
        assert not {p.placement.id for p in proposals} & {job.id for job in content.employers}
        ids = [p.placement.id for p in proposals]
        assert "espoo_kivenlahti_digital_guidance" in ids[:3]   # the Asiakas X placement, near the top
        # The first one's details: name, reasons in words, tasks, contact.
        detail = text_of(screen, "#detail")
        first = proposals[0]
        assert first.placement.name in detail
        assert screen.t.reason(first.reasons[0]) in detail
        assert first.placement.contact.name in detail
        assert "[" not in detail                        # every text key found
        # Moving down opens the second one.
        await pilot.press("down")
        await pilot.pause()
        assert proposals[1].placement.name in text_of(screen, "#detail")

        # Compare two side by side: mark one (F6), move, F6 again.
        await pilot.press("up", "f6")
        await pilot.pause()
        assert proposals[0].placement.name in text_of(screen, "#matching-status")
        await pilot.press("down", "f6")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert proposals[0].placement.name in text_of(compare, "#compare-0")
        assert proposals[1].placement.name in text_of(compare, "#compare-1")
        assert await pilot.click("#dialog-close")
        await pilot.pause()
        assert app.screen is screen

        # Why is the company not on the list? Typed by name, with suggestions.
        assert await pilot.click("#why-not")
        await pilot.pause()
        why = app.screen
        assert isinstance(why, WhyNotScreen)
        await pilot.press(*company.name[:12].lower())
        await pilot.pause()
        names = why.query_one("#why-names", OptionList)
        assert names.option_count >= 1 and names.get_option_at_index(0).id == company.id
        await pilot.press("right", "enter")            # take the suggestion, then ask
        await pilot.pause()
        answer = text_of(why, "#why-answer")
        assert "Yritys ei voi järjestää tätä palvelua: sen säännöt eivät salli yrityksiä." in answer
        assert company.name in answer
        # One on the list says so.
        await pilot.press("ctrl+u", *proposals[1].placement.name, "enter")
        await pilot.pause()
        assert "sijalla 2" in text_of(why, "#why-answer")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        # A visit agreed with a date (on the second one, highlighted).
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        await pilot.press(*"31.2.2026", "enter")          # no such day: said so, text kept
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        assert app.screen.query_one("#visit-date", Input).value == "31.2.2026"
        await pilot.press("ctrl+u", *VISIT_TYPED, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        visited = proposals[1].placement.id
        assert screen.session.interview.state.decisions.visits == {visited: VISIT}
        assert f"Tutustumiskäynti {VISIT_TYPED}" in str(screen.query_one("#proposals", OptionList)
                                                   .get_option(visited).prompt)

        # None yet: back to the start screen; opening the session again returns here.
        assert await pilot.click("#none-yet")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await open_first_session(pilot)
        screen = app.screen
        assert isinstance(screen, MatchingScreen)
        assert screen.session.interview.state.decisions.visits == {visited: VISIT}

        # Choose the one visited: on to the plan, with the schedule it offers.
        await pilot.press("down", "f9")
        await pilot.pause()
        plan_screen = app.screen
        assert isinstance(plan_screen, PlanScreen)
        def decided():
            return plan_screen.session.interview.state.decisions

        decisions = decided()
        assert decisions.placement_id == visited
        assert (decisions.days_per_week, decisions.hours_per_day) == (proposals[1].days_per_week,
                                                                       proposals[1].hours_per_day)
        issues = text_of(plan_screen, "#plan-issues")
        assert "Jakson alkamispäivä puuttuu." in issues

        # The schedule and period: 5 days a week is more than the law allows.
        # The start offered is the preferred start from the interview; it is decided once saved.
        assert plan_screen.query_one("#plan-start", Input).value == "1.10.2026"
        assert decided().start is None
        assert await pilot.click("#plan-months")
        await pilot.press(*"6", "tab", "end", "ctrl+u", *"5", "tab", "end", "ctrl+u", *"4", "enter")
        await pilot.pause()
        issues = text_of(plan_screen, "#plan-issues")
        assert ("5 päivää viikossa on enemmän kuin laki sallii: enintään 4 päivää kalenteriviikossa (laki "
                "kuntouttavasta työtoiminnasta 189/2001, 13 §, muutettu 142/2015)") in issues  # act and section
        assert plan_screen.query_one("#plan-issues").has_class("has-issues")
        # Agreeing is refused, with the issues.
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        assert "5 päivää viikossa" in text_of(app.screen, "#dialog-message")
        await pilot.press("escape")
        await pilot.pause()
        assert decided().agreed is None

        # Fix it, and choose the plan type in force.
        assert await pilot.click("#plan-days")
        await pilot.press("end", "ctrl+u", "3", "enter")
        await pilot.pause()
        issues = text_of(plan_screen, "#plan-issues")
        assert "5 päivää" not in issues and "Suunnitelman tyyppi puuttuu." in issues
        select = plan_screen.query_one("#plan-type", Select)
        # From 2026 a client on labour market subsidy comes through the multi-sector employment plan only.
        assert [value for _, value in plan_screen.plan_type_options()] == ["multi_sector_employment_plan"]
        assert await pilot.click("#plan-type SelectCurrent", offset=(2, 1))
        await pilot.pause()
        await pilot.press("down", "down", "enter")      # past the blank prompt: the first type
        await pilot.pause()
        assert select.value == decided().plan_type == "multi_sector_employment_plan"
        assert not plan_screen.query_one("#plan-issues").has_class("has-issues"), text_of(plan_screen, "#plan-issues")
        body = " ".join(str(w.content) for w in plan_screen.query("#plan-sections Static"))
        assert "1.10.2026 – 31.3.2027" in body                  # six months
        assert "Liisa Omatyöntekijä" in body
        assert "Oppia opastamaan ikäihmisiä digilaitteissa." in body
        assert f"Tutustumiskäynti {VISIT_TYPED}" in body
        # He is on labour market subsidy: kulukorvaus, paid with it (was wrongly "Toimintaraha").
        assert "Kulukorvaus arviolta 9,00 € päivässä" in body and "Kela tai työttömyyskassa maksaa sen" in body
        discuss = plan_screen.query(".discuss")
        assert len(discuss) == 1 and "Mieliala" in str(discuss.first().content)
        assert "[" not in body

        # Agree (F9; the button is below the reason field now): the date and who agreed.
        await pilot.press("f9")
        await pilot.pause()
        agreed = decided().agreed
        assert agreed is not None
        assert agreed.counsellor == "Liisa Ohjaaja" and agreed.client == "X-1"
        assert "Hyväksytty" in text_of(plan_screen, "#plan-agreed")

        # On to the answers and the export.
        await pilot.press("f5")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert await pilot.click("#choice-counsellor")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The summary leads back to the plan, where they left off.
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)

    files = list((tmp_path / "exports").glob("*.json"))
    assert len(files) == 1
    exported = json.loads(files[0].read_text(encoding="utf-8"))
    schema = json.loads((REPO / "schemas" / "export.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(exported, schema)
    plan = exported["plan"]
    assert plan["agreed"]["counsellor"] == "Liisa Ohjaaja"
    assert plan["placement"]["id"] == visited
    assert (plan["days_per_week"], plan["start"], plan["end"]) == (3, "2026-10-01", "2027-03-31")
    assert plan["issues"] == []
    assert exported["session"]["id"] == session_id


async def test_resuming_after_a_choice_opens_the_plan_and_typed_values_are_kept(store_path, tmp_path):
    saved_session(store_path, placement_id="espoo_kivenlahti_digital_guidance")
    app = new_app(store_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        assert "Digiopastus ikäihmisille" in " ".join(str(w.content) for w in screen.query("#plan-sections Static"))
        # Typed but not saved with Enter: Esc keeps what reads right.
        assert await pilot.click("#plan-months")
        await pilot.press(*"12", "escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
    record = Store(store_path).list()[0]
    assert Store(store_path).get(record.id).state.decisions.months == 12


@pytest.mark.parametrize("language", LANGUAGES)
async def test_matching_and_plan_speak_every_language(store_path, tmp_path, language):
    store = Store(store_path)
    session = IntakeSession.start(store, real_content(), "X-2", "Liisa Ohjaaja", language=language)
    answer_interview(session)
    session.close()
    store.close()
    app = new_app(store_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        screen = app.screen
        assert isinstance(screen, MatchingScreen)
        shown = text_of(screen, "#detail") + text_of(screen, "#matching-hint")
        assert "[" not in shown, shown
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        shown = " ".join([str(w.content) for w in app.screen.query("Static")]
                         + [str(b.label) for b in app.screen.query("Button")])
        assert "[" not in shown, shown


# --- section summaries ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
async def test_section_summary_to_confirm_is_on_screen_on_a_small_terminal(store_path, tmp_path, size):
    """The summary is longer than the room above the question here: it is shown from its heading
    on, not scrolled past to its end (the client is asked to confirm what it says)."""
    saved_session(store_path, stop=lambda step: step.is_confirm)
    app = new_app(store_path, tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_first_session(pilot)
        await pilot.pause()
        screen = app.screen
        assert screen.step.is_confirm
        shown = screen.query_one("#transcript").region
        heading, said = screen.query_one(".transcript-assistant-title").region, screen.query_one("#said-back").region
        assert shown.contains_region(heading), (heading, shown)
        assert shown.contains(said.x, said.y), (said, shown)
        # as much of it as there is room for below its heading
        assert said.intersection(shown).height == min(said.height, shown.bottom - said.y)


async def test_section_summary_is_said_back_corrected_and_confirmed(store_path, tmp_path):
    saved_session(store_path, stop=lambda step: step.is_confirm)   # up to the first summary
    app = new_app(store_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert screen.step.is_confirm and screen.step.section.id == "background"
        said = text_of(screen, "#said-back")
        assert "Kerroit omin sanoin, mikä tuo sinut tänne: Vastaus, jonka asiakas kertoi omin sanoin." in said
        assert str(screen.query_one("#question-text").content).startswith("Kuulinko oikein?")
        options = screen.query_one("#answer-input", OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(2)] == ["Kyllä, näin on",
                                                                                  "Haluan korjata"]
        # "I want to correct something": the answers open, the latest focused; Enter opens it.
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.focused, TranscriptAnswer)
        assert "Valitse korjattava vastaus" in text_of(screen, "#answer-error")
        await pilot.press("up", "enter")
        await pilot.pause()
        assert not screen.step.is_confirm
        assert screen.step.key == "contact_person"   # the one before the latest
        # Answer it again (the same, highlighted): back to the summary, still to be confirmed.
        await pilot.press("enter")
        await pilot.pause()
        assert screen.step.is_confirm
        # Confirm: the next section begins; the summary is a short line in the transcript.
        await pilot.press("enter")
        await pilot.pause()
        assert screen.step.section.id == "assessment"
        confirmed = [str(w.content) for w in screen.query(TranscriptAnswer) if w.step_key.startswith("background#")]
        assert confirmed == ["✓ Asiakas vahvisti yhteenvedon"]
        assert not screen.query("#said-back")


# --- snapshots (pytest --snapshot-update regenerates them; look at the SVGs before committing) ---


def _no_blink(app) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def test_snapshot_matching_screen(snap_compare, store_path, tmp_path):
    saved_session(store_path)

    async def run_before(pilot) -> None:
        await open_first_session(pilot)
        _no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(new_app(store_path, tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_plan_screen(snap_compare, store_path, tmp_path):
    saved_session(store_path, placement_id="espoo_kivenlahti_digital_guidance", start="2026-10-01", months=6,
                  days_per_week=5, hours_per_day=4)

    async def run_before(pilot) -> None:
        await open_first_session(pilot)
        _no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(new_app(store_path, tmp_path), terminal_size=SIZE, run_before=run_before)
