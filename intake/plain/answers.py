"""A step as lines to say, and what was typed read as its answer.

Every kind of step is answered by typing on one line: a choice by its number (a scale by its
point, with ? for "not discussed" and - for "not applicable"), several choices by their numbers,
a date, a number or text as it is written. Screen readers read such lines as they come.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from intake.flows.display import Texts
from intake.flows.engine import Answer, Step
from intake.flows.model import DateQuestion, LongText, MultiChoice, NumberQuestion, ScaleQuestion, SingleChoice
from intake.flows.parse import parse_typed
from intake.flows.validate import NOT_APPLICABLE, NOT_DISCUSSED, AnswerError

CORRECT = "correct"  # the confirmation's "I want to correct something": not an answer, a way back
_SPECIAL_KEYS = {NOT_DISCUSSED: "?", NOT_APPLICABLE: "-"}
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Option:
    key: str  # what is typed to choose it
    value: Any
    label: str


def options(step: Step, t: Texts) -> list[Option]:
    """The choices of a step, each with what to type for it; none for a typed answer."""
    q = step.question
    if step.is_confirm:
        return [Option("1", True, t("interview.confirm.yes")), Option("2", CORRECT, t("interview.confirm.correct"))]
    if isinstance(q, (SingleChoice, MultiChoice)):
        return [Option(str(i), c.value, _described(c.text, c.description, t)) for i, c in enumerate(q.choices, 1)]
    if isinstance(q, ScaleQuestion):
        found = [Option(str(point.value), point.value, _described(point.label, point.description, t))
                 for point in t.content.scales[q.scale].points]
        if q.allow_not_discussed:
            found.append(Option(_SPECIAL_KEYS[NOT_DISCUSSED], NOT_DISCUSSED, t("answer.not_discussed")))
        if q.allow_not_applicable:
            found.append(Option(_SPECIAL_KEYS[NOT_APPLICABLE], NOT_APPLICABLE, t("answer.not_applicable")))
        return found
    if q is None or q.type == "yes_no":  # a yes/no question, and "add another entry?"
        return [Option("1", True, t("answer.yes")), Option("2", False, t("answer.no"))]
    return []


def _described(label: Any, description: Any, t: Texts) -> str:
    """A choice's label, with its description after it when it has one."""
    words = label.get(t.language, t.plain)
    return f"{words.rstrip('.')}: {description.get(t.language, t.plain)}" if description is not None else words


def read(step: Step, typed: str, t: Texts) -> tuple[AnswerError | None, Any]:
    """What was typed as the step's answer (the engine still checks it against the question)."""
    q = step.question
    choices = options(step, t)
    if isinstance(q, MultiChoice):
        wanted = [w for w in _SEPARATORS.split(typed.strip()) if w]
        chosen = [_find(choices, w) for w in wanted]
        if any(c is None for c in chosen):
            return AnswerError("plain.error.numbers"), None
        return None, [c.value for c in chosen]
    if choices:
        found = _find(choices, typed.strip())
        return (None, found.value) if found is not None else (AnswerError("plain.error.one_of"), None)
    if isinstance(q, LongText):
        return None, typed
    return parse_typed(q, typed)


def _find(choices: list[Option], typed: str) -> Option | None:
    """The option typed by its key, or by its words (yes, no, a choice's label)."""
    folded = typed.casefold()
    return next((o for o in choices if folded in (o.key.casefold(), o.label.casefold())), None)


def typed_form(step: Step, answer: Answer | None, t: Texts) -> str:
    """An earlier answer as it would be typed, offered again when the step comes back."""
    if answer is None or answer.skipped or answer.value is None or step.is_confirm:
        return ""
    value, q = answer.value, step.question
    choices = options(step, t)
    if choices:
        values = value if isinstance(value, list) else [value]
        return " ".join(o.key for o in choices if o.value in values)
    if isinstance(q, DateQuestion):
        return t.date_field(value)
    if isinstance(q, NumberQuestion):
        return str(value).replace(".", ",") if t.language != "en" else str(value)
    return str(value)


def kind(step: Step) -> str:
    """The kind of answer a step takes, for its hint (plain.hint.<kind>)."""
    if step.is_confirm:
        return "confirm"
    return "yes_no" if step.question is None else step.question.type
