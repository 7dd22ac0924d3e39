"""Content models: flows, sections, questions, scales and the UI text catalogue.

Every model forbids unknown keys; the question kind is a discriminated union on
`type`, so a typo in a content file is an error that names the field.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from intake.flows.base import Id, Strict
from intake.flows.placements import MatchingFile, Placement
from intake.flows.scoring import ScoringFile, Suggestion
from intake.flows.rules import RulesFile
from intake.flows.text import CounsellorText, Text

Who = Literal["client", "counsellor", "both"]
# Kinds of special or private information; a question holding one is shared only with the client's consent.
Sensitive = Literal["health", "substance_use", "finances", "benefits", "assessment"]


class Choice(Strict):
    value: Id
    text: Text
    exclusive: bool = Field(False, description="In a multiple choice, chosen only on its own (such as 'none')")
    description: Text | None = Field(None, description=(
        "Said under the choice when it is offered (what it covers, such as examples), not in summaries"))
    summary: Text | None = Field(None, description=(
        "The choice as a section summary says it, when the label does not fit the summary's sentence "
        "(a first-person label such as 'I came myself' in a 'you' sentence); without it the summary uses the label"))


class QuestionBase(Strict):
    id: Id
    text: Text
    help: Text | None = None
    guidance: CounsellorText | None = None
    who: Who = "client"
    required: bool = True
    when: str | None = None
    sensitive: list[Sensitive] = Field(default_factory=list, description=(
        "What kinds of sensitive information the answer holds; it leaves the counsellor's export only with "
        "the client's consent to every kind listed"))
    later: bool | Literal["client", "counsellor"] = Field(False, description=(
        "On the short path of a first meeting it waits for the next meeting: true, or for a question both "
        "answer the one view that waits (counsellor: the counsellor rates after the meeting)"))

    @property
    def views(self) -> tuple[str, ...]:
        """Whose answers this question stores: one view, or the client's and the counsellor's."""
        return ("client", "counsellor") if self.who == "both" else (self.who,)

    def waits(self, view: str) -> bool:
        """Whether this view of the question waits for a later meeting on the short path."""
        return self.later is True or self.later == view

    @model_validator(mode="after")
    def _later_view(self) -> QuestionBase:
        if isinstance(self.later, str) and self.who != "both":
            raise ValueError(f"later: {self.later}: only a question both answer has views; write later: true")
        return self


class ShortText(QuestionBase):
    type: Literal["short_text"]
    min_length: int = Field(0, ge=0)
    max_length: int = Field(200, ge=1, le=500)
    pattern: str | None = None
    pattern_hint: Text | None = None


class LongText(QuestionBase):
    type: Literal["long_text"]
    min_length: int = Field(0, ge=0)
    max_length: int = Field(4000, ge=1, le=20000)


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    choices: list[Choice] = Field(min_length=2)


class MultiChoice(QuestionBase):
    type: Literal["multi_choice"]
    choices: list[Choice] = Field(min_length=2)
    min_selected: int = Field(0, ge=0)
    max_selected: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _limits(self) -> MultiChoice:
        top = self.max_selected if self.max_selected is not None else len(self.choices)
        if self.min_selected > top or top > len(self.choices):
            raise ValueError("min_selected and max_selected must fit the number of choices")
        return self


class DiscussAt(Strict):
    """How far apart the client's and the counsellor's views of a domain may be before the plan marks
    it for discussion, and why that far."""

    difference: int = Field(ge=1)
    reason: CounsellorText


class ScaleQuestion(QuestionBase):
    type: Literal["scale"]
    scale: Id
    allow_not_discussed: bool = True
    allow_not_applicable: bool = True
    discuss_at: DiscussAt | None = None  # None: the plan's default (plan.DIFFERENCE_TO_DISCUSS)


class NumberQuestion(QuestionBase):
    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = True
    unit: Text | None = None

    @model_validator(mode="after")
    def _range(self) -> NumberQuestion:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be greater than max")
        return self


class DateQuestion(QuestionBase):
    type: Literal["date"]
    min: dt.date | None = None
    max: dt.date | None = None
    not_after: Literal["today"] | None = None  # a day that has already come, such as when a job ended


class YesNo(QuestionBase):
    type: Literal["yes_no"]


SimpleQuestion = Annotated[
    Union[ShortText, LongText, SingleChoice, MultiChoice, ScaleQuestion, NumberQuestion, DateQuestion, YesNo],
    Field(discriminator="type"),
]


class RepeatGroup(QuestionBase):
    """A group asked once per entry (goals, jobs); each entry holds its own answers."""

    type: Literal["repeat"]
    questions: list[SimpleQuestion] = Field(min_length=1)
    min_entries: int = Field(0, ge=0)
    max_entries: int = Field(10, ge=1, le=50)
    add_another: Text | None = Field(None, description="Asked before each entry after min_entries; not with for_each")
    entry_label: Text
    for_each: Id | None = Field(None, description=(
        "In a review: one entry for each entry of this repeat group of the intake (each goal), "
        "with no 'add another'"))
    title_from: Id | None = Field(None, description=(
        "With for_each: the question of the intake's group whose answer names the entry (the goal itself)"))

    @model_validator(mode="after")
    def _entries(self) -> RepeatGroup:
        if self.min_entries > self.max_entries:
            raise ValueError("min_entries must not be greater than max_entries")
        if (self.for_each is None) == (self.add_another is None):
            raise ValueError("a repeat group needs add_another, or for_each (then without add_another)")
        if self.title_from is not None and self.for_each is None:
            raise ValueError("title_from needs for_each")
        if self.who == "both":
            raise ValueError("a repeat group cannot be 'both'; set who on its questions")
        if any(q.later for q in self.questions):
            raise ValueError("later: a whole repeat group waits or none of it; set later on the group")
        return self


Question = Annotated[
    Union[ShortText, LongText, SingleChoice, MultiChoice, ScaleQuestion, NumberQuestion, DateQuestion, YesNo, RepeatGroup],
    Field(discriminator="type"),
]


PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(?:\.(client|counsellor))?\}")


class SummaryLine(Strict):
    """One sentence of a section's closing summary ("Kuulin, että…").

    `{question_id}` (or `{question_id.client}` for a question both answer) is
    filled with the answer in words; a line whose answers are missing is left
    out. With `each: group_id` the line is said once per entry of that repeat
    group, and its placeholders name the group's questions."""

    text: Text
    when: str | None = None
    each: Id | None = None


