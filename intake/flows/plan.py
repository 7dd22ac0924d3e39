"""The plan both parties agree on, assembled from the interview and the decisions,
and checked against the rules in force on its start date.

Texts in the plan are in the session's language, so the plan reads the same on
the screen and in the export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from intake.flows.base import Record
from intake.flows.decisions import Agreement
from intake.flows.derive import already_tried, interest_profile, suggested_services, support_level
from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.period import add_months, client_benefits, client_service, period_end, review_dates  # noqa: F401 (add_months: the tests')
from intake.flows.model import ScaleQuestion
from intake.flows.placements import Placement
from intake.flows.scoring import SupportLevel
from intake.flows.plan_fit import placement_fit
from intake.flows.rules import (
    DEFAULT_HOSTS,
    AllowedHosts,
    DaysPerWeek,
    HoursPerDay,
    PeriodMonths,
    PlanMustRecord,
    Rules,
)

ASSESSMENT_SECTION = "assessment"
# Views two points apart or more are talked through, unless a domain says otherwise (its discuss_at
# in the content, with the reason): a one-point difference on most domains is within what two people
# judge differently.
DIFFERENCE_TO_DISCUSS = 2


class DomainViews(Record):
    id: str
    title: str
    client: str | None
    counsellor: str | None
    difference: int | None = None  # how many points apart the views are, when both were given
    discuss: bool  # the views differ by the domain's discuss_at difference or more


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
    address: str | None = None
    tasks: str
    contact: str
    visit: dt.date | None


class InterestSummary(Record):
    code: str
    scores: dict[str, float | None]


class SupportLevelSummary(Record):
    """The support level the client's step on the support staircase gives (derived, never stored)."""

    level: SupportLevel
    name: str         # in the session's language
    description: str  # what the level means for the coaching
    statement: str    # the staircase statement the client chose


class Allowance(Record):
    name: str   # kulukorvaus or toimintaraha, in the session's language
    payer: str  # who pays it, as the client reads it
    euros_per_day: float
    attended_days: int
    total_euros: float
    travel_costs: bool


class SuggestedService(Record):
    id: str
    service: str
    reason: str
    already_tried: bool = False  # the client has tried it (services_tried): to discuss, not to propose afresh


class PlanIssue(Record):
    key: str
    params: dict[str, Any] = {}
    text: str  # with its basis in brackets, when a rule made the check
    basis: str | None = None  # the rule's public source, in the session's language
    blocking: bool = True  # the law blocks agreement; guidance only warns


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
    support_level: SupportLevelSummary | None = None
    goals: list[PlanGoal]
    support_and_guidance: str | None
    placement: PlanPlacement | None
    days_per_week: int | None
    hours_per_day: float | None
    start: dt.date | None
    end: dt.date | None
    reviews: list[dt.date]
    allowance: Allowance | None
    # Months in earlier periods of rehabilitative work activity (189/2001 8 §): 0 when none, None when not
    # asked. Only shown: the 3-24 month limit is per period, not on the total.
    earlier_ktt_months: int | None = None
    suggested_services: list[SuggestedService]
    agreed: Agreement | None
    issues: list[PlanIssue]
    unconfirmed: list[str] = []  # sources of applied rules whose enacted text or date is not confirmed


def answer_words(interview: Interview, texts: Texts, question_id: str) -> str | None:
    """A top-level answer in words, or None when it is not relevant or was skipped."""
    step = next((s for s in interview.steps() if s.key == question_id), None)
    answer = interview.answer_for(question_id)
    if step is None or answer is None or answer.skipped:
        return None
    return texts.value(step, answer.value)


