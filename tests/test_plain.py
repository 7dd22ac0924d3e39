"""Plain mode (`intake --plain`): whole intakes typed through prompt_toolkit's pipe input, as a
person at a terminal would, on the same sessions as the full-screen app."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from intake.export.kinds import FORMATS
from intake.plain.answers import typed_form
from intake.plain.console import PromptConsole
from intake.plain.exports import offer_exports
from intake.plain.main import hold_session, run_plain
from intake.plain.talk import Talk
from intake.session import IntakeSession
from intake.store import Store
from tests.conftest import CONTENT_DIR, REPO
from tests.helpers import answer_until
from tests.test_content import CONTENT
from tests.test_exports import CONSENTING, PLACEMENT, answer_as

CLEAR = "\x15"  # Ctrl+U: what the prompt offers is cleared before the line is typed
Reply = Callable[[str, list[str]], "str | None"]


class Typist(PromptConsole):
    """The person at the keyboard: each line typed into the pipe when its prompt comes, chosen by
    `reply(prompt, lines said so far)`; None ends the input (as Ctrl+D does)."""

    def __init__(self, pipe, reply: Reply):
        super().__init__(io.StringIO())
        self.pipe = pipe
        self.reply = reply
        self.typed: list[str] = []

    def said(self) -> list[str]:
        return self.out.getvalue().splitlines()

    def ask(self, prompt: str, default: str = "") -> str | None:
        line = self.reply(prompt, self.said())
        if line is None:
            self.pipe.close()
        else:
            self.typed.append(line)
            self.pipe.send_text(CLEAR + line + "\r")
        return super().ask(prompt, default)


def typing(reply: Reply, run: Callable[[Typist], object]) -> Typist:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        typist = Typist(pipe, reply)
        run(typist)
    return typist


def heading(said: list[str]) -> str:
    """The last line said that is not an option or a detail (those are indented)."""
    return next(line for line in reversed(said) if line and not line.startswith(" "))


def numbered(said: list[str], words: str) -> str:
    """The number said before `words` in a list, e.g. '  3) Activation plan' or '2. A placement'."""
    for line in reversed(said):
        found = re.fullmatch(rf"\s*(\d+)[.)] {re.escape(words)}", line)
        if found:
            return found[1]
    raise AssertionError(f"{words!r} was not offered")


# --- a whole intake in each language, through the placement and the plan to the exports ----------

EXPORTS = [("counsellor", "json"), ("client", "md"), ("placement", "md")]


def asiakas_x(language: str, tmp_path: Path) -> dict:
    """Asiakas X's answers (tests/test_exports.py) in `language`, by step key, from a session answered
    through the API: the plain session is typed the same answers."""
    scratch = IntakeSession.start(Store(tmp_path / "scratch"), CONTENT, "X", "Liisa", language)
    answer_as(scratch, CONSENTING)
    scratch.close()
    return dict(scratch.interview.state.answers)


def counsellor_and_client(session: IntakeSession, answers: dict) -> Reply:
    exports = list(EXPORTS)
    placement = next(p for p in CONTENT.placements if p.id == PLACEMENT)

    def reply(prompt: str, said: list[str]) -> str | None:
        t = session.texts
        step = session.interview.current()
        if prompt == t("plain.prompt") and step is not None:
            answer = answers[step.key]
            if answer.skipped:
                return t("plain.command.skip")
            return "1" if step.is_confirm else typed_form(step, answer, t)
        form = {t("plan.form.start"): t.date(dt.date(2027, 1, 11)), t("plan.form.months"): "6",
                t("plan.form.days"): "3", t("plan.form.hours"): "4",
                t("plan.form.reason"): "Sovittu asiakkaan kanssa."}
        if prompt in form:
            return form[prompt]
        last = heading(said)
        if last.startswith(t("plain.matching.how", count=0).split("(")[0]):
            return numbered(said, placement.name)
        if last in (t("plain.matching.choose_this"), t("plain.plan.what_now")):
            return "1"
        if last == t("plan.form.plan_type"):
            return numbered(said, "Aktivointisuunnitelma" if t.language == "fi" else
                            {"sv": "Aktiveringsplan", "en": "Activation plan"}[t.language])
        if last == t("export.reader_title"):
            if not exports:
                return numbered(said, t("plain.export.done"))
            reader = exports[0][0]
            if len(FORMATS[reader]) == 1:  # asked no format
                exports.pop(0)
            return numbered(said, t(f"export.reader.{reader}"))
        if last == t("export.format_title"):
            return numbered(said, t(f"export.format.{exports.pop(0)[1]}"))
        raise AssertionError(f"not expected: {prompt!r} after {last!r}")

    return reply


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_whole_intake_in_plain_mode_to_an_agreed_plan_and_its_exports(language, tmp_path):
    answers = asiakas_x(language, tmp_path)
    store = Store(tmp_path / "store")
    # Started as the full-screen app starts a session, held in plain mode.
    session = IntakeSession.start(store, CONTENT, "X-1", "Liisa Ohjaaja", language)

    def hold(typist: Typist) -> None:
        talk = Talk(typist, session.texts)
        talk.open(session)
        assert hold_session(talk, session, store, CONTENT)
        offer_exports(talk, session, tmp_path / "exports")

    typist = typing(counsellor_and_client(session, answers), hold)
    said = "\n".join(typist.said())
    t = session.texts
    first = session.interview.steps()[0]
    assert f"{t(f'interview.turn.{first.view}')}: {t.question(first)}" in said
    assert session.interview.is_complete
    assert session.interview.state.answers.keys() == answers.keys()
    assert session.interview.state.decisions.placement_id == PLACEMENT
    assert session.interview.state.decisions.agreed is not None
    files = {p.name.split("-")[2]: p for p in (tmp_path / "exports").iterdir()}
    assert sorted(files) == ["client", "counsellor", "placement"]
    record = json.loads(files["counsellor"].read_text(encoding="utf-8"))
    assert record["session"]["id"] == session.record.id
    assert "Oppia opastamaan ikäihmisiä digilaitteissa." in files["client"].read_text(encoding="utf-8")
    print(f"{language}: {len(typist.typed)} lines typed, {sum(len(x) + 1 for x in typist.typed)} keystrokes")
    session.close()
