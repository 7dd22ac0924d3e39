"""The review content of content/reviews.yaml: the questions the app and the report read are there with
the values they expect, every text is complete in every language with a plain-language variant, the
feedback forms flag what they say about the client, and random reviews read in every language."""

from __future__ import annotations

import datetime as dt
import random
import re
import string
from typing import Any

import pytest

from intake.flows import voice
from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.model import PLACEHOLDER, DateQuestion, MultiChoice, RepeatGroup, ScaleQuestion, SingleChoice
from intake.flows.period import (EARLY_REASON, END, ENDED_AS, ENDED_ON, FOLLOW_ON_PATH, GOAL_REVIEW, GOAL_STATUS,
                                 HELD_ON, INTERIM, SATISFACTION)
from tests.test_content import (CONTENT, every_text, glossary_forbidden, random_interview, random_value,
                                walk)
from tests.test_follow_up import agreed_session
from tests.test_follow_up import hold as hold_review

# Seed 000 (Kymenlaakso 2020): the twelve follow-on paths, in the seed's order. The report counts these.
FOLLOW_ON_PATHS = ["pension", "education", "pay_subsidised_work", "paid_work", "sickness_benefit",
                   "social_assistance_only", "other_service", "work_trial", "work_ability_assessment",
                   "unemployed_jobseeker", "labour_market_training", "new_period"]
FEEDBACK_FORMS = ("placement_feedback", "client_feedback")
NEUROPSYCHIATRIC = ("work_attention", "work_structure", "work_social", "work_sensory")  # seed 002's items
RUNS = 40  # random holdings of each review; enough for every branch and summary line with this seed


def questions(kind: str) -> dict[str, Any]:
    return {q.id: q for s in CONTENT.reviews[kind].sections for q in walk(s.questions)}


def choice_values(q: Any) -> list[str]:
    assert isinstance(q, SingleChoice), q
    return [c.value for c in q.choices]


# --- what the app and the report read ------------------------------------------------------------

def test_the_review_kinds_are_the_reviews_and_the_feedback_forms_then_the_supported_employment_forms():
    kinds = list(CONTENT.reviews)
    assert kinds[:4] == [INTERIM, END, *FEEDBACK_FORMS]
    assert kinds[4:] and all(k.startswith("se_") and CONTENT.reviews[k].services == ["supported_employment"]
                             for k in kinds[4:])
    assert CONTENT.reviews[END].ends_period and not any(CONTENT.reviews[k].ends_period for k in
                                                        (INTERIM, *FEEDBACK_FORMS))


@pytest.mark.parametrize("kind", list(CONTENT.reviews))
def test_every_review_first_asks_the_day_it_was_held(kind):
    first = CONTENT.reviews[kind].sections[0]
    held_on = next((q for q in first.questions if q.id == HELD_ON), None)
    assert isinstance(held_on, DateQuestion), f"{kind}: its first section has no date question '{HELD_ON}'"
    assert held_on.not_after == "today" and held_on.required


def test_the_end_review_records_the_end_and_the_follow_on_path():
    end = questions(END)
    assert isinstance(end[ENDED_ON], DateQuestion)
    assert choice_values(end[ENDED_AS]) == ["planned", "early"]
    assert choice_values(end[FOLLOW_ON_PATH]) == FOLLOW_ON_PATHS
    assert end[EARLY_REASON].required


def test_each_goal_of_the_intake_is_reviewed_with_the_four_statuses():
    for kind in (INTERIM, END):
        group = questions(kind)[GOAL_REVIEW]
        assert isinstance(group, RepeatGroup) and group.for_each == "goals", kind
        status = next(q for q in group.questions if q.id == GOAL_STATUS)
        assert choice_values(status) == ["achieved", "partly", "not_yet", "not_relevant"]
        satisfaction = questions(kind)[SATISFACTION]
        assert isinstance(satisfaction, ScaleQuestion) and satisfaction.scale == "satisfaction_1_4"


def test_a_reviews_own_questions_never_share_an_id_with_the_intake():
    """A new period starts with the latest answer to each of the intake's questions, a review's included
    (session.carried_answers): a review question named like an intake one would overwrite its answer."""
    intake = {q.id for s in CONTENT.sections for q in walk(s.questions)}
    shared = {s.id for s in CONTENT.sections}  # the life domains, rated again on purpose
    for kind, review in CONTENT.reviews.items():
        own = {q.id for s in review.sections if s.id not in shared for q in walk(s.questions)}
        assert own & intake == set(), kind


