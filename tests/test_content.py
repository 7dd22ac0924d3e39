"""The real interview in content/: complete translations, every question reachable,
every condition both true and false for some answers, and the ids that matching reads."""

from __future__ import annotations

import datetime as dt
import random
import re
import string
from typing import Any, Iterator

import pytest
from pydantic import BaseModel

from intake.flows import voice
from intake.flows.derive import interest_profile, suggested_services
from intake.flows.display import Texts
from intake.flows.engine import Interview, Step
from intake.flows.loader import load_content
from intake.flows.model import (
    Content,
    DateQuestion,
    LongText,
    MultiChoice,
    NumberQuestion,
    PLACEHOLDER,
    RepeatGroup,
    ScaleQuestion,
    ShortText,
    SingleChoice,
)
from intake.flows.profile import MATCHING_QUESTIONS
from intake.flows.text import Text
from intake.flows.validate import NOT_APPLICABLE, NOT_DISCUSSED
from tests.conftest import REAL_CONTENT

CONTENT: Content = load_content(REAL_CONTENT)
RUNS = 250  # random whole interviews; enough for every branch with this seed


# --- translations ----------------------------------------------------------------------------

def texts_in(node: Any, where: str) -> Iterator[tuple[str, Text]]:
    """Every Text inside a model, with where it is."""
    if isinstance(node, Text):
        yield where, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from texts_in(getattr(node, name), f"{where}.{name}")
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from texts_in(item, f"{where}[{i}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from texts_in(item, f"{where}.{key}")


CLIENT_FACING = [
    *texts_in(CONTENT.sections, "sections"),
    *texts_in(CONTENT.scales, "scales"),
    *texts_in(CONTENT.scoring, "scoring"),
    *texts_in([s.service for s in CONTENT.suggestions], "suggestions"),
    *texts_in(CONTENT.rules, "rules"),
    *texts_in([p.tasks for p in CONTENT.placements], "placements"),
    *texts_in([p.tasks for p in CONTENT.employers], "employers"),
    # The client reads the whole screen, so every catalogue text is client-facing.
    *((f"texts.{k}", t) for k, t in CONTENT.texts.items()),
]


def test_every_client_facing_text_has_a_plain_language_variant():
    missing = [where for where, text in CLIENT_FACING if text.plain is None or not text.plain.fi.strip()]
    assert not missing, f"{len(missing)} texts lack a plain-language (selkokieli) variant: {missing[:10]}"


def test_no_text_is_empty_in_any_language():
    empty = [f"{where}.{lang}" for where, text in CLIENT_FACING for lang in ("fi", "sv", "en")
             if not getattr(text, lang).strip()]
    assert not empty


def test_placeholders_are_the_same_in_every_language():
    """A text that fills in {days} in Finnish must do so in Swedish, English and plain Finnish too."""
    def names(s: str) -> set[str]:
        return {f[1] for f in string.Formatter().parse(s) if f[1]}

    differing = []
    for where, text in [*CLIENT_FACING, *((f"texts.{k}", t) for k, t in CONTENT.texts.items())]:
        expected = names(text.fi)
        variants = [text.sv, text.en] + ([text.plain.fi] if text.plain else [])
        if any(names(v) - expected for v in variants) or any(names(v) != expected for v in (text.sv, text.en)):
            differing.append(where)
    assert not differing, differing


def test_counsellor_guidance_is_in_finnish_and_english():
    for section in CONTENT.sections:
        for q in walk(section.questions):
            if q.guidance is not None:
                assert q.guidance.fi.strip() and q.guidance.en.strip(), q.id


# --- reachability and conditions --------------------------------------------------------------

def walk(questions: list) -> Iterator[Any]:
    for q in questions:
        yield q
        if isinstance(q, RepeatGroup):
            yield from q.questions


def random_value(step: Step, rng: random.Random) -> Any:
    q = step.question
    if step.is_confirm:
        return True
    if step.is_add_another:
        return rng.random() < 0.5
    if isinstance(q, (ShortText, LongText)):
        if isinstance(q, ShortText) and q.pattern:
            return "040 123 4567"
        return "x" * max(q.min_length, rng.randint(1, 12))
    if isinstance(q, SingleChoice):
        return rng.choice(q.choices).value
    if isinstance(q, MultiChoice):
        least = max(q.min_selected, 1 if q.required else 0)
        most = q.max_selected or len(q.choices)
        chosen = rng.sample([c.value for c in q.choices], rng.randint(least, most))
        alone = {c.value for c in q.choices if c.exclusive}  # such as 'none': chosen only on its own
        return [v for v in chosen if v not in alone] or chosen[:1]
    if isinstance(q, ScaleQuestion):
        options: list[Any] = [p.value for p in CONTENT.scales[q.scale].points]
        if q.allow_not_discussed:
            options.append(NOT_DISCUSSED)
        if q.allow_not_applicable:
            options.append(NOT_APPLICABLE)
        return rng.choice(options)
    if isinstance(q, NumberQuestion):
        return rng.randint(int(q.min if q.min is not None else 0), int(q.max if q.max is not None else 100))
    if isinstance(q, DateQuestion):
        low, high = q.min or dt.date(2020, 1, 1), q.max or dt.date(2030, 12, 31)
        if q.not_after == "today":
            high = min(high, dt.date.today())
        return (low + dt.timedelta(days=rng.randint(0, (high - low).days))).isoformat()
    return rng.random() < 0.5  # yes/no


def random_interview(rng: random.Random) -> Interview:
    interview = Interview(CONTENT)
    while (step := interview.current()) is not None:
        if not step.is_confirm and not step.is_add_another and not step.question.required and rng.random() < 0.15:
            assert interview.skip() is None
            continue
        error = interview.answer(random_value(step, rng))
        assert error is None, (step.key, error)
    return interview


@pytest.fixture(scope="module")
def interviews() -> list[Interview]:
    rng = random.Random(2026)
    return [random_interview(rng) for _ in range(RUNS)]


def test_random_interviews_complete(interviews):
    assert all(iv.is_complete for iv in interviews)


def test_every_question_is_reachable(interviews):
    asked = {s.question_id for iv in interviews for s in iv.steps() if s.kind == "question"}
    every = {q.id for s in CONTENT.sections for q in walk(s.questions) if not isinstance(q, RepeatGroup)}
    assert every - asked == set()


def conditions() -> Iterator[tuple[str, str, RepeatGroup | None]]:
    """(where, condition, group it is evaluated in) for every condition in the content."""
    for section in CONTENT.sections:
        for q in section.questions:
            if q.when:
                yield f"{section.id}.{q.id}", q.when, None
            if isinstance(q, RepeatGroup):
                for sub in q.questions:
                    if sub.when:
                        yield f"{section.id}.{q.id}.{sub.id}", sub.when, q
        for i, line in enumerate(section.summary):
            if line.when:
                group = next((g for g in section.questions if g.id == line.each), None) if line.each else None
                yield f"{section.id}.summary[{i}]", line.when, group
    for suggestion in CONTENT.suggestions:
        yield f"suggestions.{suggestion.id}", suggestion.when, None


def outcomes(interview: Interview, condition: str, group: RepeatGroup | None) -> set[bool]:
    active = interview.active()
    if group is None:
        return {active.holds(condition)}
    return {active.holds(condition, group, i) for i in range(len(active.groups.get(group.id, [])))}


@pytest.mark.parametrize("where,condition,group", list(conditions()), ids=lambda x: x if isinstance(x, str) else "")
def test_condition_is_both_true_and_false_for_some_answers(interviews, where, condition, group):
    seen = set().union(*(outcomes(iv, condition, group) for iv in interviews))
    assert seen == {True, False}, f"{where}: `{condition}` was only ever {seen}"


def test_every_summary_line_is_said_for_some_answers(interviews):
    for section in CONTENT.sections:
        said = set()
        for iv in interviews[:60]:
            said.update(Texts(CONTENT, "fi").summary(iv, section))
        assert len(said) >= len(section.summary), section.id


# --- the interview in each language ------------------------------------------------------------

@pytest.mark.parametrize("language,plain", [("fi", False), ("fi", True), ("sv", False), ("en", False)])
def test_whole_interview_reads_in_each_language(interviews, language, plain):
    """Every question, answer, summary and suggestion renders without a missing text or placeholder."""
    texts = Texts(CONTENT, language, plain)
    for iv in interviews[:20]:
        rendered = [texts.question(s) for s in iv.steps()]
        rendered += [texts.value(s, a.value, a.skipped) for s, a in iv.transcript()]
        rendered += [line for section in CONTENT.sections for line in texts.summary(iv, section)]
        rendered += [s.service.get(language, plain) for s in suggested_services(CONTENT.suggestions, iv)]
        bad = [r for r in rendered if not r or re.search(r"\[[a-z_.]+\]|\{[a-z_.]+\}", r)]
        assert not bad, bad[:5]


# --- interest scoring, worked by hand --------------------------------------------------------

def answer_inventory(values: dict[str, list[Any]]) -> Interview:
    """An interview where only the interest inventory is answered, area by area."""
    interview = Interview(CONTENT)
    spec = CONTENT.scoring.interest_profile
    for area, items in spec.areas.items():
        for item, value in zip(items.items, values[area]):
            interview.state.answers[item] = interview.state.answers.get(item) or _answer(value)
    interview._steps = None
    return interview


def _answer(value: Any):
    from intake.flows.engine import Answer

    return Answer(value=value, by="client", at=dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc))


