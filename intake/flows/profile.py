"""The client as matching sees them, read from the interview's answers.

The question ids read here are a contract with the content (sections/strengths.yaml,
assessment.yaml, placement_wishes.yaml); a test checks that the real content
has them. An unanswered question is simply no constraint and no preference.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from intake.flows.derive import interests
from intake.flows.engine import Interview
from intake.flows.first_plan import MATCHING_QUESTIONS
from intake.flows.matching import DEFAULT_SERVICE, ClientProfile, avoid_words


def client_profile(interview: Interview, start: dt.date | None = None) -> ClientProfile:
    active = interview.active()
    fields: dict[str, Any] = {}
    for question, name in MATCHING_QUESTIONS.items():
        value = active.get(question)
        if value is None:
            continue
        fields[name] = frozenset(value) if isinstance(value, list) else value
    if fields.get("home") == "other":
        del fields["home"]
    fields.setdefault("service", DEFAULT_SERVICE)
    scoring = interview.content.scoring
    if scoring is not None:
        fields["interest_code"] = interests(interview)
    avoid = active.get("avoid")
    if avoid:
        fields["avoid"] = avoid_words(avoid)
    return ClientProfile(start=start or planned_start(interview), **fields)


def planned_start(interview: Interview) -> dt.date:
    """The preferred start date when one was given, otherwise today."""
    value = interview.active().get("preferred_start")
    return dt.date.fromisoformat(value) if value else dt.date.today()