@dataclass
class PlanBuilder:
    """Reads the interview for the plan; `texts` gives the session's language. `placements` is the
    catalogue the placement is chosen from: the built-in placements merged with the county's imported
    ones (session.plan_placements gives just the one chosen); None is the built-in ones (and jobs) only."""

    interview: Interview
    texts: Texts
    client_label: str
    counsellor: str
    rules: Rules | None = None
    placements: list[Placement] | None = None
    _issues: list[PlanIssue] = field(default_factory=list)

    def build(self) -> Plan:
        iv, content = self.interview, self.interview.content
        active = iv.active()
        d = iv.state.decisions
        service = client_service(active)
        start = d.start
        end = period_end(start, d.months) if start and d.months else None
        day = start or dt.date.today()
        interval = self.rules.in_force(service, day, "guidance").get("review_interval") if self.rules else None
        catalogue = [*content.placements, *content.employers] if self.placements is None else self.placements
        placement = next((p for p in catalogue if p.id == d.placement_id), None)
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
            support_level=self._support_level(),
            goals=[PlanGoal(goal=g.get("goal") or "", actions=g.get("actions"), helper=g.get("helper"),
                            due=dt.date.fromisoformat(g["due"]) if g.get("due") else None)
                   for g in active.groups.get("goals", []) if g.get("goal")],
            support_and_guidance=active.get("support_and_guidance"),
            placement=PlanPlacement(
                id=placement.id, name=placement.name, host=placement.host, municipality=placement.municipality,
                address=placement.address,
                tasks=placement.tasks.get(self.texts.language, self.texts.plain),
                contact=", ".join(x for x in (placement.contact.name, placement.contact.phone) if x),
                visit=d.visits.get(placement.id)) if placement else None,
            days_per_week=d.days_per_week,
            hours_per_day=d.hours_per_day,
            start=start,
            end=end,
            reviews=review_dates(start, end, interval) if start and end else [],
            allowance=self._allowance(service, d.days_per_week, start, end),
            earlier_ktt_months=self._earlier_ktt_months(),
            suggested_services=[SuggestedService(id=s.id, service=s.service.get(self.texts.language, self.texts.plain),
                                                 reason=s.reason.get(self.texts.language),
                                                 already_tried=already_tried(s, iv))
                                for s in suggested_services(content.suggestions, iv)],
            agreed=d.agreed,
            issues=[],
        )
        plan.issues = self._check(plan, service, placement.host_type if placement else None)
        for key, params in placement_fit(plan, placement, active.get("age"), self.texts):
            self._issue(key, **params)
        plan.issues = self._issues
        plan.unconfirmed = self._unconfirmed(service, day)
        return plan

    # --- pieces -------------------------------------------------------------------

    def _words(self, question_id: str) -> str | None:
        return answer_words(self.interview, self.texts, question_id)

    def _words_list(self, question_id: str) -> list[str]:
        words = self._words(question_id)
        return words.split(", ") if words else []

    def _service_name(self, service: str) -> str:
        rules = self.rules.data.service_types if self.rules else []
        found = next((s for s in rules if s.id == service), None)
        return found.name.get(self.texts.language, self.texts.plain) if found else service

    def _plan_type_name(self, plan_type: str | None) -> str | None:
        found = self.rules.plan_type(plan_type) if self.rules and plan_type else None
        return found.name.get(self.texts.language, self.texts.plain) if found else plan_type

    def benefits(self) -> set[str] | None:
        """The client's benefits, or None when the question was not answered."""
        return client_benefits(self.interview.active())

    def _text(self, text: Any) -> str:
        return text.get(self.texts.language, self.texts.plain)

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
            difference = abs(numbers[0] - numbers[1]) if len(numbers) == 2 else None
            threshold = q.discuss_at.difference if q.discuss_at else DIFFERENCE_TO_DISCUSS
            out.append(DomainViews(
                id=q.id, title=q.text.get(self.texts.language, self.texts.plain),
                client=self._scale_words(q, views["client"]), counsellor=self._scale_words(q, views["counsellor"]),
                difference=difference, discuss=difference is not None and difference >= threshold))
        return out

    def _scale_words(self, q: ScaleQuestion, value: Any) -> str | None:
        return None if value is None else self.texts.scale_point(q, value)

    def _earlier_ktt_months(self) -> int | None:
        active = self.interview.active()
        earlier = active.get("earlier_ktt")
        if earlier is None:
            return None
        return active.get("earlier_ktt_months") if earlier else 0

    def _interests(self) -> InterestSummary | None:
        scoring = self.interview.content.scoring
        if scoring is None:
            return None
        profile = interest_profile(scoring.interest_profile, self.interview)
        return InterestSummary(code=profile.code, scores=dict(profile.scores))

    def _support_level(self) -> SupportLevelSummary | None:
        level = support_level(self.interview)
        if level is None:
            return None
        staircase = self.interview.content.scoring.support_staircase
        return SupportLevelSummary(level=level, name=self.texts.support_level(level),
                                   description=self._text(staircase.levels[level].description),
                                   statement=self._words(staircase.question) or "")

    def _allowance(self, service: str, days: int | None, start: dt.date | None,
                   end: dt.date | None) -> Allowance | None:
        """The estimate for the days in the plan: `days` a week for each whole week of the period, paid
        as the allowance the client's benefits give; none when no allowance applies to them."""
        benefits = self.benefits()
        if self.rules is None or not (days and start and end and benefits):
            return None
        rule = self.rules.allowance(service, start, benefits)
        if rule is None:
            return None
        attended = days * (((end - start).days + 1) // 7)
        return Allowance(name=self._text(rule.name), payer=self._text(rule.payer), euros_per_day=rule.euros,
                         attended_days=attended, total_euros=round(attended * rule.euros, 2),
                         travel_costs=rule.travel_costs)

    def _unconfirmed(self, service: str, day: dt.date) -> list[str]:
        if self.rules is None:
            return []
        chosen = self.interview.state.decisions.plan_type
        applied = [*self.rules.checks(service, day),
                   *(p for p in self.rules.plan_types(service, day) if p.id == chosen)]
        return [self._text(r.source) for r in applied if not r.confirmed]

    # --- the rules ------------------------------------------------------------------

    def _check(self, plan: Plan, service: str, host_type: str | None) -> list[PlanIssue]:
        self._issues = []
        days, hours = plan.days_per_week, plan.hours_per_day
        period = self.interview.state.decisions.months
        rules = self.rules.checks(service, plan.start or dt.date.today()) if self.rules else []
        for rule in rules:
            if isinstance(rule, DaysPerWeek) and days is not None:
                self._limit("days", days, rule)
            elif isinstance(rule, HoursPerDay) and hours is not None:
                self._limit("hours", hours, rule)
            elif isinstance(rule, PeriodMonths) and period is not None:
                self._limit("months", period, rule)
            elif isinstance(rule, AllowedHosts) and host_type is not None and host_type not in rule.host_types:
                self._issue("plan.host_not_allowed", rule)
            elif isinstance(rule, PlanMustRecord):
                if "goal" in rule.items and not plan.goals:
                    self._issue("plan.no_goal", rule)
                if "support_and_guidance" in rule.items and not plan.support_and_guidance:
                    self._issue("plan.no_support", rule)
        if host_type not in (None, *DEFAULT_HOSTS) and not any(isinstance(r, AllowedHosts) for r in rules):
            self._issue("plan.host_not_allowed")  # where no rule says, only the public and non-profit hosts
        self._check_plan_type(plan, service)
        self._check_goal_dates(plan)
        # A service with no months rule is time-unlimited (supported employment): agreed without months.
        # On the open labour market the job is found in the job search and agreed with the employer
        # (stages 3 and 4), so the plan is agreed before there is one.
        day = plan.start or dt.date.today()
        optional = set()
        if self.rules is not None and not self.rules.time_limited(service, day):
            optional.add("months")
        if self.rules is not None and self.rules.open_labour_market(service, day):
            optional |= {"placement", "days", "hours"}  # the job's, once there is one
        for name, value in (("placement", plan.placement), ("start", plan.start), ("months", period),
                            ("days", days), ("hours", hours)):
            if value is None and name not in optional:
                self._issue(f"plan.missing_{name}")
        return self._issues

    def _check_plan_type(self, plan: Plan, service: str) -> None:
        """A plan type must be chosen, be in force for the service on the start date, and be offered to
        a client with these benefits."""
        chosen = self.interview.state.decisions.plan_type
        if chosen is None:
            self._issue("plan.missing_plan_type")
        if self.rules is None or plan.start is None:
            return
        benefits, in_force = self.benefits(), self.rules.plan_types(service, plan.start)
        if benefits is None and any(p.for_benefits is not None for p in in_force):
            self._issue("plan.missing_benefit")
        entry = next((p for p in in_force if p.id == chosen), None)
        if chosen is not None and entry is None:
            self._issue("plan.plan_type_not_in_force", plan_type=plan.plan_type)
        elif entry is not None and benefits is not None and entry not in self.rules.plan_types(
                service, plan.start, benefits):
            self._issue("plan.plan_type_not_for_benefits", entry, plan_type=plan.plan_type,
                        eligibility=entry.eligibility.get(self.texts.language))

    def _check_goal_dates(self, plan: Plan) -> None:
        """A goal's target date falls within the period, where the reviews can follow it up."""
        date = self.texts.date
        for g in plan.goals:
            if g.due is None:
                continue
            if plan.start is not None and g.due < plan.start:
                self._issue("plan.goal_due_before_start", goal=g.goal, due=date(g.due), start=date(plan.start))
            elif plan.end is not None and g.due > plan.end:
                self._issue("plan.goal_due_after_end", goal=g.goal, due=date(g.due), end=date(plan.end))

    def _limit(self, what: str, value: float, rule: DaysPerWeek | HoursPerDay | PeriodMonths) -> None:
        if rule.min is not None and value < rule.min:
            self._issue(f"plan.{what}_below_min", rule, value=value, min=rule.min)
        elif rule.max is not None and value > rule.max:
            # A guideline has its own words: it is not what the law allows.
            key = f"plan.{what}_above_max" + ("_guidance" if rule.basis == "guidance" else "")
            self._issue(key, rule, value=value, max=rule.max)

    def _issue(self, key: str, rule: Any = None, **params: Any) -> None:
        """An issue; one a rule found names the rule's source, and blocks agreement only when it is law."""
        shown = {k: _number(v) for k, v in params.items()}
        text, basis = self.texts(key, **shown), self._text(rule.source) if rule is not None else None
        self._issues.append(PlanIssue(key=key, params=shown, text=f"{text.rstrip('.')} ({basis})." if basis else text,
                                      basis=basis, blocking=rule is None or rule.basis == "law"))


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value == int(value) else value
