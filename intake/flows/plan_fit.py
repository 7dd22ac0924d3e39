"""The plan against the chosen placement: the days, hours and start must be ones the placement
offers, and the client must be of its age group (the age is asked only for this)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from intake.flows.display import Texts
from intake.flows.matching import age_reason
from intake.flows.placements import Placement

if TYPE_CHECKING:  # plan.py calls this module
    from intake.flows.plan import Plan


def placement_fit(plan: Plan, placement: Placement | None, age: int | None,
                  texts: Texts) -> list[tuple[str, dict[str, Any]]]:
    """The plan's issues (text key and parameters) with what the placement offers."""
    if placement is None:
        return []
    issues: list[tuple[str, dict[str, Any]]] = []
    name, schedule = placement.name, placement.schedule
    if plan.days_per_week is not None and plan.days_per_week not in schedule.days_per_week:
        issues.append(("plan.days_not_offered", {"name": name, "value": plan.days_per_week,
                                                 "offered": _listed(schedule.days_per_week, texts)}))
    if plan.hours_per_day is not None and plan.hours_per_day not in schedule.hours_per_day:
        issues.append(("plan.hours_not_offered", {"name": name, "value": texts.number(plan.hours_per_day),
                                                  "offered": _listed(schedule.hours_per_day, texts)}))
    # No start dates is continuous intake: any day will do.
    if plan.start is not None and placement.start_dates and plan.start not in placement.start_dates:
        dates = ", ".join(texts.date(d) for d in sorted(placement.start_dates))
        issues.append(("plan.start_not_offered", {"name": name, "start": texts.date(plan.start), "dates": dates}))
    if age is not None and placement.ages is not None and not placement.ages.fits(age):
        issues.append(("plan.age_not_in_group", {"name": name, "reason": texts.reason(age_reason(placement.ages, age))}))
    return issues


def _listed(values: list[Any], texts: Texts) -> str:
    return ", ".join(texts.number(v) for v in sorted(values))
