"""A review's summary may say the intake's answers behind the review (a form that must not ask again what the
intake asked says them back) and what is derived from the answers (`interest_code`); a question the review
asks itself is never filled from the intake, and a name that is neither is refused at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.loader import ContentError, load_content
from tests.helpers import valid_answer
from tests.test_follow_up import hold

REASON = "Haluan päivään rytmiä ja tekemistä."   # the first flow's intake answers (tests/helpers.py)
DEBT_NOTES = "Ulosotossa yksi velka."


def add_summary(path: Path, line: str) -> None:
    """Give a section file's section one more summary line (fi, sv, en and plain alike)."""
    text = path.read_text(encoding="utf-8")
    entry = f'    - text: {{fi: "{line}", sv: "{line}", en: "{line}", plain: {{fi: "{line}"}}}}\n'
    if "\n  summary:\n" in text:
        text = text.replace("\n  summary:\n", "\n  summary:\n" + entry, 1)
    else:
        text = text.rstrip("\n") + "\n  summary:\n" + entry
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def content(content_copy):
    """The first flow with a review summary line naming the intake's `reason` and the derived interest code,
    and the life situation (rated again in the interim review) saying its debt notes back."""
    add_summary(content_copy / "reviews" / "satisfaction.yaml", "Syy: {reason}")
    add_summary(content_copy / "reviews" / "satisfaction.yaml", "Kiinnostukset: {interest_code}")
    add_summary(content_copy / "sections" / "life_situation.yaml", "Velat: {debt_notes}")
    return load_content(content_copy)


def answered(content, **instead) -> Interview:
    """The first flow's intake answered as tests/helpers.py does, with `instead` by step key, and each summary
    confirmed."""
    intake = Interview(content)
    while (step := intake.current()) is not None:
        value = True if step.is_confirm else instead.get(step.key, None)
        assert intake.answer(valid_answer(intake) if value is None else value) is None, step.key
    return intake


def interim(content, intake: Interview, answers: dict) -> Interview:
    review = Interview(content.review("interim"), context=intake.active())
    hold(review, answers)
    return review


def said(content, review: Interview, section_id: str) -> list[str]:
    section = next(s for s in review.content.sections if s.id == section_id)
    return Texts(review.content, "fi").summary(review, section)


def test_a_review_summary_says_the_intakes_answer_behind_it(content):
    intake = answered(content)
    review = interim(content, intake, {"finances": 0})
    assert f"Syy: {REASON}" in said(content, review, "satisfaction")


def test_a_derived_value_without_the_answers_it_needs_leaves_its_line_out(content):
    """The first flow has no interest inventory (no scoring), so there is no interest code to say."""
    intake = answered(content)
    review = interim(content, intake, {"finances": 0})
    assert not any(line.startswith("Kiinnostukset") for line in said(content, review, "satisfaction"))


def test_a_question_the_review_asks_itself_is_never_filled_from_the_intake(content):
    """The debt notes are asked in the intake (finances rated 3) but not in the review (rated 0): the review's
    summary leaves them out instead of saying the intake's notes as if they were the review's."""
    intake = answered(content)
    assert intake.active().get("debt_notes") == DEBT_NOTES
    assert f"Velat: {DEBT_NOTES}" in Texts(content, "fi").summary(intake, content.sections[1])
    calm = interim(content, intake, {"finances": 0})
    assert not any(line.startswith("Velat") for line in said(content, calm, "life_situation"))
    worried = interim(content, intake, {"finances": 3, "debt_notes": "Velka maksettu."})
    assert "Velat: Velka maksettu." in said(content, worried, "life_situation")


def test_an_intake_question_not_asked_leaves_its_line_out(content_copy):
    add_summary(content_copy / "reviews" / "satisfaction.yaml", "Työ loppui: {last_work_ended}")
    content = load_content(content_copy)
    for has_worked, shown in [(True, True), (False, False)]:
        intake = answered(content, has_worked=has_worked)
        review = interim(content, intake, {})
        assert any(line.startswith("Työ loppui: ") for line in said(content, review, "satisfaction")) is shown


def test_a_review_summary_naming_neither_a_question_nor_a_derived_value_is_refused(content_copy):
    add_summary(content_copy / "reviews" / "satisfaction.yaml", "Syy: {reasn}")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert "{reasn}: the condition refers to 'reasn', which is not an earlier question" in str(caught.value)


def test_a_review_summary_line_cannot_go_through_a_group_of_the_intake(content_copy):
    """A line said for each entry goes through a group the review itself asks: the intake's goals are not
    among the review's answers, so such a line could never be said (nor fill in its entry's answers)."""
    path = content_copy / "reviews" / "satisfaction.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\n  summary:\n", '\n  summary:\n    - each: goals\n      text: {fi: "{goal}", sv: "{goal}", en: "{goal}", '
                          'plain: {fi: "{goal}"}}\n', 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert "each: 'goals' is not an earlier repeat group of this review" in str(caught.value)
