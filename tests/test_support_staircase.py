"""The support staircase (issue 14, seed 001's "Asiakkaana koen, että…"): one choice among eight statements,
each giving a support level from content, shown in words in the summary, the plan and the exports; a
session saved with the nine Likert items it replaced still opens and keeps them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from intake.export.readers import render
from intake.flows.derive import support_level, suggested_services
from intake.flows.display import Texts
from intake.flows.engine import Answer, Interview, InterviewState
from intake.flows.loader import ContentError, load_content
from intake.plain.answers import options
from intake.session import IntakeSession
from intake.store import Store
from tests.conftest import REAL_CONTENT
from tests.test_content import CONTENT
from tests.test_exports import CONSENTING, agreed_session

# Seed 001's statements in its order, and the level each gives (the content's comments say why).
LEVELS = {
    "induction_and_changes": "moderate",
    "motivated": "intensive",
    "identify_skills": "intensive",
    "employer_cooperation": "moderate",
    "concrete_tools": "moderate",
    "work_trial_with_help": "light",
    "independent_after_induction": "light",
    "worklife_ready": "light",
}
# The Likert items the staircase replaced (content before issue 14).
REMOVED = ("wa_independent_after_induction", "wa_changes_need_support", "wa_motivated", "wa_help_identify_skills",
           "wa_help_with_employer", "wa_concrete_tools", "wa_work_trial_with_help", "wa_tasks_go_well",
           "wa_worklife_skills")
AT = dt.datetime(2026, 12, 7, 12, tzinfo=dt.timezone.utc)


def answered(**answers) -> Interview:
    state = InterviewState(flow_id=CONTENT.flow.id, flow_version=CONTENT.flow.version,
                           answers={key: Answer(value=value, by="client", at=AT) for key, value in answers.items()})
    return Interview(CONTENT, state)


def test_the_staircase_offers_the_seeds_eight_statements_in_its_order():
    q = CONTENT.question_index["support_staircase"]
    assert [c.value for c in q.choices] == list(LEVELS)
    assert q.choices[0].text.fi.startswith("Pystyn työskentelemään työyhteisössä itsenäisesti")
    assert "taukohälytykset" in q.choices[4].description.fi  # statement 5 lists its concrete tools
    assert not any(q.id in REMOVED for s in CONTENT.sections for q in s.questions)


@pytest.mark.parametrize("choice,level", LEVELS.items())
def test_each_statement_gives_its_support_level(choice, level):
    assert support_level(answered(support_staircase=choice)) == level


def test_no_level_without_an_answer():
    assert support_level(answered()) is None
    skipped = answered()
    skipped.state.answers["support_staircase"] = Answer(by="client", at=AT, skipped=True)
    assert support_level(skipped) is None


def test_every_staircase_choice_has_a_named_level_in_content():
    staircase = CONTENT.scoring.support_staircase
    choices = [c.value for c in CONTENT.question_index[staircase.question].choices]
    assert sorted(staircase.choices) == sorted(choices)
    assert set(staircase.choices.values()) <= set(staircase.levels) == {"intensive", "moderate", "light"}


def copy_with_scoring(tmp_path: Path, edit) -> Path:
    root = Path(shutil.copytree(REAL_CONTENT, tmp_path / "content"))
    scoring = root / "scoring.yaml"
    scoring.write_text(edit(scoring.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def test_a_choice_without_a_level_is_refused_with_its_line(tmp_path):
    root = copy_with_scoring(tmp_path, lambda text: text.replace("    worklife_ready: light\n", ""))
    with pytest.raises(ContentError) as caught:
        load_content(root)
    assert "scoring.yaml:" in str(caught.value) and "no support level" in str(caught.value)
    assert "worklife_ready" in str(caught.value)


def test_a_level_for_no_choice_or_an_unknown_level_is_refused(tmp_path):
    root = copy_with_scoring(tmp_path, lambda text: text.replace("    worklife_ready: light\n",
                                                                 "    worklife_ready: light\n    ready: light\n"))
    with pytest.raises(ContentError, match="'ready' is not a choice of 'support_staircase'"):
        load_content(root)
    root = copy_with_scoring(tmp_path / "2", lambda text: text.replace("worklife_ready: light", "worklife_ready: none"))
    with pytest.raises(ContentError, match="scoring.yaml"):
        load_content(root)


def test_the_summary_says_the_statement_and_the_level_in_words():
    interview = answered(support_staircase="employer_cooperation")
    section = next(s for s in CONTENT.sections if s.id == "assessment")
    lines = Texts(CONTENT, "fi").summary(interview, section)
    assert any("tarvitset apua ja tukea yhteistyössä työnantajan kanssa" in line for line in lines)
    assert lines[-1] == "Valintasi mukaan sinulle sopii työhönvalmennuksessa: Kohtalainen tuki."
    plain = Texts(CONTENT, "fi", plain=True).summary(interview, section)
    assert plain[-1] == "Sinulle sopii: Jonkin verran tukea."
    assert not any("työhönvalmennuksessa" in line for line in Texts(CONTENT, "fi").summary(answered(), section))


def test_statement_five_is_offered_with_its_tools_in_plain_mode():
    interview = answered()
    step = next(s for s in interview.steps() if s.key == "support_staircase")
    labels = [o.label for o in options(step, Texts(CONTENT, "fi"))]
    assert labels[4].startswith("Selviytyäkseni työssä itsenäisesti voin tarvita konkreettisia keinoja: Esimerkiksi")


@pytest.mark.parametrize("choice,suggested", [("employer_cooperation", True), ("concrete_tools", True),
                                              ("worklife_ready", False), ("motivated", False)])
def test_job_coaching_is_suggested_from_the_staircase(choice, suggested):
    interview = answered(support_staircase=choice, orientation="forward")
    assert ("job_coaching" in [s.id for s in suggested_services(CONTENT.suggestions, interview)]) is suggested


@pytest.fixture
def session(tmp_path):
    s = agreed_session(tmp_path, {**CONSENTING, "support_staircase": "identify_skills"})
    yield s
    s.close()


def test_the_plan_and_the_exports_give_the_level(session):
    plan = session.plan()
    assert (plan.support_level.level, plan.support_level.name) == ("intensive", "Tiivis tuki")
    assert plan.support_level.statement.startswith("Tarvitsen työntekijän apua ja tukea osaamiseni")
    exported = json.loads(render(CONTENT, session.record, "counsellor"))
    assert exported["plan"]["support_level"]["level"] == "intensive"
    client = render(CONTENT, session.record, "client", "md")
    assert "Tiivis tuki: Työhönvalmentaja on mukana kaikissa vaiheissa" in client
    # the placement hears nothing of it: it is the client's self-assessment
    assert "Tiivis tuki" not in render(CONTENT, session.record, "placement", "md")


def test_a_session_saved_with_the_removed_likert_items_opens_and_keeps_them(session, tmp_path):
    """Before issue 14 the staircase was nine Likert items. Their answers stay in the store (inactive,
    as an answer a later edit made irrelevant), and the staircase is asked at the next meeting."""
    old = session.interview.state.model_copy(deep=True)
    del old.answers["support_staircase"]
    old.answers.update({item: Answer(value=4, by="client", at=AT) for item in REMOVED})
    store = session.store
    store.save(session.record.model_copy(update={"state": old}), who="test")
    session.close()
    reopened = IntakeSession.resume(store, CONTENT, session.record.id)
    try:
        assert reopened.interview.current().key == "support_staircase"
        assert reopened.plan().support_level is None
        assert reopened.answer("worklife_ready") is None
        saved = Store(tmp_path / "store").get(session.record.id).state.answers
        assert {item: saved[item].value for item in REMOVED} == dict.fromkeys(REMOVED, 4)
        assert saved["support_staircase"].value == "worklife_ready"
        assert reopened.plan().support_level.level == "light"
    finally:
        reopened.close()


def test_the_screen_offers_the_long_statements_apart_with_the_tools_under_statement_five():
    from intake.screens.answer_fields import ChoiceField

    step = next(s for s in answered().steps() if s.key == "support_staircase")
    field = ChoiceField(step, Texts(CONTENT, "fi"), None)
    assert field.values == list(LEVELS)
    assert field.separators == set(range(1, len(LEVELS)))  # a line between every two statements
    tools = field.prompts[4].plain.split("\n")
    assert tools[0] == "Selviytyäkseni työssä itsenäisesti voin tarvita konkreettisia keinoja."
    assert "työhönvalmentaja, jolle soittaa" in tools[1]
    short = next(s for s in answered().steps() if s.key == "orientation")  # short choices stay as they were
    assert ChoiceField(short, Texts(CONTENT, "fi"), None).separators == set()


def test_plain_mode_says_the_level_with_the_plan(session):
    from intake.plain.plan import say_plan
    from intake.plain.talk import Talk

    class Heard:
        def __init__(self):
            self.lines: list[str] = []

        def say(self, text: str) -> None:
            self.lines.append(text)

    heard = Heard()
    say_plan(Talk(heard, session.texts), session.plan(), session.interview.state.decisions.months)
    t = session.texts
    assert f"{t('plan.label.support_level')}: {t('plan.support_level_line', level='Tiivis tuki', description=session.plan().support_level.description)}" in heard.lines
