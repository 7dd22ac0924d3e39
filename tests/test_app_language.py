"""Issue 13 item 3: the language and plain language changed at any time (Ctrl+L) in the full-screen
app, the place and what is typed kept; the start screen's plain-language switch for one session only."""

from __future__ import annotations

from textual.widgets import Button, Input, OptionList, RadioSet, SelectionList, Static, Switch, TextArea

from intake.flows.text import LANGUAGES

from intake.screens.attendance import AttendanceScreen
from intake.screens.dialogs import ErrorDialog
from intake.screens.interview import InterviewScreen
from intake.screens.language_dialog import LanguageDialog
from intake.screens.period import PeriodScreen
from intake.screens.plan import PlanScreen
from intake.screens.start import StartScreen
from intake.screens.summary import SummaryScreen
from intake.session import IntakeSession
from intake.store import Store

from .test_app import SIZE, answer_until, new_app, on_step, start_intake
from .test_app_period import on_the_period_screen, until
from .test_app_plan import new_app as plan_app
from .test_app_plan import open_first_session, saved_session
from .test_content import CONTENT


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def transcript(screen) -> str:
    return "\n".join(str(line.content) for line in screen.query("#transcript Static"))


def content_text(app, key: str) -> str:
    return app.screen.t(key)


def key_words(screen) -> set[str]:
    return {binding.description for _, binding, enabled, _ in screen.active_bindings.values() if enabled}


async def speak(pilot, language: str, plain: bool | None = None) -> None:
    """Ctrl+L, the language (and plain language on or off), Change; wait for the screen rebuilt."""
    app = pilot.app
    below = app.screen
    await pilot.press("ctrl+l")
    await until(pilot, lambda: isinstance(app.screen, LanguageDialog))
    dialog = app.screen
    if plain is not None and dialog.plain_language != plain:
        await pilot.press("tab", "enter", "shift+tab")  # to plain language, on or off, and back
        assert dialog.query_one("#language-plain", Button).label.plain == content_text(
            app, "language.dialog.plain_on" if plain else "language.dialog.plain_off")
    await pilot.press("home", *["down"] * LANGUAGES.index(language), "enter")
    await until(pilot, lambda: app.screen is not below and not isinstance(app.screen, LanguageDialog)
                and app.screen.t.language == language)
    if isinstance(app.screen, InterviewScreen):
        await until(pilot, lambda: app.screen.field is not None and app.screen.field.is_mounted)


async def test_mid_interview_the_place_and_the_typed_text_stay_and_everything_speaks_swedish(
        content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("months_unemployed"))
        await pilot.press("1", "2")  # typed, not answered yet
        session_id = app.screen.session.record.id
        await speak(pilot, "sv")
        screen = app.screen
        assert screen.step.key == "months_unemployed"
        assert text_of(screen, "#question-text") == content.question_index["months_unemployed"].text.sv
        assert screen.query_one("#answer-input", Input).value == "12"
        said = transcript(screen)  # the earlier questions and answers, said again in Swedish
        assert content.question_index["reason"].text.sv in said and "Socialt arbete" in said
        assert content.question_index["reason"].text.fi not in said and "Sosiaalityö" not in said
        assert "Början och bakgrund" in text_of(screen, "#progress-sections")
        assert {"Språk", content.texts["key.interview.skip"].sv} <= key_words(screen)
        assert Store(store_path).get(session_id).language == "sv"  # saved at once
        await pilot.press("enter")  # the typed 12 answers the question
        await until(pilot, lambda: app.screen.step.key != "months_unemployed")
        assert app.screen.interview.answer_for("months_unemployed").value == 12
        following = app.screen.step.question_id
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, StartScreen))
        assert await pilot.click("#sessions", offset=(4, 1))  # resumed: still in Swedish
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.step is not None)
        assert text_of(app.screen, "#question-text").endswith(content.question_index[following].text.sv)


async def test_plain_language_on_and_off_mid_session_keeps_the_long_answer_typed(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await pilot.press(*"Haluan")
        reason = content.question_index["reason"].text
        await speak(pilot, "fi", plain=True)
        assert text_of(app.screen, "#question-text") == reason.plain.fi
        assert app.screen.query_one(TextArea).text == "Haluan"
        assert app.screen.session.record.plain is True
        await speak(pilot, "en", plain=False)
        assert text_of(app.screen, "#question-text") == reason.en
        assert app.screen.query_one(TextArea).text == "Haluan"


async def test_the_plain_language_switch_is_off_again_for_the_next_session_and_the_language_stays(
        content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert await pilot.click("#language-sv")
        assert await pilot.click("#plain")
        await start_intake(pilot)
        assert app.screen.session.record.plain is True
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, StartScreen))
        assert app.screen.query_one("#plain", Switch).value is False
        assert app.screen.query_one("#language", RadioSet).pressed_button.id == "language-sv"


