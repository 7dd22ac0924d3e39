"""Turning what a person typed into an answer value, for the typed question kinds.

Finnish habits come first: decimal comma, dates as 26.11.2026.
"""

from __future__ import annotations

import re
from typing import Any

from intake.flows.model import DateQuestion, NumberQuestion, Question
from intake.flows.validate import AnswerError, calendar_date, iso_date

_DATE_FI = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


def parse_typed(question: Question | None, text: str) -> tuple[AnswerError | None, Any]:
    """(None, value) when the text reads as an answer to the question, else (error, None)."""
    if isinstance(question, NumberQuestion):
        return parse_number(text)
    if isinstance(question, DateQuestion):
        return parse_date(text)
    return None, text


def parse_number(text: str) -> tuple[AnswerError | None, Any]:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return AnswerError("error.number_expected"), None
    if number != number or number in (float("inf"), float("-inf")):
        return AnswerError("error.number_expected"), None
    return None, int(number) if number == int(number) else number


def parse_date(text: str) -> tuple[AnswerError | None, Any]:
    """(None, the day as 2026-11-26) for 26.11.2026 or 2026-11-26, else an error that says what is wrong."""
    match = _DATE_FI.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        error, date = calendar_date(year, month, day)
    else:
        error, date = iso_date(text)
    return (error, None) if error is not None else (None, date.isoformat())
