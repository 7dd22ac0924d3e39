"""The brief for the placement: only what the host needs to receive the client.

Two lists decide what goes in, and nothing else does:
- ALLOWED: what every host needs, given whenever the client has agreed that the placement may see the plan:
  the name the client chose, the service's contact person, the schedule and the period, the goals the
  client marked for the placement, and the support phrased as practice. A restriction is said as what the
  host does ("no lifting in the tasks"), from the practice texts in content, never as the answer or the
  health reason behind it.
- After the intake: the days of the reviews the placement took part in and the day the period ended;
  nothing a review answered (the goals' results, the ratings, satisfaction, the reasons for an end).
- Consent-gated: a question flagged `sensitive` in the content goes in only when the client has agreed,
  in `consent_placement`, to every kind of information it holds. For every kind not agreed to, the brief
  says that it was left out and why, never what it was.
"""

from __future__ import annotations

import datetime as dt
from typing import get_args

from intake.export.agreed import AgreedPlan, ExportRefused
from intake.export.client_plan import contact_line, schedule_lines
from intake.export.document import DocSection, Document, Entry
from intake.export.follow_up import after_intake
from intake.flows.model import Sensitive

SHARE_QUESTION = "consent_share"
SHARE_WITH_PLACEMENT = "placement"
KINDS_QUESTION = "consent_placement"
NAME_QUESTION = "name_for_placement"
GOAL_FOR_PLACEMENT = "for_placement"
PRACTICE_QUESTIONS = ("restrictions", "support_needs")  # each choice has a practice.<choice> text
LANGUAGES_QUESTION = "languages"
KINDS: tuple[str, ...] = get_args(Sensitive)


def consented_kinds(agreed: AgreedPlan) -> set[str]:
    """The kinds of sensitive information the client has agreed the placement may know (now: the exports
    follow the current answer)."""
    return set(agreed.active.get(KINDS_QUESTION) or ()) & set(KINDS)


def build_placement_brief(agreed: AgreedPlan, today: dt.date) -> Document:
    t, plan, active = agreed.texts, agreed.plan, agreed.active
    if SHARE_WITH_PLACEMENT not in (active.get(SHARE_QUESTION) or ()):
        raise ExportRefused(t("export.no_placement_consent"))
    if plan.placement is None:
        raise ExportRefused(t("export.no_placement"))
    allowed = consented_kinds(agreed)
    sections = [
        DocSection(heading=t("plan.section.placement"), entries=[Entry(title=plan.placement.name,
                                                                       lines=[plan.placement.host])]),
        DocSection(heading=t("plan.section.schedule"), paragraphs=schedule_lines(agreed)),
        _follow_up(agreed, today),
        DocSection(heading=t("placement.section.contact"), paragraphs=[contact_line(agreed)]),
        _goals(agreed),
        DocSection(heading=t("placement.section.support"), paragraphs=_practice(agreed) or [t("placement.no_support")]),
        _consented(agreed, allowed),
    ]
    left_out = [t(f"sensitive.{kind}") for kind in KINDS if kind not in allowed]
    if left_out:
        sections.append(DocSection(heading=t("placement.section.left_out"),
                                   paragraphs=[t("placement.left_out", kinds=", ".join(left_out))]))
    return Document(
        format="intake-placement-brief", language=t.language,
        title=t("placement.title", name=active.get(NAME_QUESTION) or agreed.record.client_label),
        intro=t("placement.intro"),
        sections=[s for s in sections if s.paragraphs or s.entries],
    )


def _follow_up(agreed: AgreedPlan, today: dt.date) -> DocSection:
    """After the intake, only the days of the reviews the placement took part in and the day the period
    ended: never how the goals went, the ratings, the satisfaction answers, or how or why it ended."""
    t = agreed.texts
    after = after_intake(agreed.interview, agreed.record.follow_up, t, today)
    if after is None:
        return DocSection(heading=t("placement.section.follow_up"))
    days = after.with_placement()
    lines = [t("placement.reviews_taken_part", dates=", ".join(t.date(d) for d in days))] if days else []
    if after.status.ended_on:
        lines.append(t("placement.ended", date=t.date(after.status.ended_on)))
    return DocSection(heading=t("placement.section.follow_up"), paragraphs=lines)


def _goals(agreed: AgreedPlan) -> DocSection:
    """Only the goals the client said the placement may know, with what will be done for them."""
    t = agreed.texts
    entries = [Entry(title=g["goal"], lines=[f"{t('plan.label.actions')}: {g['actions']}"] if g.get("actions") else [])
               for g in agreed.active.groups.get("goals", []) if g.get("goal") and g.get(GOAL_FOR_PLACEMENT) is True]
    return DocSection(heading=t("placement.section.goals"), entries=entries,
                      paragraphs=[] if entries else [t("placement.no_goals")])


def _practice(agreed: AgreedPlan) -> list[str]:
    t, active = agreed.texts, agreed.active
    lines = [t(f"practice.{choice}") for q in PRACTICE_QUESTIONS for choice in active.get(q) or ()]
    languages = agreed.words(LANGUAGES_QUESTION)
    if languages:
        lines.append(t("practice.languages", languages=languages))
    return lines


def _consented(agreed: AgreedPlan, allowed: set[str]) -> DocSection:
    """Each sensitive answer whose every kind the client agreed to share, as question and answer."""
    t = agreed.texts
    entries = []
    for step, answer in agreed.interview.transcript():
        q = step.question
        if q is None or step.is_confirm or step.is_add_another or not q.sensitive or not set(q.sensitive) <= allowed:
            continue
        value = t.value(step, answer.value, answer.skipped)
        entries.append(Entry(title=t.question(step), lines=[f"{t.view(step.view)}: {value}" if q.who == "both"
                                                            else value]))
    return DocSection(heading=t("placement.section.consented"), entries=entries)
