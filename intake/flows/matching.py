"""Placement matching: hard constraints first, then a scored fit, with reasons.

The catalogue is compiled once into arrays (one entry per placement), so that
ranking one client is a handful of vectorised operations: 10,000 placements in
well under a frame. Reasons are worked out only for what a person will read:
the proposals shown, and an excluded placement when someone asks about it.

The result is a suggestion for the conversation, never a decision.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence, get_args

import numpy as np

from intake.flows.catalogue_columns import DEMANDS, WORKS_WITH, Columns, _bits
from intake.flows.period import DEFAULT_SERVICE
from intake.flows.placements import AgeGroup, MatchingFile, Mode, Placement
from intake.flows.rules import DEFAULT_HOSTS, Rules
from intake.flows.text import LANGUAGES

AREAS = "RIASEC"
RANK_WEIGHTS = (3, 2, 1)  # the strongest interest area counts most
BEST_CONGRUENCE = sum(w * w for w in RANK_WEIGHTS)
TIMES = ("morning", "daytime", "afternoon", "evening")
HOW = ("within", "table", "estimate")   # how a journey's minutes were found
MODES = frozenset(get_args(Mode))
EARTH_KM = 6371.0
GROUP_FORMS = ("workshop", "group", "club")


@dataclass(frozen=True)
class ClientProfile:
    """What matching needs to know of a client; every field may be unknown (no constraint)."""

    start: dt.date
    service: str = DEFAULT_SERVICE
    interest_code: str = ""
    skills: frozenset[str] = frozenset()
    setting: str | None = None            # indoors, outdoors, either
    social: str | None = None             # alone, small_group, group, either
    works_with: frozenset[str] = frozenset()
    restrictions: frozenset[str] = frozenset()
    days_per_week: int | None = None
    hours_per_day: float | None = None
    times: frozenset[str] = frozenset()
    home: str | None = None               # municipality id
    max_journey: int | None = None        # minutes
    transport: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    support_needs: frozenset[str] = frozenset()
    orientation: str | None = None        # maintaining, forward
    avoid: frozenset[str] = frozenset()   # words of what the client wants to avoid (avoid_words)
    age: int | None = None                # years; asked only to check a placement's age group


@dataclass(frozen=True)
class Route:
    """The fastest way to a placement: minutes, the mode and how the minutes were found (HOW)."""

    minutes: int
    mode: str
    how: str


@dataclass(frozen=True)
class Reason:
    """A reason in words, once translated: a catalogue key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Proposal:
    placement: Placement
    score: float                 # 0–100
    parts: dict[str, float]      # each part of the fit, 0–1
    reasons: list[Reason]
    days_per_week: int
    hours_per_day: float
    journey_minutes: int | None


def _slug(name: str) -> str:
    return name.casefold()


def _table(ok: Iterable[Any], dtype: Any = bool) -> np.ndarray:
    return np.fromiter(ok, dtype=dtype)


# Every combination of what the preference part reads of a placement: indoors, outdoors, individual
# form and the people/things/information bits. A client's preference score is worked out once per
# combination and looked up for each placement.
_PREFERENCE_CODES = np.arange(64)
_PROTO_INDOORS = (_PREFERENCE_CODES & 32) != 0
_PROTO_OUTDOORS = (_PREFERENCE_CODES & 16) != 0
_PROTO_INDIVIDUAL = (_PREFERENCE_CODES & 8) != 0
_PROTO_WORKS_WITH = _PREFERENCE_CODES & 7
# Two flags: work coach / adapted tasks, and maintaining / forward.
_PROTO_FIRST = np.array([False, False, True, True])
_PROTO_SECOND = np.array([False, True, False, True])


