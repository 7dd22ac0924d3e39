"""The plan both parties agree on, assembled from the interview and the decisions,
and checked against the rules in force on its start date.

Texts in the plan are in the session's language, so the plan reads the same on
the screen and in the export.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from intake.flows.base import Record
from intake.flows.decisions import Agreement
from intake.flows.derive import interest_profile, suggested_services
from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.matching import DEFAULT_SERVICE
from intake.flows.model import ScaleQuestion
from intake.flows.rules import (
    AllowedHosts,
    DailyAllowance,
    DaysPerWeek,
    HoursPerDay,
    HoursPerWeek,
    PeriodMonths,
    PlanMustRecord,
    Rules,
)

REVIEW_EVERY_MONTHS = 3
END_REVIEW_COVERS = dt.timedelta(weeks=6)
ASSESSMENT_SECTION = "assessment"
DIFFERENCE_TO_DISCUSS = 2


class DomainViews(Record):
    id: str
    title: str
    client: str | None
    counsellor: str | None
    discuss: bool  # the views differ by 2 points or more


class PlanGoal(Record):
    goal: str
    actions: str | None
    helper: str | None
    due: dt.date | None


class PlanPlacement(Record):
    id: str
    name: str
    host: str
    municipality: str
    tasks: str
    contact: str
    visit: dt.date | None


class InterestSummary(Record):
    code: str
    scores: dict[str, float | None]


class Allowance(Record):
    euros_per_day: float
    attended_days: int
    total_euros: float
    travel_costs: bool


class SuggestedService(Record):
    id: str
    service: str
    reason: str


class PlanIssue(Record):
    key: str
    params: dict[str, Any] = {}
    text: str


class Plan(Record):
    client_label: str
    counsellor: str
    contact_person: str | None
    referral: str | None
    service_type: str
    plan_type: str | None
    assessment: list[DomainViews]
    skills: list[str]
    strengths_client: str | None
    strengths_counsellor: str | None
    interests: InterestSummary | None
    goals: list[PlanGoal]
    support_and_guidance: str | None
    placement: PlanPlacement | None
    days_per_week: int | None
    hours_per_day: float | None
    start: dt.date | None
    end: dt.date | None
    reviews: list[dt.date]
    allowance: Allowance | None
    suggested_services: list[SuggestedService]
    agreed: Agreement | None
    issues: list[PlanIssue]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_dates(start: dt.date, end: dt.date) -> list[dt.date]:
    """Interim reviews about every three months, and the end review on the last day; an interim
    review that would fall within six weeks of the end review is left to the end review."""
    reviews, step = [], REVIEW_EVERY_MONTHS
    while (day := add_months(start, step)) < end - END_REVIEW_COVERS:
        reviews.append(day)
        step += REVIEW_EVERY_MONTHS
    return reviews + [end]


@dataclass
class PlanBuilder:
    """Reads the interview for the plan; `texts` gives the session's language."""

    interview: Interview
    texts: Texts
    client_label: str
    counsellor: str
    rules: Rules | None = None
    _issues: list[PlanIssue] = field(default_factory=list)

    def build(self) -> Plan:
        iv, content = self.interview, self.interview.content
        active = iv.active()
        d = iv.state.decisions
        service = active.get("service_type") or DEFAULT_SERVICE
        start = d.start
        end = add_months(start, d.months) if start and d.months else None
        in_force = self.rules.in_force(service, start or dt.date.today()) if self.rules else {}
        placement = next((p for p in content.placements if p.id == d.placement_id), None)
        plan = Plan(
            client_label=self.client_label,
            counsellor=self.counsellor,
            contact_person=active.get("contact_person"),
            referral=self._words("referral"),
            service_type=self._service_name(service),
            plan_type=self._plan_type_name(d.plan_type),
            assessment=self._assessment(),
            skills=self._words_list("skills"),
            strengths_client=active.get("strengths_self"),
            strengths_counsellor=active.get("strengths_counsellor"),
            interests=self._interests(),
            goals=[PlanGoal(goal=g.get("goal") or "", actions=g.get("actions"), helper=g.get("helper"),
                            due=dt.date.fromisoformat(g["due"]) if g.get("due") else None)
                   for g in active.groups.get("goals", []) if g.get("goal")],
            support_and_guidance=active.get("support_and_guidance"),
            placement=PlanPlacement(
                id=placement.id, name=placement.name, host=placement.host, municipality=placement.municipality,
                tasks=placement.tasks.get(self.texts.language, self.texts.plain),
                contact=", ".join(x for x in (placement.contact.name, placement.contact.phone) if x),
                visit=d.visits.get(placement.id)) if placement else None,
            days_per_week=d.days_per_week,
            hours_per_day=d.hours_per_day,
            start=start,
            end=end,
            reviews=review_dates(start, end) if start and end else [],
            allowance=self._allowance(in_force.get("daily_allowance"), d.days_per_week, start, end),
            suggested_services=[SuggestedService(id=s.id, service=s.service.get(self.texts.language, self.texts.plain),
                                                 reason=s.reason.get(self.texts.language))
                                for s in suggested_services(content.suggestions, iv)],
            agreed=d.agreed,
            issues=[],
        )
        plan.issues = self._check(plan, service, in_force, placement.host_type if placement else None)
        return plan

    # --- pieces -------------------------------------------------------------------

    def _words(self, question_id: str) -> str | None:
        step = next((s for s in self.interview.steps() if s.key == question_id), None)
        answer = self.interview.answer_for(question_id)
        if step is None or answer is None or answer.skipped:
            return None
        return self.texts.value(step, answer.value)

    def _words_list(self, question_id: str) -> list[str]:
        words = self._words(question_id)
        return words.split(", ") if words else []

    def _service_name(self, service: str) -> str:
        rules = self.rules.data.service_types if self.rules else []
        found = next((s for s in rules if s.id == service), None)
        return found.name.get(self.texts.language, self.texts.plain) if found else service

    def _plan_type_name(self, plan_type: str | None) -> str | None:
        rules = self.rules.data.plan_types if self.rules else []
        found = next((p for p in rules if p.id == plan_type), None)
        return found.name.get(self.texts.language, self.texts.plain) if found else plan_type

    def _assessment(self) -> list[DomainViews]:
        out = []
        steps = {s.key: s for s in self.interview.steps()}
        section = next((s for s in self.interview.content.sections if s.id == ASSESSMENT_SECTION), None)
        for q in section.questions if section else []:
            if not (isinstance(q, ScaleQuestion) and q.who == "both"):
                continue
            views = {}
            for view in ("client", "counsellor"):
                key = f"{q.id}@{view}"
                answer = self.interview.answer_for(key)
                views[view] = (answer.value if answer and not answer.skipped and key in steps else None)
            numbers = [v for v in views.values() if isinstance(v, int)]
            out.append(DomainViews(
                id=q.id, title=q.text.get(self.texts.language, self.texts.plain),
                client=self._scale_words(q, views["client"]), counsellor=self._scale_words(q, views["counsellor"]),
                discuss=len(numbers) == 2 and abs(numbers[0] - numbers[1]) >= DIFFERENCE_TO_DISCUSS))
        return out

    def _scale_words(self, q: ScaleQuestion, value: Any) -> str | None:
        return None if value is None else self.texts.scale_point(q, value)

    def _interests(self) -> InterestSummary | None:
        scoring = self.interview.content.scoring
        if scoring is None:
            return None
        profile = interest_profile(scoring.interest_profile, self.interview)
        return InterestSummary(code=profile.code, scores=dict(profile.scores))

    @staticmethod
    def _allowance(rule: Any, days: int | None, start: dt.date | None, end: dt.date | None) -> Allowance | None:
        if not isinstance(rule, DailyAllowance) or not (days and start and end):
            return None
        attended = days * ((end - start).days // 7)
        return Allowance(euros_per_day=rule.euros, attended_days=attended,
                         total_euros=round(attended * rule.euros, 2), travel_costs=rule.travel_costs)

    # --- the rules ------------------------------------------------------------------

    def _check(self, plan: Plan, service: str, in_force: dict[str, Any], host_type: str | None) -> list[PlanIssue]:
        self._issues = []
        days, hours = plan.days_per_week, plan.hours_per_day
        period = self.interview.state.decisions.months
        for rule in in_force.values():
            if isinstance(rule, DaysPerWeek) and days is not None:
                self._limit("days", days, rule.min, rule.max)
            elif isinstance(rule, HoursPerDay) and hours is not None:
                self._limit("hours", hours, rule.min, rule.max)
            elif isinstance(rule, HoursPerWeek) and days is not None and hours is not None and days * hours > rule.max:
                self._issue("plan.week_above_max", hours=days * hours, max=rule.max)
            elif isinstance(rule, PeriodMonths) and period is not None:
                self._limit("months", period, rule.min, rule.max)
            elif isinstance(rule, AllowedHosts) and host_type is not None and host_type not in rule.host_types:
                self._issue("plan.host_not_allowed")
            elif isinstance(rule, PlanMustRecord):
                if "goal" in rule.items and not plan.goals:
                    self._issue("plan.no_goal")
                if "support_and_guidance" in rule.items and not plan.support_and_guidance:
                    self._issue("plan.no_support")
        if host_type == "company":
            self._issue("plan.host_not_allowed")
        self._check_plan_type(plan, service)
        for name, value in (("placement", plan.placement), ("start", plan.start), ("months", period),
                            ("days", days), ("hours", hours)):
            if value is None:
                self._issue(f"plan.missing_{name}")
        return self._issues

    def _check_plan_type(self, plan: Plan, service: str) -> None:
        """A plan type must be chosen, and be one in force for the service on the start date."""
        chosen = self.interview.state.decisions.plan_type
        if chosen is None:
            self._issue("plan.missing_plan_type")
        elif self.rules is not None and plan.start is not None:
            if chosen not in [p.id for p in self.rules.plan_types(service, plan.start)]:
                self._issue("plan.plan_type_not_in_force", plan_type=plan.plan_type)

    def _limit(self, what: str, value: float, low: float, high: float) -> None:
        if value < low:
            self._issue(f"plan.{what}_below_min", value=value, min=low)
        elif value > high:
            self._issue(f"plan.{what}_above_max", value=value, max=high)

    def _issue(self, key: str, **params: Any) -> None:
        shown = {k: _number(v) for k, v in params.items()}
        self._issues.append(PlanIssue(key=key, params=shown, text=self.texts(key, **shown)))


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value == int(value) else value
