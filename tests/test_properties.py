"""Random use of the interview on the default content: it never raises, never loses
an answer, can always be finished, and survives save and restore unchanged."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.flows.engine import Interview, NotAllowed, Step
from intake.flows.loader import load_content
from intake.flows.model import (
    Content,
    DateQuestion,
    LongText,
    MultiChoice,
    NumberQuestion,
    ScaleQuestion,
    ShortText,
    SingleChoice,
    YesNo,
)
from intake.flows.validate import NOT_APPLICABLE, NOT_DISCUSSED, AnswerError
from tests.conftest import CONTENT_DIR

CONTENT: Content = load_content(CONTENT_DIR)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzåäöABCÅÄÖ0123456789 .,-"), max_size=60)


# --- values for a step ------------------------------------------------------------------


def _text(q: ShortText | LongText) -> st.SearchStrategy[str]:
    low, high = max(q.min_length, 1), min(q.max_length, 60)
    pattern = getattr(q, "pattern", None)
    if pattern:
        base = st.from_regex(pattern, fullmatch=True)
    else:
        base = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzåäö ABC.,!?-"), min_size=low, max_size=high)
    # Already stripped, so the stored value is exactly the value given.
    return base.map(str.strip).filter(
        lambda s: low <= len(s) <= q.max_length and (not pattern or re.fullmatch(pattern, s) is not None))


def valid_values(step: Step, content: Content = CONTENT) -> st.SearchStrategy[Any]:
    """Values the step accepts, in the form the engine stores them."""
    q = step.question
    if q is None or isinstance(q, YesNo):
        return st.booleans()
    if isinstance(q, (ShortText, LongText)):
        return _text(q)
    if isinstance(q, SingleChoice):
        return st.sampled_from([c.value for c in q.choices])
    if isinstance(q, MultiChoice):
        values = [c.value for c in q.choices]
        least = max(q.min_selected, 1 if q.required else 0)
        most = q.max_selected if q.max_selected is not None else len(values)
        return st.lists(st.sampled_from(values), unique=True, min_size=least, max_size=most).map(
            lambda chosen: [v for v in values if v in chosen])
    if isinstance(q, ScaleQuestion):
        options: list[Any] = [p.value for p in content.scales[q.scale].points]
        options += [NOT_DISCUSSED] if q.allow_not_discussed else []
        options += [NOT_APPLICABLE] if q.allow_not_applicable else []
        return st.sampled_from(options)
    if isinstance(q, NumberQuestion):
        low = int(q.min) if q.min is not None else -10**6
        high = int(q.max) if q.max is not None else 10**6
        if q.integer:
            return st.integers(low, high)
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if isinstance(q, DateQuestion):
        return st.dates(min_value=q.min or dt.date(1900, 1, 1), max_value=q.max or dt.date(2100, 12, 31)).map(
            dt.date.isoformat)
    raise AssertionError(f"no strategy for {type(q).__name__}")


def invalid_values(step: Step, content: Content = CONTENT) -> st.SearchStrategy[Any]:
    """Values the step must refuse."""
    q = step.question
    wrong = st.sampled_from([None, [], {"a": 1}, ["x", 1], float("nan"), float("inf")])
    if q is None or isinstance(q, YesNo):
        return st.one_of(wrong, st.integers(), st.sampled_from(["yes", "no", "true", ""]))
    if isinstance(q, (ShortText, LongText)):
        too_long = st.just("x" * (q.max_length + 1))
        blank = st.sampled_from(["", "   ", "\n\t"])
        options = [wrong, st.integers(), st.booleans(), too_long, blank]
        if q.min_length > 1:
            options.append(st.text(alphabet="abc", min_size=1, max_size=q.min_length - 1))
        if getattr(q, "pattern", None):
            options.append(st.sampled_from(["abc", "12", "+"]))
        return st.one_of(*options)
    if isinstance(q, SingleChoice):
        values = {c.value for c in q.choices}
        return st.one_of(wrong, st.integers(), WORDS.filter(lambda s: s not in values),
                         st.lists(st.sampled_from(sorted(values)), min_size=1, max_size=2))
    if isinstance(q, MultiChoice):
        values = [c.value for c in q.choices]
        options = [st.sampled_from([None, {"a": 1}, float("nan")]), st.sampled_from(values),  # not a list
                   st.lists(st.sampled_from(values)).map(lambda vs: vs + ["no_such_choice"])]
        least = max(q.min_selected, 1 if q.required else 0)
        if least > 0:
            options.append(st.lists(st.sampled_from(values), unique=True, max_size=least - 1))
        if q.max_selected is not None:
            options.append(st.lists(st.sampled_from(values), unique=True, min_size=q.max_selected + 1))
        return st.one_of(*options)
    if isinstance(q, ScaleQuestion):
        points = [p.value for p in content.scales[q.scale].points]
        specials = ([] if q.allow_not_discussed else [NOT_DISCUSSED]) + ([] if q.allow_not_applicable else [NOT_APPLICABLE])
        options = [wrong, st.integers().filter(lambda v: v not in points), st.booleans(),
                   st.sampled_from([str(p) for p in points] + [float(p) for p in points] + ["n/a"])]
        if specials:
            options.append(st.sampled_from(specials))
        return st.one_of(*options)
    if isinstance(q, NumberQuestion):
        options = [wrong, st.booleans(), st.sampled_from(["3", "2,5", ""])]
        if q.min is not None:
            options.append(st.integers(max_value=int(q.min) - 1))
        if q.max is not None:
            options.append(st.integers(min_value=int(q.max) + 1))
        if q.integer:
            options.append(st.floats(-1000, 1000).filter(lambda x: x != int(x)))
        return st.one_of(*options)
    if isinstance(q, DateQuestion):
        options = [wrong, st.integers(), st.sampled_from(["26.11.2026", "2026-02-30", "tomorrow", ""])]
        if q.min is not None:
            options.append(st.dates(max_value=q.min - dt.timedelta(days=1)).map(dt.date.isoformat))
        if q.max is not None:
            options.append(st.dates(min_value=q.max + dt.timedelta(days=1)))
        return st.one_of(*options)
    raise AssertionError(f"no strategy for {type(q).__name__}")


ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), WORDS, st.dates(),
    st.lists(st.one_of(WORDS, st.integers()), max_size=4), st.dictionaries(WORDS, st.integers(), max_size=2),
)


# --- the check: an expected picture of every answer ever recorded ----------------------------


class Checked:
    """Drives an Interview and keeps, beside it, the last value recorded for every key."""

    def __init__(self, content: Content):
        self.content = content
        self.interview = Interview(content)
        self.expected: dict[str, tuple[Any, bool]] = {}

    def check(self) -> None:
        answers = self.interview.state.answers
        assert set(answers) == set(self.expected), "an answer was lost or appeared from nowhere"
        for key, (value, skipped) in self.expected.items():
            assert answers[key].value == value, key
            assert type(answers[key].value) is type(value), key
            assert answers[key].skipped is skipped, key

    def answer(self, value: Any) -> AnswerError | None:
        step = self.interview.current()
        before = self.interview.to_json()
        error = self.interview.answer(value)
        if error is None:
            self.expected[step.key] = (self.interview.state.answers[step.key].value, False)
            assert self.interview.state.answers[step.key].by == step.view
        else:
            assert isinstance(error, AnswerError)
            assert self.interview.to_json() == before
        return error

    def skip(self) -> None:
        step = self.interview.current()
        before = self.interview.to_json()
        error = self.interview.skip()
        if error is None:
            assert not step.is_add_another and not step.question.required
            self.expected[step.key] = (None, True)
        else:
            assert error == AnswerError("error.required_cannot_skip")
            assert step.is_add_another or step.question.required
            assert self.interview.to_json() == before

    def save_and_restore(self) -> None:
        before_state = self.interview.state.model_copy(deep=True)
        before_json = self.interview.to_json()
        before_current = self.interview.current()
        restored = Interview.from_json(self.content, before_json)
        assert restored.state == before_state
        assert restored.to_json() == before_json
        restored_current = restored.current()
        assert (restored_current and restored_current.key) == (before_current and before_current.key)
        assert [s.key for s in restored.steps()] == [s.key for s in self.interview.steps()]
        self.interview = restored

    def finish(self, data: st.DataObject) -> None:
        for _ in range(300):
            if self.interview.is_complete:
                break
            step = self.interview.current()
            assert step is not None, "not complete, yet nothing to ask"
            value = data.draw(valid_values(step), label=f"finish {step.key}")
            assert self.answer(value) is None, (step.key, value)
            self.check()
        assert self.interview.is_complete
        assert all(s.key in self.interview.state.answers for s in self.interview.steps())


OPERATIONS = ["valid", "valid", "valid", "valid", "invalid", "anything", "skip", "back", "jump", "save"]


@SETTINGS
@given(data=st.data())
def test_random_operations_never_raise_nor_lose_answers(data: st.DataObject) -> None:
    run = Checked(CONTENT)
    n = data.draw(st.integers(0, 60), label="operations")
    for _ in range(n):
        op = data.draw(st.sampled_from(OPERATIONS), label="op")
        interview = run.interview
        step = interview.current()
        if op in ("valid", "invalid", "anything", "skip") and step is None:
            with pytest.raises(NotAllowed):
                interview.answer(True)
            with pytest.raises(NotAllowed):
                interview.skip()
            assert interview.is_complete
        elif op == "valid":
            value = data.draw(valid_values(step), label=f"valid {step.key}")
            assert run.answer(value) is None, (step.key, value)
        elif op == "invalid":
            value = data.draw(invalid_values(step), label=f"invalid {step.key}")
            assert run.answer(value) is not None, (step.key, value)
        elif op == "anything":
            run.answer(data.draw(ANYTHING, label=f"anything {step.key}"))
        elif op == "skip":
            run.skip()
        elif op == "back":
            if interview.can_go_back():
                interview.back()
                assert interview.current() is not None
            else:
                before = interview.to_json()
                with pytest.raises(NotAllowed):
                    interview.back()
                assert interview.to_json() == before
        elif op == "jump":
            answered = [s.key for s, _ in interview.transcript()]
            if answered:
                key = data.draw(st.sampled_from(answered), label="jump to")
                interview.jump(key)
                assert interview.current().key == key
        elif op == "save":
            run.save_and_restore()
        run.check()
    run.finish(data)
    run.save_and_restore()
    run.check()


@SETTINGS
@given(data=st.data())
def test_valid_answers_always_complete_the_interview(data: st.DataObject) -> None:
    run = Checked(CONTENT)
    run.finish(data)
    steps = run.interview.steps()
    progress = run.interview.progress()
    assert progress.answered == progress.relevant == sum(1 for s in steps if not s.is_add_another)
    assert [s.key for s, _ in run.interview.transcript()] == [s.key for s in steps]


@SETTINGS
@given(data=st.data())
def test_any_value_on_any_step_is_an_answer_or_an_error(data: st.DataObject) -> None:
    # Reach a random point first, then throw arbitrary values at it.
    run = Checked(CONTENT)
    for _ in range(data.draw(st.integers(0, 30), label="answers first")):
        step = run.interview.current()
        if step is None:
            break
        assert run.answer(data.draw(valid_values(step))) is None
    if run.interview.current() is None:
        return
    for value in data.draw(st.lists(ANYTHING, min_size=1, max_size=10), label="values"):
        if run.interview.current() is None:
            break
        run.answer(value)
        run.check()
