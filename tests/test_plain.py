"""Plain mode (`intake --plain`): whole intakes typed through prompt_toolkit's pipe input, as a
person at a terminal would, on the same sessions as the full-screen app."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable, get_args

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from intake.export.kinds import FORMATS
from intake.flows.engine import Answer
from intake.flows.model import DateQuestion
from intake.flows.display import Texts
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


KEEP = tuple(Texts(CONTENT, language)("plain.keep", value="") for language in ("fi", "sv", "en"))


def heading(said: list[str]) -> str:
    """The last line said that is not an option or a detail (those are indented), nor what Enter keeps."""
    return next(line for line in reversed(said) if line and not line.startswith((" ", *KEEP)))


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
        form = {t("plan.form.start"): t.date_field(dt.date(2027, 1, 11)), t("plan.form.months"): "6",
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
    session.close()


# --- commands, bad answers and the way between the two front ends, on the small first flow ----------

class Lines:
    """A person typing the lines of a script in turn, then Ctrl+D; what each prompt offered is kept."""

    def __init__(self, *lines: str):
        self.script = list(lines)
        self.lines = list(lines)
        self.offered: list[str] = []  # what the prompt held when each line was typed

    def __call__(self, prompt: str, said: list[str]) -> str | None:
        return self.lines.pop(0) if self.lines else None


class OfferingTypist(Typist):
    def ask(self, prompt: str, default: str = "") -> str | None:
        self.reply.offered.append(default)
        return super().ask(prompt, default)


def plain_run(store: Store, content, script: Lines, tmp_path: Path) -> str:
    def run(typist: Typist) -> None:
        assert run_plain(typist, store, content, tmp_path / "exports") == 0

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        typist = OfferingTypist(pipe, script)
        run(typist)
    return "\n".join(typist.said())


def after(said: str, marker: str) -> str:
    assert marker in said, marker
    return said[said.index(marker) + len(marker):]


def test_languages_and_plain_language_switch_mid_interview_and_bad_answers_are_asked_again(content, tmp_path):
    fi, en = Texts(content, "fi"), Texts(content, "en")
    plain_fi = Texts(content, "fi", plain=True)
    store = Store(tmp_path / "store")
    script = Lines("", "A\u202eB", "AB", "Maija Ohjaaja", "1", "1",
                   "Haluan päivään rytmiä.",  # the reason
                   "9",                        # not one of the referral's choices
                   "/en", "/answers", "2",
                   "kaksi",                    # not a number
                   "/fi", "/selko", "26", "/quit")
    said = plain_run(store, content, script, tmp_path)
    assert "\u202e" not in said  # the label refused (a bidi override), nothing of it printed raw
    assert fi("start.name_control", char="\\u202e", position=2) in said
    session = IntakeSession.resume(store, content, store.list()[0].id)
    try:
        steps = {s.question_id: s for s in session.interview.steps()}
        # asked again after a bad answer: a wrong choice typed again, a wrong number kept to correct
        # (also through a change of language)
        assert fi("plain.error.one_of") in said
        bad = script.script.index("kaksi")
        assert script.offered[bad:bad + 4] == ["", "kaksi", "kaksi", "kaksi"]
        # in English from the switch on: the question again, and the answers so far
        switched = after(said, en("plain.now_speaking", language=en("language.en")))
        assert en.question(steps["referral"]) in switched
        assert f"{en.question(steps['reason'])} — Haluan päivään rytmiä." in switched
        assert en("error.number_expected") in switched
        # plain Finnish: the same question in plain words
        assert plain_fi.question(steps["months_unemployed"]) in after(switched, plain_fi("plain.now_plain"))
        assert plain_fi.question(steps["months_unemployed"]) != fi.question(steps["months_unemployed"])
        # held on in the app's session: the language chosen last, and every answer in its place
        assert (session.record.language, session.record.plain) == ("fi", True)
        active = session.interview.active()
        assert (active.get("reason"), active.get("months_unemployed")) == ("Haluan päivään rytmiä.", 26)
        assert active.get("referral") == steps["referral"].question.choices[1].value
        assert session.interview.current().question_id == "has_worked"
    finally:
        session.close()


def test_a_session_started_in_the_app_continues_in_plain_mode_where_it_was_left(content, tmp_path):
    store = Store(tmp_path / "store")
    session = IntakeSession.start(store, content, "CD", "Maija Ohjaaja", "sv")
    assert session.answer("a\x1b[2Jb") is None  # the reason, with a terminal command in it
    answer_until(session, 2)  # the referral, the months
    session.close()
    sv = Texts(content, "sv")
    script = Lines("1", "/alla", "/back", "27", "/quit")
    said = plain_run(store, content, script, tmp_path)
    assert "\x1b" not in said and "a\\x1b[2Jb" in said  # said back as a visible escape, never run
    step = {s.question_id: s for s in session.interview.steps()}["months_unemployed"]
    assert f"{sv('interview.turn.client')}: {sv.question(step)}" in said  # asked in the session's language
    assert "26" in script.offered  # the earlier answer offered to change
    again = IntakeSession.resume(store, content, session.record.id)
    try:
        assert again.interview.active().get("months_unemployed") == 27
        assert again.interview.current().question_id == "has_worked"
    finally:
        again.close()


# --- without a terminal, and the words used ------------------------------------------------------

PIPED = """
import json, sys
from intake.cli import main
code = main(sys.argv[1:])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "numpy"))), file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize("asked", [[], ["--plain"]])
def test_without_a_terminal_plain_mode_is_taken_by_itself_and_says_so_without_textual(asked, content, tmp_path):
    fi = Texts(content, "fi")
    typed = "\n".join(["", "EF", "Maija Ohjaaja", "1", "1", "Haluan rytmiä.", "/lopeta"]) + "\n"
    result = subprocess.run([sys.executable, "-c", PIPED, *asked, "--store", str(tmp_path / "store"), "--content",
                             str(CONTENT_DIR), "--export-dir", str(tmp_path / "exports")],
                            input=typed, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    welcome = fi("plain.welcome", help="/ohje")
    assert lines[0] == (welcome if asked else fi("plain.no_terminal"))  # said when it was not asked for
    assert welcome in lines
    assert fi("plain.saved", id=Store(tmp_path / "store").list()[0].id) in result.stdout
    assert json.loads(result.stderr.splitlines()[-1]) == []  # neither textual nor numpy before matching
    session = Store(tmp_path / "store").list()[0]
    assert (session.client_label, session.answered) == ("EF", 1)


def test_every_text_key_plain_mode_uses_exists(content):
    from intake.flows.model import Question
    from intake.plain.commands import LANGUAGES, NAMES

    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "intake" / "plain").glob("*.py"))
    keys = set(re.findall(r"\"((?:plain|start|plan|export|matching|interview|answer|summary)\.[a-z0-9_.]+)\"", source))
    keys |= {f"plain.command.{n}" for n in NAMES} | {f"plain.help.{n}" for n in (*NAMES, "language")}
    kinds = {get_args(kind.model_fields["type"].annotation)[0] for kind in get_args(get_args(Question)[0])}
    keys |= {f"plain.hint.{k}" for k in kinds - {"repeat"}} | {"plain.hint.confirm"}
    keys |= {f"language.{code}" for code in LANGUAGES}
    assert len(keys) > 50
    assert sorted(k for k in keys if k not in content.texts) == []


