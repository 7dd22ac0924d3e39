"""The main screens at 80x24 in the high-contrast theme (pytest --snapshot-update regenerates the
snapshots; look at each as a PNG before committing)."""

from __future__ import annotations

from intake.flows.model import SingleChoice
from intake.screens.app import IntakeApp
from intake.screens.interview import InterviewScreen
from intake.screens.matching import MatchingScreen
from intake.screens.period import PeriodScreen
from intake.screens.plan import PlanScreen
from intake.screens.start import StartScreen
from intake.store import Store
from tests.test_app_period import agreed_store
from tests.test_app_plan import open_first_session, real_content, saved_session
from tests.test_content import CONTENT

SMALL = (80, 24)


def high_contrast_app(store_path, content, tmp_path) -> IntakeApp:
    return IntakeApp(store=Store(store_path), content=content, export_dir=tmp_path / "exports",
                     theme="high-contrast")


async def settled(pilot, screen_type, ready=lambda screen: True) -> None:
    """Wait for the screen and its workers and until it is `ready`, then stop the cursors blinking
    (a snapshot of a blink is a coin toss)."""
    await pilot.app.workers.wait_for_complete()
    for _ in range(50):
        if isinstance(pilot.app.screen, screen_type) and ready(pilot.app.screen):
            break
        await pilot.pause()
    assert isinstance(pilot.app.screen, screen_type) and ready(pilot.app.screen)
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


def test_start_screen(snap_compare, store_path, tmp_path):
    saved_session(store_path, stop=lambda step: step.is_confirm)

    async def run_before(pilot) -> None:
        await settled(pilot, StartScreen)

    assert snap_compare(high_contrast_app(store_path, real_content(), tmp_path), terminal_size=SMALL,
                        run_before=run_before)


def test_interview_choice_question(snap_compare, store_path, tmp_path):
    saved_session(store_path, stop=lambda step: isinstance(step.question, SingleChoice))

    async def run_before(pilot) -> None:
        await open_first_session(pilot)
        await settled(pilot, InterviewScreen, lambda screen: screen.step is not None)
        assert isinstance(pilot.app.screen.step.question, SingleChoice)

    assert snap_compare(high_contrast_app(store_path, real_content(), tmp_path), terminal_size=SMALL,
                        run_before=run_before)


def test_section_summary_to_confirm(snap_compare, store_path, tmp_path):
    saved_session(store_path, stop=lambda step: step.is_confirm)

    async def run_before(pilot) -> None:
        await open_first_session(pilot)
        await settled(pilot, InterviewScreen, lambda screen: screen.step is not None)
        assert pilot.app.screen.step.is_confirm

    assert snap_compare(high_contrast_app(store_path, real_content(), tmp_path), terminal_size=SMALL,
                        run_before=run_before)


def test_matching(snap_compare, store_path, tmp_path):
    saved_session(store_path)

    async def run_before(pilot) -> None:
        await open_first_session(pilot)
        await settled(pilot, MatchingScreen)

    assert snap_compare(high_contrast_app(store_path, real_content(), tmp_path), terminal_size=SMALL,
                        run_before=run_before)


def test_plan(snap_compare, store_path, tmp_path):
    saved_session(store_path, placement_id="espoo_kivenlahti_digital_guidance", start="2026-10-01", months=6,
                  days_per_week=5, hours_per_day=4)

    async def run_before(pilot) -> None:
        await open_first_session(pilot)
        await settled(pilot, PlanScreen)

    assert snap_compare(high_contrast_app(store_path, real_content(), tmp_path), terminal_size=SMALL,
                        run_before=run_before)


def test_period(snap_compare, tmp_path):
    agreed_store(tmp_path)  # a period of 12.1.–11.7.2026, ended: the screen stays the same from day to day

    async def run_before(pilot) -> None:
        await open_first_session(pilot)
        await settled(pilot, PeriodScreen)

    assert snap_compare(high_contrast_app(tmp_path / "store", CONTENT, tmp_path), terminal_size=SMALL,
                        run_before=run_before)
