"""The interview engine: where we are, what has been answered, what comes next.

The state is only the answers and a position. Which questions are relevant is
always derived from the answers, in flow order, so an answer that a later edit
makes irrelevant is kept (inactive) and comes back if its condition turns true
again. Every front-end drives an `Interview`; none holds interview logic.

Answer keys: `work_status` for a question with one view, `housing@client` and
`housing@counsellor` for a question both parties answer, `goals[0].goal` inside
a repeat group, `goals[1]?` for "add another entry?" after the first ones, and
`background#confirm:1a2b3c4d` for the client's confirmation of a section's
summary. The confirmation key carries a digest of the section's answers, so a
later change to them asks for the confirmation again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from intake.flows import expr
from intake.flows.decisions import PlanDecisions
from intake.flows.model import Content, MultiChoice, Question, RepeatGroup, Section
from intake.flows.validate import AnswerError, validate

Role = Literal["client", "counsellor"]
StepKind = Literal["question", "add_another", "confirm"]


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Any = None
    by: Role
    at: dt.datetime
    skipped: bool = False
    carried: bool = False  # brought from the period before, for the client to confirm


class InterviewState(BaseModel):
    """Everything needed to continue an interview exactly where it was left."""

    model_config = ConfigDict(extra="forbid")

    flow_id: str
    flow_version: int
    answers: dict[str, Answer] = {}
    position: str | None = None
    decisions: PlanDecisions = Field(default_factory=PlanDecisions)
    # The short path of a first meeting: the questions content marks `later` are passed over (neither
    # answered nor "not discussed") until the counsellor continues with the rest.
    short_path: bool = False


@dataclass(frozen=True)
class Step:
    """One thing to ask: a question in one view, the 'add another entry?' of a
    group, or the client's confirmation of a section's summary."""

    key: str
    section: Section
    question: Question | None
    view: Role
    group: RepeatGroup | None = None
    entry: int | None = None
    kind: StepKind = "question"
    entry_title: str | None = None  # in a review, what the entry reviews (the goal itself)

    @property
    def is_add_another(self) -> bool:
        return self.kind == "add_another"

    @property
    def is_confirm(self) -> bool:
        return self.kind == "confirm"

    @property
    def question_id(self) -> str:
        if self.question is not None:
            return self.question.id
        return self.group.id if self.group is not None else f"{self.section.id}#confirm"


@dataclass(frozen=True)
class SectionProgress:
    section: Section
    answered: int
    relevant: int  # with those that wait
    later: int = 0  # waiting for the next meeting (the short path)


@dataclass(frozen=True)
class Progress:
    sections: list[SectionProgress]

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def relevant(self) -> int:
        return sum(s.relevant for s in self.sections)

    @property
    def later(self) -> int:
        return sum(s.later for s in self.sections)


class ActiveAnswers:
    """Values of relevant answers by key (None when unanswered or skipped) and the
    entries of repeat groups: what conditions, summaries and scoring read. A review's answers have
    the intake's behind them (`context`): a name the review does not ask is the intake's answer."""

    def __init__(self, context: ActiveAnswers | None = None) -> None:
        self.values: dict[str, Any] = {}
        self.groups: dict[str, list[dict[str, Any]]] = {}
        self.context = context

    def get(self, name: str, view: str | None = None, group: RepeatGroup | None = None,
            entry: int | None = None) -> Any:
        """An answer by question id; inside a group entry a sibling's id comes first."""
        if name in self.groups:
            return self.groups[name]
        suffix = f"@{view}" if view else ""
        if group is not None and any(q.id == name for q in group.questions):
            return self.values.get(f"{group.id}[{entry}].{name}{suffix}")
        key = f"{name}{suffix}"
        if key not in self.values and self.context is not None:
            return self.context.get(name, view)
        return self.values.get(key)

    def entry(self, group: RepeatGroup, entry: int) -> dict[str, Any]:
        return {q.id: self.get(q.id, None, group, entry) for q in group.questions}

    def holds(self, condition: str | None, group: RepeatGroup | None = None, entry: int | None = None) -> bool:
        if condition is None:
            return True
        return expr.evaluate(expr.parse(condition), lambda ref: self.get(ref.name, ref.view, group, entry))


