"""What the interview computes from the answers: the interest profile, the support level and the
other services to suggest. All are defined in content and never stored, so they always follow the
current answers."""

from __future__ import annotations

from dataclasses import dataclass

from intake.flows.engine import Interview
from intake.flows.scoring import AREAS, SERVICES_TRIED, Area, InterestProfileSpec, Suggestion, SupportLevel

# What a section summary may name besides the questions: derived from the answers, never stored
# (intake.flows.display says it in words). In a review it is derived from the intake's answers.
INTEREST_CODE = "interest_code"  # the client's real interests (`interests`), e.g. "SE"
DERIVED = (INTEREST_CODE,)


@dataclass(frozen=True)
class InterestProfile:
    scores: dict[Area, float | None]  # mean of the answered items; None when none was answered
    code: str  # up to three strongest areas, strongest first, e.g. "SCR"


def interest_profile(spec: InterestProfileSpec, interview: Interview, top: int = 3) -> InterestProfile:
    """Each area's mean score; ties are broken by the RIASEC order so the code is stable."""
    active = interview.active()
    scores: dict[Area, float | None] = {}
    for area in AREAS:
        values = [v for item in spec.areas[area].items
                  if isinstance(v := active.get(item), int) and not isinstance(v, bool)]
        scores[area] = round(sum(values) / len(values), 2) if values else None
    ranked = sorted((a for a in AREAS if scores[a] is not None), key=lambda a: (-scores[a], AREAS.index(a)))
    return InterestProfile(scores, "".join(ranked[:top]))


def interests(interview: Interview) -> str:
    """The client's interest code with only real interests: the areas rated above the middle of the
    scale (a neutral or lower rating is no interest, and must not count as one or push one out)."""
    spec = interview.content.scoring.interest_profile
    profile = interest_profile(spec, interview, top=len(spec.areas))
    values = [p.value for p in interview.content.scales[spec.scale].points]
    neutral = (min(values) + max(values)) / 2
    return "".join(a for a in profile.code if profile.scores[a] > neutral)[:3]


def support_level(interview: Interview) -> SupportLevel | None:
    """The support level the client's step on the support staircase gives (content/scoring.yaml); None
    when the content has no staircase or the question is not answered (skipped, or still to come)."""
    scoring = interview.content.scoring
    staircase = scoring.support_staircase if scoring is not None else None
    if staircase is None:
        return None
    return staircase.choices.get(interview.active().get(staircase.question))


def suggested_services(suggestions: list[Suggestion], interview: Interview) -> list[Suggestion]:
    active = interview.active()
    return [s for s in suggestions if active.holds(s.when)]


def already_tried(suggestion: Suggestion, interview: Interview) -> bool:
    """The client has already tried the suggested service (its tried_as is among services_tried): the plan
    keeps it, marked, for the counsellor to discuss instead of proposing it afresh."""
    tried = interview.active().get(SERVICES_TRIED)
    return suggestion.tried_as is not None and isinstance(tried, list) and suggestion.tried_as in tried
