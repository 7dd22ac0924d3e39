"""The employer's brief (supported employment, stage 4) tells the employer only what the client allowed
the job coach to tell (IPS criterion 13).

Every free-text answer of the intake gets a unique planted string, and the choices that each item of the
disclosure would tell are known words (the practice texts, an adjustment's label). For the disclosure
`full`, for `agreed` with each item alone and for `none`, in every format, exactly the allowed plants and
words are in the brief and nothing else of the intake is.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
from typing import Any

import pytest

from intake.cli import main
from intake.export.agreed import ExportRefused
from intake.export.employer_brief import AGREEMENT, ITEMS
from intake.export.kinds import readers_for
from intake.export.readers import render
from intake.flows.decisions import Agreement, PlanDecisions
from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.model import LongText, ShortText
from intake.flows.period import FollowUp, Review
from intake.session import IntakeSession
from intake.store import SessionRecord, Store
from tests.test_content import CONTENT, random_value
from tests.test_exports import PLACEMENT, export_in_app
from tests.test_follow_up import hold

TODAY = dt.date(2026, 6, 1)
SE = "supported_employment"
# The intake's fixed answers: the choices each item would tell, two earlier jobs.
INTAKE = {"service_type": SE, "has_restrictions": True, "restrictions": ["no_lifting"],
          "support_needs": ["work_coach", "extra_breaks"]}
JOBS = 2
# The form's answers that every brief holds (the employer agreed them), and the disclosure's own.
FORM = {"held_on": "2026-03-02", "employer": "FORMEMPLOYER", "job_title": "FORMJOBTITLE",
        "employer_contact_person": "FORMCONTACT", "job_carving": "FORMCARVING", "employment_start": "2026-03-16",
        "contract": "fixed_term", "hours_per_week": 25, "pay_subsidy": "granted", "arrangement_support": "not_needed",
        "adjustments": ["task_list", "coach_at_workplace"], "health_to_tell": "FORMHEALTH"}
# The intake's free-text answers each item lets through (the rest never goes to the employer).
ITEM_TEXTS = {"coaching": ("contact_person", "contact_phone"), "work_history": ("job",),
              "health": ("restrictions_notes",)}
ALWAYS_TEXTS = ("name_for_placement",)  # the brief's title: the name the client chose to be called by

def plant(step) -> str:
    """A distinctive answer for a text question: its key in letters and digits (Markdown escapes the rest),
    ended so that no plant is part of another."""
    if isinstance(step.question, ShortText) and step.question.pattern:  # the phone number
        return "+358 99 1234 567"
    return "PLANT" + "".join(c for c in step.key if c.isalnum()) + "END"


def answer_intake(target: Interview | IntakeSession, service: str = SE) -> dict[str, list[str]]:
    """The real intake answered with a plant in every text answer; the plants of each text question."""
    interview, rng, planted = getattr(target, "interview", target), random.Random(14), {}
    while (step := interview.current()) is not None:
        q = step.question
        if step.is_add_another:
            value = step.entry < JOBS if step.group.id == "work_history" else step.entry < 1
        elif q is not None and q.id == "due":
            assert target.skip() is None
            continue
        elif q is not None and q.id in INTAKE:
            value = service if q.id == "service_type" else INTAKE[q.id]
        elif isinstance(q, (ShortText, LongText)):
            value = plant(step)
            assert len(value) <= q.max_length, step.key
            planted.setdefault(q.id, []).append(value)
        else:
            value = random_value(step, rng)
        assert target.answer(value) is None, step.key
    return planted


DECISIONS = {"placement_id": PLACEMENT, "start": dt.date(2026, 1, 12), "months": 6, "days_per_week": 3,
             "hours_per_day": 4, "plan_type": "client_plan"}


def se_intake(service: str = SE) -> tuple[SessionRecord, dict[str, list[str]]]:
    """An agreed intake of a client of `service`, with the plants of its text answers."""
    interview = Interview(CONTENT)
    planted = answer_intake(interview, service)
    interview.state.decisions = PlanDecisions(**DECISIONS, agreed=Agreement(
        at=dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc), client="X-1", counsellor="Liisa"))
    now = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
    record = SessionRecord(id="employer0001", client_label="X-1", counsellor="Liisa", language="fi", plain=False,
                           created_at=now, updated_at=now, state=interview.state)
    return record, planted


RECORD, PLANTED = se_intake()


def agreement(record: SessionRecord, answers: dict[str, Any], number: int = 1, complete: bool = True) -> Review:
    """An employer agreement held on the intake of `record` with FORM and `answers` (stopped before the
    disclosure when not `complete`)."""
    form = Interview(CONTENT.review(AGREEMENT), context=Interview(CONTENT, record.state).active())
    hold(form, {**FORM, **answers}, stop=(lambda step: False) if complete else (lambda step: step.key == "disclosure"))
    assert form.is_complete is complete
    return Review(id=f"{AGREEMENT}-{number}", kind=AGREEMENT, state=form.state,
                  opened_at=dt.datetime(2026, 3, number, tzinfo=dt.timezone.utc))


def with_forms(record: SessionRecord, *reviews: Review, **change: Any) -> SessionRecord:
    return record.model_copy(update={"follow_up": FollowUp(reviews=list(reviews)), **change})


def told_words(texts: Texts) -> dict[str, set[str]]:
    """Words from the intake's choices and the form that the brief holds, each with the items it needs: a
    support need or an adjustment that is the coach tells of the coach, so it needs the coaching too."""
    form = Texts(CONTENT.review(AGREEMENT), texts.language, texts.plain)
    adjustment = next(q for s in CONTENT.reviews[AGREEMENT].sections for q in s.questions if q.id == "adjustments")
    label = {c.value: c.text.get(form.language, form.plain) for c in adjustment.choices}
    return {texts("employer.section.coach"): {"coaching"},
            texts("practice.work_coach"): {"support_needs", "coaching"},
            texts("practice.extra_breaks"): {"support_needs"},
            label["coach_at_workplace"]: {"adjustments", "coaching"},
            label["task_list"]: {"adjustments"},
            texts("practice.no_lifting"): {"restrictions"},
            texts("employer.section.work_history"): {"work_history"},
            "FORMHEALTH": {"health"}}


def in_brief(text: str, brief: str, fmt: str) -> bool:
    if fmt == "html":
        return html.escape(text, quote=True) in brief
    if fmt == "json":
        return json.dumps(text, ensure_ascii=False)[1:-1] in brief
    return text in brief


def test_the_forms_disclosure_items_are_the_ones_the_brief_knows():
    form = {q.id: q for s in CONTENT.reviews[AGREEMENT].sections for q in s.questions}
    assert [c.value for c in form["disclosure"].choices] == ["full", "agreed", "none"]
    assert tuple(c.value for c in form["disclosure_items"].choices) == ITEMS
    assert form["disclosure"].who == form["disclosure_items"].who == "client"  # the client decides
    assert form["health_to_tell"].sensitive == ["health"]


CASES = [("full", None), *(("agreed", [item]) for item in ITEMS)]


@pytest.mark.parametrize("disclosure, items", CASES, ids=["full", *ITEMS])
@pytest.mark.parametrize("language, plain", [("fi", False), ("fi", True), ("sv", False), ("en", False)])
def test_the_brief_holds_exactly_what_the_disclosure_allows(disclosure, items, language, plain):
    allowed = set(ITEMS) if disclosure == "full" else set(items)
    record = with_forms(RECORD, agreement(RECORD, {"disclosure": disclosure, "disclosure_items": items}),
                        language=language, plain=plain)
    words = told_words(Texts(CONTENT, language, plain))
    let_through = {q for item in allowed for q in ITEM_TEXTS.get(item, ())} | set(ALWAYS_TEXTS)
    for fmt in ("html", "md", "json"):
        brief = render(CONTENT, record, "employer", fmt, today=TODAY)
        shown = {q for q, plants in PLANTED.items() for p in plants if p in brief}
        assert shown == let_through, fmt
        for text, needs in words.items():
            assert in_brief(text, brief, fmt) is (needs <= allowed), (fmt, text)
        for plant in ("FORMEMPLOYER", "FORMJOBTITLE", "FORMCONTACT", "FORMCARVING"):
            assert plant in brief, (fmt, plant)


def test_health_is_never_told_unless_chosen():
    for items in ([i for i in ITEMS if i != "health"], ["coaching"]):
        record = with_forms(RECORD, agreement(RECORD, {"disclosure": "agreed", "disclosure_items": items}))
        brief = render(CONTENT, record, "employer", "md", today=TODAY)
        assert "FORMHEALTH" not in brief and not any(p in brief for p in PLANTED["restrictions_notes"])
        assert Texts(CONTENT, "fi")("employer.section.health") not in brief


def test_the_brief_says_the_job_in_the_sessions_language():
    record = with_forms(RECORD, agreement(RECORD, {"disclosure": "full"}), language="en")
    brief = render(CONTENT, record, "employer", "md", today=TODAY)
    assert "# Starting work: " + PLANTED["name_for_placement"][0] in brief
    for line in ("The employment starts on 16 March 2026.", "Contract: A fixed-term contract.",
                 "Working time: 25 hours a week.", "Pay subsidy: Granted."):
        assert line in brief
    assert "Support for arranging working conditions" not in brief  # not needed: no news to the employer
    doc = json.loads(render(CONTENT, record, "employer", "json", today=TODAY))
    assert doc["format"] == "intake-employer-brief" and doc["language"] == "en"


# --- refused --------------------------------------------------------------------------------------------

def refusal(record: SessionRecord) -> str:
    with pytest.raises(ExportRefused) as refused:
        render(CONTENT, record, "employer", "html", today=TODAY)
    return refused.value.message


def test_refused_without_a_complete_agreement_saying_which_form_to_complete():
    texts = Texts(CONTENT, "fi")
    unfinished = with_forms(RECORD, agreement(RECORD, {}, complete=False))
    for record in (RECORD, unfinished):
        assert refusal(record) == texts("export.no_employer_agreement")
    assert "Tuesta sopiminen työnantajan kanssa" in texts("export.no_employer_agreement")


def test_refused_when_the_client_allows_nothing_and_the_latest_decision_counts():
    none = agreement(RECORD, {"disclosure": "none", "held_on": "2026-03-09"}, number=2)
    full = agreement(RECORD, {"disclosure": "full", "held_on": "2026-03-02"}, number=1)
    message = refusal(with_forms(RECORD, full, none))
    assert message == Texts(CONTENT, "fi")("export.employer_disclosure_none") and "uudelleen" in message
    # The decision changed back later: the brief is made again.
    again = agreement(RECORD, {"disclosure": "agreed", "disclosure_items": ["coaching"], "held_on": "2026-04-01"}, 3)
    assert "FORMJOBTITLE" in render(CONTENT, with_forms(RECORD, full, none, again), "employer", "md", today=TODAY)


def test_refused_for_a_client_of_another_service():
    record, _ = se_intake("rehabilitative_work_activity")
    assert refusal(record) == Texts(CONTENT, "fi")("export.employer_not_supported_employment")


def test_the_employer_is_offered_only_for_supported_employment():
    assert readers_for(SE) == ("counsellor", "client", "employer")  # no work-activity placement to brief
    for service in ("rehabilitative_work_activity", "work_activity", "employment_supporting_activity"):
        assert readers_for(service) == ("counsellor", "client", "placement")


# --- the command line, the access log and the app --------------------------------------------------------------

def agreed_se_session(tmp_path) -> IntakeSession:
    """A supported-employment client's intake, answered as RECORD's and agreed, in a store."""
    session = IntakeSession.start(Store(tmp_path / "store"), CONTENT, "X-1", "Liisa Ohjaaja")
    assert answer_intake(session) == PLANTED
    session.decide(**DECISIONS)
    assert session.agree().agreed is not None
    return session


def se_session(tmp_path) -> IntakeSession:
    """The agreed session with an employer agreement that allows the coaching only."""
    session = agreed_se_session(tmp_path)
    hold(session.open_review(AGREEMENT), {**FORM, "disclosure": "agreed", "disclosure_items": ["coaching"]})
    return session


def test_cli_exports_for_the_employer_and_logs_it(tmp_path, capsys):
    session = se_session(tmp_path)
    sid = session.record.id
    session.close()
    store = ["--store", str(tmp_path / "store")]
    assert main([*store, "export", sid, "--for", "employer", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "FORMJOBTITLE" in out and PLANTED["contact_person"][0] in out
    assert not any(p in out for q, plants in PLANTED.items() if q not in ("contact_person", "contact_phone",
                                                                          "name_for_placement") for p in plants)
    target = tmp_path / "employer.html"
    assert main([*store, "export", sid, "--for", "employer", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and oct(target.stat().st_mode)[-3:] == "600"
    actions = [e["action"] for e in Store(tmp_path / "store").access_log(sid) if e["action"].startswith("export")]
    assert actions == ["export-employer", "export-employer"]


def test_cli_says_why_the_employer_gets_nothing(tmp_path, capsys):
    session = agreed_se_session(tmp_path)
    sid = session.record.id
    session.close()
    assert main(["--store", str(tmp_path / "store"), "export", sid, "--for", "employer"]) != 0
    assert "Tuesta sopiminen työnantajan kanssa" in capsys.readouterr().err
    assert not [e for e in Store(tmp_path / "store").access_log(sid) if e["action"] == "export-employer"]


async def test_the_apps_export_offers_the_employer_for_supported_employment(tmp_path):
    session = se_session(tmp_path)
    offered, files = await export_in_app(session, tmp_path / "exports", "employer", "md")
    assert offered == ["counsellor", "client", "employer"]
    assert [f.suffix for f in files] == [".md"] and "employer" in files[0].name
    assert "FORMJOBTITLE" in files[0].read_text(encoding="utf-8")
    assert [e["action"] for e in session.store.access_log(session.record.id)][-1] == "export-employer"
    session.close()


def test_plain_mode_offers_the_employer_for_supported_employment(tmp_path):
    from intake.plain.exports import offer_exports
    from intake.plain.talk import Talk
    from tests.test_plain import heading, numbered, typing

    session = se_session(tmp_path)
    t = session.texts
    turns = iter([("export.reader_title", "export.reader.employer"), ("export.format_title", "export.format.md"),
                  ("export.reader_title", "plain.export.done")])

    def reply(prompt: str, said: list[str]) -> str:
        asked, option = next(turns)
        assert heading(said) == t(asked)
        return numbered(said, t(option))

    typing(reply, lambda typist: offer_exports(Talk(typist, t), session, tmp_path / "exports"))
    files = list((tmp_path / "exports").glob("*"))
    assert [f.suffix for f in files] == [".md"] and "employer" in files[0].name
    assert "FORMJOBTITLE" in files[0].read_text(encoding="utf-8")
    session.close()