def test_a_summary_is_said_to_confirm_and_corrected_by_picking_an_answer(tmp_path):
    from tests.test_plan import value_for

    store = Store(tmp_path / "store")
    session = IntakeSession.start(store, CONTENT, "GH", "Maija Ohjaaja", "en")
    rng = random.Random(1)
    while not (step := session.interview.current()).is_confirm:
        assert session.answer(value_for(step, rng)) is None
    section = step.section
    summary = Texts(CONTENT, "en").summary(session.interview, section)
    first = session.interview.steps()[0]
    session.close()
    en = Texts(CONTENT, "en")
    script = Lines("1", "/guidance", "2", "1", "2", "1", "/quit")
    said = plain_run(store, CONTENT, script, tmp_path)
    assert summary and all(line in said for line in summary)
    assert en("plain.no_guidance") in said
    corrected = after(said, en("plain.pick_answer"))
    assert f"1) {en.question(first)} — " in corrected
    again = IntakeSession.resume(store, CONTENT, session.record.id)
    try:
        assert again.interview.active().get(first.key) == first.question.choices[1].value
        confirmed = [s for s, _ in again.interview.transcript() if s.is_confirm and s.section is section]
        assert confirmed and confirmed[0].key != step.key  # confirmed again, for the corrected answers
    finally:
        again.close()


