"""The plan as JSON: session metadata and the relevant answers by section.

Only answers that are relevant to the finished interview are exported; answers
made irrelevant by later edits stay in the store, not in the export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from intake.flows.base import Record
from intake.flows.decisions import PlanDecisions
from intake.flows.display import Texts
from intake.flows.engine import Interview, Role
from intake.flows.model import Content
from intake.flows.placements import Placement
from intake.flows.plan import Plan, PlanBuilder
from intake.flows.rules import Rules
from intake.flows.text import Language
from intake.store import SessionRecord, Status

FORMAT_VERSION = 1


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


class ExportedSession(Record):
    id: str
    client_label: str
    counsellor: str
    language: Language
    plain: bool = False
    created_at: dt.datetime
    updated_at: dt.datetime
    status: Status
    flow_id: str
    flow_version: int


class PlanExport(Record):
    format: Literal["intake-plan"] = "intake-plan"
    format_version: Literal[1] = FORMAT_VERSION
    exported_at: dt.datetime
    session: ExportedSession
    sections: list[ExportedSection]
    # What was decided after the questions (placement, visits, schedule), so that `intake import`
    # can continue the session where it was left.
    decisions: PlanDecisions = PlanDecisions()
    plan: Plan | None = None  # only once both parties have agreed it


def build_export(content: Content, record: SessionRecord, now: dt.datetime | None = None,
                 placements: list[Placement] | None = None) -> PlanExport:
    """`placements`: the merged catalogue the plan's placement is chosen from (PlanBuilder)."""
    interview = Interview(content, record.state)
    texts = Texts(content, record.language)
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
    plan = None
    if record.state.decisions.agreed is not None:  # only an agreed plan is exported
        rules = Rules(content.rules) if content.rules else None
        plan = PlanBuilder(interview, texts, record.client_label, record.counsellor, rules, placements).build()
    return PlanExport(
        exported_at=now or dt.datetime.now(dt.timezone.utc),
        session=ExportedSession(
            id=record.id, client_label=record.client_label, counsellor=record.counsellor,
            language=record.language, plain=record.plain, created_at=record.created_at, updated_at=record.updated_at,
            status=record.status, flow_id=record.state.flow_id, flow_version=record.state.flow_version,
        ),
        sections=[
            ExportedSection(id=s.id, title=s.title.get(record.language), answered=progress[s.id].answered,
                            relevant=progress[s.id].relevant, answers=by_section[s.id])
            for s in content.sections
        ],
        decisions=record.state.decisions,
        plan=plan,
    )


def export_json(content: Content, record: SessionRecord, placements: list[Placement] | None = None) -> str:
    return build_export(content, record, placements=placements).model_dump_json(indent=2) + "\n"