def test_interest_profile_worked_example():
    # R: (5+5+4+4)/4 = 4.5   I: (1+2+2+3)/4 = 2.0   A: (2+2+3+2)/4 = 2.25
    # S: (5+5+4+5)/4 = 4.75  E: (1+1+2+2)/4 = 1.5   C: (4+4+3+not discussed)/3 = 3.67
    iv = answer_inventory({"R": [5, 5, 4, 4], "I": [1, 2, 2, 3], "A": [2, 2, 3, 2], "S": [5, 5, 4, 5],
                           "E": [1, 1, 2, 2], "C": [4, 4, 3, NOT_DISCUSSED]})
    profile = interest_profile(CONTENT.scoring.interest_profile, iv)
    assert profile.scores == {"R": 4.5, "I": 2.0, "A": 2.25, "S": 4.75, "E": 1.5, "C": 3.67}
    assert profile.code == "SRC"


def test_interest_profile_ties_follow_riasec_order_and_unanswered_areas_are_left_out():
    # I and A tie at 4.0; I comes first in R-I-A-S-E-C. E is not answered at all.
    nd = NOT_DISCUSSED
    iv = answer_inventory({"R": [2, 2, 2, 2], "I": [4, 4, 4, 4], "A": [5, 3, 4, 4], "S": [3, 3, 3, 3],
                           "E": [nd, nd, nd, nd], "C": [1, 1, 1, 1]})
    profile = interest_profile(CONTENT.scoring.interest_profile, iv)
    assert profile.scores["E"] is None
    assert profile.code == "IAS"


