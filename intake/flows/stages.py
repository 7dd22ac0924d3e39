"""Supported employment's stages as the period shows them: for each of seed 001's five stages that the
forms held for the service record (reviews.yaml `stage:`), whether a complete form of it is held and
since when, and the employer-contact log. Derived from the held forms on every showing, never stored;
the forms' answers are read generically through each form's interview, so their files can grow
without a change here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from intake.flows.display import Texts
from intake.flows.model import ReviewFlow
from intake.flows.period import HeldReview

# The employer-contact log is the list of these forms held (spec: held any number of times).
EMPLOYER_CONTACT = "se_employer_contact"
EMPLOYER, OUTCOME = "employer", "outcome"


@dataclass(frozen=True)
class Stage:
    number: int
    reached: bool                 # a complete form of this stage is held
    reached_on: dt.date | None    # the day of the first such form (None: not reached, or no day given)


def stages(forms: dict[str, ReviewFlow], held: list[HeldReview]) -> list[Stage]:
    """Each stage the service's `forms` record, in order; none when they record no stage (a service
    other than supported employment)."""
    shown = []
    for number in sorted({f.stage for f in forms.values() if f.stage is not None}):
        done = [h for h in held if h.complete and h.review.kind in forms and forms[h.review.kind].stage == number]
        days = sorted(h.held_on for h in done if h.held_on is not None)
        shown.append(Stage(number, bool(done), days[0] if days else None))
    return shown


def employer_contacts(held: list[HeldReview]) -> list[HeldReview]:
    """The employer contacts recorded, earliest first (one with no day yet last)."""
    contacts = [h for h in held if h.review.kind == EMPLOYER_CONTACT]
    return sorted(contacts, key=lambda h: (h.held_on is None, h.held_on or dt.date.min))


def answer_words(t: Texts, held: HeldReview, question: str) -> str | None:
    """A held form's answer to `question` as a person reads it (a choice by its text); None: not asked."""
    for step, answer in held.interview.transcript():
        if step.question is not None and step.question.id == question and step.group is None:
            return t.value(step, answer.value, answer.skipped)
    return None


def stage_lines(t: Texts, shown: list[Stage]) -> list[str]:
    """A line for each stage, reached or not said in words and a symbol (never colour alone)."""
    lines = []
    for stage in shown:
        name = t(f"stage.name.{stage.number}")
        if stage.reached:
            day = t.date(stage.reached_on) if stage.reached_on else t("period.day_not_set")
            lines.append(t("period.stage.reached", stage=stage.number, name=name, day=day))
        else:
            lines.append(t("period.stage.not_yet", stage=stage.number, name=name))
    return lines


def contact_lines(t: Texts, contacts: list[HeldReview]) -> list[str]:
    """The employer-contact log: day · employer · outcome, a line for each contact."""
    missing = t("answer.skipped")
    return [" · ".join((t.date(h.held_on) if h.held_on else t("period.day_not_set"),
                        h.get(EMPLOYER) or missing, answer_words(t, h, OUTCOME) or missing))
            for h in contacts]


def stage_block(t: Texts, forms: dict[str, ReviewFlow], held: list[HeldReview]) -> list[str]:
    """The stages reached and the employer-contact log, as the period shows them; none for a service
    whose `forms` record no stage."""
    shown = stages(forms, held)
    if not shown:
        return []
    contacts = contact_lines(t, employer_contacts(held))
    return [*stage_lines(t, shown), "", t("period.contacts_heading"), *(contacts or [t("period.no_contacts")])]


def review_label(t: Texts, kind: str, flow: ReviewFlow) -> str:
    """A review's short name (its flow's title when the catalogue has none)."""
    short = f"key.period.review.{kind}"
    return t(short) if short in t.content.texts else flow.title.get(t.language, t.plain)


def form_label(t: Texts, kind: str, flow: ReviewFlow) -> str:
    """A form as the list of a service's forms names it: with the stage it records, where it records one."""
    if flow.stage is None:
        return review_label(t, kind, flow)
    return t("period.form_stage", stage=flow.stage, title=flow.title.get(t.language, t.plain))
