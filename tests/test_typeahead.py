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
        # The field is set before its input is mounted: look for the input, do not assume it is there.
        if isinstance(screen, InterviewScreen) and screen.step.key == key and screen.field is not None \
                and pilot.app.focused in screen.field.query(".answer-input").nodes:
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


async def test_keys_typed_ahead_over_three_questions_answer_each_in_turn(
        content, store_path, tmp_path, slow_transcript):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("months_unemployed"))
        # 12 answers a number, "down enter" a yes/no with "no", "Pekka" the contact person: each key
        # after the first Enter arrives while a question is being shown.
        await pilot.press(*"12", "enter", "down", "enter", *"Pekka", "enter")
        screen = await ready(pilot, "contact_phone")
        interview = screen.session.interview
        assert interview.answer_for("months_unemployed").value == 12
        assert interview.answer_for("has_worked").value is False
        assert interview.answer_for("contact_person").value == "Pekka"


async def test_scale_multiple_choice_text_choice_and_number_typed_ahead(content, store_path, tmp_path, slow_transcript):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("health@counsellor"))
        await pilot.press("down", "down", "enter",                       # 2 on the scale
                          *["down"] * 6, "space", "ctrl+s",              # "something else"
                          *"Valokuvaus", "enter",                        # what it is
                          "down", "enter",                               # the second form
                          *"3", "enter")                                 # days a week
        screen = await ready(pilot, "days_per_week@counsellor")
        interview = screen.session.interview
        assert interview.answer_for("health@counsellor").value == 2
        assert interview.answer_for("interests").value == ["other"]
        assert interview.answer_for("other_interest").value == "Valokuvaus"
        preferred = next(q for s in content.sections for q in s.questions if q.id == "preferred_form")
        assert interview.answer_for("preferred_form").value == preferred.choices[1].value
        assert interview.answer_for("days_per_week@client").value == 3


async def test_transcript_changes_only_the_lines_that_differ(content, store_path, tmp_path):
    """The transcript is not rebuilt after each answer (in a long interview that took 1-2 s): an
    answer adds its lines, an edit updates its line, and lines no longer relevant go."""
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("contact_person"))
        screen = app.screen
        transcript = screen.query_one(Transcript)
        before = list(transcript.children)
        edited = screen.query_one("#answer-has_worked")
        await pilot.press(*"Pekka", "enter")
        assert list(transcript.children)[:len(before)] == before   # the same widgets, still in place
        assert str(screen.query_one("#answer-contact_person").content) == "Työntekijä: Pekka"
        # "no" to having worked: its line changes in place; the date asked after "yes" goes.
        assert await pilot.click("#answer-has_worked")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert screen.query_one("#answer-has_worked") is edited
        assert str(edited.content) == "Asiakas: Ei"
        assert not screen.query("#answer-last_work_ended")
        assert before[0] in transcript.children


async def test_a_burst_of_keys_is_answered_in_turn_without_a_slow_screen(content, store_path, tmp_path):
    """A burst (a fast typist, a paste, a remote terminal) reaches the app faster than an Enter in it
    is handled: the keys after that Enter must still go to the next question, not the one it answered.
    Pilot waits between keys, so the burst is posted to the app in one go, as a terminal driver does."""
    from textual import events

    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("contact_person"))
        for char in [*"Pekka", "enter", *"040 1", "enter"]:
            key = {"enter": events.Key("enter", "\r"), " ": events.Key("space", " ")}.get(char) \
                or events.Key(char, char)
            app.post_message(key)
        screen = await ready(pilot, "housing@client")
        interview = screen.session.interview
        assert interview.answer_for("contact_person").value == "Pekka"
        assert interview.answer_for("contact_phone").value == "040 1"