class NotAllowed(Exception):
    """An operation that the interview's position does not allow (a front-end bug, not user input)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Interview:
    """An interview on `content`: the intake, or a review (`context`: the intake's answers)."""

    def __init__(self, content: Content, state: InterviewState | None = None, context: ActiveAnswers | None = None):
        self.content = content
        self.context = context
        self.state = state or InterviewState(flow_id=content.flow.id, flow_version=content.flow.version)
        self._steps: list[Step] | None = None
        self._waiting: list[Step] = []
        self._active: ActiveAnswers | None = None

    # --- what is relevant -------------------------------------------------

    def steps(self) -> list[Step]:
        """The relevant steps for the current answers, in the order they are asked."""
        if self._steps is None:
            self._steps, self._waiting, self._active = self._derive_steps()
        return self._steps

    def waiting(self) -> list[Step]:
        """The relevant steps passed over on the short path, for the next meeting, in flow order."""
        self.steps()
        return self._waiting

    def active(self) -> ActiveAnswers:
        """The values of the relevant answers, for conditions, summaries and scoring."""
        self.steps()
        return self._active

    def _derive_steps(self) -> tuple[list[Step], list[Step], ActiveAnswers]:
        steps: list[Step] = []
        waiting: list[Step] = []
        active = ActiveAnswers(self.context)  # grows in flow order: a condition sees only earlier relevant answers
        answers = self.state.answers
        short = self.state.short_path

        def place(step: Step) -> None:
            """Ask the step now, or (on the short path, unanswered and marked later) at the next meeting."""
            marked = bool(step.group and step.group.later) or (
                step.question is not None and step.question.waits(step.view))
            (waiting if short and marked and step.key not in answers else steps).append(step)

        def value(key: str) -> Any:
            answer = answers.get(key)
            return None if answer is None or answer.skipped else answer.value

        def add_question(section: Section, q: Question, path: str, group=None, entry=None, title=None) -> None:
            for view in q.views:
                key = f"{path}@{view}" if q.who == "both" else path
                answer = answers.get(key)
                if isinstance(q, MultiChoice) and answer is not None and isinstance(answer.value, str):
                    # Saved when the question was a single choice (the benefit, until 12/2026): one of many.
                    answers[key] = answer.model_copy(update={"value": [answer.value]})
                place(Step(key, section, q, view, group, entry, entry_title=title))
                active.values[key] = value(key)

        for section in self.content.sections:
            for q in section.questions:
                if not active.holds(q.when):
                    continue
                if not isinstance(q, RepeatGroup):
                    add_question(section, q, q.id)
                    continue
                active.groups[q.id] = []
                if q.for_each is not None:
                    followed = self.context.get(q.for_each) if self.context is not None else None
                    for i, entry in enumerate(followed or []):
                        title = entry.get(q.title_from) if q.title_from else None
                        for sub in q.questions:
                            if active.holds(sub.when, q, i):
                                add_question(section, sub, f"{q.id}[{i}].{sub.id}", q, i, title)
                        active.groups[q.id].append(active.entry(q, i))
                    continue
                for i in range(q.max_entries):
                    if i >= q.min_entries:
                        key = f"{q.id}[{i}]?"
                        place(Step(key, section, None, "counsellor", q, i, kind="add_another"))
                        if value(key) is not True:
                            break
                    for sub in q.questions:
                        if active.holds(sub.when, q, i):
                            add_question(section, sub, f"{q.id}[{i}].{sub.id}", q, i)
                    active.groups[q.id].append(active.entry(q, i))
            if section.summary:
                said = [(s.key, active.values.get(s.key)) for s in steps if s.section is section and s.kind == "question"]
                digest = hashlib.sha256(json.dumps(said, sort_keys=True, default=str).encode()).hexdigest()[:8]
                confirm = Step(f"{section.id}#confirm:{digest}", section, None, "client", kind="confirm")
                # A section whose every question waits is confirmed at the next meeting, with its answers.
                nothing_said = not said and any(w.section is section for w in waiting)
                (waiting if nothing_said else steps).append(confirm)
        return steps, waiting, active

    def is_active(self, key: str) -> bool:
        return any(s.key == key for s in self.steps())

    def answer_for(self, key: str) -> Answer | None:
        return self.state.answers.get(key)

    # --- where we are -----------------------------------------------------

    def current(self) -> Step | None:
        """The step to ask now, or None when every relevant step is answered."""
        steps = self.steps()
        if self.state.position is not None:
            for step in steps:
                if step.key == self.state.position:
                    return step
        return next((s for s in steps if s.key not in self.state.answers), None)

    @property
    def is_complete(self) -> bool:
        return all(s.key in self.state.answers for s in self.steps()) and not self.waiting()

    def transcript(self) -> list[tuple[Step, Answer]]:
        """The relevant answered steps in order: the conversation so far."""
        answers = self.state.answers
        return [(s, answers[s.key]) for s in self.steps() if s.key in answers]

    def progress(self) -> Progress:
        per_section: dict[str, list[int]] = {s.id: [0, 0, 0] for s in self.content.sections}
        for step in self.steps():
            if step.kind == "question":
                counts = per_section[step.section.id]
                counts[1] += 1
                counts[0] += step.key in self.state.answers
        for step in self.waiting():
            if step.kind == "question":
                per_section[step.section.id][1] += 1
                per_section[step.section.id][2] += 1
        return Progress([SectionProgress(s, *per_section[s.id]) for s in self.content.sections])

    # --- what the users do ------------------------------------------------

    def answer(self, value: Any, at: dt.datetime | None = None) -> AnswerError | None:
        """Validate and record an answer to the current step; on error nothing changes."""
        step = self._require_current()
        error, clean = validate(step, value, self.content)
        if error is not None:
            return error
        self._record(step, Answer(value=clean, by=step.view, at=at or _now()))
        return None

    def skip(self, at: dt.datetime | None = None) -> AnswerError | None:
        """Pass over an optional question; a required one answers with an error."""
        step = self._require_current()
        if step.kind != "question" or step.question.required:
            return AnswerError("error.required_cannot_skip")
        self._record(step, Answer(value=None, by=step.view, at=at or _now(), skipped=True))
        return None

    def back(self) -> None:
        """Return to the step before the current one (from the end: the last step)."""
        steps = self.steps()
        current = self.current()
        index = len(steps) if current is None else steps.index(current)
        if index == 0:
            raise NotAllowed("already at the first question")
        self.state.position = steps[index - 1].key

    def jump(self, key: str) -> None:
        """Go to an earlier relevant step to change its answer."""
        if not self.is_active(key):
            raise NotAllowed(f"'{key}' is not a relevant step")
        self.state.position = key

    def hold_short(self, short: bool) -> None:
        """Hold the interview on the short path of a first meeting, or continue with the rest: what
        waited is asked next, in flow order, and each section with new answers is confirmed again."""
        self.state.short_path = short
        self.state.position = None
        self._steps = None

    def can_go_back(self) -> bool:
        current = self.current()
        steps = self.steps()
        return bool(steps) and (current is None or steps.index(current) > 0)

    def _require_current(self) -> Step:
        step = self.current()
        if step is None:
            raise NotAllowed("the interview is complete")
        return step

    def _record(self, step: Step, answer: Answer) -> None:
        self.state.answers[step.key] = answer
        self.state.decisions.agreed = None  # the plan changed: it must be agreed again
        self._steps = None
        steps = self.steps()
        index = next(i for i, s in enumerate(steps) if s.key == step.key)
        following = (s for s in steps[index + 1:] if s.key not in self.state.answers)
        nxt = next(following, None)
        # With nothing unanswered after this step, fall back to the first gap anywhere.
        self.state.position = nxt.key if nxt is not None else None

    # --- persistence --------------------------------------------------------

    def to_json(self) -> str:
        return self.state.model_dump_json()

    @classmethod
    def from_json(cls, content: Content, data: str) -> Interview:
        return cls(content, InterviewState.model_validate_json(data))
