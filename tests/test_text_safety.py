"""Stored text never breaks the screen or the terminal: markup in labels and placement names is shown
literally, control characters are shown as visible escapes, and names are checked where they are
typed. Bad labels are written past the input check (`store.save`), as an old or hand-edited store
would hold them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from textual.visual import visualize
from textual.widgets import Input, OptionList, Static, TextArea

from intake.cli import main
from intake.errors import IntakeError
from intake.flows.engine import Interview
from intake.flows.model import ShortText
from intake.screens.interview import InterviewScreen
from intake.screens.matching import MatchingScreen
from intake.screens.session_list import SessionList
from intake.screens.plan import PlanScreen
from intake.screens.start import StartScreen
from intake.screens.summary import SummaryScreen
from intake.screens.transcript import TranscriptAnswer
from intake.session import IntakeSession
from intake.store import Store
from intake.text_safety import NAME_MAX_LENGTH, NameProblem, check_name, json_printable, printable

from .helpers import valid_answer
from .test_app import SIZE, new_app
from .test_app_plan import new_app as new_real_app
from .test_app_plan import open_first_session, real_content, saved_session

MARKUP_LABELS = ["[/]", "[bold red]x[/bold red]", "Liisa [asiakas]", "[link=https://example.com]y[/link]"]
ESCAPES = "\x1b[2J\x1b]0;pwned\x07Eve"
ESCAPES_SHOWN = "\\x1b[2J\\x1b]0;pwned\\x07Eve"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def relabel(store: Store, session_id: str, label: str | None = None, counsellor: str | None = None) -> None:
    """Give a stored session a label or counsellor's name the input check would refuse."""
    record = store.get(session_id)
    changes = {k: v for k, v in (("client_label", label), ("counsellor", counsellor)) if v is not None}
    store.save(record.model_copy(update=changes))


def stored_session(store_path: Path, content, label: str, counsellor: str = "Maija") -> str:
    store = Store(store_path)
    try:
        record = store.create("placeholder", "placeholder", Interview(content).state)
        relabel(store, record.id, label, counsellor)
        return record.id
    finally:
        store.close()


def shown(widget: Static) -> str:
    """The text a Static puts on the screen."""
    return widget.visual.plain


def no_raw_controls(text: str) -> bool:
    return not any(c in text for c in RAW)


# --- the helpers ---------------------------------------------------------------------------------

def test_printable_makes_controls_and_bidi_visible_and_keeps_text():
    assert printable(ESCAPES) == ESCAPES_SHOWN
    assert printable("a\u202eb\x9bc\x7f") == "a\\u202eb\\x9bc\\x7f"
    assert printable("Äänekoski, Öljymäki\n\tå") == "Äänekoski, Öljymäki\\x0a\\x09å"
    assert printable("rivi 1\nrivi 2\tx\x1b", keep="\n\t") == "rivi 1\nrivi 2\tx\\x1b"


def test_json_printable_escapes_what_json_dumps_leaves_and_reads_back_the_same():
    value = {"label": "Åsa\x9b\u202e\x7f\x1b"}
    text = json_printable(json.dumps(value, ensure_ascii=False, indent=2))
    assert no_raw_controls(text) and "\x7f" not in text
    assert "Åsa" in text
    assert json.loads(text) == value


def test_check_name_strips_and_accepts_a_name():
    assert check_name("  Liisa [asiakas] ", "client label") == "Liisa [asiakas]"
    assert check_name("x" * NAME_MAX_LENGTH, "client label") == "x" * NAME_MAX_LENGTH


@pytest.mark.parametrize("text,reason,words", [
    ("   ", "missing", ["client label is missing"]),
    ("x" * 1_000_000, "too_long", ["1,000,000 characters", f"at most {NAME_MAX_LENGTH}"]),
    ("Eve\x1b[2J", "control", ["\\x1b", "character 4", "without it"]),
    ("Eve\u202eevE", "control", ["\\u202e"]),
    ("Eve\nAdam", "control", ["\\x0a"]),
])
def test_check_name_refuses_with_a_message_that_says_what_to_do(text, reason, words):
    with pytest.raises(NameProblem) as caught:
        check_name(text, "client label")
    assert caught.value.reason == reason
    assert all(w in caught.value.message for w in words), caught.value.message
    assert no_raw_controls(caught.value.message)


# --- the command line ---------------------------------------------------------------------------

