"""The plan in plain mode: the schedule and period decided a line at a time, the plan said with
what must still change, and agreed by both (with the reason when it departs from guidance)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from intake.flows.parse import parse_date, parse_number
from intake.flows.period import client_benefits, client_service
from intake.plain.talk import SPOKE, Command, Talk
from intake.session import IntakeSession

# The numbers of the schedule: the decision, its label, whether it is a whole number.
NUMBERS = (("months", "plan.form.months", True), ("days_per_week", "plan.form.days", True),
           ("hours_per_day", "plan.form.hours", False))


def agree_plan(talk: Talk, session: IntakeSession) -> str | None:
    """"agreed", "placements" (back to choose another), "answers" (back to change one) or None (the
    person quits; all is saved)."""
    while True:
        if not decide_schedule(talk, session):
            return None
        plan = session.plan()
        say_plan(talk, plan, session.interview.state.decisions.months)
        t = talk.t
        talk.say(t("plain.plan.what_now"))
        what = talk.choose("plain.prompt", [("agree", t("plain.plan.agree")), ("change", t("plain.plan.change")),
                                            ("placements", t("plain.plan.placements")),
                                            ("answers", t("plain.plan.answers"))])
        if what is None or what in ("placements", "answers"):
            return what
        if what != "agree":
            continue
        reason = None
        if any(not i.blocking for i in plan.issues) and not any(i.blocking for i in plan.issues):
            reply = talk.ask("plan.form.reason")
            if reply is None:
                return None
            reason = reply if isinstance(reply, str) else None
        plan = session.agree(reason=reason)
        if plan.agreed is not None:
            talk.say(talk.t("plan.agreed_notice"))
            return "agreed"
        blocking = [i.text for i in plan.issues if i.blocking]
        talk.say(talk.t("plan.agree_blocked"))
        for text in blocking or [talk.t("plan.reason_required")]:
            talk.say(f"  ⚠ {text}")


def decide_schedule(talk: Talk, session: IntakeSession) -> bool:
    """Ask the start, the length, the days and the hours, and the plan type; Enter keeps what is
    there. False when the person quits."""
    from intake.screens.words import number  # no textual: numbers in the session's words

    d = session.interview.state.decisions
    start = d.start or session.interview.active().get("preferred_start")
    typed = ask_value(talk, "plan.form.start", talk.t.date_field(start) if start else "", parse_start)
    if typed is None:
        return False
    changes: dict[str, Any] = {"start": typed}
    for name, label, whole in NUMBERS:
        current = getattr(d, name)
        shown = "" if current is None else number(talk.t, current)
        value = ask_value(talk, label, shown, lambda text, n=name, w=whole: parse_count(text, n, w))
        if value is None:
            return False
        changes[name] = value
    changed = {k: v for k, v in changes.items() if getattr(d, k) != v}
    if changed:
        session.decide(**changed)
    return choose_plan_type(talk, session)


def ask_value(talk: Talk, label: str, current: str, parse) -> Any:
    """A value typed for `label` and read by `parse` (an error as (text key, parameters), and the
    value); asked again after an error."""
    typed = current
    while True:
        reply = talk.ask(label, typed, editable=True)
        if reply is None:
            return None
        if isinstance(reply, Command):
            continue
        error, value = parse(reply.strip())
        if error is None:
            return value
        key, params = error
        talk.say(talk.t(key, **params))
        typed = reply


def parse_start(text: str) -> tuple[tuple[str, dict] | None, dt.date | None]:
    error, value = parse_date(text)
    if error is not None:
        return (error.key, error.params), None
    return None, dt.date.fromisoformat(value)


def parse_count(text: str, name: str, whole: bool) -> tuple[tuple[str, dict] | None, Any]:
    error, value = parse_number(text)
    if error is not None or value <= 0 or (whole and value != int(value)):
        return (f"plan.form.{name}_error", {}), None
    return None, int(value) if whole else float(value)


def choose_plan_type(talk: Talk, session: IntakeSession) -> bool:
    rules = session.rules
    while rules is not None:
        t, d = talk.t, session.interview.state.decisions
        active = session.interview.active()
        types = [(p.id, p.name.get(t.language, t.plain))
                 for p in rules.plan_types(client_service(active), d.start or dt.date.today(), client_benefits(active))]
        if not types:
            return True
        ids = [i for i, _ in types]
        talk.say(t("plan.form.plan_type"))
        chosen = talk.choose("plain.prompt", types, offered=str(ids.index(d.plan_type) + 1) if d.plan_type in ids else "")
        if chosen is None:
            return False
        if chosen is SPOKE:
            continue
        if chosen != d.plan_type:
            session.decide(plan_type=chosen)
        return True
    return True


def say_plan(talk: Talk, plan, months: int | None) -> None:
    from intake.screens.words import placement_missing, schedule, support_level_line  # no textual: numbers and days in the session's words

    t = talk.t
    none = t("plan.none")
    talk.say()
    talk.say_stored(t("plan.title", client=plan.client_label))
    talk.say_stored(f"{t('plan.label.plan_type')}: {plan.plan_type or none}")
    talk.say_stored(plan.placement.name if plan.placement is not None else placement_missing(t, plan))
    for line in schedule(t, plan, months):
        talk.say(line)
    if (level := support_level_line(t, plan)) is not None:
        talk.say(level)
    if plan.reviews:
        talk.say(f"{t('plan.label.reviews')}: " + ", ".join(t.date(r) for r in plan.reviews))
    talk.say(t("plan.section.goals"))
    for i, goal in enumerate(plan.goals, 1):
        talk.say_stored(f"  {i}. {goal.goal}")
    blocking = [i.text for i in plan.issues if i.blocking]
    warnings = [i.text for i in plan.issues if not i.blocking]
    if blocking:
        talk.say(t("plan.issues_title"))
        for text in blocking:
            talk.say(f"  ⚠ {text}")
    if warnings:
        talk.say(t("plan.warnings_title"))
        for text in warnings:
            talk.say(f"  ℹ {text}")
    if not plan.issues:
        talk.say(t("plan.no_issues"))
