"""The agreed plan of a session, read for an export to a person: the interview, its words in the
session's language (plain language when the session uses it) and the plan both have agreed."""

from __future__ import annotations

from dataclasses import dataclass

from intake.errors import IntakeError
from intake.flows.display import Texts
from intake.flows.engine import ActiveAnswers, Interview
from intake.flows.model import Content
from intake.flows.placements import Placement
from intake.flows.plan import Plan, PlanBuilder, answer_words
from intake.flows.rules import Rules
from intake.store import SessionRecord


class ExportRefused(IntakeError):
    """An export that must not be made (yet): the message says why and what to do."""

    title = "Not exported"


@dataclass(frozen=True)
class AgreedPlan:
    record: SessionRecord
    interview: Interview
    texts: Texts
    plan: Plan

    @property
    def active(self) -> ActiveAnswers:
        return self.interview.active()

    def words(self, question_id: str) -> str | None:
        """A top-level answer in words, or None when it is not relevant or was skipped."""
        return answer_words(self.interview, self.texts, question_id)


def texts_for(content: Content, record: SessionRecord) -> Texts:
    return Texts(content, record.language, record.plain)


def agreed_plan(content: Content, record: SessionRecord, placements: list[Placement] | None = None) -> AgreedPlan:
    """The session's agreed plan; refused while the plan is not agreed (only an agreed plan leaves the app
    for a person to act on). `placements`: the merged catalogue (PlanBuilder)."""
    texts = texts_for(content, record)
    interview = Interview(content, record.state)
    if record.state.decisions.agreed is None:
        raise ExportRefused(texts("export.not_agreed"))
    rules = Rules(content.rules) if content.rules else None
    plan = PlanBuilder(interview, texts, record.client_label, record.counsellor, rules, placements).build()
    return AgreedPlan(record, interview, texts, plan)