class Section(Strict):
    id: Id
    title: Text
    intro: Text | None = None
    questions: list[Question] = Field(min_length=1)
    summary: list[SummaryLine] = Field(default_factory=list, description="Said back to the client to confirm")
    carry_forward: bool = Field(True, description=(
        "A new period starts with this section's answers from the period before, for the client to confirm "
        "(with the latest a review gave); false: asked afresh (the goals)"))


class Flow(Strict):
    """The interview: an ordered list of sections, each kept in its own file."""

    id: Id
    version: int = Field(ge=1)
    title: Text
    sections: list[str] = Field(min_length=1, description="Section files, relative to the flow file")


class FlowFile(Strict):
    flow: Flow


class ReviewFlowFile(Strict):
    """A review held after the intake (content/reviews.yaml): its sections, like the intake's, in
    files of their own; a section file may be shared with the intake (the life domains rated again)."""

    title: Text
    sections: list[str] = Field(min_length=1, description="Section files, relative to the content folder")
    interval_months: int | None = Field(None, ge=1, le=24, description=(
        "Falls due this many months after the period's start or the review before it (the interim review)"))
    grace_days: int = Field(0, ge=0, le=60, description="Still on time this many days after it fell due")
    ends_period: bool = Field(False, description="Holding it ends the period (the end review)")
    services: list[Id] = Field(default_factory=list, description=(
        "The services (rules.yaml service_types) whose clients it is held for; none: every service"))
    stage: int | None = Field(None, ge=1, le=5, description=(
        "The stage of supported employment it records (seed 001's five stages), when it is one"))
    client_copy: bool = Field(False, description=(
        "What was agreed in it goes into the client's own plan: its answers in words, never a sensitive one"))


