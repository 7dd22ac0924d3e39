"""The placement's brief leaks nothing the client has not agreed to share.

Every question flagged `sensitive` in the content gets a unique sentinel: its question text, its choice
texts and, for a text question, its answer. Over random interviews, languages and consent answers, no
sentinel of an item that is not consented appears anywhere in the brief, in any format.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.export.agreed import ExportRefused
from intake.export.placement_brief import KINDS
from intake.export.readers import render
from intake.flows.decisions import Agreement, PlanDecisions
from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.model import Content
from intake.flows.period import FollowUp
from intake.store import SessionRecord, Store
from tests.reviewed import ENDED_ON, FOLLOW_ON, INTERIM_ON, reviewed_session
from tests.test_content import CONTENT, random_value

_numbers = count()


def _sentinel() -> str:
    return f"SENTINEL{next(_numbers):04d}Q"


def _text(sentinel: str) -> dict:
    return {"fi": sentinel, "sv": sentinel, "en": sentinel, "plain": {"fi": sentinel}}


def _sentinel_content():
    """The real content with every sensitive question's words replaced by sentinels, and what each stands for."""
    data = CONTENT.model_dump()
    by_question: dict[str, list[str]] = {}  # question id -> its sentinels
    answers: dict[str, str] = {}  # text question id -> the sentinel answer
    scale_labels: dict[str, list[str]] = {}  # scale id -> sentinels of its point labels
    for section in data["sections"]:
        for top in section["questions"]:
            for q in (top, *top.get("questions", ())):
                if not q["sensitive"]:
                    continue
                q["text"] = _text(mine := _sentinel())
                by_question[q["id"]] = [mine]
                for choice in q.get("choices", ()):
                    choice["text"] = _text(label := _sentinel())
                    by_question[q["id"]].append(label)
                if q["type"] in ("short_text", "long_text"):
                    answers[q["id"]] = _sentinel()
                    by_question[q["id"]].append(answers[q["id"]])
                if q["type"] == "scale" and q["scale"] not in scale_labels:
                    scale_labels[q["scale"]] = []
                    for point in data["scales"][q["scale"]]["points"]:
                        point["label"] = _text(label := _sentinel())
                        scale_labels[q["scale"]].append(label)
    content = Content.model_validate(data)
    sensitive = {q.id: q for s in content.sections for top in s.questions
                 for q in (top, *getattr(top, "questions", ())) if q.sensitive}
    return content, sensitive, by_question, answers, scale_labels


CONTENT_S, SENSITIVE, SENTINELS, TEXT_ANSWERS, SCALE_LABELS = _sentinel_content()
SHARE_CHOICES = [c.value for c in CONTENT.question_index["consent_share"].choices]


def _record(seed: int, share: list[str], kinds: list[str], language: str, plain: bool) -> SessionRecord:
    interview = Interview(CONTENT_S)
    rng = random.Random(seed)
    fixed = {"consent_share": share, "consent_placement": kinds}
    while (step := interview.current()) is not None:
        q = step.question
        if q is not None and q.id in fixed:
            value = fixed[q.id]
        elif q is not None and q.id in TEXT_ANSWERS and not step.is_add_another:
            value = TEXT_ANSWERS[q.id]
        else:
            value = random_value(step, rng)
        assert interview.answer(value) is None, step.key
    interview.state.decisions = PlanDecisions(
        placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2027, 1, 11), months=6, days_per_week=3,
        hours_per_day=4, agreed=Agreement(at=dt.datetime(2027, 1, 4, tzinfo=dt.timezone.utc), client="X-1",
                                          counsellor="Liisa"))
    now = dt.datetime(2027, 1, 4, tzinfo=dt.timezone.utc)
    return SessionRecord(id="leaktest0001", client_label="X-1", counsellor="Liisa", language=language, plain=plain,
                         created_at=now, updated_at=now, state=interview.state)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1),
       share=st.lists(st.sampled_from(SHARE_CHOICES), unique=True).map(sorted),
       kinds=st.lists(st.sampled_from(KINDS), unique=True).map(sorted),
       language=st.sampled_from(["fi", "sv", "en"]), plain=st.booleans())
def test_no_sentinel_of_a_non_consented_item_reaches_the_placement(seed, share, kinds, language, plain):
    record = _record(seed, share, kinds, language, plain)
    interview = Interview(CONTENT_S, record.state)
    shared = "placement" in share and set(interview.active().get("consent_placement") or ()) == set(kinds)
    consented = {qid for qid, q in SENSITIVE.items() if shared and set(q.sensitive) <= set(kinds)}
    forbidden = [s for qid, sentinels in SENTINELS.items() if qid not in consented for s in sentinels]
    forbidden += [s for scale, labels in SCALE_LABELS.items()
                  if not any(getattr(SENSITIVE[qid], "scale", None) == scale for qid in consented) for s in labels]
    for fmt in ("html", "md", "json"):
        try:
            brief = render(CONTENT_S, record, "placement", fmt)
        except ExportRefused:
            assert "placement" not in share  # the brief is refused only without consent to share with it
            continue
        assert "placement" in share
        leaked = [s for s in forbidden if s in brief]
        assert not leaked, leaked
        # Not vacuous: a consented text answer that was given does reach the placement.
        given_texts = [TEXT_ANSWERS[qid] for qid in consented if qid in TEXT_ANSWERS
                       and interview.active().get(qid) == TEXT_ANSWERS[qid]]
        assert all(s in brief for s in given_texts)



# --- after the intake -------------------------------------------------------------------------------------

# Free-text answers of the reviews: the goals' progress, satisfaction, why the period ended early.
REVIEW_SECRETS = {"helped": "SENTINEL-HELPED", "next": "SENTINEL-NEXT", "satisfaction_notes": "SENTINEL-SATISFIED",
                  "early_reason_notes": "SENTINEL-WHY"}


@pytest.mark.parametrize("language, plain", [("fi", False), ("fi", True), ("sv", False), ("en", False)])
def test_no_review_answer_reaches_the_placement_even_with_every_consent(tmp_path, language, plain):
    """The brief gains only the days of the reviews the placement took part in and the end date: with every
    kind of information consented, the rest of the brief is exactly what it was without the reviews."""
    session = reviewed_session(Store(tmp_path / "store"), intake_answers={"consent_placement": list(KINDS)},
                               review_answers={**REVIEW_SECRETS, "ended_as": "early", "early_reason": "health"})
    try:
        record = session.record.model_copy(update={"language": language, "plain": plain})
        before = record.model_copy(update={"follow_up": FollowUp()})
        for fmt in ("html", "md", "json"):
            brief = render(CONTENT, record, "placement", fmt, today=dt.date(2026, 8, 1))
            leaked = [s for s in (*REVIEW_SECRETS.values(), FOLLOW_ON["action"]) if s in brief]
            assert not leaked, leaked
        texts = Texts(CONTENT, language, plain)
        added = (set(render(CONTENT, record, "placement", "md").splitlines())
                 - set(render(CONTENT, before, "placement", "md").splitlines()))
        assert added == {f"## {texts('placement.section.follow_up')}",
                         texts("placement.reviews_taken_part", dates=texts.date(INTERIM_ON)),
                         texts("placement.ended", date=texts.date(ENDED_ON))}
    finally:
        session.close()