def test_none_yet_then_a_placement_and_a_plan_refused_with_bad_values_asked_again(content, tmp_path):
    store = Store(tmp_path / "store")
    session = IntakeSession.start(store, content, "IJ", "Maija Ohjaaja")
    answer_until(session)
    session.close()
    fi = Texts(content, "fi")
    said = plain_run(store, content, Lines("1", "x", "1", "2", "0"), tmp_path)
    listed = len(re.findall(r"^\d+\. ", said, re.M))
    assert listed % 2 == 0  # said again after the details, not after the bad number
    assert fi("plain.error.number", count=listed // 2) in said
    assert fi("matching.none_yet_saved") in said
    assert store.get(session.record.id).state.decisions.placement_id is None

    agreeing = []

    def reply(prompt: str, said: list[str]) -> str | None:
        last = heading(said)
        answers = {fi("plain.start.which"): "1", fi("plan.form.days"): "", fi("plan.form.hours"): ""}
        if prompt in answers:
            return answers[prompt]
        if prompt == fi("plan.form.start"):  # a day February does not have, then a real one
            return "1.3.2027" if fi("error.date_no_such_day.2", day=31, month=2, year=2027, days=28) in said else "31.2.2027"
        if prompt == fi("plan.form.months"):
            return "6" if fi("plan.form.months_error") in said else "kuusi"
        if last.startswith(fi("plain.matching.how", count=0).split("(")[0]) or last in (
                fi("plain.matching.choose_this"), fi("plan.form.plan_type")):
            return "1"
        if last == fi("plain.plan.what_now"):  # agree: refused, the first flow asks too little for a plan
            agreeing.append(last)
            return "1" if len(agreeing) == 1 else None
        raise AssertionError(f"not expected: {prompt!r} after {last!r}")

    def run(typist: Typist) -> None:
        assert run_plain(typist, store, content, tmp_path / "exports") == 0

    said = "\n".join(typing(reply, run).said())
    decisions = store.get(session.record.id).state.decisions
    assert fi("error.date_no_such_day.2", day=31, month=2, year=2027, days=28) in said
    assert fi("plan.form.months_error") in said
    assert (decisions.start, decisions.months) == (dt.date(2027, 3, 1), 6)
    assert fi("plan.agree_blocked") in said and decisions.agreed is None
    assert decisions.placement_id is not None


def test_an_interim_review_is_held_in_plain_mode_once_the_plan_is_agreed(tmp_path):
    from tests.test_exports import agreed_session
    from tests.test_plan import value_for

    session = agreed_session(tmp_path, period=(dt.date.today() - dt.timedelta(days=90), 6), language="en")
    store, session_id = session.store, session.record.id
    session.close()
    en, rng = Texts(CONTENT, "en"), random.Random(3)

    def held() -> IntakeSession:
        return IntakeSession.resume(store, CONTENT, session_id, read_only=True)

    def reply(prompt: str, said: list[str]) -> str | None:
        last = heading(said)
        if prompt == Texts(CONTENT, "fi")("plain.start.which"):  # the start speaks Finnish
            return "1"
        if last == en("export.reader_title"):
            return numbered(said, en("plain.export.done"))
        if last == en("plain.period.which"):
            reviews = held().follow_up.reviews
            return numbered(said, en("plain.period.done" if reviews else "key.period.review.interim"))
        current = held()
        review = current.review(current.follow_up.reviews[-1].id)
        step = review.interview.current()
        if step.is_confirm:
            return "1"
        if isinstance(step.question, DateQuestion):  # the day it is held: within the period so far
            return review.texts.date_field(dt.date.today() - dt.timedelta(days=30))
        return typed_form(step, Answer(value=value_for(step, rng), by=step.view, at=dt.datetime.now()), review.texts)

    def run(typist: Typist) -> None:
        assert run_plain(typist, store, CONTENT, tmp_path / "exports") == 0

    said = "\n".join(typing(reply, run).said())
    reviews = held().follow_up.reviews
    assert [r.kind for r in reviews] == ["interim"]
    assert held().review(reviews[0].id).interview.is_complete
    assert en("plan.agreed_notice") in said and en("plain.period_elsewhere") in said


async def test_a_session_started_in_plain_mode_opens_in_the_app_at_its_place_and_language(content, tmp_path):
    from intake.screens.interview import InterviewScreen
    from tests.test_app import SIZE, new_app

    store = Store(tmp_path / "store")
    script = Lines("", "MN", "Maija Ohjaaja", "2", "1", "Jag vill ha en rytm.", "/avsluta")
    await asyncio.to_thread(plain_run, store, content, script, tmp_path)  # prompt_toolkit runs its own loop
    session_id = store.list()[0].id
    app = new_app(tmp_path / "store", content, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.open_session(IntakeSession.resume(app.store, content, session_id))
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.step.question_id == "referral"
        assert app.screen.t.language == "sv"
        assert app.session.interview.active().get("reason") == "Jag vill ha en rytm."