class Catalogue:
    """The placements compiled for matching. Build once per catalogue; match many clients.

    Most of what matching reads of a placement takes few distinct values (a schedule, a host type,
    a set of guidance languages, an interest code), so each is stored as a code into its distinct
    values: a client's check or score is worked out once per distinct value and looked up for every
    placement. Ranking one client is then a fixed number of vectorised passes over the catalogue,
    and the fit is scored only for the placements that pass the hard constraints.
    """

    def __init__(self, placements: Sequence[Placement], config: MatchingFile, columns: Columns | None = None,
                 texts: Callable[[], Iterable[str]] | None = None, jobs: np.ndarray | None = None):
        """`placements` may load each one only when it is asked for (session.matching_catalogue); then
        `columns` (Columns.of them) and `texts` (placement_text of each, in order) come with it. `jobs` marks
        the jobs at employers (the employer catalogue), proposed only for a service on the open labour market;
        none: every one is a placement."""
        self.placements = placements if columns is not None else list(placements)
        self.config = config
        self.columns = columns = Columns.of(self.placements) if columns is None else columns
        self.jobs = np.zeros(len(columns), bool) if jobs is None else np.asarray(jobs, bool)
        self._texts = texts or (lambda: map(placement_text, self.placements))
        self.ids: list[str] = columns.ids.tolist()
        values, rows = columns.values, columns.rows
        self.skills = columns.skills
        self.skill_index = {s: i for i, s in enumerate(self.skills)}
        self.skill_rows = columns.skill_rows                             # one row per skill: who uses it
        muni_index = {_slug(name): i for i, m in enumerate(config.municipalities) for name in (m.name, m.name_sv)
                      if name}
        self.muni_ids = {m.id: i for i, m in enumerate(config.municipalities)}
        # The centres in radians (nan: no location), for the distances that the table does not have.
        self.lat = np.radians([m.lat if m.lat is not None else math.nan for m in config.municipalities])
        self.lon = np.radians([m.lon if m.lon is not None else math.nan for m in config.municipalities])

        # Hard constraints.
        self.host_types, self.host_code = values["host_type"], rows["host_type"]
        self.has_places = rows["open"].astype(bool)
        self.age_groups = [None if g is None else AgeGroup.model_construct(min=g[0], max=g[1])
                           for g in values["ages"]]
        self.age_code = rows["ages"]
        self.day_sets, self.day_code = values["days"], rows["days"]
        self.hour_sets, self.hour_code = values["hours"], rows["hours"]
        self.time_sets, self.time_code = values["times"], rows["times"]
        self.time_hours = [self.hours_of(s) for s in self.time_sets]
        self.level = {name: rows[name] for name in DEMANDS}
        self.language_sets = [frozenset(s) for s in values["languages"]]
        self.language_code = rows["languages"]
        self.step_free = rows["step_free"].astype(bool)
        self.municipality_names = values["municipality"]
        self.municipality = _table((muni_index.get(_slug(name), -1) for name in self.municipality_names),
                                   np.int32)[rows["municipality"]]
        self.public_transport = rows["public_transport"].astype(bool)
        # A journey depends only on the municipality (unknown: after the known ones) and public transport.
        known = np.where(self.municipality >= 0, self.municipality, len(config.municipalities))
        self.route_code = known * 2 + self.public_transport

        # The parts of the fit.
        self.interest_codes, self.interest_code = values["interest"], rows["interest"]
        self.interests = np.zeros((len(self.interest_codes), len(AREAS)))
        for i, code in enumerate(self.interest_codes):
            for weight, letter in zip(RANK_WEIGHTS, code):
                self.interests[i, AREAS.index(letter)] = weight
        self.preference_code = rows["preference"]
        self.support_code = rows["support"]
        self.orientation_code = rows["orientation"]
        self.fit_code = (self.preference_code.astype(np.int16) * 16 + self.support_code * 4
                         + self.orientation_code)   # the three together, for _Fit.combined_points
        # Ties are broken by id, so the ranking never depends on the catalogue's order.
        self._by_rank = np.argsort(columns.ids, kind="stable")
        self.id_rank = np.empty(len(self.ids), np.int64)
        self.id_rank[self._by_rank] = np.arange(len(self.ids))
        self._sorted_ids = columns.ids[self._by_rank]
        self._words: _WordIndex | None = None

    def index(self, placement_id: str) -> int | None:
        """Where the placement is in the catalogue (None: not in it), without a dict of 100,000 ids."""
        at = int(np.searchsorted(self._sorted_ids, placement_id))
        found = at < len(self.ids) and self._sorted_ids[at] == placement_id
        return int(self._by_rank[at]) if found else None

    @functools.cached_property
    def by_id(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}

    # --- times and journeys ------------------------------------------------------

    def hours_of(self, times: Iterable[str]) -> int:
        """The hours of the day (one bit each) that the times of day cover."""
        windows = self.config.time_windows
        return sum(1 << h for h in {h for t in times if t in windows for h in range(*windows[t])})  # windows overlap

    def mode_table(self, home: str, modes: frozenset[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """For each mode the client can use: minutes from `home` to each municipality (inf: not possible),
        and how they were found (an index into HOW). Empty when `home` is not a known municipality."""
        here = self.muni_ids.get(home)
        if here is None:
            return {}
        travel = self.config.travel
        estimate = travel.estimate
        lat, lon = self.lat, self.lon
        haversine = (np.sin((lat - lat[here]) / 2) ** 2
                     + np.cos(lat) * np.cos(lat[here]) * np.sin((lon - lon[here]) / 2) ** 2)
        road_km = 2 * EARTH_KM * np.arcsin(np.sqrt(haversine)) * (estimate.road_factor if estimate else 1.0)
        ids = list(self.muni_ids)
        table = {}
        for mode in sorted(modes):
            minutes = np.full(len(ids), math.inf)
            how = np.full(len(ids), HOW.index("estimate"), np.int8)
            if estimate and mode in estimate.km_per_hour:
                guess = road_km / estimate.km_per_hour[mode] * 60 + estimate.overhead.get(mode, 0)
                minutes = np.where(np.isnan(guess), math.inf, np.round(guess))
            for journey in travel.between:
                given = getattr(journey, mode, None)
                if home in journey.between and given is not None:
                    there = self.muni_ids[journey.between[1] if journey.between[0] == home else journey.between[0]]
                    minutes[there], how[there] = given, HOW.index("table")
            minutes[here], how[here] = travel.within.get(mode, math.inf), HOW.index("within")
            table[mode] = (minutes, how)
        return table

    def journeys(self, client: ClientProfile, table: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
                 ) -> np.ndarray:
        """Minutes from the client's home to each placement by the fastest way they can travel (inf: none)."""
        table = self.mode_table(client.home or "", _modes(client)) if table is None else table
        count = len(self.muni_ids)
        other = np.full(count, math.inf)
        for mode, (minutes, _) in table.items():
            if mode != "public_transport":
                other = np.minimum(other, minutes)
        public = table["public_transport"][0] if "public_transport" in table else np.full(count, math.inf)
        by_route = np.full(2 * (count + 1), math.inf)   # the last two: a municipality that is not known
        by_route[0:-2:2] = other                        # the placement is not on public transport
        by_route[1:-2:2] = np.minimum(other, public)
        return by_route[self.route_code]

    def route(self, index: int, table: dict[str, tuple[np.ndarray, np.ndarray]]) -> Route | None:
        """The fastest way to the placement at `index` (None: no way, or its municipality is not known)."""
        here = int(self.municipality[index])
        options = [(minutes[here], mode, HOW[how[here]]) for mode, (minutes, how) in table.items()
                   if here >= 0 and (mode != "public_transport" or self.public_transport[index])]
        best = min(options, default=None)
        return None if best is None or math.isinf(best[0]) else Route(int(best[0]), best[1], best[2])

    def avoided(self, words: Iterable[str]) -> np.ndarray:
        """For each placement, whether its name, host, municipality or tasks have one of `words`."""
        found = np.zeros(len(self.ids), bool)
        for word in words:
            for rows in self.word_index.rows(word):
                found[rows] = True
        return found

    def avoids(self, index: int, avoid: Iterable[str]) -> list[str]:
        """The words of `avoid` (in order) that the placement at `index` has: one placement, read alone."""
        found = words(placement_text(self.placements[index]))
        return [w for w in sorted(avoid) if any(same_word(w, x) for x in found)]

    @classmethod
    def of(cls, placements: Sequence[Placement], employers: Sequence[Placement], config: MatchingFile) -> Catalogue:
        """The placements and the jobs at employers as one catalogue (the jobs after the placements)."""
        jobs = np.concatenate([np.zeros(len(placements), bool), np.ones(len(employers), bool)])
        return cls([*placements, *employers], config, jobs=jobs)

    @property
    def word_index(self) -> _WordIndex:
        if self._words is None:   # only when a client has something to avoid
            self._words = _WordIndex(self._texts())
        return self._words

    # --- matching ---------------------------------------------------------------

    def match(self, client: ClientProfile, rules: Rules | None = None) -> MatchResult:
        limits = Limits.of(client, rules, self)
        table = self.mode_table(client.home or "", _modes(client))
        journeys = self.journeys(client, table) if client.max_journey is not None else None
        checks = self._constraints(client, limits, journeys)
        cautions: dict[str, np.ndarray] = {}
        if limits.open_market:
            # Zero exclusion (IPS criterion 9): only the rules' hosts bind; the rest is to check with the employer.
            # Only jobs: a work-activity placement is no paid work on the open labour market (criteria 10, 21).
            cautions = {name: ok for name, ok in checks.items() if name != "host_type"}
            checks = {"not_job": self.jobs, "host_type": checks["host_type"]}
        elif self.jobs.any():
            checks = {"job": ~self.jobs, **checks}
        eligible = np.ones(len(self.ids), bool)
        for ok in checks.values():
            eligible &= ok
        rows = np.flatnonzero(eligible)
        fit = _Fit(self, client)
        score = fit.score(rows)
        # Equal fits: a placement that guides in the client's own language (not only Finnish) first.
        own = _table(bool(s & _own_languages(client)) for s in self.language_sets)[self.language_code[rows]]
        order = _rank_keys(score, own, self.id_rank[rows], len(self.ids))
        # A job with more to check with the employer comes after those with less, whatever its fit.
        tier = sum((~ok[rows]).astype(np.int8) for ok in cautions.values()) if cautions else None
        return MatchResult(self, client, limits, checks, fit, rows, order, table, journeys, cautions, tier)

    def _constraints(self, client: ClientProfile, limits: Limits, journeys: np.ndarray | None
                     ) -> dict[str, np.ndarray]:
        lv, r = self.level, client.restrictions
        (lo_d, hi_d), (lo_h, hi_h) = limits.days, limits.hours
        checks = {
            "host_type": _table(h in limits.hosts for h in self.host_types)[self.host_code],
            "open_places": self.has_places,
            "days": _table(any(lo_d <= d <= hi_d for d in s) for s in self.day_sets)[self.day_code],
            "hours": _table(any(lo_h <= h <= hi_h for h in s) for s in self.hour_sets)[self.hour_code],
            "times": _table(hours & limits.hours_of_day for hours in self.time_hours)[self.time_code],
        }
        if "no_lifting" in r:
            checks["lifting"] = lv["lifting"] == 0
        elif "light_lifting_only" in r:
            checks["lifting"] = lv["lifting"] <= 1
        if "no_long_standing" in r:
            checks["standing"] = lv["standing"] <= 1
        if "no_long_sitting" in r:
            checks["sitting"] = lv["sitting"] <= 1
        if "needs_quiet" in r:
            checks["noise"] = lv["noise"] <= 1
        if "no_crowds" in r:
            checks["crowds"] = lv["crowds"] <= 1
        if client.age is not None:
            checks["age"] = _table(g is None or g.fits(client.age) for g in self.age_groups)[self.age_code]
        if client.languages:
            checks["language"] = _table(bool(s & client.languages) for s in self.language_sets)[self.language_code]
        if "step_free_access" in client.support_needs:
            checks["step_free"] = self.step_free
        # A journey limit is never ignored: an unknown home or placement municipality fails it.
        if journeys is not None:
            checks["journey"] = journeys <= client.max_journey
        return checks


class _Fit:
    """One client's fit with the placements: each part (0–1) and the weighted score (0–100).

    The parts that depend on few distinct values of a placement are worked out once per value
    (the same arithmetic as over the whole catalogue) and looked up."""

    def __init__(self, catalogue: Catalogue, client: ClientProfile):
        self.catalogue = catalogue
        self.client = client
        self.weights = catalogue.config.weights.model_dump()
        self.total = sum(self.weights.values()) or 1.0
        wants = np.zeros(len(AREAS))
        for weight, letter in zip(RANK_WEIGHTS, client.interest_code):
            wants[AREAS.index(letter)] = weight
        self.interests = catalogue.interests @ wants / BEST_CONGRUENCE
        self.skill_columns = [catalogue.skill_index[s] for s in sorted(client.skills) if s in catalogue.skill_index]

        preference_scores = []
        if client.setting in ("indoors", "outdoors"):
            # A place that is both indoors and outdoors is half of what the client wished.
            wished = _PROTO_INDOORS if client.setting == "indoors" else _PROTO_OUTDOORS
            preference_scores.append(np.where(_PROTO_INDOORS & _PROTO_OUTDOORS, 0.5, wished.astype(float)))
        if client.social == "alone":
            preference_scores.append(_PROTO_INDIVIDUAL.astype(float))
        elif client.social in ("small_group", "group"):
            preference_scores.append(np.where(_PROTO_INDIVIDUAL, 0.5, 1.0))
        if client.works_with:
            wanted = _bits(client.works_with, WORKS_WITH)
            shared = np.zeros(len(_PREFERENCE_CODES))
            for bit in range(len(WORKS_WITH)):
                if wanted & (1 << bit):
                    shared += (_PROTO_WORKS_WITH & (1 << bit)) != 0
            preference_scores.append(shared / len(client.works_with))
        self.preferences = (np.mean(preference_scores, axis=0) if preference_scores
                            else np.zeros(len(_PREFERENCE_CODES)))

        needs = [_PROTO_FIRST if need == "work_coach" else _PROTO_SECOND
                 for need in sorted(client.support_needs) if need != "step_free_access"]
        self.support = (np.mean(needs, axis=0) if needs else np.ones(4)).astype(float)
        orientation = {"maintaining": _PROTO_FIRST, "forward": _PROTO_SECOND}.get(client.orientation)
        self.orientation = orientation.astype(float) if orientation is not None else np.zeros(4)
        # What the interests, and the preferences, support and orientation together, add to the score for each
        # distinct value: ranking looks each up once per placement.
        w = self.weights
        self.interest_points = w["interests"] * self.interests
        combined = np.arange(len(_PREFERENCE_CODES) * 16)
        self.combined_points = (w["preferences"] * self.preferences[combined // 16]
                                + w["support"] * self.support[combined // 4 % 4]
                                + w["orientation"] * self.orientation[combined % 4])

    def _skills(self, rows: np.ndarray) -> np.ndarray:
        if not self.skill_columns or not len(rows):
            return np.zeros(len(rows))
        counts = self.catalogue.skill_rows[np.ix_(self.skill_columns, rows)].sum(axis=0)
        return np.minimum(counts, 3) / 3

    def score(self, rows: np.ndarray) -> np.ndarray:
        """The score (0-100) of the placements at `rows`."""
        c = self.catalogue
        points = (self.interest_points[c.interest_code[rows]] + self.combined_points[c.fit_code[rows]]
                  + self.weights["skills"] * self._skills(rows))
        return points * (100.0 / self.total)

    def __call__(self, rows: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The parts and the score of the placements at `rows`."""
        c = self.catalogue
        parts = {
            "interests": self.interests[c.interest_code[rows]],
            "skills": self._skills(rows),
            "preferences": self.preferences[c.preference_code[rows]],
            "support": self.support[c.support_code[rows]],
            "orientation": self.orientation[c.orientation_code[rows]],
        }
        return parts, self.score(rows)


@dataclass(frozen=True)
class Limits:
    """The schedule and hosts a placement must allow: the law in force, and the client's wish within it."""

    hosts: frozenset[str]
    days: tuple[int, int]
    hours: tuple[float, float]
    hours_of_day: int        # the hours (one bit each) of the times of day the client can come
    open_market: bool = False   # jobs at employers too, ranked and never excluded (Rules.open_labour_market)

    @classmethod
    def of(cls, client: ClientProfile, rules: Rules | None, catalogue: Catalogue) -> Limits:
        hosts = rules.hosts(client.service, client.start) if rules else DEFAULT_HOSTS
        # The law and guidance together; a rule may set only one end (the law a minimum, guidance a maximum).
        lo_d, hi_d = rules.limits(client.service, client.start, "days_per_week", (1, 5)) if rules else (1, 5)
        lo_h, hi_h = rules.limits(client.service, client.start, "hours_per_day", (1.0, 8.0)) if rules else (1.0, 8.0)
        # The client's wish caps the schedule, but never below the legal minimum: that is for the plan to discuss.
        if client.days_per_week is not None:
            hi_d = max(lo_d, min(hi_d, client.days_per_week))
        if client.hours_per_day is not None:
            hi_h = max(lo_h, min(hi_h, client.hours_per_day))
        barred = {time for time, restriction in (("morning", "no_mornings"), ("evening", "no_evenings"))
                  if restriction in client.restrictions}
        times = set(client.times or TIMES) - barred
        # Without the barred hours too: daytime (9-15) overlaps morning (7-10), but a place open only in the
        # morning is no place for a client who cannot come early.
        hours = catalogue.hours_of(times) & ~catalogue.hours_of(barred)
        open_market = rules.open_labour_market(client.service, client.start) if rules else False
        return cls(hosts, (lo_d, hi_d), (lo_h, hi_h), hours, open_market)


class MatchResult:
    """The ranking for one client; reasons are worked out when asked for."""

    def __init__(self, catalogue: Catalogue, client: ClientProfile, limits: Limits, checks: dict[str, np.ndarray],
                 fit: _Fit, rows: np.ndarray, order: np.ndarray,
                 table: dict[str, tuple[np.ndarray, np.ndarray]], journeys: np.ndarray | None,
                 cautions: dict[str, np.ndarray] | None = None, tier: np.ndarray | None = None):
        self.catalogue = catalogue
        self.client = client
        self.limits = limits
        self._checks = checks
        self._fit = fit
        self._rows = rows            # the placements that pass every constraint, in catalogue order
        self._table = table          # minutes to every municipality by each mode (Catalogue.mode_table)
        self._journeys = journeys    # minutes to every placement, when the client has a limit
        self._order = order          # for each of those rows its rank key: the smaller, the better
        self._cautions = cautions or {}   # the constraints that only lower a job's rank (Limits.open_market)
        self._tier = tier            # for each row, how many of them it fails: ranked before the key

    @property
    def ranked_ids(self) -> list[str]:
        return [self.catalogue.ids[i] for i in self.ranked]

    def proposals(self, count: int | None = None) -> list[Proposal]:
        count = self.catalogue.config.proposals if count is None else count
        return [self.proposal(i) for i in self.top(count)]

    # A place whose description has a word the client wants to avoid goes below the rest, whatever its fit;
    # it is not excluded, as a word in free text may mean something else.

    @functools.cached_property
    def ranked(self) -> list[int]:
        """Every placement that passes the constraints, best first (the words to avoid are looked for in all)."""
        order = self._sorted()
        if self.client.avoid:
            avoided = self.catalogue.avoided(self.client.avoid)[order]
            order = np.concatenate([order[~avoided], order[avoided]])
        return order.tolist()

    def top(self, count: int) -> list[int]:
        """The `count` best, best first: only those are sorted, and only the best are looked at for words to
        avoid (a county's 100,000 need not be)."""
        if count >= len(self._rows):
            return self.ranked
        if self.client.avoid:
            first, later = [], []
            for i in self._sorted().tolist():
                (later if self.catalogue.avoids(i, self.client.avoid) else first).append(i)
                if len(first) == count:
                    break
            return (first + later)[:count]
        if self._tier is not None:
            return self._sorted()[:count].tolist()
        best = np.argpartition(self._order, count)[:count]
        return self._rows[best[np.argsort(self._order[best])]].tolist()

    def _sorted(self) -> np.ndarray:
        """Every row that passes the constraints, best first (before the words to avoid)."""
        keys = (self._order,) if self._tier is None else (self._order, self._tier)
        return self._rows[np.lexsort(keys)]

    def proposal(self, index: int) -> Proposal:
        p = self.catalogue.placements[index]
        # A job may offer only a schedule beyond the client's wish (Limits.open_market): its least, to check.
        days = max((d for d in p.schedule.days_per_week if self.limits.days[0] <= d <= self.limits.days[1]),
                   default=min(p.schedule.days_per_week))
        hours = max((h for h in p.schedule.hours_per_day if self.limits.hours[0] <= h <= self.limits.hours[1]),
                    default=min(p.schedule.hours_per_day))
        route = self.catalogue.route(index, self._table)
        parts, score = self._fit_of(index)
        parts = {name: round(value, 3) for name, value in parts.items()}
        checks = [Reason("reason.check_with_employer", {"about": self._exclusion(name, index)})
                  for name, ok in self._cautions.items() if not ok[index]]
        return Proposal(p, round(score, 1), parts, checks + self._reasons(index, days, hours, route), days, hours,
                        route.minutes if route else None)

    def why_not(self, placement_id: str) -> list[Reason]:
        """Why a placement is not proposed: the constraints it fails (empty when it is proposed)."""
        index = self.catalogue.index(placement_id)
        if index is None:
            return [Reason("exclude.not_in_catalogue", {"id": placement_id})]
        return [self._exclusion(name, index) for name, ok in self._checks.items() if not ok[index]]

    def excluded(self) -> dict[str, list[Reason]]:
        """Every placement that is not proposed, with the constraints that exclude it (in catalogue order)."""
        failed: dict[int, list[str]] = {}
        for name, ok in self._checks.items():
            for index in np.flatnonzero(~ok).tolist():
                failed.setdefault(index, []).append(name)
        ids = self.catalogue.ids
        with paused_gc():
            return {ids[i]: [self._exclusion(name, i) for name in names] for i, names in sorted(failed.items())}

    def _fit_of(self, index: int) -> tuple[dict[str, float], float]:
        """The parts of the fit and the score of one placement (an excluded one too)."""
        parts, score = self._fit(np.array([index]))
        return {name: float(values[0]) for name, values in parts.items()}, float(score[0])

    def _exclusion(self, name: str, index: int) -> Reason:
        """Why the constraint `name` excludes the placement at `index`, from the catalogue's columns alone
        (no Placement is built: excluded() asks this for every placement that is not proposed)."""
        limits, c = self.limits, self.catalogue
        if name == "host_type":
            host_type = c.host_types[c.host_code[index]]
            return Reason("exclude.company" if host_type == "company" else "exclude.host_type",
                          {"host_type": host_type})
        if name == "days":
            return Reason("exclude.days", {"offered": list(c.day_sets[c.day_code[index]]), "min": limits.days[0],
                                           "max": limits.days[1]})
        if name == "hours":
            return Reason("exclude.hours", {"offered": list(c.hour_sets[c.hour_code[index]]), "min": limits.hours[0],
                                            "max": limits.hours[1]})
        if name == "times":
            return Reason("exclude.times", {"offered": list(c.time_sets[c.time_code[index]])})
        if name == "journey":
            return self._journey_exclusion(index)
        if name == "language":
            return Reason("exclude.language", {"offered": list(c.columns.values["languages"][c.language_code[index]])})
        if name == "age":
            return age_reason(c.age_groups[c.age_code[index]], self.client.age)
        return Reason(f"exclude.{name}", {})

    def _journey_exclusion(self, index: int) -> Reason:
        limit, c = self.client.max_journey, self.catalogue
        municipality = c.municipality_names[c.columns.rows["municipality"][index]]
        if not self._table:
            return Reason("exclude.no_home", {"limit": limit})
        if c.municipality[index] < 0:
            return Reason("exclude.unknown_municipality", {"municipality": municipality, "limit": limit})
        route = c.route(index, self._table)
        if route is None:
            return Reason("exclude.no_route", {"municipality": municipality})
        return Reason(f"exclude.journey.{route.how}", {"minutes": route.minutes, "mode": route.mode, "limit": limit,
                                                        "municipality": municipality})

    def _reasons(self, index: int, days: int, hours: float, route: Route | None) -> list[Reason]:
        p = self.catalogue.placements[index]
        c = self.client
        reasons = []
        avoided = self.catalogue.avoids(index, c.avoid)
        if avoided:
            reasons.append(Reason("reason.avoid", {"words": avoided}))
        shared_areas = [a for a in c.interest_code if a in p.interest_code]
        if shared_areas:
            reasons.append(Reason("reason.interests", {"areas": shared_areas}))
        shared_skills = sorted(c.skills & set(p.skills), key=p.skills.index)
        if shared_skills:
            reasons.append(Reason("reason.skills", {"skills": shared_skills}))
        if c.setting in ("indoors", "outdoors") and p.setting == c.setting:
            reasons.append(Reason(f"reason.{c.setting}"))
        elif c.setting in ("indoors", "outdoors") and p.setting == "both":
            reasons.append(Reason("reason.indoors_and_outdoors"))
        if c.social == "alone" and p.form == "individual":
            reasons.append(Reason("reason.alone"))
        elif c.social in ("small_group", "group") and p.form in GROUP_FORMS:
            reasons.append(Reason("reason.group"))
        shared_with = [w for w in WORKS_WITH if w in c.works_with and w in p.works_with]
        if shared_with:
            reasons.append(Reason("reason.works_with", {"with": shared_with}))
        respected = sorted(r for r in c.restrictions if r in RESPECTS and RESPECTS[r](p))
        if respected:
            reasons.append(Reason("reason.respects", {"restrictions": respected}))
        if c.times:   # only a wish can be met; with none, every time of day is fine
            offered = self.catalogue.hours_of(p.schedule.times)
            shared = offered & self.limits.hours_of_day
            if shared:   # none: a job whose times are to check with the employer (Limits.open_market)
                reasons.append(Reason("reason.times" if shared == offered else "reason.times_partly",
                                      {"window": _spans(shared)}))
        own = sorted(_own_languages(c) & set(p.support.guidance_languages))
        if own:
            reasons.append(Reason("reason.language", {"offered": own}))
        if "work_coach" in c.support_needs and p.support.work_coach:
            reasons.append(Reason("reason.work_coach"))
        if c.orientation and c.orientation in p.orientation:
            reasons.append(Reason(f"reason.{c.orientation}"))
        reasons.append(Reason("reason.schedule", {"days": days, "hours": hours}))
        if route is not None:
            reasons.append(Reason(f"reason.journey.{route.how}", {"minutes": route.minutes, "mode": route.mode}))
        return reasons


SCORE_STEPS = 10 ** 11   # a score of 0-100 to 9 decimals, as a whole number (37 bits)


def _rank_keys(score: np.ndarray, own: np.ndarray, id_rank: np.ndarray, size: int) -> np.ndarray:
    """One whole number per placement that orders them by the higher score (to 9 decimals), then guidance
    in the client's own language, then the id. One key can be partitioned to find the best few without
    sorting the rest."""
    id_bits = max(1, (size - 1).bit_length())   # 1 + 37 + id_bits <= 63: up to 16 million placements
    steps = np.rint(score * 1e9).astype(np.int64)
    return ((SCORE_STEPS - steps) << (1 + id_bits)) | ((~own).astype(np.int64) << id_bits) | id_rank


def age_reason(ages: AgeGroup, age: int) -> Reason:
    """Why a client of `age` does not fit a placement's age group."""
    return Reason(ages.reason_key, {"min": ages.min, "max": ages.max, "age": age})


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No garbage collection while many objects are made that are not garbage (Python would scan them
    all again and again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _modes(client: ClientProfile) -> frozenset[str]:
    """How the client can travel; not known is any way, so that a journey limit is still kept."""
    return client.transport or MODES


def _own_languages(client: ClientProfile) -> frozenset[str]:
    """The guidance languages a client named besides Finnish: most likely their own."""
    return client.languages - {"fi"}


def _spans(hours: int) -> str:
    """The hours of a bit set as clock spans, e.g. "9–10, 12–15"."""
    spans: list[list[int]] = []
    for h in (h for h in range(24) if hours >> h & 1):
        if spans and spans[-1][1] == h:
            spans[-1][1] = h + 1
        else:
            spans.append([h, h + 1])
    return ", ".join(f"{a}–{b}" for a, b in spans)


# What a placement must be for the reason "respects <restriction>" to be true, in the words of the
# restriction's label ("no crowds" is a place with few people, not one with some). The constraints
# exclude only what clearly breaks a restriction, so a proposal may pass them and still not earn the reason.
RESPECTS: dict[str, Callable[[Placement], bool]] = {
    "no_lifting": lambda p: p.demands.lifting == "none",
    "light_lifting_only": lambda p: p.demands.lifting in ("none", "light"),
    "no_long_standing": lambda p: p.demands.standing != "high",
    "no_long_sitting": lambda p: p.demands.sitting != "high",
    "needs_quiet": lambda p: p.demands.noise == "quiet",
    "no_crowds": lambda p: p.demands.crowds == "low",
    "no_mornings": lambda p: "morning" not in p.schedule.times,
    "no_evenings": lambda p: "evening" not in p.schedule.times,
}


# --- what the client wants to avoid ------------------------------------------------------------

_WORD = re.compile(r"\w+")
SHORTEST_WORD = 4     # shorter ones (ei, och, the, työ) say nothing about a place
STEM = 6              # two words are taken as one when they share this many first letters
# Words of a free-text answer that are about the wish itself, not about a place or a task.
COMMON_WORDS = frozenset("""
    haluan halua haluaisin haluta välttää vältän välttäisin olla olisi ollaan jossa joissa jotka joita missä mitään
    mikään mikä sellainen sellaisia sellaista tällainen mutta myös koska että kuin eikä enkä tämä tätä tämän siellä
    täällä paikka paikassa paikkaa paikkoja paikat paikkoihin tehdä kaikki kanssa ihan aina liian paljon vähän
    vill vilja undvika inte plats platsen platser arbete arbeta eller också sådan sådana
    want would like avoid place places work working where with that there this which something anything
    """.split())


def placement_text(p: Placement) -> str:
    """The text of a placement that what a client wants to avoid is looked for in."""
    tasks = [p.tasks.get(language, plain) for language in LANGUAGES for plain in (False, True)]
    return " ".join([p.name, p.host, p.municipality, *tasks])


def words(text: str) -> list[str]:
    """The words of a text, in small letters, that are long enough to say something."""
    return [w for w in _WORD.findall(text.casefold()) if len(w) >= SHORTEST_WORD and not w.isdigit()]


def same_word(a: str, b: str) -> bool:
    """The same word, perhaps inflected: their first letters agree, up to STEM letters or the shorter
    word (kahvila, kahvilassa; Espoo, Espoossa). A compound or a short root can match too: a caution."""
    n = min(STEM, len(a), len(b))
    return a[:n] == b[:n]


def avoid_words(text: str) -> frozenset[str]:
    """The words of the free-text "avoid" answer that can name a task, a place or a host."""
    return frozenset(w for w in words(text) if not any(same_word(w, common) for common in COMMON_WORDS))


class _WordIndex:
    """For each stem and short word in the placements' descriptions, the placements that have it, so
    that finding the placements with a word like one the client wants to avoid is a few lookups."""

    def __init__(self, texts: Iterable[str]):
        found: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            keys = set()
            for w in words(text):
                keys.update("p" + w[:k] for k in range(SHORTEST_WORD, min(STEM, len(w)) + 1))   # its beginnings
                if len(w) < STEM:
                    keys.add("w" + w)                                                          # a whole short word
            for key in keys:
                found.setdefault(key, []).append(i)
        self.index = {key: np.array(rows, dtype=np.int64) for key, rows in found.items()}

    def rows(self, word: str) -> list[np.ndarray]:
        """The placements with a word that same_word(word, ...) holds for, in a few arrays that may overlap."""
        # Their word begins like this one (up to STEM letters), or is a short word this one begins with.
        keys = ["p" + word[:STEM]] + ["w" + word[:k] for k in range(SHORTEST_WORD, min(STEM, len(word)))]
        return [self.index[key] for key in keys if key in self.index]
