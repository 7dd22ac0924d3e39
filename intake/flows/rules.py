"""Legal and organisational rules as data, each with its source and the dates it
is in force. A change in law is a change in content/rules.yaml, never in code.

The rules applied to a plan are those in force on the plan's start date.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from intake.flows.base import Id, Strict
from intake.flows.text import CounsellorText, Text

HostType = Literal[
    "public_unit",          # wellbeing services county or municipal unit
    "association",          # registered association (rekisteröity yhdistys)
    "foundation",           # registered foundation
    "state_agency",
    "religious_community",  # registered religious community
    "company",              # listed so a catalogue can say it; never allowed
]


class InForce(Strict):
    """When a rule or type applies: from `valid_from`, up to and excluding `valid_to`."""

    valid_from: dt.date
    valid_to: dt.date | None = None
    source: CounsellorText

    @model_validator(mode="after")
    def _dates(self) -> InForce:
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class _Rule(InForce):
    id: Id
    services: list[Id] = Field(min_length=1, description="The service types the rule applies to")
    explanation: Text


class PeriodMonths(_Rule):
    kind: Literal["period_months"]
    min: int = Field(ge=0)
    max: int = Field(ge=1)


class DaysPerWeek(_Rule):
    kind: Literal["days_per_week"]
    min: int = Field(ge=0, le=7)
    max: int = Field(ge=1, le=7)


class HoursPerDay(_Rule):
    kind: Literal["hours_per_day"]
    min: float = Field(ge=0, le=24)
    max: float = Field(gt=0, le=24)


class HoursPerWeek(_Rule):
    kind: Literal["hours_per_week"]
    max: float = Field(gt=0, le=168)


class DailyAllowance(_Rule):
    kind: Literal["daily_allowance"]
    euros: float = Field(ge=0)
    travel_costs: bool


class AllowedHosts(_Rule):
    kind: Literal["allowed_hosts"]
    host_types: list[HostType] = Field(min_length=1)

    @model_validator(mode="after")
    def _never_companies(self) -> AllowedHosts:
        if "company" in self.host_types:
            raise ValueError("companies can never host this activity (no profit-making work)")
        return self


class PlanMustRecord(_Rule):
    kind: Literal["plan_must_record"]
    items: list[Literal["goal", "support_and_guidance"]] = Field(min_length=1)


Rule = Annotated[
    Union[PeriodMonths, DaysPerWeek, HoursPerDay, HoursPerWeek, DailyAllowance, AllowedHosts, PlanMustRecord],
    Field(discriminator="kind"),
]


class ServiceType(InForce):
    id: Id
    name: Text
    description: Text


class PlanType(InForce):
    id: Id
    name: Text
    description: Text
    services: list[Id] = Field(min_length=1)
    eligibility: CounsellorText


class RulesFile(Strict):
    service_types: list[ServiceType] = Field(min_length=1)
    plan_types: list[PlanType] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)


class Rules:
    """Look-ups on the rules file for one day."""

    def __init__(self, data: RulesFile):
        self.data = data

    def in_force(self, service: str, day: dt.date) -> dict[str, Rule]:
        """The rule of each kind that applies to `service` on `day` (the latest to take effect)."""
        found: dict[str, Rule] = {}
        for rule in sorted(self.data.rules, key=lambda r: r.valid_from):
            if service in rule.services and rule.in_force(day):
                found[rule.kind] = rule
        return found

    def service_types(self, day: dt.date) -> list[ServiceType]:
        return [s for s in self.data.service_types if s.in_force(day)]

    def plan_types(self, service: str, day: dt.date) -> list[PlanType]:
        return [p for p in self.data.plan_types if service in p.services and p.in_force(day)]
