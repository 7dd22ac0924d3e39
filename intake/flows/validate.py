"""Checking one answer against its question. Errors carry a message key and
parameters; the front-end translates them from the text catalogue."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from intake.flows.engine import Step

NOT_DISCUSSED = "not_discussed"
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class AnswerError:
    key: str
    params: dict[str, Any] = field(default_factory=dict)


def validate(step: Step, value: Any, content: Content) -> tuple[AnswerError | None, Any]:
    """(None, the value as stored) when the answer fits the question, else (error, None)."""
    q = step.question
    if step.is_confirm:
        if value is True:
            return None, value
        return AnswerError("error.confirm_or_correct"), None
    if q is None or isinstance(q, YesNo):
        if isinstance(value, bool):
            return None, value
        return AnswerError("error.yes_or_no"), None
    if isinstance(q, (ShortText, LongText)):
        return _text(q, value)
    if isinstance(q, SingleChoice):
        if isinstance(value, str) and value in {c.value for c in q.choices}:
            return None, value
        return AnswerError("error.choose_one"), None
    if isinstance(q, MultiChoice):
        return _multi(q, value)
    if isinstance(q, ScaleQuestion):
        return _scale(q, value, content)
    if isinstance(q, NumberQuestion):
        return _number(q, value)
    if isinstance(q, DateQuestion):
        return _date(q, value)
    raise TypeError(f"no validation for {type(q).__name__}")


def _text(q: ShortText | LongText, value: Any) -> tuple[AnswerError | None, Any]:
    if not isinstance(value, str):
        return AnswerError("error.text_expected"), None
    text = value.strip()
    if not text:
        return AnswerError("error.required"), None
    if len(text) < q.min_length:
        return AnswerError("error.too_short", {"min": q.min_length, "length": len(text)}), None
    if len(text) > q.max_length:
        return AnswerError("error.too_long", {"max": q.max_length, "length": len(text)}), None
    if isinstance(q, ShortText) and q.pattern and not re.fullmatch(q.pattern, text):
        return AnswerError("error.pattern"), None
    return None, text


def _multi(q: MultiChoice, value: Any) -> tuple[AnswerError | None, Any]:
    known = [c.value for c in q.choices]
    if not isinstance(value, (list, tuple)) or any(v not in known for v in value):
        return AnswerError("error.choose_from_list"), None
    chosen = [v for v in known if v in value]  # content order, no duplicates
    if len(chosen) > 1 and any(c.exclusive and c.value in chosen for c in q.choices):
        return AnswerError("error.choice_alone"), None
    least = max(q.min_selected, 1 if q.required else 0)
    if len(chosen) < least:
        return AnswerError("error.too_few_selected", {"min": least}), None
    if q.max_selected is not None and len(chosen) > q.max_selected:
        return AnswerError("error.too_many_selected", {"max": q.max_selected}), None
    return None, chosen


def _scale(q: ScaleQuestion, value: Any, content: Content) -> tuple[AnswerError | None, Any]:
    allowed_special = {NOT_DISCUSSED} if q.allow_not_discussed else set()
    if q.allow_not_applicable:
        allowed_special.add(NOT_APPLICABLE)
    if isinstance(value, str) and value in allowed_special:
        return None, value
    points = [p.value for p in content.scales[q.scale].points]
    if isinstance(value, int) and not isinstance(value, bool) and value in points:
        return None, value
    return AnswerError("error.not_on_scale", {"min": min(points), "max": max(points)}), None


def _number(q: NumberQuestion, value: Any) -> tuple[AnswerError | None, Any]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return AnswerError("error.number_expected"), None
    if isinstance(value, float) and not math.isfinite(value):  # NaN and infinity are not answers
        return AnswerError("error.number_expected"), None
    if q.integer and value != int(value):
        return AnswerError("error.whole_number_expected"), None
    if q.min is not None and value < q.min:
        return AnswerError("error.number_too_small", {"min": _plain_number(q.min)}), None
    if q.max is not None and value > q.max:
        return AnswerError("error.number_too_large", {"max": _plain_number(q.max)}), None
    return None, int(value) if q.integer else float(value)


def _plain_number(x: float) -> int | float:
    return int(x) if x == int(x) else x


_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")


def calendar_date(year: int, month: int, day: int) -> tuple[AnswerError | None, dt.date | None]:
    """The day, or an error that says why the calendar has no such day (31.2. names February's length)."""
    if not 1 <= month <= 12:
        return AnswerError("error.date_no_such_month", {"month": month}), None
    if year < dt.MINYEAR or day < 1:
        return AnswerError("error.date_expected"), None
    days = calendar.monthrange(year, month)[1]
    if day > days:
        # One text per month, so that each language can name the month in its own way.
        return AnswerError(f"error.date_no_such_day.{month}", {"day": day, "month": month, "year": year, "days": days}), None
    return None, dt.date(year, month, day)


def iso_date(text: str) -> tuple[AnswerError | None, dt.date | None]:
    """A day written as 2026-11-26."""
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return AnswerError("error.date_expected"), None
    year, month, day = (int(g) for g in match.groups())
    return calendar_date(year, month, day)


def _date(q: DateQuestion, value: Any) -> tuple[AnswerError | None, Any]:
    if isinstance(value, str):
        error, value = iso_date(value)
        if error is not None:
            return error, None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        return AnswerError("error.date_expected"), None
    today = dt.date.today()
    if q.not_after == "today" and value > today:
        return AnswerError("error.date_in_future", {"date": value, "today": today}), None
    if q.min is not None and value < q.min:
        return AnswerError("error.date_too_early", {"min": q.min}), None
    if q.max is not None and value > q.max:
        return AnswerError("error.date_too_late", {"max": q.max}), None
    return None, value.isoformat()