async def test_on_the_start_screen_the_app_changes_language_and_what_is_typed_stays(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert await pilot.click("#counsellor")
        await pilot.press(*"Maija")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LanguageDialog))
        assert not app.screen.query("#language-plain")  # the start screen has its own switch
        await pilot.press("escape")
        await speak(pilot, "en")
        screen = app.screen
        assert isinstance(screen, StartScreen)
        assert text_of(screen, ".panel-title") == content.texts["start.new_title"].en
        assert screen.query_one("#counsellor", Input).value == "Maija"
        assert screen.query_one("#language", RadioSet).pressed_button.id == "language-en"
        assert "Language" in key_words(screen)


async def test_a_read_only_session_is_read_in_another_language_and_nothing_is_saved(content, store_path, tmp_path):
    with IntakeSession.start(Store(store_path), content, "R-1", "Toinen Ohjaaja") as elsewhere:
        elsewhere.answer("Haluan oppia.")
        before = Store(store_path).get(elsewhere.record.id)
        app = new_app(store_path, content, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            assert await pilot.click("#sessions", offset=(4, 1))
            await until(pilot, lambda: app.screen.query("#dialog-yes"))
            texts = content.texts  # the lock and the refusal said in the language on screen
            assert text_of(app.screen, "#dialog-title") == texts["error.title.session_locked"].fi
            assert text_of(app.screen, "#dialog-message").startswith(f"Haastattelua {elsewhere.record.id} muokkaa")
            assert await pilot.click("#dialog-yes")  # open it read-only
            await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
            await pilot.press("f3")
            await until(pilot, lambda: isinstance(app.screen, ErrorDialog))
            assert text_of(app.screen, "#dialog-title") == texts["error.title.read_only_session"].fi
            assert text_of(app.screen, "#dialog-message") == texts["error.read_only"].fi.format(
                session=elsewhere.record.id)
            await pilot.press("escape")
            await pilot.press("ctrl+l")
            await until(pilot, lambda: isinstance(app.screen, LanguageDialog))
            assert text_of(app.screen, "#dialog-message").startswith(content.texts["language.dialog.read_only"].fi)
            await pilot.press("escape")
            await speak(pilot, "en")
            assert isinstance(app.screen, SummaryScreen) and app.session.read_only
            assert content.texts["key.summary.export"].en in key_words(app.screen)
        after = Store(store_path).get(elsewhere.record.id)
        assert (after.language, after.updated_at) == ("fi", before.updated_at)


async def test_after_the_intake_every_screen_of_the_session_is_built_again_in_the_new_language(tmp_path):
    """A review held in the interview screen, the period screen and attendance over it: each in the
    new language, and the screen under the one on top too."""
    async with on_the_period_screen(tmp_path) as (app, pilot, _):
        await pilot.press("f2")  # the interim review
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen))
        await speak(pilot, "en")
        review = app.screen
        assert text_of(review, "#interview-header").startswith(CONTENT.reviews["interim"].title.en)
        assert review.step.key == "held_on"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
        assert "The next review is overdue: it was due on 12 April 2026" in text_of(app.screen, "#period-schedule")
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, AttendanceScreen))
        await speak(pilot, "sv")
        assert text_of(app.screen, "#attendance-header").startswith("Närvaro – ")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PeriodScreen))
        assert "Nästa utvärdering är försenad: den skulle ha hållits 12.4.2026" in text_of(app.screen, "#period-schedule")


async def test_the_plan_form_as_typed_and_not_saved_stays_when_the_language_changes(store_path, tmp_path):
    saved_session(store_path, placement_id="espoo_kivenlahti_digital_guidance")
    app = plan_app(store_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        assert isinstance(app.screen, PlanScreen)
        assert await pilot.click("#plan-months")
        await pilot.press(*"12")
        typed = app.screen.query_one("#plan-months", Input).value
        assert "12" in typed and app.screen.decisions.months != int(typed)  # not saved yet
        await speak(pilot, "en")
        assert isinstance(app.screen, PlanScreen)
        assert text_of(app.screen, "#plan-header") == "Plan – X-1"
        assert app.screen.query_one("#plan-months", Input).value == typed


async def test_what_is_ticked_or_highlighted_and_not_answered_stays_too(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("housing@client"))
        await pilot.press("down", "down")  # a scale: the third point highlighted, not chosen
        await speak(pilot, "en")
        assert app.screen.step.key == "housing@client"
        assert app.screen.query_one(OptionList).highlighted == 2
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.step.key != "housing@client")
        assert app.screen.interview.answer_for("housing@client").value == 2
        await answer_until(pilot, on_step("interests"))
        await pilot.press("down", "space")  # the second box ticked, not answered
        ticked = list(app.screen.query_one(SelectionList).selected)
        assert len(ticked) == 1
        await speak(pilot, "sv")
        assert list(app.screen.query_one(SelectionList).selected) == ticked
