"""Placements, proposals and numbers in words, for the matching and plan screens.

Lists of ids (times of day, languages, what the work is with) become their
labels through `Texts.reason`, which knows where each kind of id is named.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from intake.flows.display import Texts
from intake.flows.matching import Proposal, Reason
from intake.flows.placements import Placement


def words(t: Texts, key: str, **params: Any) -> str:
    """A catalogue text whose parameters are content ids or numbers, put in words."""
    return t.reason(Reason(key, params))


def number(t: Texts, value: float | int | None) -> str:
    if value is None:
        return "–"
    return t.number(value)


def date(t: Texts, value: dt.date | None) -> str:
    return t.date(value) if value is not None else "–"


def plan_period(t: Texts, plan: Any, months: int | None) -> str:
    """The plan's period in words: its days and months, or from its start with no fixed end when the
    rules ask for no months (supported employment is time-unlimited), or not agreed yet."""
    if plan.start and plan.end:
        return t("plan.period_line", start=t.date(plan.start), end=t.date(plan.end), months=number(t, months))
    if plan.start and months is None and all(issue.key != "plan.missing_months" for issue in plan.issues):
        return t("plan.period_open_ended", start=t.date(plan.start))
    return t("plan.period_open")


def schedule(t: Texts, plan: Any, months: int | None) -> list[str]:
    """The plan's days and hours (when it has them: supported employment need not) and its period."""
    days = None
    if plan.days_per_week is not None or plan.hours_per_day is not None:
        days = t("plan.schedule_line", days=number(t, plan.days_per_week), hours=number(t, plan.hours_per_day))
    return [line for line in (days, plan_period(t, plan, months)) if line]


def support_level_line(t: Texts, plan: Any) -> str | None:
    """The support level the staircase gives, in words (None: the staircase was not answered)."""
    level = plan.support_level
    if level is None:
        return None
    return f"{t('plan.label.support_level')}: {t('plan.support_level_line', level=level.name, description=level.description)}"


def placement_missing(t: Texts, plan: Any) -> str:
    """Why the plan names no placement: none is chosen yet, or (when the rules ask for none) the job is
    found in the job search and agreed with the employer (supported employment, stages 3 and 4)."""
    if any(issue.key == "plan.missing_placement" for issue in plan.issues):
        return t("plan.missing_placement")
    return t("plan.job_in_job_search")


def proposal_line(t: Texts, rank: int, proposal: Proposal, *, chosen: bool, visit: dt.date | None,
                  comparing: bool) -> str:
    """One row of the list of proposals: rank, name, host, municipality and score, and marks."""
    p = proposal.placement
    marks = []
    if chosen:
        marks.append(t("matching.mark.chosen"))
    if visit is not None:
        marks.append(t("matching.mark.visit", date=t.date(visit)))
    if comparing:
        marks.append(t("matching.mark.comparing"))
    line = f"{rank}. {p.name}\n   {p.host} · {p.municipality} · {t('matching.score', score=number(t, proposal.score))}"
    if marks:
        line += "\n   " + " · ".join(marks)
    return line


def placement_detail(t: Texts, p: Placement, proposal: Proposal | None = None, *,
                     visit: dt.date | None = None, chosen: bool = False) -> str:
    """Everything about one placement that the counsellor and the client would want to read."""
    lines = [p.name, f"{p.host} · {p.municipality}"]
    # The legal form as the catalogue writes it (ry, sr, hyvinvointialue); a company is named as one.
    host = t("placement.host_type.company") if p.host_type == "company" else p.legal_form
    lines.append(f"{host} · {t(f'placement.form.{p.form}')} · {t(f'placement.setting.{p.setting}')}")
    if chosen:
        lines.append(t("matching.mark.chosen"))
    if visit is not None:
        lines.append(t("matching.mark.visit", date=t.date(visit)))
    if proposal is not None:
        lines += ["", t("matching.detail.score", score=number(t, proposal.score)),
                  t("matching.detail.why")]
        lines += [f"  • {t.reason(r)}" for r in proposal.reasons]
    lines += ["", t("matching.detail.tasks"), "  " + p.tasks.get(t.language, t.plain)]
    d = p.demands
    lines += ["", t("matching.detail.demands")]
    for name in ("lifting", "standing", "sitting", "noise", "crowds", "social"):
        lines.append(f"  {t(f'placement.demand.{name}')}: {t(f'placement.level.{getattr(d, name)}')}")
    lines.append("  " + words(t, "placement.works_with", **{"with": list(p.works_with)}))
    s = p.schedule
    lines += ["", t("matching.detail.schedule"),
              "  " + words(t, "placement.schedule", days=list(s.days_per_week), hours=list(s.hours_per_day),
                           offered=list(s.times))]
    if proposal is not None:
        lines.append("  " + t("matching.detail.proposed_schedule", days=proposal.days_per_week,
                                hours=number(t, proposal.hours_per_day)))
        if proposal.journey_minutes is not None:
            lines.append("  " + t("reason.journey", minutes=proposal.journey_minutes))
    lines.append("  " + t("placement.public_transport.yes" if p.public_transport else "placement.public_transport.no"))
    lines.append("  " + t("placement.open_places", count=p.open_places))
    sup = p.support
    lines += ["", t("matching.detail.support"),
              "  " + t("placement.work_coach.yes" if sup.work_coach else "placement.work_coach.no"),
              "  " + t("placement.adapted_tasks.yes" if sup.adapted_tasks else "placement.adapted_tasks.no"),
              "  " + words(t, "placement.languages", offered=list(sup.guidance_languages)),
              "  " + t("placement.step_free.yes" if p.accessibility.step_free else "placement.step_free.no")]
    contact = ", ".join(x for x in (p.contact.name, p.contact.phone, p.contact.email) if x)
    lines += ["", t("matching.detail.contact"), "  " + contact]
    return "\n".join(lines)