def hold(kind: str, context: Interview, answers: dict[str, Any], rng: random.Random) -> Interview:
    """A review answered to its end on the intake `context`: `answers` by question id, the rest at random."""
    review = Interview(CONTENT.review(kind), context=context.active())
    while (step := review.current()) is not None:
        value = answers[step.question.id] if step.question is not None and step.question.id in answers \
            else random_value(step, rng)
        assert review.answer(value) is None, step.key
    return review


@pytest.fixture(scope="module")
def intake() -> Interview:
    return random_interview(random.Random(12))


@pytest.mark.parametrize("ended_as,asked", [("planned", False), ("early", True)])
def test_the_reason_for_an_early_end_is_asked_only_when_the_period_ended_early(intake, ended_as, asked):
    for seed in range(5):
        review = hold(END, intake, {ENDED_AS: ended_as, EARLY_REASON: "health"}, random.Random(seed))
        assert (EARLY_REASON in {s.question_id for s in review.steps()}) is asked
        assert review.active().get(EARLY_REASON) == ("health" if asked else None)


# --- the feedback forms --------------------------------------------------------------------------

def test_the_placements_feedback_flags_everything_it_says_about_the_client():
    """The placement's export must never carry the placement's assessment without the client's consent,
    so every answer about the client is an assessment, and the neuropsychiatric ones are health too."""
    given, *about_client = CONTENT.reviews["placement_feedback"].sections
    assert not any(q.sensitive for q in given.questions)  # the day, who gave it and how
    flagged = {q.id: set(q.sensitive) for s in about_client for q in walk(s.questions)}
    assert len(flagged) >= 14
    assert [q for q, kinds in flagged.items() if "assessment" not in kinds] == []
    assert all({"health", "assessment"} <= flagged[q] for q in NEUROPSYCHIATRIC)


def test_the_placements_feedback_is_entered_by_the_counsellor_and_the_clients_by_the_client():
    placement = questions("placement_feedback")
    assert {q.who for q in placement.values()} == {"counsellor"}
    client = questions("client_feedback")
    assert {q.who for q in client.values() if q.id != HELD_ON} == {"client"}


def test_feedback_is_held_on_its_day_and_does_not_meet_the_interim_review(tmp_path):
    """A feedback form given on the day the interim review falls due is kept with its day, yet the
    interim review is still to hold: the forms fall due on no schedule and are not reviews."""
    session = agreed_session(tmp_path)
    try:
        for kind in FEEDBACK_FORMS:
            hold_review(session.open_review(kind), {HELD_ON: "2026-04-12"})
        status = session.status(today=dt.date(2026, 4, 20))
        assert [(r.review.kind, r.held_on, r.complete) for r in status.reviews] == [
            (kind, dt.date(2026, 4, 12), True) for kind in FEEDBACK_FORMS]
        assert [(d.due, d.held_on) for d in status.due] == [(dt.date(2026, 4, 12), None)]
        assert status.next_review == dt.date(2026, 4, 12) and status.ended_on is None
    finally:
        session.close()


# --- words ---------------------------------------------------------------------------------------

REVIEW_TEXTS = [*every_text([CONTENT.reviews[k] for k in CONTENT.reviews], "reviews")]


def test_every_review_text_is_in_finnish_swedish_and_english_with_a_plain_finnish_variant():
    """The client reads the shared screen, so every text of a review has its selkokieli variant, and the
    counsellor's guidance has Swedish too (audit 4.2: a Swedish-speaking counsellor got English)."""
    languages: dict[str, set[str]] = {}
    guidance: set[str] = set()
    for where, lang, text, is_guidance in REVIEW_TEXTS:
        if text.strip():
            languages.setdefault(where, set()).add(lang)
        if is_guidance:
            guidance.add(where)
    assert len(languages) > 300
    missing = {where: ({"fi", "sv", "en"} | ({"plain"} if where not in guidance else set())) - langs
               for where, langs in languages.items()}
    assert {where: langs for where, langs in missing.items() if langs} == {}


def test_review_placeholders_are_the_same_in_every_language():
    def names(s: str) -> set[str]:
        return {f[1] for f in string.Formatter().parse(s) if f[1]}

    by_text: dict[str, dict[str, set[str]]] = {}
    for where, lang, text, _ in REVIEW_TEXTS:
        by_text.setdefault(where, {})[lang] = names(text)
    differing = [where for where, langs in by_text.items() if len({frozenset(v) for v in langs.values()}) > 1]
    assert differing == []