class ReviewsFile(Strict):
    reviews: dict[Id, ReviewFlowFile]


class ReviewFlow(Strict):
    """A review flow as loaded: its sections in place of their files."""

    id: Id
    title: Text
    sections: list[Section]
    interval_months: int | None = None
    grace_days: int = 0
    ends_period: bool = False
    services: list[str] = []
    stage: int | None = None
    client_copy: bool = False

    def held_for(self, service: str) -> bool:
        """Whether it is held for a client of `service`."""
        return not self.services or service in self.services


class SectionFile(Strict):
    section: Section


class ScalePoint(Strict):
    value: int
    label: Text
    description: Text | None = None


class Scale(Strict):
    title: Text
    points: list[ScalePoint] = Field(min_length=2)

    @field_validator("points")
    @classmethod
    def _steps_of_one(cls, points: list[ScalePoint]) -> list[ScalePoint]:
        # A scale is read as even steps (and scored so): a missing point is a mistake, not a choice.
        values = [p.value for p in points]
        if len(set(values)) != len(values):
            raise ValueError("scale point values must be distinct")
        ordered = sorted(values)
        gap = next(((low, high) for low, high in zip(ordered, ordered[1:]) if high - low > 1), None)
        if gap:
            raise ValueError(f"the point values must go up in steps of one, but there is no point between {gap[0]} "
                             f"and {gap[1]}; add the missing point or renumber the points")
        return points


class ScalesFile(Strict):
    scales: dict[Id, Scale]


class CatalogFile(Strict):
    """The UI text catalogue: every text a screen shows that is not a question."""

    texts: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.]*$")], Text]


class Content(Strict):
    """Everything loaded from a content directory, checked across files.

    Rules and placements are optional so that tests can build small flows by hand.
    """

    flow: Flow
    sections: list[Section]
    scales: dict[str, Scale]
    texts: dict[str, Text]
    rules: RulesFile | None = None
    placements: list[Placement] = []
    employers: list[Placement] = []   # jobs at employers (content/employers/): Rules.open_labour_market services
    scoring: ScoringFile | None = None
    suggestions: list[Suggestion] = []
    matching: MatchingFile | None = None
    reviews: dict[str, ReviewFlow] = {}
    intake_questions: dict[str, Question] = Field(default_factory=dict, description=(
        "In a review's content: the intake's questions, whose answers stand behind the review's (its "
        "summary may name them; the intake's own content has none)"))

    def reviews_for(self, service: str) -> dict[str, ReviewFlow]:
        """The reviews and forms held for a client of `service`, in the content's order."""
        return {kind: review for kind, review in self.reviews.items() if review.held_for(service)}

    def review(self, kind: str) -> Content:
        """The content a review's interview runs on: the review's sections in place of the intake's,
        with the same scales, texts and interest scoring, and the intake's questions, so that a summary
        can say the intake's answers behind the review (built once per kind)."""
        made = self.review_cache.get(kind)
        if made is None:
            review = self.reviews[kind]
            made = self.review_cache[kind] = Content.model_construct(
                flow=Flow(id=review.id, version=1, title=review.title, sections=[s.id for s in review.sections]),
                sections=review.sections, scales=self.scales, texts=self.texts, rules=None, placements=[],
                scoring=self.scoring, suggestions=[], matching=None, reviews={},
                intake_questions=self.question_index)
        return made

    @cached_property
    def review_cache(self) -> dict[str, Content]:
        return {}

    @cached_property
    def has_later(self) -> bool:
        """Whether questions wait on the short path of a first meeting (else there is no short path)."""
        return any(q.later for s in self.sections for q in s.questions)

    @cached_property
    def question_index(self) -> dict[str, Question]:
        """Top-level questions by id (the content never changes once loaded)."""
        return {q.id: q for s in self.sections for q in s.questions}
