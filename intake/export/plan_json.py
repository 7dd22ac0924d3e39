"""The plan as JSON: session metadata and the relevant answers by section.

Only answers that are relevant to the finished interview are exported; answers
made irrelevant by later edits stay in the store, not in the export.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from intake.export.answers_json import ExportedSection, exported_sections
from intake.export.follow_up import after_intake
from intake.export.follow_up_json import ExportedFollowUp, export_follow_up
from intake.flows.base import Record
from intake.flows.decisions import PlanDecisions
from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.model import Content
from intake.flows.placements import Placement
from intake.flows.plan import Plan, PlanBuilder
from intake.flows.rules import Rules
from intake.flows.text import Language
from intake.store import SessionRecord, Status

FORMAT_VERSION = 1


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
    short_path: bool = False  # held on a first meeting's short path: what waits is not yet asked


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
    # The reviews, attendance and end after the intake; left out of the file while there are none.
    follow_up: ExportedFollowUp | None = None


def build_export(content: Content, record: SessionRecord, now: dt.datetime | None = None,
                 placements: list[Placement] | None = None) -> PlanExport:
    """`placements`: the merged catalogue the plan's placement is chosen from (PlanBuilder)."""
    interview = Interview(content, record.state)
    texts = Texts(content, record.language)
    now = now or dt.datetime.now(dt.timezone.utc)
    after = after_intake(interview, record.follow_up, texts, now.astimezone().date())
    plan = None
    if record.state.decisions.agreed is not None:  # only an agreed plan is exported
        rules = Rules(content.rules) if content.rules else None
        plan = PlanBuilder(interview, texts, record.client_label, record.counsellor, rules, placements).build()
    return PlanExport(
        exported_at=now,
        session=ExportedSession(
            id=record.id, client_label=record.client_label, counsellor=record.counsellor,
            language=record.language, plain=record.plain, created_at=record.created_at, updated_at=record.updated_at,
            status=record.status, flow_id=record.state.flow_id, flow_version=record.state.flow_version,
            short_path=record.state.short_path,
        ),
        sections=exported_sections(interview, texts),
        decisions=record.state.decisions,
        plan=plan,
        follow_up=export_follow_up(after) if after else None,
    )


def export_json(content: Content, record: SessionRecord, placements: list[Placement] | None = None) -> str:
    export = build_export(content, record, placements=placements)
    return export.model_dump_json(indent=2, exclude={"follow_up"} if export.follow_up is None else None) + "\n"
