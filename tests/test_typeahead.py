"""Keys typed while the next question is being shown go to that question, in order, and never to
the question just answered (issue 8, item 5).

Pilot sends each key once the app is idle, so in these tests the screen would always be ready
before the next key. The window the tester hit (a long interview whose transcript takes a while to
rebuild) is made visible by slowing the transcript down: while it sleeps, the keys keep coming.
"""

from __future__ import annotations

import asyncio

import pytest

from intake.screens.interview import InterviewScreen
from intake.screens.transcript import Transcript
from tests.test_app import SIZE, answer_until, new_app, on_step, start_intake


@pytest.fixture
def slow_transcript(monkeypatch: pytest.MonkeyPatch) -> None:
    show = Transcript.show

    async def slow_show(self: Transcript, interview) -> None:
        await asyncio.sleep(0.3)  # a rebuild that takes a while, without using the CPU
        await show(self, interview)

    monkeypatch.setattr(Transcript, "show", slow_show)


async def ready(pilot, key: str) -> InterviewScreen:
    """Wait until the screen shows the step `key` and its input has the keyboard."""
    for _ in range(100):
        screen = pilot.app.screen
        if isinstance(screen, InterviewScreen) and screen.step.key == key and screen.field is not None \
                and pilot.app.focused is screen.field.input:
            return screen
        await pilot.pause(0.05)
    raise AssertionError("the next question's input never got the keyboard")


async def test_scale_keys_typed_ahead_answer_the_next_question(content, store_path, tmp_path, slow_transcript):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("housing@client"))
        # 1 for the client's view, then at once 3 for the counsellor's, with no pause between keys.
        await pilot.press("down", "enter", "down", "down", "down", "enter")
        screen = await ready(pilot, "finances@client")
        interview = screen.session.interview
        assert interview.answer_for("housing@client").value == 1
        assert interview.answer_for("housing@counsellor").value == 3


async def test_text_typed_after_a_multiple_choice_answer_lands_in_the_next_question(
        content, store_path, tmp_path, slow_transcript):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("interests"))
        # Tick "something else", answer with ctrl+s, and type the next answer straight away.
        await pilot.press(*["down"] * 6, "space", "ctrl+s", *"Valokuvaus", "enter")
        screen = await ready(pilot, "preferred_form")
        interview = screen.session.interview
        assert interview.answer_for("interests").value == ["other"]
        assert interview.answer_for("other_interest").value == "Valokuvaus"


async def test_keys_typed_after_a_typed_answer_answer_the_next_question(
        content, store_path, tmp_path, slow_transcript):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("months_unemployed"))
        # Enter answers 12; "down enter" answers the next question, a choice, with "no".
        await pilot.press(*"12", "enter", "down", "enter")
        screen = await ready(pilot, "contact_person")
        interview = screen.session.interview
        assert interview.answer_for("months_unemployed").value == 12
        assert interview.answer_for("has_worked").value is False
