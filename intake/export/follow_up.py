"""What happened after the intake, read once for every reader's export: the period as it stands, the
reviews held, the end with its follow-on plan, and the distance travelled. Each reader's module picks
what its reader may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from intake.flows.display import Texts
from intake.flows.distance import Distance, complete_in_order, distance_travelled
from intake.flows.engine import Interview
from intake.flows.model import ReviewFlow
from intake.flows.period import GOAL_REVIEW, GOAL_STATUS, HELD_ON, FollowUp, HeldReview, PeriodStatus, period_status
from intake.flows.plan import answer_words
from intake.flows.rules import Rules

# Questions of the review flows (content/reviews/) that the exports read.
FOLLOW_ON_STEPS = "follow_on_steps"  # the end review's follow-on plan: action, responsible, by_when
PRESENT = "present"                  # who took part in a review
PLACEMENT_PRESENT = "placement"


@dataclass(frozen=True)
class FollowOnStep:
    action: str | None
    responsible: str | None
    by_when: dt.date | None


def _asked(question: str) -> str:
    """A question as a line's lead: a heading-like one ("Palkkatuki") gets a colon before its answer."""
    return question if question.rstrip().endswith(("?", ".", ":", "!")) else f"{question}:"


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


@dataclass(frozen=True)
class AfterIntake:
    follow_up: FollowUp
    status: PeriodStatus
    distance: Distance
    texts: Texts  # the export's language (plain language for the client when the session uses it)
    forms: dict[str, ReviewFlow]  # the content's reviews and forms by kind

    @property
    def held(self) -> list[HeldReview]:
        """The complete reviews, in the order they were held."""
        return complete_in_order(self.status.reviews)

    @property
    def end(self) -> HeldReview | None:
        return self.status.end_review

    def review_texts(self, review: HeldReview) -> Texts:
        return Texts(review.interview.content, self.texts.language, self.texts.plain)

    def words(self, review: HeldReview, question_id: str) -> str | None:
        """A review's top-level answer in words, or None when not relevant or skipped."""
        return answer_words(review.interview, self.review_texts(review), question_id)

    def agreed_lines(self, review: HeldReview) -> list[str]:
        """What a form the client keeps a copy of records, question by question in words: every answer
        but the day it was held (its title says it) and a sensitive one."""
        texts = self.review_texts(review)
        return [f"{_asked(texts.question(step))} {texts.value(step, answer.value, answer.skipped)}"
                for step, answer in review.interview.transcript()
                if step.question is not None and step.question.id != HELD_ON and not step.question.sensitive
                and not (answer.skipped or step.is_confirm or step.is_add_another)]

    def goal_results(self, review: HeldReview) -> list[tuple[str, str]]:
        """Each goal of the intake (in its own words) and how far the review found it reached, in words."""
        texts = self.review_texts(review)
        return [(step.entry_title or "", texts.value(step, answer.value, answer.skipped))
                for step, answer in review.interview.transcript()
                if step.group is not None and step.group.id == GOAL_REVIEW and step.question_id == GOAL_STATUS]

    def follow_on(self) -> list[FollowOnStep]:
        if self.end is None:
            return []
        return [FollowOnStep(e.get("action"), e.get("responsible"), _day(e.get("by_when")))
                for e in self.end.interview.active().groups.get(FOLLOW_ON_STEPS, [])]

    def with_placement(self) -> list[dt.date]:
        """The days of the reviews the placement took part in."""
        return [r.held_on for r in self.held if r.held_on and PLACEMENT_PRESENT in (r.get(PRESENT) or ())]


def after_intake(interview: Interview, follow_up: FollowUp, texts: Texts, today: dt.date) -> AfterIntake | None:
    """The follow-up of a session, or None when nothing has been recorded after the intake (its exports
    are then as they were before there were reviews)."""
    if not (follow_up.reviews or follow_up.attendance or follow_up.previous):
        return None
    content = interview.content
    status = period_status(interview, follow_up, Rules(content.rules) if content.rules else None, today)
    return AfterIntake(follow_up, status, distance_travelled(interview, status.reviews), texts, content.reviews)