# --- the answers matching reads ----------------------------------------------------------------

def question(qid: str) -> Any:
    return next(q for s in CONTENT.sections for q in walk(s.questions) if q.id == qid)


def test_matching_reads_questions_that_exist():
    for qid in MATCHING_QUESTIONS:
        assert question(qid) is not None


def test_placement_vocabularies_match_the_interview():
    skills = {c.value for c in question("skills").choices}
    catalogue = [*CONTENT.placements, *CONTENT.employers]
    assert CONTENT.employers and {s for p in catalogue for s in p.skills} <= skills
    languages = {c.value for c in question("languages").choices}
    assert {lang for p in catalogue for lang in p.support.guidance_languages} <= languages
    homes = {c.value for c in question("home_municipality").choices} - {"other"}
    assert homes == {m.id for m in CONTENT.matching.municipalities}
    services = {c.value for c in question("service_type").choices}
    assert services == {s.id for s in CONTENT.rules.service_types}
    assert {c.value for c in question("transport").choices} == {"car", "public_transport", "bicycle", "walking"}


# --- words: one term per concept (docs/glossary.md), and summaries that say choices in the second person ---

GLOSSARY = REAL_CONTENT.parent / "docs" / "glossary.md"


def glossary_forbidden() -> dict[str, list[dict[str, str]]]:
    """The forbidden variants of docs/glossary.md's machine-readable block, per language."""
    from ruamel.yaml import YAML

    block = re.search(r"```yaml\n(.*?)```", GLOSSARY.read_text(encoding="utf-8"), re.S)
    assert block, "docs/glossary.md has no ```yaml block"
    return YAML(typ="safe").load(block.group(1))["forbidden"]


