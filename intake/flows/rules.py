"""Legal and organisational rules as data, each with its source and the dates it
is in force. A change in law is a change in content/rules.yaml, never in code.

The rules applied to a plan are those in force on the plan's start date.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from intake.flows.base import Id, Strict
from intake.flows.services import REHABILITATIVE_WORK_ACTIVITY
from intake.flows.text import CounsellorText, Text

HostType = Literal[
    "public_unit",          # wellbeing services county or municipal unit
    "association",          # registered association (rekisteröity yhdistys)
    "foundation",           # registered foundation
    "state_agency",
    "religious_community",  # registered religious community, or an Evangelical Lutheran or Orthodox parish
    "company",              # allowed only where a rule says so (supported employment on the open labour market)
]
# The choices of the `benefit` question (content/sections/background.yaml); a test keeps the two the same.
Benefit = Literal["labour_market_subsidy", "unemployment_allowance", "social_assistance", "other", "none"]
# What binds: the law blocks agreement; guidance only warns, and the counsellor records why they go on.
Basis = Literal["law", "guidance"]


class InForce(Strict):
    """When a rule or type applies: from `valid_from`, up to and excluding `valid_to`."""

    valid_from: dt.date
    valid_to: dt.date | None = None
    basis: Basis
    source: Text = Field(description="The public reference (act and section, or the guidance document), "
                                     "shown with every check the rule makes")
    confirmed: bool = Field(True, description="False while the enacted text or its date in force is not "
                                              "confirmed: the plan then asks the counsellor to check the source")

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


class _Limit(_Rule):
    """A lower and/or an upper limit; a law and a guideline may each set one of them."""

    @model_validator(mode="after")
    def _some_limit(self) -> _Limit:
        if self.min is None and self.max is None:
            raise ValueError("a limit needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be above max")
        return self


class PeriodMonths(_Limit):
    kind: Literal["period_months"]
    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=1)


class DaysPerWeek(_Limit):
    kind: Literal["days_per_week"]
    min: int | None = Field(None, ge=0, le=7)
    max: int | None = Field(None, ge=1, le=7)


class HoursPerDay(_Limit):
    kind: Literal["hours_per_day"]
    min: float | None = Field(None, ge=0, le=24)
    max: float | None = Field(None, gt=0, le=24)


class DailyAllowance(_Rule):
    """Money for each attended day, paid to clients on one of `for_benefits`."""

    kind: Literal["daily_allowance"]
    name: Text
    payer: Text = Field(description="Who pays it, as the client reads it")
    for_benefits: list[Benefit] = Field(min_length=1)
    euros: float = Field(ge=0)
    travel_costs: bool


class ReviewInterval(_Rule):
    """Interim reviews every `months`; one that would fall within `end_review_covers_weeks` of the end is
    left to the end review."""

    kind: Literal["review_interval"]
    months: int = Field(ge=1, le=24)
    end_review_covers_weeks: int = Field(ge=0, le=52)


DEFAULT_HOSTS = frozenset({"public_unit", "association", "foundation", "state_agency", "religious_community"})


class AllowedHosts(_Rule):
    kind: Literal["allowed_hosts"]
    host_types: list[HostType] = Field(min_length=1)

    @model_validator(mode="after")
    def _never_companies(self) -> AllowedHosts:
        if "company" in self.host_types and REHABILITATIVE_WORK_ACTIVITY in self.services:
            raise ValueError("companies can never host rehabilitative work activity (189/2001: no profit-making "
                             "work); give companies their own rule for the services that allow them")
        return self


class PlanMustRecord(_Rule):
    kind: Literal["plan_must_record"]
    items: list[Literal["goal", "support_and_guidance"]] = Field(min_length=1)


Rule = Annotated[
    Union[PeriodMonths, DaysPerWeek, HoursPerDay, DailyAllowance, ReviewInterval, AllowedHosts, PlanMustRecord],
    Field(discriminator="kind"),
]


class ServiceType(InForce):
    id: Id
    name: Text
    description: Text
    open_labour_market: bool = Field(False, description=(
        "Matching proposes jobs at employers (content/employers/, `intake employers import`) besides the "
        "placements, and never excludes a client for their assessment: what a job asks that the client cannot "
        "give lowers its rank and is named, to check with the employer (IPS criteria 9 and 10)"))


class PlanType(InForce):
    id: Id
    name: Text
    description: Text
    services: list[Id] = Field(min_length=1)
    for_benefits: list[Benefit] | None = Field(None, description=(
        "Offered only to a client who receives one of these; none: whatever the benefits"))
    eligibility: CounsellorText


class RulesFile(Strict):
    service_types: list[ServiceType] = Field(min_length=1)
    plan_types: list[PlanType] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)


class Rules:
    """Look-ups on the rules file for one day."""

    def __init__(self, data: RulesFile):
        self.data = data

    def in_force(self, service: str, day: dt.date, basis: Basis = "law") -> dict[str, Rule]:
        """The rule of each kind with this basis that applies to `service` on `day` (the latest to take
        effect). Allowances depend on the client's benefits: see `allowance`."""
        found: dict[str, Rule] = {}
        for rule in sorted(self.data.rules, key=lambda r: r.valid_from):
            if (service in rule.services and rule.in_force(day) and rule.basis == basis
                    and not isinstance(rule, DailyAllowance)):
                found[rule.kind] = rule
        return found

    def checks(self, service: str, day: dt.date) -> list[Rule]:
        """Every rule a plan is checked against on `day`: the law's, then guidance."""
        return [*self.in_force(service, day).values(), *self.in_force(service, day, "guidance").values()]

    def time_limited(self, service: str, day: dt.date) -> bool:
        """Whether a period of `service` has a length in months: a period_months rule applies to it. One
        without is time-unlimited (supported employment, IPS criterion 23): a start and no planned end."""
        return any(isinstance(rule, PeriodMonths) for rule in self.checks(service, day))

    def limits(self, service: str, day: dt.date, kind: str, default: tuple[float, float]) -> tuple[float, float]:
        """The narrowest range the law and guidance allow together, `default` where neither sets a limit."""
        low, high = default
        for rule in self.checks(service, day):
            if rule.kind == kind:
                low = rule.min if rule.min is not None else low
                high = rule.max if rule.max is not None else high
        return low, high

    def allowance(self, service: str, day: dt.date, benefits: set[str]) -> DailyAllowance | None:
        """The allowance paid for an attended day to a client with these benefits: the first in the file
        that fits, as the file lists them in order of precedence."""
        return next((r for r in self.data.rules if isinstance(r, DailyAllowance) and service in r.services
                     and r.in_force(day) and benefits & set(r.for_benefits)), None)

    def hosts(self, service: str, day: dt.date) -> frozenset[str]:
        """The host types that may offer `service` on `day`: the law's rule, else guidance's (the public and
        non-profit ones where neither says). A company only where a rule lists it."""
        rule = self.in_force(service, day).get("allowed_hosts") or \
            self.in_force(service, day, "guidance").get("allowed_hosts")
        return frozenset(rule.host_types) if isinstance(rule, AllowedHosts) else DEFAULT_HOSTS

    def services_for_host(self, host_type: str, day: dt.date, job: bool = False) -> list[ServiceType]:
        """The services in force on `day` that a placement of this host type (a `job` at an employer: only
        a service on the open labour market) can be proposed for."""
        return [s for s in self.service_types(day)
                if host_type in self.hosts(s.id, day) and (s.open_labour_market or not job)]

    def open_labour_market(self, service: str, day: dt.date) -> bool:
        """Whether matching for `service` proposes jobs at employers and ranks rather than excludes."""
        return any(s.open_labour_market for s in self.service_types(day) if s.id == service)

    def service_types(self, day: dt.date) -> list[ServiceType]:
        return [s for s in self.data.service_types if s.in_force(day)]

    def plan_types(self, service: str, day: dt.date, benefits: set[str] | None = None) -> list[PlanType]:
        """The plan types for `service` on `day`; with the client's benefits known, only those offered to them."""
        return [p for p in self.data.plan_types if service in p.services and p.in_force(day)
                and (benefits is None or p.for_benefits is None or benefits & set(p.for_benefits))]

    def plan_type(self, plan_type: str) -> PlanType | None:
        """The plan type's entry (any date: its name is the same under each law)."""
        return next((p for p in self.data.plan_types if p.id == plan_type), None)
