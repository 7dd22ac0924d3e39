"""The interview engine, on the real content and on small hand-built flows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from intake.flows.engine import Answer, Interview, InterviewState, NotAllowed
from intake.flows.model import (
    Choice,
    Content,
    DateQuestion,
    Flow,
    LongText,
    MultiChoice,
    NumberQuestion,
    RepeatGroup,
    Scale,
    ScalePoint,
    ScaleQuestion,
    Section,
    ShortText,
    SingleChoice,
    YesNo,
)
from intake.flows.parse import parse_date, parse_number, parse_typed
from intake.flows.text import Text
from intake.flows.validate import AnswerError
from tests.helpers import answer_until, valid_answer

AT = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.timezone.utc)


# --- building small content by hand ------------------------------------------------


def T(s: str) -> Text:
    return Text(fi=s, sv=s, en=s)


def short(id: str, **kw: Any) -> ShortText:
    return ShortText(type="short_text", id=id, text=T(id), **kw)


def long(id: str, **kw: Any) -> LongText:
    return LongText(type="long_text", id=id, text=T(id), **kw)


def single(id: str, values: tuple[str, ...] = ("a", "b", "c"), **kw: Any) -> SingleChoice:
    return SingleChoice(type="single_choice", id=id, text=T(id), choices=[Choice(value=v, text=T(v)) for v in values], **kw)


def multi(id: str, values: tuple[str, ...] = ("a", "b", "c", "d"), **kw: Any) -> MultiChoice:
    return MultiChoice(type="multi_choice", id=id, text=T(id), choices=[Choice(value=v, text=T(v)) for v in values], **kw)


def scale(id: str, **kw: Any) -> ScaleQuestion:
    return ScaleQuestion(type="scale", id=id, text=T(id), scale="s04", **kw)


def number(id: str, **kw: Any) -> NumberQuestion:
    return NumberQuestion(type="number", id=id, text=T(id), **kw)


def date(id: str, **kw: Any) -> DateQuestion:
    return DateQuestion(type="date", id=id, text=T(id), **kw)


def yes_no(id: str, **kw: Any) -> YesNo:
    return YesNo(type="yes_no", id=id, text=T(id), **kw)


def group(id: str, questions: list, **kw: Any) -> RepeatGroup:
    return RepeatGroup(type="repeat", id=id, text=T(id), questions=questions,
                       add_another=T("another?"), entry_label=T("entry"), **kw)


def make_content(*sections: list) -> Content:
    """One section per list of questions, named s0, s1, ..."""
    return Content(
        flow=Flow(id="test", version=3, title=T("Test"), sections=[f"s{i}.yaml" for i in range(len(sections))]),
        sections=[Section(id=f"s{i}", title=T(f"s{i}"), questions=qs) for i, qs in enumerate(sections)],
        scales={"s04": Scale(title=T("scale"), points=[ScalePoint(value=v, label=T(str(v))) for v in range(5)])},
        texts={},
    )


def keys(interview: Interview) -> list[str]:
    return [s.key for s in interview.steps()]


def answer_all(interview: Interview, *values: Any) -> None:
    for value in values:
        step = interview.current()
        assert step is not None, f"no step left for {value!r}"
        error = interview.answer(value, at=AT)
        assert error is None, (step.key, value, error)


def answered_values(interview: Interview) -> dict[str, Any]:
    return {k: a.value for k, a in interview.state.answers.items()}


# --- the real content: answering in order ------------------------------------------------


REAL_ORDER = [
    "reason", "referral", "months_unemployed", "has_worked", "last_work_ended", "contact_person", "contact_phone",
    "housing@client", "housing@counsellor", "finances@client", "finances@counsellor", "debt_notes",
    "daily_rhythm@client", "daily_rhythm@counsellor", "health@client", "health@counsellor",
    "interests", "preferred_form", "days_per_week@client", "days_per_week@counsellor",
    "goals[0].goal", "goals[0].actions", "goals[0].helper", "goals[0].has_deadline", "goals[0].due", "goals[1]?",
]


def test_real_content_is_asked_in_order(content: Content) -> None:
    interview = Interview(content)
    assert interview.state.flow_id == content.flow.id == "intake"
    assert interview.state.flow_version == content.flow.version
    asked = []
    while (step := interview.current()) is not None:
        asked.append(step.key)
        value = valid_answer(interview)
        assert interview.answer(value, at=AT) is None
        stored = interview.state.answers[step.key]
        assert stored.by == step.view
        assert stored.at == AT
        assert stored.skipped is False
    assert asked == REAL_ORDER
    assert interview.is_complete
    assert [s.key for s, _ in interview.transcript()] == REAL_ORDER
    assert keys(interview) == REAL_ORDER


def test_first_step_and_initial_state(content: Content) -> None:
    interview = Interview(content)
    step = interview.current()
    assert step.key == "reason" and step.question.id == "reason" and step.view == "client"
    assert step.section.id == "background"
    assert not step.is_add_another
    assert interview.state.answers == {}
    assert interview.state.position is None
    assert not interview.is_complete
    assert interview.transcript() == []
    assert not interview.can_go_back()


def test_answers_are_stored_cleaned(content: Content) -> None:
    interview = Interview(content)
    assert interview.answer("   Haluan tekemistä.  ", at=AT) is None
    assert interview.state.answers["reason"].value == "Haluan tekemistä."
    interview.answer("typ", at=AT)
    assert interview.answer(12.0, at=AT) is None
    stored = interview.state.answers["months_unemployed"].value
    assert stored == 12 and isinstance(stored, int)


def test_multi_choice_is_stored_in_content_order_without_duplicates(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=REAL_ORDER.index("interests"))
    assert interview.current().key == "interests"
    assert interview.answer(["other", "computers", "other"], at=AT) is None
    assert interview.state.answers["interests"].value == ["computers", "other"]
    assert interview.current().key == "other_interest"


# --- validation: every kind, every error; nothing changes on error ---------------------------


VALIDATION_CASES = [
    # short text
    (short("t"), 5, "error.text_expected", {}),
    (short("t"), None, "error.text_expected", {}),
    (short("t"), ["a"], "error.text_expected", {}),
    (short("t"), "   ", "error.required", {}),
    (short("t", min_length=3), "ab", "error.too_short", {"min": 3, "length": 2}),
    (short("t", min_length=3), "  ab  ", "error.too_short", {"min": 3, "length": 2}),
    (short("t", max_length=5), "abcdef", "error.too_long", {"max": 5, "length": 6}),
    (short("t", pattern="[0-9]{3}"), "12a", "error.pattern", {}),
    (short("t", pattern="[0-9]{3}"), "1234", "error.pattern", {}),
    # long text
    (long("t"), 3.5, "error.text_expected", {}),
    (long("t"), "\n\t ", "error.required", {}),
    (long("t", min_length=10), "short", "error.too_short", {"min": 10, "length": 5}),
    (long("t", max_length=10), "x" * 11, "error.too_long", {"max": 10, "length": 11}),
    # single choice
    (single("c"), "z", "error.choose_one", {}),
    (single("c"), None, "error.choose_one", {}),
    (single("c"), 1, "error.choose_one", {}),
    (single("c"), ["a"], "error.choose_one", {}),
    (single("c"), {"a": 1}, "error.choose_one", {}),
    # multi choice
    (multi("m"), "a", "error.choose_from_list", {}),
    (multi("m"), None, "error.choose_from_list", {}),
    (multi("m"), ["a", "z"], "error.choose_from_list", {}),
    (multi("m"), [], "error.too_few_selected", {"min": 1}),
    (multi("m", min_selected=2), ["a"], "error.too_few_selected", {"min": 2}),
    (multi("m", min_selected=2), ["a", "a"], "error.too_few_selected", {"min": 2}),
    (multi("m", max_selected=2), ["a", "b", "c"], "error.too_many_selected", {"max": 2}),
    # scale
    (scale("s"), 5, "error.not_on_scale", {"min": 0, "max": 4}),
    (scale("s"), -1, "error.not_on_scale", {"min": 0, "max": 4}),
    (scale("s"), 2.0, "error.not_on_scale", {"min": 0, "max": 4}),
    (scale("s"), True, "error.not_on_scale", {"min": 0, "max": 4}),
    (scale("s"), "2", "error.not_on_scale", {"min": 0, "max": 4}),
    (scale("s"), [1], "error.not_on_scale", {"min": 0, "max": 4}),
    (scale("s"), None, "error.not_on_scale", {"min": 0, "max": 4}),
    (scale("s"), "unknown", "error.not_on_scale", {"min": 0, "max": 4}),
    (scale("s", allow_not_discussed=False), "not_discussed", "error.not_on_scale", {"min": 0, "max": 4}),
    (scale("s", allow_not_applicable=False), "not_applicable", "error.not_on_scale", {"min": 0, "max": 4}),
    # number
    (number("n"), "3", "error.number_expected", {}),
    (number("n"), None, "error.number_expected", {}),
    (number("n"), True, "error.number_expected", {}),
    (number("n"), float("nan"), "error.number_expected", {}),
    (number("n"), float("inf"), "error.number_expected", {}),
    (number("n", integer=False), float("-inf"), "error.number_expected", {}),
    (number("n"), 2.5, "error.whole_number_expected", {}),
    (number("n", min=1, max=4), 0, "error.number_too_small", {"min": 1}),
    (number("n", min=1, max=4), 5, "error.number_too_large", {"max": 4}),
    (number("n", min=0.5, integer=False), 0.25, "error.number_too_small", {"min": 0.5}),
    (number("n", max=2.5, integer=False), 2.75, "error.number_too_large", {"max": 2.5}),
    # date
    (date("d"), "26.11.2026", "error.date_expected", {}),
    (date("d"), "2026-02-31", "error.date_no_such_day.2", {"day": 31, "month": 2, "year": 2026, "days": 28}),
    (date("d"), "", "error.date_expected", {}),
    (date("d"), 20261126, "error.date_expected", {}),
    (date("d"), None, "error.date_expected", {}),
    (date("d"), dt.datetime(2026, 1, 1, 12, 0), "error.date_expected", {}),
    (date("d", min=dt.date(2020, 1, 1)), "2019-12-31", "error.date_too_early", {"min": dt.date(2020, 1, 1)}),
    (date("d", max=dt.date(2030, 12, 31)), dt.date(2031, 1, 1), "error.date_too_late", {"max": dt.date(2030, 12, 31)}),
    # yes / no
    (yes_no("y"), "yes", "error.yes_or_no", {}),
    (yes_no("y"), 1, "error.yes_or_no", {}),
    (yes_no("y"), None, "error.yes_or_no", {}),
]


@pytest.mark.parametrize(("question", "value", "key", "params"), VALIDATION_CASES,
                         ids=[f"{c[0].type}-{c[2]}-{i}" for i, c in enumerate(VALIDATION_CASES)])
def test_invalid_answers_give_an_error_and_change_nothing(question: Any, value: Any, key: str, params: dict) -> None:
    content = make_content([short("first"), question, short("last")])
    interview = Interview(content)
    answer_all(interview, "hello")
    assert interview.current().key == question.id
    before = interview.to_json()
    error = interview.answer(value, at=AT)
    assert isinstance(error, AnswerError)
    assert error.key == key
    assert error.params == params
    assert interview.to_json() == before
    assert interview.current().key == question.id
    assert question.id not in interview.state.answers


VALID_CASES = [
    (short("t", min_length=3, max_length=5), "  abc ", "abc"),
    (short("t", max_length=5), "abcde", "abcde"),
    (short("t", pattern="[0-9]{3}"), " 123 ", "123"),
    (long("t", min_length=2), "a\nb", "a\nb"),
    (single("c"), "b", "b"),
    (multi("m"), ["c", "a"], ["a", "c"]),
    (multi("m"), ("b",), ["b"]),
    (multi("m", required=False), [], []),
    (multi("m", min_selected=2, max_selected=2), ["d", "b"], ["b", "d"]),
    (scale("s"), 0, 0),
    (scale("s"), 4, 4),
    (scale("s"), "not_discussed", "not_discussed"),
    (scale("s"), "not_applicable", "not_applicable"),
    (scale("s", allow_not_applicable=False), "not_discussed", "not_discussed"),
    (scale("s", allow_not_discussed=False), "not_applicable", "not_applicable"),
    (number("n", min=1, max=4), 1, 1),
    (number("n", min=1, max=4), 4.0, 4),
    (number("n", integer=False), 2.5, 2.5),
    (number("n", integer=False, min=0), 2, 2.0),
    (number("n"), 10**30, 10**30),
    (date("d"), "2026-11-26", "2026-11-26"),
    (date("d"), dt.date(2026, 11, 26), "2026-11-26"),
    (date("d", min=dt.date(2020, 1, 1), max=dt.date(2020, 12, 31)), "2020-01-01", "2020-01-01"),
    (date("d", min=dt.date(2020, 1, 1), max=dt.date(2020, 12, 31)), "2020-12-31", "2020-12-31"),
    (yes_no("y"), True, True),
    (yes_no("y"), False, False),
]


@pytest.mark.parametrize(("question", "value", "stored"), VALID_CASES,
                         ids=[f"{c[0].type}-{i}" for i, c in enumerate(VALID_CASES)])
def test_valid_answers_are_stored(question: Any, value: Any, stored: Any) -> None:
    interview = Interview(make_content([question, short("last")]))
    assert interview.answer(value, at=AT) is None
    answer = interview.state.answers[question.id]
    assert answer.value == stored
    assert type(answer.value) is type(stored)
    assert interview.current().key == "last"


def test_invalid_value_after_a_jump_keeps_the_old_answer(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=4)
    interview.jump("months_unemployed")
    before = interview.to_json()
    assert interview.answer(-1, at=AT) == AnswerError("error.number_too_small", {"min": 0})
    assert interview.answer(601, at=AT) == AnswerError("error.number_too_large", {"max": 600})
    assert interview.to_json() == before
    assert interview.current().key == "months_unemployed"


def test_add_another_must_be_yes_or_no() -> None:
    interview = Interview(make_content([group("g", [short("name")], min_entries=1)]))
    answer_all(interview, "first")
    assert interview.current().key == "g[1]?"
    before = interview.to_json()
    for value in ("yes", 1, None, []):
        assert interview.answer(value, at=AT) == AnswerError("error.yes_or_no")
    assert interview.to_json() == before


# --- skip -----------------------------------------------------------------------------


def test_skip_a_required_question_is_an_error_and_changes_nothing() -> None:
    interview = Interview(make_content([short("a"), short("b")]))
    before = interview.to_json()
    assert interview.skip(at=AT) == AnswerError("error.required_cannot_skip")
    assert interview.to_json() == before
    assert interview.current().key == "a"


def test_skip_an_optional_question() -> None:
    interview = Interview(make_content([short("a", required=False), short("b")]))
    assert interview.skip(at=AT) is None
    answer = interview.state.answers["a"]
    assert answer == Answer(value=None, by="client", at=AT, skipped=True)
    assert interview.current().key == "b"
    assert [s.key for s, _ in interview.transcript()] == ["a"]
    assert interview.progress().answered == 1


def test_add_another_cannot_be_skipped() -> None:
    interview = Interview(make_content([group("g", [short("name", required=False)], min_entries=0)]))
    assert interview.current().key == "g[0]?"
    before = interview.to_json()
    assert interview.skip(at=AT) == AnswerError("error.required_cannot_skip")
    assert interview.to_json() == before


def test_skipped_answer_counts_as_unanswered_in_conditions() -> None:
    content = make_content([yes_no("a", required=False), short("b", when="answered(a)"), short("c", when="not answered(a)")])
    interview = Interview(content)
    interview.skip(at=AT)
    assert keys(interview) == ["a", "c"]
    interview.jump("a")
    interview.answer(False, at=AT)
    assert keys(interview) == ["a", "b"]


def test_optional_real_questions_can_be_skipped(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=4)  # has_worked = True
    assert interview.current().key == "last_work_ended"
    assert interview.skip(at=AT) is None
    assert interview.current().key == "contact_person"
    assert interview.skip(at=AT) == AnswerError("error.required_cannot_skip")


# --- back and jump ----------------------------------------------------------------


def test_back() -> None:
    interview = Interview(make_content([short("a"), short("b"), short("c")]))
    with pytest.raises(NotAllowed):
        interview.back()
    answer_all(interview, "1", "2")
    assert interview.current().key == "c"
    interview.back()
    assert interview.current().key == "b"
    assert interview.can_go_back()
    interview.back()
    assert interview.current().key == "a"
    assert not interview.can_go_back()
    before = interview.to_json()
    with pytest.raises(NotAllowed):
        interview.back()
    assert interview.to_json() == before
    # Answering again continues with the first unanswered step after it.
    answer_all(interview, "1 again")
    assert interview.current().key == "c"
    assert answered_values(interview) == {"a": "1 again", "b": "2"}


def test_back_from_the_end_goes_to_the_last_step() -> None:
    interview = Interview(make_content([short("a"), short("b")]))
    answer_all(interview, "1", "2")
    assert interview.current() is None and interview.is_complete
    assert interview.can_go_back()
    interview.back()
    assert interview.current().key == "b"
    assert interview.is_complete  # looking back does not undo anything
    answer_all(interview, "two")
    assert interview.current() is None
    assert answered_values(interview) == {"a": "1", "b": "two"}


def test_jump_to_an_earlier_step_and_edit(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=10)
    current = interview.current().key
    interview.jump("referral")
    assert interview.current().key == "referral"
    assert interview.answer("social_work", at=AT) is None
    assert interview.state.answers["referral"].value == "social_work"
    # Back to where we were: the first unanswered step after the edit.
    assert interview.current().key == current
    assert len(interview.state.answers) == 10


def test_jump_to_an_irrelevant_or_unknown_step_is_not_allowed(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=3)
    before = interview.to_json()
    for key in ("last_work_ended", "no_such_question", "goals[3].goal", "housing"):
        with pytest.raises(NotAllowed):
            interview.jump(key)
    assert interview.to_json() == before


def test_with_nothing_left_after_an_edit_the_first_gap_is_next() -> None:
    content = make_content([short("a"), short("b"), short("c")])
    state = InterviewState(flow_id="test", flow_version=3, answers={
        "b": Answer(value="b", by="client", at=AT), "c": Answer(value="c", by="client", at=AT)})
    interview = Interview(content, state)
    assert interview.current().key == "a"
    interview.jump("c")
    answer_all(interview, "c2")
    assert interview.state.position is None
    assert interview.current().key == "a"


# --- conditions: inactive answers are kept --------------------------------------------


def test_condition_turning_false_keeps_the_answer_inactive(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=7)  # up to contact_phone, with has_worked = True
    assert interview.state.answers["last_work_ended"].value == "2023-05-31"
    interview.jump("has_worked")
    assert interview.answer(False, at=AT) is None
    assert not interview.is_active("last_work_ended")
    assert "last_work_ended" not in keys(interview)
    assert "last_work_ended" not in [s.key for s, _ in interview.transcript()]
    assert interview.state.answers["last_work_ended"].value == "2023-05-31"  # kept
    assert interview.current().key == "housing@client"
    assert interview.progress().sections[0].relevant == 6
    # Turn it true again: the old answer is back, and not asked again.
    interview.jump("has_worked")
    assert interview.answer(True, at=AT) is None
    assert interview.is_active("last_work_ended")
    assert interview.state.answers["last_work_ended"].value == "2023-05-31"
    assert interview.current().key == "housing@client"
    assert ("last_work_ended" in [s.key for s, _ in interview.transcript()])


def test_newly_relevant_question_is_asked_after_an_edit(content: Content) -> None:
    interview = Interview(content)
    while interview.current() is not None:
        step = interview.current()
        value = 1 if step.question_id == "finances" else valid_answer(interview)
        assert interview.answer(value, at=AT) is None
    assert interview.is_complete
    assert not interview.is_active("debt_notes")
    interview.jump("finances@counsellor")
    assert interview.answer(2, at=AT) is None
    assert not interview.is_complete
    assert interview.current().key == "debt_notes"
    assert interview.answer("Velkaneuvontaan.", at=AT) is None
    assert interview.is_complete
    assert interview.current() is None


def test_newly_relevant_other_interest(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview)
    interview.jump("interests")
    assert interview.answer(["other"], at=AT) is None
    assert interview.current().key == "other_interest"
    assert interview.answer("Valokuvaus", at=AT) is None
    assert interview.is_complete


def test_chain_of_conditions() -> None:
    content = make_content([yes_no("a"), yes_no("b", when="a == true"), short("c", when="b == true"), short("d")])
    interview = Interview(content)
    answer_all(interview, True, True, "c", "d")
    assert keys(interview) == ["a", "b", "c", "d"]
    interview.jump("a")
    answer_all(interview, False)
    # b is inactive, so c (which depends on b's answer) is inactive too, though b's answer is True.
    assert keys(interview) == ["a", "d"]
    assert answered_values(interview) == {"a": False, "b": True, "c": "c", "d": "d"}
    assert interview.is_complete
    interview.jump("a")
    answer_all(interview, True)
    assert keys(interview) == ["a", "b", "c", "d"]
    assert interview.is_complete


def test_conditions_on_views_of_a_both_question() -> None:
    content = make_content([scale("s", who="both"), short("note", when="s.counsellor >= 3 and s.client < 3")])
    interview = Interview(content)
    answer_all(interview, 1, 3)
    assert interview.current().key == "note"
    interview.jump("s@client")
    answer_all(interview, "not_discussed")
    assert interview.is_complete and "note" not in keys(interview)


# --- both ---------------------------------------------------------------------------


def test_both_gives_two_steps_and_two_answers(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=7)
    client, counsellor = interview.steps()[7:9]
    assert (client.key, client.view) == ("housing@client", "client")
    assert (counsellor.key, counsellor.view) == ("housing@counsellor", "counsellor")
    assert client.question is counsellor.question
    assert interview.current() == client
    assert interview.answer(1, at=AT) is None
    assert interview.current() == counsellor
    assert interview.answer(3, at=AT) is None
    assert interview.state.answers["housing@client"] == Answer(value=1, by="client", at=AT)
    assert interview.state.answers["housing@counsellor"] == Answer(value=3, by="counsellor", at=AT)
    assert "housing" not in interview.state.answers


def test_answers_are_by_the_view_of_the_step() -> None:
    content = make_content([short("a", who="counsellor"), number("n", who="both"), short("c")])
    interview = Interview(content)
    answer_all(interview, "x", 1, 2, "y")
    assert {k: a.by for k, a in interview.state.answers.items()} == {
        "a": "counsellor", "n@client": "client", "n@counsellor": "counsellor", "c": "client"}


# --- repeat groups ---------------------------------------------------------------------


def goal_group(**kw: Any) -> RepeatGroup:
    return group("g", [short("name"), yes_no("has_x"), short("x", when="has_x == true")], **kw)


def test_min_entries_are_asked_without_add_another() -> None:
    interview = Interview(make_content([goal_group(min_entries=2, max_entries=3), short("after")]))
    assert keys(interview) == ["g[0].name", "g[0].has_x", "g[1].name", "g[1].has_x", "g[2]?", "after"]
    steps = interview.steps()
    assert steps[2].group.id == "g" and steps[2].entry == 1
    assert steps[4].is_add_another and steps[4].view == "counsellor" and steps[4].question_id == "g"
    answer_all(interview, "one", False, "two", False)
    assert interview.current().key == "g[2]?"


def test_zero_min_entries_asks_first() -> None:
    interview = Interview(make_content([goal_group(min_entries=0), short("after")]))
    assert keys(interview) == ["g[0]?", "after"]
    answer_all(interview, False)
    assert interview.current().key == "after"
    answer_all(interview, "done")
    assert interview.is_complete


def test_max_entries_stops_asking() -> None:
    interview = Interview(make_content([group("g", [short("name")], min_entries=1, max_entries=3), short("after")]))
    answer_all(interview, "one", True, "two", True, "three")
    assert interview.current().key == "after"
    assert keys(interview) == ["g[0].name", "g[1]?", "g[1].name", "g[2]?", "g[2].name", "after"]
    assert not any(k.startswith("g[3]") for k in keys(interview))


def test_no_to_add_another_ends_the_group_and_yes_restores_the_entry() -> None:
    interview = Interview(make_content([goal_group(min_entries=1, max_entries=5), short("after")]))
    answer_all(interview, "one", False, True, "two", True, "x2", False, "after")
    assert interview.is_complete
    assert keys(interview) == ["g[0].name", "g[0].has_x", "g[1]?", "g[1].name", "g[1].has_x", "g[1].x", "g[2]?", "after"]
    interview.jump("g[1]?")
    answer_all(interview, False)
    assert keys(interview) == ["g[0].name", "g[0].has_x", "g[1]?", "after"]
    assert interview.is_complete
    # Kept, though inactive.
    assert {k: v for k, v in answered_values(interview).items() if k.startswith("g[1].")} == {
        "g[1].name": "two", "g[1].has_x": True, "g[1].x": "x2"}
    interview.jump("g[1]?")
    answer_all(interview, True)
    assert keys(interview) == ["g[0].name", "g[0].has_x", "g[1]?", "g[1].name", "g[1].has_x", "g[1].x", "g[2]?", "after"]
    assert interview.is_complete
    assert interview.current() is None


def test_yes_to_add_another_asks_the_new_entry_next() -> None:
    interview = Interview(make_content([goal_group(min_entries=1), short("after")]))
    answer_all(interview, "one", False, False, "after")
    interview.jump("g[1]?")
    answer_all(interview, True)
    assert interview.current().key == "g[1].name"
    answer_all(interview, "two", False)
    assert interview.current().key == "g[2]?"


def test_conditions_inside_a_group_refer_to_siblings() -> None:
    interview = Interview(make_content([goal_group(min_entries=1)]))
    answer_all(interview, "one", True)
    assert interview.current().key == "g[0].x"
    answer_all(interview, "x0", True, "two", False)
    # Entry 1's x depends on entry 1's has_x only, not entry 0's.
    assert interview.current().key == "g[2]?"
    assert "g[1].x" not in keys(interview)
    assert "g[0].x" in keys(interview)


def test_sibling_condition_is_not_confused_with_a_top_level_question() -> None:
    content = make_content([yes_no("flag"), group("g", [yes_no("flag2"), short("x", when="flag2 == true and flag == true")], min_entries=1)])
    interview = Interview(content)
    answer_all(interview, True, True)
    assert interview.current().key == "g[0].x"
    interview.jump("flag")
    answer_all(interview, False)
    assert "g[0].x" not in keys(interview)


def test_both_question_inside_a_group() -> None:
    content = make_content([group("g", [scale("s", who="both"), short("why", who="counsellor", when="s.client != s.counsellor")], min_entries=1)])
    interview = Interview(content)
    assert keys(interview)[:2] == ["g[0].s@client", "g[0].s@counsellor"]
    answer_all(interview, 1, 2)
    assert interview.current().key == "g[0].why"
    interview.jump("g[0].s@counsellor")
    answer_all(interview, 1)
    assert interview.current().key == "g[1]?"


def test_count_and_answered_of_a_group_after_it() -> None:
    content = make_content([
        group("g", [short("name")], min_entries=0, max_entries=4),
        short("many", when="count(g) >= 2"),
        short("none", when="not answered(g)"),
    ])
    interview = Interview(content)
    answer_all(interview, False)
    assert keys(interview) == ["g[0]?", "none"]
    interview.jump("g[0]?")
    answer_all(interview, True, "a", True, "b", False)
    assert keys(interview)[-1] == "many"
    assert interview.current().key == "many"


def test_real_goals_group(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=REAL_ORDER.index("goals[0].has_deadline"))
    assert interview.current().key == "goals[0].has_deadline"
    answer_all(interview, False)
    assert interview.current().key == "goals[1]?"
    answer_all(interview, True)
    assert interview.current().key == "goals[1].goal"
    before = interview.to_json()
    assert interview.answer("ab", at=AT) == AnswerError("error.too_short", {"min": 3, "length": 2})
    assert interview.to_json() == before
    answer_all(interview, "Toinen tavoite", "Teemme jotain", "Liisa", True, "2027-01-01", False)
    assert interview.is_complete
    assert interview.state.answers["goals[1].due"].value == "2027-01-01"


def test_real_goals_max_entries(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=REAL_ORDER.index("goals[1]?"))
    for i in range(1, 5):
        assert interview.current().key == f"goals[{i}]?"
        answer_all(interview, True, f"Tavoite {i}", "Teot", "Liisa", False)
    assert interview.is_complete
    assert "goals[5]?" not in keys(interview)


# --- progress ---------------------------------------------------------------------------


def section_progress(interview: Interview) -> dict[str, tuple[int, int]]:
    return {p.section.id: (p.answered, p.relevant) for p in interview.progress().sections}


def test_progress_on_the_real_content(content: Content) -> None:
    interview = Interview(content)
    assert section_progress(interview) == {
        "background": (0, 6), "life_situation": (0, 8), "interests": (0, 4), "goals": (0, 4)}
    assert (interview.progress().answered, interview.progress().relevant) == (0, 22)
    answer_until(interview, stop_after=4)  # has_worked = True brings last_work_ended in
    assert section_progress(interview)["background"] == (4, 7)
    answer_until(interview)
    progress = section_progress(interview)
    # The add-another step is answered but not counted.
    assert progress == {"background": (7, 7), "life_situation": (9, 9), "interests": (4, 4), "goals": (5, 5)}
    assert interview.progress().answered == interview.progress().relevant == 25
    assert len(interview.state.answers) == 26


def test_progress_does_not_count_add_another_or_inactive_answers() -> None:
    content = make_content([yes_no("a"), short("b", when="a == true")], [goal_group(min_entries=0)])
    interview = Interview(content)
    assert section_progress(interview) == {"s0": (0, 1), "s1": (0, 0)}
    answer_all(interview, True, "b", True, "n", False)
    assert section_progress(interview) == {"s0": (2, 2), "s1": (2, 2)}
    interview.jump("a")
    answer_all(interview, False)
    assert section_progress(interview) == {"s0": (1, 1), "s1": (2, 2)}
    interview.jump("g[1]?")
    answer_all(interview, True)
    assert section_progress(interview) == {"s0": (1, 1), "s1": (2, 4)}


# --- completion ----------------------------------------------------------------------------


def test_completion(content: Content) -> None:
    interview = Interview(content)
    assert answer_until(interview) == len(REAL_ORDER)
    assert interview.is_complete
    assert interview.current() is None
    before = interview.to_json()
    with pytest.raises(NotAllowed):
        interview.answer("anything", at=AT)
    with pytest.raises(NotAllowed):
        interview.skip(at=AT)
    assert interview.to_json() == before


def test_not_complete_with_one_gap() -> None:
    interview = Interview(make_content([short("a"), short("b", required=False), short("c")]))
    answer_all(interview, "a")
    interview.skip(at=AT)
    assert not interview.is_complete
    answer_all(interview, "c")
    assert interview.is_complete


# --- persistence -----------------------------------------------------------------------------


def roundtrip(content: Content, interview: Interview) -> Interview:
    restored = Interview.from_json(content, interview.to_json())
    assert restored.state == interview.state
    assert restored.to_json() == interview.to_json()
    assert keys(restored) == keys(interview)
    current, restored_current = interview.current(), restored.current()
    assert (current and current.key) == (restored_current and restored_current.key)
    return restored


def test_json_round_trip(content: Content) -> None:
    interview = Interview(content)
    roundtrip(content, interview)
    answer_until(interview, stop_after=12)
    restored = roundtrip(content, interview)
    assert isinstance(restored.state, InterviewState)
    # After a jump the position is what matters.
    interview.jump("has_worked")
    restored = roundtrip(content, interview)
    assert restored.current().key == "has_worked"
    # Both continue identically.
    for i in (interview, restored):
        assert i.answer(False, at=AT) is None
    assert interview.to_json() == restored.to_json()
    answer_until(interview)
    restored = roundtrip(content, interview)
    assert restored.is_complete
    assert restored.state.answers["last_work_ended"].value == "2023-05-31"  # inactive answer survives


def test_json_round_trip_keeps_types() -> None:
    content = make_content([number("n", integer=False), number("i"), multi("m"), yes_no("y"), date("d"), scale("s", who="both")])
    interview = Interview(content)
    answer_all(interview, 2.0, 7, ["b", "a"], False, dt.date(2026, 1, 2), "not_applicable", 0)
    restored = roundtrip(content, interview)
    values = answered_values(restored)
    assert values == {"n": 2.0, "i": 7, "m": ["a", "b"], "y": False, "d": "2026-01-02",
                      "s@client": "not_applicable", "s@counsellor": 0}
    assert type(values["n"]) is float and type(values["i"]) is int
    assert restored.state.answers["n"].at == AT


# --- typed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("2,5", 2.5), ("2.5", 2.5), ("12", 12), (" 12 ", 12), ("1 000", 1000), ("1\u00a0000", 1000),
     ("-3", -3), ("0,75", 0.75), ("3,0", 3), ("10 000,5", 10000.5)],
)
def test_parse_number(text: str, value: Any) -> None:
    question = number("n", integer=False)
    assert parse_typed(question, text) == (None, value)
    assert type(parse_number(text)[1]) is type(value)


@pytest.mark.parametrize("text", ["", " ", "abc", "2,5,1", "1.2.3", "nan", "inf", "-infinity", "12kk"])
def test_parse_number_rejects(text: str) -> None:
    assert parse_typed(number("n"), text) == (AnswerError("error.number_expected"), None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("26.11.2026", "2026-11-26"), ("1.3.2024", "2024-03-01"), ("01.03.2024", "2024-03-01"),
     (" 29.2.2024 ", "2024-02-29"), ("2026-11-26", "2026-11-26"), (" 2024-03-01 ", "2024-03-01")],
)
def test_parse_date(text: str, value: str) -> None:
    assert parse_typed(date("d"), text) == (None, value)


# Days the calendar does not have get an error that says why: tests/test_dates.py.
@pytest.mark.parametrize("text", ["", "tomorrow", "26.11.26", "26/11/2026", "0.1.2026"])
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) == (AnswerError("error.date_expected"), None)


def test_parse_typed_leaves_other_kinds_alone() -> None:
    assert parse_typed(short("t"), " 2,5 ") == (None, " 2,5 ")
    assert parse_typed(None, "yes") == (None, "yes")


def test_typed_answer_goes_through_the_engine(content: Content) -> None:
    interview = Interview(content)
    answer_until(interview, stop_after=2)
    error, value = parse_typed(interview.current().question, "2,5")
    assert error is None
    assert interview.answer(value, at=AT) == AnswerError("error.whole_number_expected")
    error, value = parse_typed(interview.current().question, " 24 ")
    assert interview.answer(value, at=AT) is None
    answer_all(interview, True)
    error, value = parse_typed(interview.current().question, "31.5.2023")
    assert interview.answer(value, at=AT) is None
    assert interview.state.answers["last_work_ended"].value == "2023-05-31"
