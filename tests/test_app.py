"""The Textual app, driven through the keyboard and the mouse with Pilot."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import jsonschema
from textual.widgets import Input, OptionList, TextArea

from intake.screens.app import IntakeApp
from intake.screens.dialogs import ConfirmDialog, ErrorDialog, MessageDialog
from intake.screens.interview import InterviewScreen
from intake.screens.matching import MatchingScreen
from intake.screens.session_list import SessionList
from intake.screens.start import StartScreen
from intake.screens.summary import SummaryScreen
from intake.session import IntakeSession
from intake.store import Store
from tests.helpers import until

REPO = Path(__file__).resolve().parent.parent
SIZE = (120, 40)

# Keys that answer each question of the default flow, by question id.
ANSWERS: dict[str, list[str]] = {
    "reason": [*"Haluan oppia uutta.", "ctrl+s"],
    "referral": ["down", "down", "enter"],                 # social work
    "months_unemployed": [*"12", "enter"],
    "has_worked": ["enter"],                               # yes
    "last_work_ended": [*"1.3.2024", "enter"],
    "contact_person": [*"Pekka Ohjaaja", "enter"],
    "contact_phone": [*"040 123 4567", "enter"],
    "housing": ["down", "enter"],                          # 1
    "finances": ["down", "down", "enter"],                 # 2: brings the notes question
    "debt_notes": ["f4"],                                  # optional: skipped
    "daily_rhythm": ["enter"],                             # 0
    "health": ["down", "enter"],
    "interests": ["space", "down", "down", "down", "space", "ctrl+s"],  # computers, kitchen
    "preferred_form": ["down", "enter"],                   # group
    "days_per_week": [*"3", "enter"],
    "goal": [*"Oppia kokkaamaan", "ctrl+s"],
    "actions": [*"Keittiöpaja kahdesti viikossa", "ctrl+s"],
    "helper": [*"Pekka Ohjaaja", "enter"],
    "has_deadline": ["enter"],                             # yes
    "due": [*"1.6.2027", "enter"],
    "goals": ["down", "enter"],                            # no more goals
}


def new_app(store_path: Path, content, tmp_path: Path) -> IntakeApp:
    return IntakeApp(store=Store(store_path), content=content, export_dir=tmp_path / "exports")


async def start_intake(pilot, label: str = "T-1", counsellor: str = "Maija Ohjaaja") -> None:
    assert isinstance(pilot.app.screen, StartScreen)
    assert await pilot.click("#client-label")
    await pilot.press(*label, "enter")          # Enter moves on to the counsellor's name
    await pilot.press(*counsellor, "enter")     # and Enter there starts
    await pilot.pause()
    assert isinstance(pilot.app.screen, InterviewScreen)


async def answer_current(pilot) -> str:
    """Answer the question on screen with the keys of ANSWERS; returns the step key answered."""
    screen = pilot.app.screen
    assert isinstance(screen, InterviewScreen)
    key = screen.step.key
    await pilot.press(*ANSWERS[screen.step.question_id])
    await pilot.pause()
    return key


async def answer_until(pilot, stop) -> list[str]:
    answered = []
    for _ in range(60):
        if stop(pilot.app):
            return answered
        before = pilot.app.screen.step.key
        answered.append(await answer_current(pilot))
        screen = pilot.app.screen
        if isinstance(screen, InterviewScreen):
            assert screen.step.key != before, f"no progress at {before}: {screen.query_one('#answer-error').content}"
    raise AssertionError("the interview did not end")


async def answers_after_interview(pilot) -> None:
    """The interview is done: past the matching step (F5) to the answers."""
    await answer_until(pilot, lambda app: isinstance(app.screen, MatchingScreen))
    await pilot.press("f5")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SummaryScreen)


def on_step(key: str):
    return lambda app: isinstance(app.screen, InterviewScreen) and app.screen.step.key == key


async def test_whole_interview_quit_resume_finish_export(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("daily_rhythm@client"))
        screen = app.screen
        assert "(ohitettu)" in str(screen.query_one("#answer-debt_notes").content)
        progress = str(screen.query_one("#progress-sections").content)
        assert "7/7" in progress and "▶ Elämäntilanne" in progress
        await pilot.press("escape")              # back to the start screen; everything is saved
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        table = app.screen.query_one(SessionList)
        assert table.row_count == 1
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None)
    app.store.close()

    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert await pilot.click("#filter")
        await pilot.press(*"t-1")
        assert app.screen.query_one(SessionList).row_count == 1
        assert await pilot.click("#sessions", offset=(4, 1))   # one click on the first row opens it
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert screen.step.key == "daily_rhythm@client"    # the same question as before quitting
        assert "Sosiaalityö" in str(screen.query_one("#answer-referral").content)

        await answers_after_interview(pilot)
        summary = app.screen
        answers = [str(w.content) for w in summary.query(".transcript-answer")]
        assert "Asiakas: 12 kuukautta" in answers
        assert "Työntekijä: 1 – Lievä vaikeus" in answers
        assert "Asiakas: Tietokoneet ja digilaitteet, Keittiö ja kahvila" in answers

        await pilot.press("ctrl+e")
        await pilot.pause()
        assert await pilot.click("#choice-counsellor")  # the export asks for its reader
        await app.workers.wait_for_complete()
        await pilot.pause()
        files = list((tmp_path / "exports").glob("*.json"))
        sid = app.screen.session.record.id
        assert len(files) == 1 and files[0].name.startswith(f"intake-{sid}-counsellor-")  # not the label
        assert str(files[0]) in str(summary.query_one("#export-result").content)
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600

        # Exporting again asks before replacing the file.
        assert await pilot.click("#export")
        await pilot.pause()
        assert await pilot.click("#choice-counsellor")
        await pilot.pause()
        assert await pilot.click("#dialog-yes")
        await app.workers.wait_for_complete()

    exported = json.loads(files[0].read_text(encoding="utf-8"))
    schema = json.loads((REPO / "schemas" / "export.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(exported, schema)
    assert exported["session"]["status"] == "completed"
    assert exported["session"]["client_label"] == "T-1"
    by_key = {a["key"]: a for s in exported["sections"] for a in s["answers"]}
    assert by_key["months_unemployed"]["value"] == 12
    assert by_key["last_work_ended"]["value"] == "2024-03-01"
    assert by_key["housing@counsellor"]["value"] == 1
    assert by_key["debt_notes"]["skipped"] is True
    assert by_key["goals[0].due"]["value"] == "2027-06-01"
    assert by_key["goals[1]?"]["value"] is False
    exports = [e for e in Store(store_path).access_log(exported["session"]["id"]) if e["action"] == "export"]
    assert len(exports) == 2  # both exports from the summary screen are in the access log


async def test_invalid_answer_shows_error_and_keeps_text(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("months_unemployed"))
        await pilot.press(*"kaksitoista", "enter")
        screen = app.screen
        assert screen.step.key == "months_unemployed"
        assert str(screen.query_one("#answer-error").content) == "Kirjoita luku numeroina, esimerkiksi 12."
        assert screen.query_one("#answer-input", Input).value == "kaksitoista"
        # A number out of range: the engine's message, the text still there.
        await pilot.press("ctrl+u", *"700", "enter")
        assert "Suurin sallittu on 600" in str(screen.query_one("#answer-error").content)
        assert screen.query_one("#answer-input", Input).value == "700"
        # A required question cannot be skipped.
        await pilot.press("f4")
        assert "ei voi ohittaa" in str(screen.query_one("#answer-error").content)
        assert screen.query_one("#answer-input", Input).value == "700"
        await pilot.press("ctrl+u", *"7", "enter")
        assert app.screen.step.key == "has_worked"
        assert str(app.screen.query_one("#answer-error").content) == ""


async def test_long_text_error_keeps_text(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await pilot.press("space", "space", "ctrl+s")          # only spaces: not an answer
        screen = app.screen
        assert screen.step.key == "reason"
        assert "Tähän tarvitaan vastaus" in str(screen.query_one("#answer-error").content)
        assert screen.query_one(TextArea).text == "  "


async def test_edit_earlier_answer_from_transcript(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("contact_person"))
        screen = app.screen
        # A click on the earlier answer opens it with the answer filled in.
        assert await pilot.click("#answer-months_unemployed")
        await pilot.pause()
        assert screen.step.key == "months_unemployed"
        field = screen.query_one("#answer-input", Input)
        assert field.value == "12"
        await pilot.press("ctrl+u", *"24", "enter")
        await pilot.pause()
        # Back to the first unanswered question, with the new answer in the transcript.
        assert screen.step.key == "contact_person"
        assert str(screen.query_one("#answer-months_unemployed").content) == "Asiakas: 24 kuukautta"
        # By keyboard: F5 focuses the latest answer, up moves to earlier ones, Enter opens one.
        await pilot.press("f5", "up", "enter")
        await pilot.pause()
        assert screen.step.key == "has_worked"
        assert screen.query_one("#answer-input", OptionList).highlighted == 0  # "yes" as answered
        await pilot.press("down", "enter")       # now "no": the date question is no longer relevant
        await pilot.pause()
        assert screen.step.key == "contact_person"
        assert not screen.query("#answer-last_work_ended")
        # F3 goes back one question.
        await pilot.press("f3")
        assert screen.step.key == "has_worked"
    record = Store(store_path).list()[0]
    assert (record.answered, record.relevant) == (4, 22)


async def test_start_needs_label_and_name_and_keeps_typing(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert await pilot.click("#counsellor")
        await pilot.press(*"Maija", "enter")
        assert isinstance(app.screen, StartScreen)
        assert "asiakkaan tunniste" in str(screen.query_one("#client-label-error").content)
        assert str(screen.query_one("#counsellor-error").content) == ""
        assert screen.query_one("#counsellor", Input).value == "Maija"
        assert app.focused is screen.query_one("#client-label")
        # Swedish, plain language: the interview speaks Swedish.
        await pilot.press(*"S-2")
        assert await pilot.click("#language-sv")
        assert await pilot.click("#plain")
        assert await pilot.click("#start")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert str(app.screen.query_one("#question-text").content) == "Kan du med egna ord berätta vad som för dig hit?"
        assert app.screen.session.record.plain is True


async def test_help_and_guidance_dialogs(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        assert "niin lyhyesti tai pitkästi" in str(app.screen.query_one("#dialog-message").content)
        await pilot.press("escape")
        await pilot.press("f2")
        await pilot.pause()
        assert "omin sanoin" in str(app.screen.query_one("#dialog-message").content)
        assert await pilot.click("#dialog-close")
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, InterviewScreen)
        assert isinstance(app.focused, TextArea)


async def test_export_failure_opens_error_dialog(content, store_path, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the export folder should be")
    app = IntakeApp(store=Store(store_path), content=content, export_dir=blocked)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answers_after_interview(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert await pilot.click("#choice-counsellor")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "not-a-dir" in str(app.screen.query_one("#dialog-message").content)
        await pilot.press("enter")
        assert isinstance(app.screen, SummaryScreen)


def test_every_text_key_used_by_the_screens_exists(content):
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "intake" / "screens").glob("*.py"))
    keys = set(re.findall(r"\bt\(\s*\"([a-z][a-z0-9_.]*)\"", source))
    keys |= set(re.findall(r"\btexts\(\s*\"([a-z][a-z0-9_.]*)\"", source))
    keys |= {f"key.{b}" for b in re.findall(r"id=\"([a-z_]+\.[a-z_]+)\"", source)
             if not b.startswith(("dialog.", "app.help_quit", "transcript.previous", "transcript.next"))}
    keys |= {f"status.{s}" for s in ("in_progress", "completed")}
    keys |= {f"language.{lang}" for lang in ("fi", "sv", "en")}
    keys |= {f"interview.turn.{r}" for r in ("client", "counsellor")}
    keys |= {f"interview.hint.kind.{k}" for k in ("short_text", "long_text", "single_choice", "multi_choice",
                                                  "scale", "number", "date", "yes_no")}
    assert len(keys) > 60
    assert sorted(k for k in keys if k not in content.texts) == []


async def test_session_open_elsewhere_opens_read_only_and_leaving_releases_the_lock(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("months_unemployed"))
        session_id = app.screen.session.record.id
        await pilot.press("escape")              # leaving releases the edit lock
        await pilot.pause()
        other = Store(store_path)
        elsewhere = IntakeSession.resume(other, content, session_id, holder="Toinen Ohjaaja")
        try:
            assert await pilot.click("#sessions", offset=(4, 1))
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            assert "Toinen Ohjaaja" in str(app.screen.query_one("#dialog-message").content)
            assert await pilot.click("#dialog-yes")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            assert app.session.read_only
            await pilot.press("f3")               # changing is refused with a dialog
            await pilot.pause()
            assert isinstance(app.screen, ErrorDialog)
            await pilot.press("escape")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, StartScreen)
        finally:
            elsewhere.close()
            other.close()


# --- snapshots (pytest --snapshot-update regenerates them; look at the SVGs before committing) ---

def _no_blink(app) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def test_snapshot_start_screen(snap_compare, content, store_path, tmp_path):
    async def run_before(pilot) -> None:
        await pilot.pause()
        _no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(new_app(store_path, content, tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_interview_screen(snap_compare, content, store_path, tmp_path):
    async def run_before(pilot) -> None:
        await start_intake(pilot)
        await answer_until(pilot, on_step("housing@client"))
        _no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(new_app(store_path, content, tmp_path), terminal_size=SIZE, run_before=run_before)


async def test_app_keys_speak_the_session_language(content, store_path, tmp_path):
    store = Store(store_path)
    session = IntakeSession.start(store, content, "E-1", "Liisa", language="en")
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports")

    def quit_label() -> str:
        return app._bindings.key_to_bindings["ctrl+q"][0].description

    async with app.run_test(size=SIZE) as pilot:
        finnish = quit_label()
        app.open_session(session)
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert quit_label() == session.texts("key.app.quit") != finnish
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert quit_label() == finnish


async def test_enter_in_the_filter_opens_the_only_match(content, store_path, tmp_path):
    store = Store(store_path)
    # The filter searches the session ids too (hexadecimal): letters no id has, so one session matches.
    for label in ("AB-1", "XY-2"):
        IntakeSession.start(store, content, label, "Liisa").close()
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.focused.id == "filter"
        await pilot.press(*"xy", "enter")
        await app.workers.wait_for_complete()
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen))  # a busy machine takes more frames
        assert app.session.record.client_label == "XY-2"


async def test_a_ticked_choice_carries_a_mark_and_enter_saves_the_answer(content, store_path, tmp_path):
    from intake.screens.answer_fields import AnswerSelectionList

    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_intake(pilot)
        await answer_until(pilot, on_step("interests"))
        listed = app.screen.query_one(AnswerSelectionList)

        def boxes() -> list[str]:  # the character inside each box, as drawn
            return [listed.render_line(y).text[1] for y in range(listed.option_count)]

        assert set(boxes()) == {AnswerSelectionList.EMPTY}
        await pilot.press("space", "down", "down", "down", "space")   # computers, kitchen
        await pilot.pause()
        ticked = [i for i, box in enumerate(boxes()) if box == AnswerSelectionList.TICKED]
        assert ticked == [0, 3] and len(listed.selected) == 2         # the mark, not only a colour
        await pilot.press("enter")                                    # Enter answers; it no longer ticks
        await pilot.pause()
        assert app.screen.step.key != "interests"
        assert app.screen.session.interview.answer_for("interests").value == listed.selected
