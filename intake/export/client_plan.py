"""The client's own copy of the agreed plan, in the session's language and in plain language when the
session uses it (seed 004: clients asked for the information in one package, in words they can read).

It holds what the client needs to act on the plan: goals with actions, who helps and by when; how much
job coaching suits them (the support staircase); the placement and how to get there; the schedule and
the period; the allowance and who pays it; the next review; the counsellor's contact details; the
client's rights; after the intake, the reviews' goal results, the follow-on plan, the end and the
distance travelled (client_follow_up.py). Never the
counsellor's guidance or notes, nor the counsellor's ratings of the intake.
"""

from __future__ import annotations

import datetime as dt

from intake.export.agreed import AgreedPlan
from intake.export.client_follow_up import client_follow_up
from intake.export.follow_up import after_intake
from intake.export.document import DocSection, Document, Entry
from intake.screens.words import schedule



def build_client_plan(agreed: AgreedPlan, today: dt.date) -> Document:
    t, plan = agreed.texts, agreed.plan
    support = plan.support_and_guidance  # part of the agreed plan (189/2001), in words for the client
    sections = [_goals(agreed), DocSection(heading=t("plan.label.support"), paragraphs=[support] if support else []),
                _support_level(agreed), _placement(agreed), _schedule(agreed), _money(agreed)]
    after = after_intake(agreed.interview, agreed.record.follow_up, t, today)
    if after is None or after.status.ended_on is None:  # an ended period has no next review
        upcoming = [r for r in plan.reviews if r >= today]
        sections.append(DocSection(heading=t("client.section.review"), paragraphs=[
            t("client.next_review", date=t.date(upcoming[0])) if upcoming else t("client.no_review")]))
    if after is not None:
        sections += client_follow_up(after)
    sections.append(_contact(agreed))
    sections.append(DocSection(heading=t("client.section.rights"), paragraphs=[t("client.rights")]))
    return Document(
        format="intake-client-plan", language=t.language,
        title=t("client.title", client=agreed.record.client_label),
        intro=t("client.intro", date=t.date(plan.agreed.at.astimezone().date())),
        sections=[s for s in sections if s.paragraphs or s.entries],
    )


def _goals(agreed: AgreedPlan) -> DocSection:
    t = agreed.texts
    entries = []
    for g in agreed.plan.goals:
        lines = [f"{t(key)}: {value}" for key, value in (
            ("plan.label.actions", g.actions), ("plan.label.helper", g.helper),
            ("plan.label.due", t.date(g.due) if g.due else None)) if value]
        entries.append(Entry(title=g.goal, lines=lines))
    return DocSection(heading=t("plan.section.goals"), entries=entries)


def _support_level(agreed: AgreedPlan) -> DocSection:
    """How much job coaching suits the client, from the statement they chose on the support staircase."""
    t, level = agreed.texts, agreed.plan.support_level
    lines = [t("plan.support_level_line", level=level.name, description=level.description)] if level else []
    return DocSection(heading=t("plan.label.support_level"), paragraphs=lines)


def _placement(agreed: AgreedPlan) -> DocSection:
    t, p = agreed.texts, agreed.plan.placement
    if p is None:
        return DocSection(heading=t("plan.section.placement"))
    # The address as the county's list gives it, with the municipality unless it already names it.
    where = p.address or p.municipality
    if p.address and p.municipality not in p.address:
        where = f"{p.address}, {p.municipality}"
    lines = [p.host, f"{t('client.where')}: {where}", f"{t('client.tasks')}: {p.tasks}",
             f"{t('client.placement_contact')}: {p.contact}"]
    transport = agreed.words("transport")
    if transport:
        lines.append(t("client.getting_there", transport=transport))
    if p.visit:
        lines.append(t("client.visit", date=t.date(p.visit)))
    return DocSection(heading=t("plan.section.placement"), entries=[Entry(title=p.name, lines=lines)])


def schedule_lines(agreed: AgreedPlan) -> list[str]:
    """The days, the hours and the period, as the plan screen says them."""
    return schedule(agreed.texts, agreed.plan, agreed.record.state.decisions.months)


def _schedule(agreed: AgreedPlan) -> DocSection:
    return DocSection(heading=agreed.texts("plan.section.schedule"), paragraphs=schedule_lines(agreed))


def _money(agreed: AgreedPlan) -> DocSection:
    t, a = agreed.texts, agreed.plan.allowance
    if a is None:
        return DocSection(heading=t("client.section.money"))
    lines = [t("plan.allowance_line", name=a.name, per_day=t.euros(a.euros_per_day), days=a.attended_days,
               total=t.euros(a.total_euros))]
    if a.travel_costs:
        lines.append(t("plan.travel_costs"))
    lines.append(a.payer)  # from the allowance rule the client's benefits select
    return DocSection(heading=t("client.section.money"), paragraphs=lines)


def contact_line(agreed: AgreedPlan) -> str:
    """The named contact person (the counsellor when none was named) and the work phone."""
    name = agreed.active.get("contact_person") or agreed.record.counsellor
    phone = agreed.active.get("contact_phone")
    return f"{name}, {agreed.texts('client.phone', phone=phone)}" if phone else name


def _contact(agreed: AgreedPlan) -> DocSection:
    t = agreed.texts
    return DocSection(heading=t("client.section.contact"), paragraphs=[f"{t('client.your_counsellor')}: "
                                                                       f"{contact_line(agreed)}"])
