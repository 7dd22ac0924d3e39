"""The answers of an interview (the intake's, or a review's) as the counsellor's export gives them:
the relevant answers by section, each with its question and its value in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from intake.flows.base import Record
from intake.flows.display import Texts
from intake.flows.engine import Interview, Role


class ExportedAnswer(Record):
    key: str
    question_id: str
    entry: int | None = None
    text: str
    view: Role
    value: Any
    value_text: str
    answered_by: Role
    answered_at: dt.datetime
    skipped: bool


class ExportedSection(Record):
    id: str
    title: str
    answered: int
    relevant: int
    answers: list[ExportedAnswer]


def exported_sections(interview: Interview, texts: Texts) -> list[ExportedSection]:
    """Every section of the interview's content, with its relevant answers (`texts`: the export's language)."""
    content = interview.content
    by_section: dict[str, list[ExportedAnswer]] = {s.id: [] for s in content.sections}
    for step, answer in interview.transcript():
        by_section[step.section.id].append(ExportedAnswer(
            key=step.key,
            question_id=step.question_id,
            entry=step.entry,
            text=texts.question(step),
            view=step.view,
            value=answer.value,
            value_text=texts.value(step, answer.value, answer.skipped),
            answered_by=answer.by,
            answered_at=answer.at,
            skipped=answer.skipped,
        ))
    progress = {p.section.id: p for p in interview.progress().sections}
    return [ExportedSection(id=s.id, title=s.title.get(texts.language), answered=progress[s.id].answered,
                            relevant=progress[s.id].relevant, answers=by_section[s.id])
            for s in content.sections]
