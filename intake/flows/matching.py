"""Placement matching: hard constraints first, then a scored fit, with reasons.

The catalogue is compiled once into arrays (one entry per placement), so that
ranking one client is a handful of vectorised operations: 10,000 placements in
well under a frame. Reasons are worked out only for what a person will read:
the proposals shown, and an excluded placement when someone asks about it.

The result is a suggestion for the conversation, never a decision.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable

import numpy as np

from intake.flows.placements import MatchingFile, Placement
from intake.flows.rules import AllowedHosts, DaysPerWeek, HoursPerDay, Rules

AREAS = "RIASEC"
RANK_WEIGHTS = (3, 2, 1)  # the strongest interest area counts most
BEST_CONGRUENCE = sum(w * w for w in RANK_WEIGHTS)
LEVELS = {"low": 0, "medium": 1, "high": 2, "none": 0, "light": 1, "heavy": 2, "quiet": 0, "moderate": 1, "loud": 2}
TIMES = ("morning", "daytime", "afternoon", "evening")
WORKS_WITH = ("people", "things", "information")
GROUP_FORMS = ("workshop", "group", "club")
DEFAULT_SERVICE = "rehabilitative_work_activity"


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


def _bits(values: Any, vocabulary: tuple[str, ...] | list[str]) -> int:
    """One bit per distinct value of `vocabulary` found in `values`."""
    return sum(1 << vocabulary.index(v) for v in set(values) if v in vocabulary)


def _slug(name: str) -> str:
    return name.casefold()


def _encode(values: Iterable[Hashable]) -> tuple[list[Any], np.ndarray]:
    """The distinct values (first seen first) and, for each item, the index of its value among them."""
    index: dict[Hashable, int] = {}
    codes = [index.setdefault(v, len(index)) for v in values]
    return list(index), np.array(codes, dtype=np.int32)


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

    def __init__(self, placements: list[Placement], config: MatchingFile):
        self.placements = list(placements)
        self.config = config
        self.by_id = {p.id: i for i, p in enumerate(self.placements)}
        ps = self.placements
        n = len(ps)
        self.languages = sorted({lang for p in ps for lang in p.support.guidance_languages})
        self.skills = sorted({s for p in ps for s in p.skills})
        self.skill_index = {s: i for i, s in enumerate(self.skills)}
        muni_index = {_slug(m.name): i for i, m in enumerate(config.municipalities)}

        def column(get: Callable[[Placement], Any], dtype: Any = np.int64) -> np.ndarray:
            return np.fromiter((get(p) for p in ps), dtype=dtype, count=n)

        # Hard constraints.
        self.host_types, self.host_code = _encode(p.host_type for p in ps)
        self.has_places = column(lambda p: p.open_places > 0, bool)
        self.day_sets, self.day_code = _encode(frozenset(p.schedule.days_per_week) for p in ps)
        self.hour_sets, self.hour_code = _encode(frozenset(p.schedule.hours_per_day) for p in ps)
        self.time_sets, self.time_code = _encode(frozenset(p.schedule.times) for p in ps)
        self.level = {name: column(lambda p, n=name: LEVELS[getattr(p.demands, n)], np.int8)
                      for name in ("lifting", "standing", "sitting", "noise", "crowds", "social")}
        self.language_sets, self.language_code = _encode(frozenset(p.support.guidance_languages) for p in ps)
        self.step_free = column(lambda p: p.accessibility.step_free, bool)
        self.municipality = column(lambda p: muni_index.get(_slug(p.municipality), -1), np.int32)
        self.public_transport = column(lambda p: p.public_transport, bool)
        # A journey depends only on the municipality (unknown: after the known ones) and public transport.
        known = np.where(self.municipality >= 0, self.municipality, len(config.municipalities))
        self.route_code = known * 2 + self.public_transport

        # The parts of the fit.
        self.interest_codes, self.interest_code = _encode(p.interest_code for p in ps)
        self.interests = np.zeros((len(self.interest_codes), len(AREAS)))
        for i, code in enumerate(self.interest_codes):
            for weight, letter in zip(RANK_WEIGHTS, code):
                self.interests[i, AREAS.index(letter)] = weight
        self.skill_rows = np.zeros((len(self.skills), n), dtype=bool)    # one row per skill: who uses it
        for i, p in enumerate(ps):
            for s in p.skills:
                self.skill_rows[self.skill_index[s], i] = True
        self.preference_code = column(
            lambda p: (32 * (p.setting in ("indoors", "both")) + 16 * (p.setting in ("outdoors", "both"))
                       + 8 * (p.form == "individual") + _bits(p.works_with, WORKS_WITH)), np.int8)
        self.support_code = column(lambda p: 2 * p.support.work_coach + p.support.adapted_tasks, np.int8)
        self.orientation_code = column(lambda p: 2 * ("maintaining" in p.orientation) + ("forward" in p.orientation),
                                       np.int8)
        # Ties are broken by id, so the ranking never depends on the catalogue's order.
        self.id_rank = np.argsort(np.argsort(np.array([p.id for p in ps], dtype=object)))

    # --- journeys -------------------------------------------------------------

    def journey_table(self, home: str, modes: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        """Minutes from `home` to each municipality without and with public transport (inf: impossible)."""
        config = self.config
        count = len(config.municipalities)
        other = np.full(count, math.inf)
        public = np.full(count, math.inf)
        ids = [m.id for m in config.municipalities]
        if home not in ids:
            return other, public
        here = ids.index(home)
        within = config.travel.within
        other[here] = min((within[m] for m in modes if m != "public_transport" and m in within), default=math.inf)
        if "public_transport" in modes and "public_transport" in within:
            public[here] = within["public_transport"]
        for journey in config.travel.between:
            if home not in journey.between:
                continue
            there = ids.index(journey.between[1] if journey.between[0] == home else journey.between[0])
            if "car" in modes and journey.car is not None:
                other[there] = min(other[there], journey.car)
            if "public_transport" in modes and journey.public_transport is not None:
                public[there] = min(public[there], journey.public_transport)
        return other, public

    def journeys(self, client: ClientProfile) -> np.ndarray:
        """Minutes from the client's home to each placement by the fastest way they can travel (inf: none)."""
        other, public = self.journey_table(client.home or "", client.transport)
        by_route = np.full(2 * (len(other) + 1), math.inf)
        by_route[0:-2:2] = other                        # the placement is not on public transport
        by_route[1:-2:2] = np.minimum(other, public)
        return by_route[self.route_code]

    # --- matching ---------------------------------------------------------------

    def match(self, client: ClientProfile, rules: Rules | None = None) -> MatchResult:
        limits = Limits.of(client, rules)
        journeys: list[np.ndarray] = []
        checks = self._constraints(client, limits, journeys)
        eligible = np.ones(len(self.placements), bool)
        for ok in checks.values():
            eligible &= ok
        rows = np.flatnonzero(eligible)
        fit = _Fit(self, client)
        parts, score = fit(rows)
        order = rows[np.lexsort((self.id_rank[rows], -np.round(score, 9)))]
        return MatchResult(self, client, limits, checks, fit, rows, parts, score, order.tolist(),
                           journeys[0] if journeys else None)

    def _constraints(self, client: ClientProfile, limits: Limits, journeys: list[np.ndarray]) -> dict[str, np.ndarray]:
        lv, r = self.level, client.restrictions
        (lo_d, hi_d), (lo_h, hi_h) = limits.days, limits.hours
        checks = {
            "host_type": _table(h in limits.hosts and h != "company" for h in self.host_types)[self.host_code],
            "open_places": self.has_places,
            "days": _table(any(lo_d <= d <= hi_d for d in s) for s in self.day_sets)[self.day_code],
            "hours": _table(any(lo_h <= h <= hi_h for h in s) for s in self.hour_sets)[self.hour_code],
            "times": _table(bool(s & limits.times) for s in self.time_sets)[self.time_code],
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
        if client.languages:
            checks["language"] = _table(bool(s & client.languages) for s in self.language_sets)[self.language_code]
        if "step_free_access" in client.support_needs:
            checks["step_free"] = self.step_free
        # A journey limit needs to know where from and how: unknown is no constraint.
        if (client.home and client.max_journey is not None and client.transport
                and client.home in {m.id for m in self.config.municipalities}):
            journeys.append(self.journeys(client))
            checks["journey"] = journeys[0] <= client.max_journey
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
        if client.setting == "indoors":
            preference_scores.append(_PROTO_INDOORS.astype(float))
        elif client.setting == "outdoors":
            preference_scores.append(_PROTO_OUTDOORS.astype(float))
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

    def __call__(self, rows: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The parts and the score of the placements at `rows`."""
        c = self.catalogue
        if self.skill_columns and len(rows):
            counts = c.skill_rows[np.ix_(self.skill_columns, rows)].sum(axis=0)
            skills = np.minimum(counts, 3) / 3
        else:
            skills = np.zeros(len(rows))
        parts = {
            "interests": self.interests[c.interest_code[rows]],
            "skills": skills,
            "preferences": self.preferences[c.preference_code[rows]],
            "support": self.support[c.support_code[rows]],
            "orientation": self.orientation[c.orientation_code[rows]],
        }
        score = sum(self.weights[name] * part for name, part in parts.items()) * (100.0 / self.total)
        return parts, score


@dataclass(frozen=True)
class Limits:
    """The schedule and hosts a placement must allow: the law in force, and the client's wish within it."""

    hosts: frozenset[str]
    days: tuple[int, int]
    hours: tuple[float, float]
    times: frozenset[str]

    @classmethod
    def of(cls, client: ClientProfile, rules: Rules | None) -> Limits:
        in_force = rules.in_force(client.service, client.start) if rules else {}
        hosts_rule = in_force.get("allowed_hosts")
        hosts = frozenset(hosts_rule.host_types) if isinstance(hosts_rule, AllowedHosts) else frozenset(
            {"public_unit", "association", "foundation", "state_agency", "religious_community"})
        day_rule, hour_rule = in_force.get("days_per_week"), in_force.get("hours_per_day")
        lo_d, hi_d = (day_rule.min, day_rule.max) if isinstance(day_rule, DaysPerWeek) else (1, 5)
        lo_h, hi_h = (hour_rule.min, hour_rule.max) if isinstance(hour_rule, HoursPerDay) else (1.0, 8.0)
        # The client's wish caps the schedule, but never below the legal minimum: that is for the plan to discuss.
        if client.days_per_week is not None:
            hi_d = max(lo_d, min(hi_d, client.days_per_week))
        if client.hours_per_day is not None:
            hi_h = max(lo_h, min(hi_h, client.hours_per_day))
        times = set(client.times or TIMES)
        if "no_mornings" in client.restrictions:
            times.discard("morning")
        if "no_evenings" in client.restrictions:
            times.discard("evening")
        return cls(hosts, (lo_d, hi_d), (lo_h, hi_h), frozenset(times))


class MatchResult:
    """The ranking for one client; reasons are worked out when asked for."""

    def __init__(self, catalogue: Catalogue, client: ClientProfile, limits: Limits, checks: dict[str, np.ndarray],
                 fit: _Fit, rows: np.ndarray, parts: dict[str, np.ndarray], score: np.ndarray, ranked: list[int],
                 journeys: np.ndarray | None = None):
        self.catalogue = catalogue
        self.client = client
        self.limits = limits
        self._checks = checks
        self._fit = fit
        self._rows = rows            # the placements that pass every constraint, in catalogue order
        self._parts = parts          # each part of the fit for those rows
        self._score = score
        self._journeys = journeys    # minutes to every placement, once worked out
        self.ranked = ranked

    @property
    def ranked_ids(self) -> list[str]:
        return [self.catalogue.placements[i].id for i in self.ranked]

    def proposals(self, count: int | None = None) -> list[Proposal]:
        count = self.catalogue.config.proposals if count is None else count
        return [self.proposal(i) for i in self.ranked[:count]]

    def proposal(self, index: int) -> Proposal:
        p = self.catalogue.placements[index]
        days = max(d for d in p.schedule.days_per_week if self.limits.days[0] <= d <= self.limits.days[1])
        hours = max(h for h in p.schedule.hours_per_day if self.limits.hours[0] <= h <= self.limits.hours[1])
        journey = self._journey(index)
        parts, score = self._fit_of(index)
        parts = {name: round(value, 3) for name, value in parts.items()}
        return Proposal(p, round(score, 1), parts, self._reasons(p, parts, days, hours, journey), days, hours, journey)

    def why_not(self, placement_id: str) -> list[Reason]:
        """Why a placement is not proposed: the constraints it fails (empty when it is proposed)."""
        index = self.catalogue.by_id.get(placement_id)
        if index is None:
            return [Reason("exclude.not_in_catalogue", {"id": placement_id})]
        p = self.catalogue.placements[index]
        reasons = [self._exclusion(name, p, index) for name, ok in self._checks.items() if not ok[index]]
        return reasons

    def excluded(self) -> dict[str, list[Reason]]:
        """Every placement that is not proposed, with the constraints that exclude it (in catalogue order)."""
        failed: dict[int, list[str]] = {}
        for name, ok in self._checks.items():
            for index in np.flatnonzero(~ok).tolist():
                failed.setdefault(index, []).append(name)
        ps = self.catalogue.placements
        return {ps[i].id: [self._exclusion(name, ps[i], i) for name in names] for i, names in sorted(failed.items())}

    def _fit_of(self, index: int) -> tuple[dict[str, float], float]:
        """The parts of the fit and the score of one placement (worked out on demand if it is excluded)."""
        rows, parts, score = self._rows, self._parts, self._score
        at = int(np.searchsorted(rows, index))
        if at == len(rows) or rows[at] != index:
            (parts, score), at = self._fit(np.array([index])), 0
        return {name: float(values[at]) for name, values in parts.items()}, float(score[at])

    def _journey(self, index: int) -> int | None:
        if not self.client.home:
            return None
        if self._journeys is None:
            self._journeys = self.catalogue.journeys(self.client)
        minutes = self._journeys[index]
        return None if math.isinf(minutes) else int(minutes)

    def _exclusion(self, name: str, p: Placement, index: int) -> Reason:
        limits = self.limits
        if name == "host_type":
            return Reason("exclude.company" if p.host_type == "company" else "exclude.host_type",
                          {"host_type": p.host_type})
        if name == "days":
            return Reason("exclude.days", {"offered": p.schedule.days_per_week, "min": limits.days[0],
                                           "max": limits.days[1]})
        if name == "hours":
            return Reason("exclude.hours", {"offered": p.schedule.hours_per_day, "min": limits.hours[0],
                                            "max": limits.hours[1]})
        if name == "times":
            return Reason("exclude.times", {"offered": p.schedule.times})
        if name == "journey":
            minutes = self._journey(index)
            if minutes is None:
                return Reason("exclude.no_route", {"municipality": p.municipality})
            return Reason("exclude.journey", {"minutes": minutes, "limit": self.client.max_journey,
                                              "municipality": p.municipality})
        if name == "language":
            return Reason("exclude.language", {"offered": p.support.guidance_languages})
        return Reason(f"exclude.{name}", {})

    def _reasons(self, p: Placement, parts: dict[str, float], days: int, hours: float,
                 journey: int | None) -> list[Reason]:
        c = self.client
        reasons = []
        shared_areas = [a for a in c.interest_code if a in p.interest_code]
        if shared_areas:
            reasons.append(Reason("reason.interests", {"areas": shared_areas}))
        shared_skills = sorted(c.skills & set(p.skills), key=p.skills.index)
        if shared_skills:
            reasons.append(Reason("reason.skills", {"skills": shared_skills}))
        if c.setting in ("indoors", "outdoors") and p.setting in (c.setting, "both"):
            reasons.append(Reason(f"reason.{c.setting}"))
        if c.social == "alone" and p.form == "individual":
            reasons.append(Reason("reason.alone"))
        elif c.social in ("small_group", "group") and p.form in GROUP_FORMS:
            reasons.append(Reason("reason.group"))
        shared_with = [w for w in WORKS_WITH if w in c.works_with and w in p.works_with]
        if shared_with:
            reasons.append(Reason("reason.works_with", {"with": shared_with}))
        respected = sorted(r for r in c.restrictions if r in RESPECTS)
        if respected:
            reasons.append(Reason("reason.respects", {"restrictions": respected}))
        if "work_coach" in c.support_needs and p.support.work_coach:
            reasons.append(Reason("reason.work_coach"))
        if c.orientation and c.orientation in p.orientation:
            reasons.append(Reason(f"reason.{c.orientation}"))
        reasons.append(Reason("reason.schedule", {"days": days, "hours": hours}))
        if journey is not None:
            reasons.append(Reason("reason.journey", {"minutes": journey}))
        return reasons


# Restrictions that a proposed placement is known to respect (the constraints checked them).
RESPECTS = {"no_lifting", "light_lifting_only", "no_long_standing", "no_long_sitting", "needs_quiet", "no_crowds",
            "no_mornings", "no_evenings"}