def every_text(node: Any, where: str) -> Iterator[tuple[str, str, str, bool]]:
    """(where, language, string, is guidance) for every string of every Text and CounsellorText in a model."""
    from intake.flows.text import CounsellorText

    if isinstance(node, (Text, CounsellorText)):
        guidance = isinstance(node, CounsellorText)
        for lang in ("fi", "sv", "en"):
            if getattr(node, lang):
                yield where, lang, getattr(node, lang), guidance
        plain = getattr(node, "plain", None)
        if plain is not None:
            yield where, "plain", plain.fi, guidance
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from every_text(getattr(node, name), f"{where}.{name}")
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from every_text(item, f"{where}[{getattr(item, 'id', None) or getattr(item, 'value', None) or i}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from every_text(item, f"{where}.{key}")


ALL_TEXTS = [
    *every_text(CONTENT.sections, "sections"), *every_text(CONTENT.scales, "scales"),
    *every_text(CONTENT.scoring, "scoring"), *every_text(CONTENT.suggestions, "suggestions"),
    *every_text(CONTENT.rules, "rules"), *every_text(CONTENT.placements, "placements"),
    *every_text(CONTENT.employers, "employers"), *every_text(CONTENT.texts, "texts"),
]


@pytest.mark.parametrize("language", ["fi", "sv", "en", "plain"])
def test_texts_use_the_glossary_terms(language):
    """docs/glossary.md: one term per concept; a forbidden variant (e.g. sv 'handledare' for the counsellor,
    'studiebesök', a TE office in a client's text) fails with the term to use instead."""
    rules = glossary_forbidden()[language]
    assert rules, f"the glossary forbids nothing in {language}"
    found = []
    for where, lang, text, guidance in ALL_TEXTS:
        if lang != language:
            continue
        for rule in rules:
            if guidance and rule["scope"] == "client":
                continue
            match = re.search(rule["pattern"], text)
            if match:
                found.append(f"{where}: '{match.group(0)}' -> use {rule['use']}")
    assert not found, "\n".join(found)


def test_glossary_patterns_catch_the_old_variants():
    """The patterns are live: each catches the variant the audit found, and none catches a preferred term."""
    rules = glossary_forbidden()

    def caught(language: str, text: str, guidance: bool = False) -> bool:
        return any(re.search(r["pattern"], text) for r in rules[language] if not (guidance and r["scope"] == "client"))

    for old in ["Handledarens namn", "Fråga din handledare", "Studiebesök (F8)", "introduktionsbesök",
                "Arbetscoachning", "Arbetsträning med handledare", "Kommunens sysselsättningstjänster eller TE-byrån"]:
        assert caught("sv", old), old
    assert caught("fi", "Kunnan työllisyyspalvelut tai TE-toimisto")
    assert caught("en", "Municipal employment services or the TE office")
    assert caught("en", "Job coaching")
    for preferred in ["Socialhandledarens namn", "en arbetshandledare", "Bekantningsbesök", "Arbetsträning",
                      "arbetstränaren", "kommunens sysselsättningstjänster", "Du handleder äldre", "handledning",
                      "arbetsverksamhet i rehabiliteringssyfte", "sektorsövergripande sysselsättningsplan"]:
        assert not caught("sv", preferred), preferred
    assert not caught("en", "a state office")
    assert not caught("fi", "TE-toimistot lakkautettiin 1.1.2025", guidance=True)


def test_referral_keeps_its_stored_values_and_names_the_current_body():
    referral = question("referral")
    values = [c.value for c in referral.choices]
    assert values == ["employment_services", "typ", "social_work", "mental_health_substance", "education",
                      "organisation", "self"]  # sessions stored before the renaming still read
    employment = referral.choices[0].text
    assert (employment.fi, employment.sv, employment.en) == (
        "Kunnan työllisyyspalvelut", "Kommunens sysselsättningstjänster", "Municipal employment services")


def summary_values(language: str, plain: bool) -> Iterator[tuple[str, str, str]]:
    """(where, summary sentence, value) for every value a summary line can say: every form of every
    choice and scale point a placeholder names, as Texts says it in a summary."""
    texts = Texts(CONTENT, language, plain)
    for section in CONTENT.sections:
        for i, line in enumerate(section.summary):
            sentence = line.text.get(language, plain)
            for name in {m.group(1) for m in PLACEHOLDER.finditer(sentence)}:
                q = CONTENT.question_index.get(name)
                if isinstance(q, (SingleChoice, MultiChoice)):
                    for c in q.choices:
                        yield f"{section.id}.summary[{i}] {name}={c.value}", sentence, texts._choice(q, c.value, True)
                elif isinstance(q, ScaleQuestion):
                    for p in CONTENT.scales[q.scale].points:
                        yield f"{section.id}.summary[{i}] {name}={p.value}", sentence, texts.scale_point(q, p.value)


@pytest.mark.parametrize("language,plain", [("fi", True), ("fi", False), ("sv", False), ("en", False)])
def test_no_summary_says_a_choice_in_the_first_person(language, plain):
    """Issue 9 item 17: a summary line addresses the client, so the choice it fills in must not speak as the
    client. A choice whose label does not fit a "you" sentence carries a `summary:` form ("Asiakas tuli itse" ->
    "Tulit itse"); nor may the value speak of the client in the third person."""
    checked = list(summary_values(language, plain))
    assert len(checked) > 50  # every section's choices, not an empty walk
    wrong = [f"{where}: {sentence!r} <- {value!r}" for where, sentence, value in checked
             if voice.giveaways(value, language, "first_person") or voice.giveaways(value, language, "client_spoken_of")]
    assert not wrong, "\n".join(wrong)


def test_summary_says_the_choice_in_its_summary_form_and_the_answer_in_its_label(interviews):
    plain = Texts(CONTENT, "fi", plain=True)
    background = next(s for s in CONTENT.sections if s.id == "background")
    referred = [iv for iv in interviews if iv.active().get("referral") == "employment_services"]
    assert referred, "no random interview was referred by the employment services"
    said = plain.summary(referred[0], background)
    assert "Näin tulit tänne: Työllisyyspalvelut ohjasivat sinut." in said
    assert not any("minut" in line for line in said)
    step = next(s for s in referred[0].steps() if s.key == "referral")
    assert plain.value(step, "employment_services") == "Työllisyyspalvelut"  # the answer keeps its label
    assert Texts(CONTENT, "en").value(step, "employment_services", in_summary=True) == "the municipal employment services"
