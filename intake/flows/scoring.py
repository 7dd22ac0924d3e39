"""Content models for what is computed from the answers: the interest
inventory's scoring (RIASEC areas) and the rules that suggest other services."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from intake.flows.base import Id, Strict
from intake.flows.text import CounsellorText, Text

Area = Literal["R", "I", "A", "S", "E", "C"]
SupportLevel = Literal["intensive", "moderate", "light"]
AREAS: tuple[Area, ...] = ("R", "I", "A", "S", "E", "C")
SERVICES_TRIED = "services_tried"  # the question whose choices a suggestion's tried_as names


class InterestArea(Strict):
    name: Text
    items: list[Id] = Field(min_length=4, description="Scale questions whose answers score this area")


class InterestProfileSpec(Strict):
    scale: Id
    areas: dict[Area, InterestArea]


class SupportLevelName(Strict):
    name: Text
    description: Text = Field(description="What the level means for the coaching, in words the client reads")


class SupportStaircase(Strict):
    """Seed 001's support staircase: one single-choice question whose every choice gives a support level."""

    question: Id
    levels: dict[SupportLevel, SupportLevelName]
    choices: dict[Id, SupportLevel] = Field(description="The level of each of the question's choices")


class Suggestion(Strict):
    """Another service to suggest when `when` holds, with the reason shown to the counsellor."""

    id: Id
    service: Text
    when: str
    reason: CounsellorText
    tried_as: Id | None = Field(None, description=(
        "The services_tried choice that is this same service: when the client has tried it, the plan marks the "
        "suggestion as already tried instead of proposing it afresh"))


class ScoringFile(Strict):
    interest_profile: InterestProfileSpec
    support_staircase: SupportStaircase | None = None


class SuggestionsFile(Strict):
    suggestions: list[Suggestion] = Field(min_length=1)