@pytest.mark.parametrize("language", ["fi", "sv", "en", "plain"])
def test_review_texts_use_the_glossary_terms(language):
    found = []
    for where, lang, text, guidance in REVIEW_TEXTS:
        for rule in glossary_forbidden()[language] if lang == language else []:
            if not (guidance and rule["scope"] == "client") and re.search(rule["pattern"], text):
                found.append(f"{where}: {rule['pattern']} -> use {rule['use']}")
    assert found == []


@pytest.mark.parametrize("language,plain", [("fi", True), ("fi", False), ("sv", False), ("en", False)])
def test_no_review_summary_says_a_choice_in_the_first_person(language, plain):
    """As in the intake (issue 9 item 17): a plain summary speaks to the client, so no choice it fills in
    speaks as the client, nor of the client (a counsellor's label such as "Asiakas halusi lopettaa" has a
    `summary` form)."""
    said = []
    for kind, review in CONTENT.reviews.items():
        # a name the review does not ask is the intake's answer, shown (se_benefits: the benefit)
        texts, index = Texts(CONTENT.review(kind), language, plain), {**CONTENT.question_index, **questions(kind)}
        for section in review.sections:
            for line in section.summary:
                for name in {m.group(1) for m in PLACEHOLDER.finditer(line.text.get(language, plain))}:
                    q = index.get(name)  # None: the intake's answer or a derived value, checked with the intake
                    if isinstance(q, (SingleChoice, MultiChoice)):
                        said += [texts._choice(q, c.value, True) for c in q.choices]
                    elif isinstance(q, ScaleQuestion):
                        said += [texts.scale_point(q, p.value) for p in CONTENT.scales[q.scale].points]
    assert len(said) > 60
    assert [value for value in said if voice.giveaways(value, language, "first_person")] == []
    if plain:
        assert [value for value in said if voice.giveaways(value, language, "client_spoken_of")] == []


# --- random reviews in every language ------------------------------------------------------------

@pytest.fixture(scope="module")
def held() -> dict[str, list[Interview]]:
    """Each review held RUNS times, each time on another random intake: a summary may say the intake's
    answers behind the review (the referral, the skills), and its lines follow them."""
    rng = random.Random(2026)
    intakes = [random_interview(rng) for _ in range(RUNS)]
    return {kind: [hold(kind, intake, {}, rng) for intake in intakes] for kind in CONTENT.reviews}


@pytest.mark.parametrize("kind", list(CONTENT.reviews))
def test_every_review_question_is_asked_and_every_summary_line_said_for_some_answers(held, kind):
    asked = {s.question_id for iv in held[kind] for s in iv.steps() if s.kind == "question"}
    every = {q.id for q in questions(kind).values() if not isinstance(q, RepeatGroup)}
    assert every - asked == set()
    for section in CONTENT.reviews[kind].sections:
        said = [line for iv in held[kind] for line in Texts(CONTENT.review(kind), "fi").summary(iv, section)]
        lines = {re.sub(r"\{.*", "", line.text.fi) for line in section.summary}
        assert all(any(s.startswith(start) for s in said) for start in lines), (kind, section.id)


@pytest.mark.parametrize("language,plain", [("fi", False), ("fi", True), ("sv", False), ("en", False)])
def test_every_review_reads_in_each_language(held, language, plain):
    """Every question, answer and summary of every review renders without a missing text or placeholder."""
    for kind, interviews in held.items():
        texts = Texts(CONTENT.review(kind), language, plain)
        for iv in interviews[:10]:
            for step in iv.steps():
                shown = [texts.question(step)]
                answer = iv.answer_for(step.key)
                if answer is not None:
                    shown.append(texts.value(step, answer.value, answer.skipped))
                if step.is_confirm:
                    shown.extend(texts.summary(iv, step.section))
                for text in shown:
                    assert text.strip() and not re.search(r"\{[a-z_.]+\}", text), (kind, step.key, text)


# --- the absence rules the attendance screen tells the client --------------------------------------

def test_the_absence_rules_are_told_in_plain_words_and_name_the_acts_they_come_from():
    rules, source = CONTENT.texts["attendance.rules"], CONTENT.texts["attendance.rules_source"]
    plain = rules.get("fi", plain=True)
    assert plain != rules.fi and len(plain) < len(rules.fi)  # a shorter selkokieli text, not the same one
    for act in ("189/2001", "1290/2002", "1412/1997"):
        assert all(act in source.get(lang) for lang in ("fi", "sv", "en")), act
    for lang, words in {"fi": ("kulukorvau", "toimintaraha", "todistu"),
                        "sv": ("kostnadsersättning", "verksamhetspenning", "intyg"),
                        "en": ("kulukorvaus", "toimintaraha", "certificate")}.items():
        assert all(w in rules.get(lang).lower() for w in words), lang