@pytest.fixture
def bad_store(store_path, content) -> tuple[Path, str]:
    return store_path, stored_session(store_path, content, ESCAPES, counsellor="Mallory\x1b]0;x\x07")


@pytest.mark.usefixtures("default_content_is_first_flow")
def test_list_and_log_escape_stored_text(bad_store, capsys):
    store_path, session_id = bad_store
    assert main(["--store", str(store_path), "list"]) == 0
    out = capsys.readouterr().out
    assert no_raw_controls(out)
    assert ESCAPES_SHOWN in out and "Mallory\\x1b]0;x\\x07" in out
    header, row = out.splitlines()
    assert header.index("COUNSELLOR") == row.index("Mallory")  # the columns still line up
    assert main(["--store", str(store_path), "log"]) == 0
    out = capsys.readouterr().out
    assert no_raw_controls(out) and "Mallory\\x1b]0;x\\x07" in out


@pytest.mark.usefixtures("default_content_is_first_flow")
def test_list_json_is_terminal_safe_and_reads_back(store_path, content, capsys):
    label = "Åsa\x9b\u202e\x1b"
    stored_session(store_path, content, label)
    assert main(["--store", str(store_path), "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert no_raw_controls(out)
    assert json.loads(out)[0]["client_label"] == label
    session_id = json.loads(out)[0]["id"]
    assert main(["--store", str(store_path), "export", session_id]) == 0
    out = capsys.readouterr().out
    assert no_raw_controls(out)
    assert json.loads(out)["session"]["client_label"] == label


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.usefixtures("default_content_is_first_flow")
def test_delete_prompt_escapes_stored_text(bad_store, monkeypatch, capsys):
    store_path, session_id = bad_store
    asked = []
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")
    assert main(["--store", str(store_path), "delete", session_id]) == 1
    assert len(asked) == 1 and ESCAPES_SHOWN in asked[0] and no_raw_controls(asked[0])
    # Without a terminal, the question is in the error message instead.
    monkeypatch.setattr("sys.stdin", io.StringIO())
    assert main(["--store", str(store_path), "delete", session_id]) == 2
    err = capsys.readouterr().err
    assert ESCAPES_SHOWN in err and no_raw_controls(err)


@pytest.mark.usefixtures("default_content_is_first_flow")
def test_placements_list_escapes_imported_names(store_path, content, capsys):
    placement = content.placements[0].model_copy(update={"name": ESCAPES, "host": "Host\u202eevil"})
    store = Store(store_path)
    store.placements.import_all([placement], "county.csv")
    store.close()
    assert main(["--store", str(store_path), "placements", "list"]) == 0
    out = capsys.readouterr().out
    assert no_raw_controls(out)
    assert ESCAPES_SHOWN in out and "Host\\u202eevil" in out
    assert main(["--store", str(store_path), "placements", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert no_raw_controls(out)
    assert any(p["name"] == ESCAPES for p in json.loads(out))


# --- the app ------------------------------------------------------------------------------------

async def test_markup_and_escapes_in_labels_are_shown_literally(content, store_path, tmp_path):
    labels = [*MARKUP_LABELS, ESCAPES]
    for label in labels:
        stored_session(store_path, content, label, counsellor=f"[i]{label}")
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StartScreen)
        table = screen.query_one(SessionList)
        cells = dict(table.row(row)[1][:2] for row in range(table.row_count))  # drawn as plain text, never markup
        assert all(table.render_line(1 + row).text.startswith(f" {label[:12]}") for row, label in enumerate(cells))
        expected = [*MARKUP_LABELS, ESCAPES_SHOWN]
        assert cells == {label: f"[i]{label}" for label in expected}

        # The session opens, and the interview shows the label as it is stored.
        for label, label_shown in (("Liisa [asiakas]", "Liisa [asiakas]"), (ESCAPES, ESCAPES_SHOWN)):
            assert await pilot.click("#filter")
            screen.query_one("#filter", Input).value = label_shown
            await pilot.pause()
            assert table.row_count == 1
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, InterviewScreen)
            header = shown(app.screen.query_one("#interview-header", Static))
            assert label_shown in header and no_raw_controls(header)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen


async def test_start_form_refuses_control_characters_and_overlong_labels(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        label = screen.query_one("#client-label", Input)
        screen.query_one("#counsellor", Input).value = "Maija"
        for typed, words in ((ESCAPES, ["\\x1b"]), ("x" * 500, ["500", str(NAME_MAX_LENGTH)])):
            label.value = typed
            assert await pilot.click("#start")
            await pilot.pause()
            assert app.screen is screen
            error = shown(screen.query_one("#client-label-error", Static))
            assert all(w in error for w in words), error
            assert no_raw_controls(error)
            assert label.value == typed                     # what was typed is kept
            assert app.focused is label
        assert app.store.list() == []
        # A good label starts the intake, without the spaces around it.
        label.value = "  Liisa [asiakas] "
        assert await pilot.click("#start")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.session.record.client_label == "Liisa [asiakas]"


async def test_imported_placement_with_markup_is_shown_literally_on_the_matching_step(store_path, tmp_path):
    session_id = saved_session(store_path)
    store = Store(store_path)
    relabel(store, session_id, f"[bold red]x[/bold red] {ESCAPES}")
    label_shown = f"[bold red]x[/bold red] {ESCAPES_SHOWN}"
    built_in = next(p for p in real_content().placements if p.id == "espoo_kivenlahti_digital_guidance")
    name, host = "[bold red]Paja[/bold red] [/]", f"[link=https://example.com]y[/link] {ESCAPES}"
    store.placements.import_all([built_in.model_copy(update={"name": name, "host": host})], "county.csv")
    store.close()
    app = new_real_app(store_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        screen = app.screen
        assert isinstance(screen, MatchingScreen)
        assert label_shown in shown(screen.query_one("#matching-header", Static))
        options = screen.query_one("#proposals", OptionList)
        index = options.get_option_index(built_in.id)
        prompt = visualize(options, options.get_option_at_index(index).prompt, markup=options._markup).plain
        assert name in prompt and f"[link=https://example.com]y[/link] {ESCAPES_SHOWN}" in prompt
        assert no_raw_controls(prompt)
        options.highlighted = index
        await pilot.pause()
        detail = shown(screen.query_one("#detail", Static))
        assert name in detail and ESCAPES_SHOWN in detail and no_raw_controls(detail)
        # The plan and the answers name the client as stored.
        await pilot.press("f9")
        await pilot.pause()
        plan = app.screen
        assert isinstance(plan, PlanScreen)
        assert label_shown in shown(plan.query_one("#plan-header", Static))
        sections = "\n".join(shown(w) for w in plan.query(".plan-text").results(Static))
        assert label_shown in sections and no_raw_controls(sections)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert label_shown in shown(app.screen.query_one("#summary-header", Static))


async def test_dialogs_show_messages_as_plain_text(content, store_path, tmp_path):
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.show_error(IntakeError(f"[/] [bold]{ESCAPES}"))
        await pilot.pause()
        assert shown(app.screen.query_one("#dialog-message", Static)) == f"[/] [bold]{ESCAPES_SHOWN}"


async def test_a_stored_answer_with_escapes_is_shown_escaped_in_the_transcript_and_the_field(
        content, store_path, tmp_path):
    store = Store(store_path)
    session = IntakeSession.start(store, content, "T-1", "Maija")
    assert session.interview.current().key == "reason"          # a long text
    assert session.answer(f"Hei {ESCAPES}\n[bold]toinen rivi[/bold]") is None
    session.close()
    store.close()
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        answer = shown(screen.query_one("#answer-reason", TranscriptAnswer))
        assert f"Hei {ESCAPES_SHOWN}\n[bold]toinen rivi[/bold]" in answer and no_raw_controls(answer)
        await pilot.press("f3")                                    # back to it: the field shows it too
        await pilot.pause()
        assert screen.step.key == "reason"
        assert screen.query_one("#answer-input", TextArea).text == f"Hei {ESCAPES_SHOWN}\n[bold]toinen rivi[/bold]"


async def test_a_stored_short_answer_with_escapes_is_shown_escaped_in_its_field(content, store_path, tmp_path):
    store = Store(store_path)
    session = IntakeSession.start(store, content, "T-1", "Maija")
    while not isinstance(session.interview.current().question, ShortText):
        assert session.answer(valid_answer(session.interview)) is None
    key = session.interview.current().key
    assert session.answer(ESCAPES) is None
    session.close()
    store.close()
    app = new_app(store_path, content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        screen = app.screen
        await pilot.press("f3")
        await pilot.pause()
        assert screen.step.key == key
        assert screen.query_one("#answer-input", Input).value == ESCAPES_SHOWN
