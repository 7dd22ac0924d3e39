"""Distance travelled: the life domains rated at the intake, rated again by both at each review.

A domain is a scale question both answer (`who: both`) in an intake section that a review repeats (the
assessment; the first flow's life situation). Its series holds the client's and the counsellor's
rating at the intake and at each complete review, in the order the reviews were held. "Not discussed"
and "not applicable" are gaps (None), never zeros: a gap says nothing about the difficulty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from intake.flows.display import Texts
from intake.flows.engine import Interview
from intake.flows.model import Content, ScaleQuestion
from intake.flows.period import END, HeldReview

VIEWS = ("client", "counsellor")
GAP = "–"
INTAKE = "intake"


@dataclass(frozen=True)
class Moment:
    """When the domains were rated: the intake (number 0) or the n-th complete review."""

    kind: str  # "intake", or the review's kind
    number: int
    on: dt.date | None

    def label(self, texts: Texts) -> str:
        if self.kind == INTAKE:
            return texts("distance.moment.intake")
        if self.kind == END:
            return texts("distance.moment.end")
        return texts("distance.moment.review", number=self.number)


@dataclass(frozen=True)
class DomainSeries:
    question: ScaleQuestion
    client: tuple[int | None, ...]  # one rating for each moment; None: a gap
    counsellor: tuple[int | None, ...]

    @property
    def id(self) -> str:
        return self.question.id

    def view(self, view: str) -> tuple[int | None, ...]:
        return self.client if view == "client" else self.counsellor


@dataclass(frozen=True)
class Distance:
    moments: tuple[Moment, ...]
    domains: tuple[DomainSeries, ...]

    @property
    def reviewed(self) -> bool:
        """At least one review has rated the domains again: there is a distance to show."""
        return len(self.moments) > 1


def rated_domains(content: Content) -> list[ScaleQuestion]:
    """The scale questions both answer in the intake's sections that a review repeats."""
    repeated = {s.id for review in content.reviews.values() for s in review.sections}
    return [q for s in content.sections if s.id in repeated for q in s.questions
            if isinstance(q, ScaleQuestion) and q.who == "both"]


def ratings(interview: Interview, domains: list[ScaleQuestion]) -> dict[str, int | None]:
    """Each domain's rating in this interview by "id@view", or None when it was not given as a number
    (not discussed, not applicable, skipped, or not asked)."""
    relevant = {s.key for s in interview.steps()}
    out: dict[str, int | None] = {}
    for key in (f"{q.id}@{view}" for q in domains for view in VIEWS):
        answer = interview.answer_for(key)
        value = answer.value if answer and not answer.skipped and key in relevant else None
        out[key] = value if isinstance(value, int) and not isinstance(value, bool) else None
    return out


def complete_in_order(reviews: list[HeldReview]) -> list[HeldReview]:
    """The complete reviews in the order they were held (not the order they were entered in)."""
    return sorted((r for r in reviews if r.complete), key=lambda r: (r.held_on or dt.date.max, r.review.opened_at))


def domain_title(texts: Texts, series: DomainSeries) -> str:
    """The domain's name: its question's words before the dash ("Housing – how much difficulty…")."""
    return series.question.text.get(texts.language, texts.plain).split(" – ")[0]


def ratings_pair(series: DomainSeries, index: int) -> str:
    """One moment's ratings as "client / counsellor", a gap as a dash."""
    return " / ".join(GAP if (v := series.view(view)[index]) is None else str(v) for view in VIEWS)


def moment_labels(texts: Texts, distance: Distance) -> list[str]:
    """Each moment as a table names it: its label and its date."""
    return [texts("distance.moment_on", label=m.label(texts), date=texts.date(m.on)) if m.on else m.label(texts)
            for m in distance.moments]


def distance_travelled(intake: Interview, reviews: list[HeldReview]) -> Distance:
    """The series of every rated domain over the intake and the complete reviews that rate it again."""
    domains = rated_domains(intake.content)
    ids = {q.id for q in domains}
    agreed = intake.state.decisions.agreed
    moments = [Moment(INTAKE, 0, agreed.at.astimezone().date() if agreed else None)]
    interviews = [intake]
    held = [r for r in complete_in_order(reviews) if ids & set(r.interview.content.question_index)]
    for number, review in enumerate(held, start=1):
        moments.append(Moment(review.review.kind, number, review.held_on))
        interviews.append(review.interview)
    rated = [ratings(iv, domains) for iv in interviews]
    return Distance(tuple(moments), tuple(
        DomainSeries(q, *(tuple(r[f"{q.id}@{view}"] for r in rated) for view in VIEWS)) for q in domains))
