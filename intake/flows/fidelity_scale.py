"""The IPS quality criteria of supported employment (content/fidelity.yaml): the 25 criteria a team
rates its service on, 1-5 each, the bands of the total, and the thresholds that score the criteria
the sessions can measure. Read by `intake fidelity` only: the interview never needs it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from intake.flows.base import Id, Strict
from intake.flows.files import FIDELITY_FILE
from intake.flows.problems import ContentError, Problem
from intake.flows.text import CounsellorText

CRITERIA = 25
SCORES = (1, 2, 3, 4, 5)
LOWEST, HIGHEST = CRITERIA * SCORES[0], CRITERIA * SCORES[-1]  # the totals a review can have: 25-125

# The client-level criteria the sessions in the store can score (intake.flows.fidelity computes them).
Measure = Literal["rapid_job_search", "continuous_assessment", "follow_along", "time_unlimited"]


class Computed(Strict):
    """How a figure from the sessions scores a criterion: the highest score whose threshold it
    meets (at most the threshold when lower is better, at least it when higher is), else 1."""

    measure: Measure
    better: Literal["lower", "higher"]
    thresholds: dict[Literal[2, 3, 4, 5], float] = Field(description="The threshold of each score 2-5")
    note: CounsellorText = Field(description="What the app's figure is, beside the criterion's own words")

    @model_validator(mode="after")
    def _ordered(self) -> Computed:
        if set(self.thresholds) != {2, 3, 4, 5}:
            raise ValueError("give a threshold for each of the scores 2, 3, 4 and 5")
        values = [self.thresholds[s] for s in (5, 4, 3, 2)]
        if values != sorted(values, reverse=self.better == "higher"):
            order = "fall" if self.better == "higher" else "rise"
            raise ValueError(f"the thresholds must {order} from score 5 to score 2 (better: {self.better})")
        return self

    def score(self, figure: float) -> int:
        for score in (5, 4, 3, 2):
            limit = self.thresholds[score]
            if figure <= limit if self.better == "lower" else figure >= limit:
                return score
        return 1


class Criterion(Strict):
    number: int = Field(ge=1, le=CRITERIA, description="Its number in the IPS-25 order")
    id: Id
    group: Id
    source: Literal["seed_001", "ips_25"] = Field(description="Where its anchors come from")
    name: CounsellorText
    description: CounsellorText
    anchors: dict[int, CounsellorText] = Field(description="What each score 1-5 means")
    computed: Computed | None = None

    @field_validator("anchors")
    @classmethod
    def _five_anchors(cls, anchors: dict[int, CounsellorText]) -> dict[int, CounsellorText]:
        missing = [str(s) for s in SCORES if s not in anchors]
        extra = [str(s) for s in anchors if s not in SCORES]
        if missing or extra:
            raise ValueError("five anchors, one for each score 1-5" + (f"; missing: {', '.join(missing)}" if missing
                             else "") + (f"; not a score: {', '.join(extra)}" if extra else ""))
        return anchors


class Band(Strict):
    id: Id
    low: int = Field(ge=LOWEST, le=HIGHEST)
    high: int = Field(ge=LOWEST, le=HIGHEST)
    name: CounsellorText

    @model_validator(mode="after")
    def _low_to_high(self) -> Band:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self


class Group(Strict):
    id: Id
    name: CounsellorText


class FidelityFile(Strict):
    groups: list[Group]
    criteria: list[Criterion]
    bands: list[Band] = Field(description=f"Bands of the total, together covering {LOWEST}-{HIGHEST} once")

    def band(self, total: int) -> Band:
        return next(b for b in self.bands if b.low <= total <= b.high)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)


def load_fidelity(root: Path) -> FidelityFile:
    """content/fidelity.yaml, checked: ContentError names every problem by line."""
    from intake.flows.loader import read_checked  # the YAML parser only for the command that needs it

    problems: list[Problem] = []
    read = read_checked(root / FIDELITY_FILE, root, FidelityFile, problems)
    if read is None:
        raise ContentError(problems)
    doc, scale = read
    problems += [doc.problem(loc, message) for loc, message in scale_problems(scale)]
    if problems:
        raise ContentError(problems)
    return scale


def scale_problems(scale: FidelityFile) -> list[tuple[tuple, str]]:
    """Where and what is wrong across the file: the criteria numbered 1-25 once each in order, known
    groups, one criterion per measure, and bands that hold every total 25-125 exactly once."""
    found: list[tuple[tuple, str]] = []
    if len(scale.criteria) != CRITERIA:
        found.append((("criteria",), f"{len(scale.criteria)} criteria; the IPS-25 scale has {CRITERIA}, "
                                     f"numbered 1-{CRITERIA}"))
    groups = {g.id for g in scale.groups}
    measured: dict[str, int] = {}
    for i, c in enumerate(scale.criteria):
        if c.number != i + 1:
            found.append((("criteria", i, "number"), f"criterion {c.number} is in place {i + 1}: number the "
                                                     f"criteria 1-{CRITERIA} in the IPS-25 order"))
        if c.group not in groups:
            found.append((("criteria", i, "group"), f"unknown group '{c.group}' (groups: {', '.join(sorted(groups))})"))
        if c.computed is not None:
            if c.computed.measure in measured:
                found.append((("criteria", i, "computed", "measure"), (
                    f"'{c.computed.measure}' already scores criterion {measured[c.computed.measure]}")))
            measured.setdefault(c.computed.measure, c.number)
    ids = [c.id for c in scale.criteria]
    found += [(("criteria", i, "id"), f"duplicate criterion id '{c.id}'")
              for i, c in enumerate(scale.criteria) if ids.index(c.id) != i]
    return found + _band_problems(scale.bands)


def _band_problems(bands: list[Band]) -> list[tuple[tuple, str]]:
    order = sorted(range(len(bands)), key=lambda i: bands[i].low)
    found = []
    reached = LOWEST - 1  # the highest total held by the bands so far
    for i in order:
        band = bands[i]
        if band.low > reached + 1:
            found.append((("bands", i, "low"), f"no band holds the totals {_span(reached + 1, band.low - 1)}: "
                                               "the bands must follow each other without gaps"))
        elif band.low <= reached:
            found.append((("bands", i, "low"), f"the totals {_span(band.low, min(reached, band.high))} are in "
                                               "two bands: the bands must not overlap"))
        reached = max(reached, band.high)
    if reached < HIGHEST:
        found.append((("bands",), f"no band holds the totals {_span(reached + 1, HIGHEST)}"))
    return found


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"
