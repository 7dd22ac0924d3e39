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
from typing import Any

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
    return sum(1 << vocabulary.index(v) for v in values if v in vocabulary)


def _slug(name: str) -> str:
    return name.casefold()


class Catalogue:
    """The placements compiled for matching. Build once per catalogue; match many clients."""

    def __init__(self, placements: list[Placement], config: MatchingFile):
        self.placements = list(placements)
        self.config = config
        self.by_id = {p.id: i for i, p in enumerate(self.placements)}
        ps = self.placements
        self.languages = sorted({lang for p in ps for lang in p.support.guidance_languages})
        self.skills = sorted({s for p in ps for s in p.skills})
        muni_index = {_slug(m.name): i for i, m in enumerate(config.municipalities)}

        def column(get, dtype=np.int64):
            return np.fromiter((get(p) for p in ps), dtype=dtype, count=len(ps))

        self.host_type = np.array([p.host_type for p in ps], dtype=object)
        self.open_places = column(lambda p: p.open_places)
        self.days = column(lambda p: sum(1 << d for d in p.schedule.days_per_week))
        # Hours are compared exactly (a placement may offer 4.25 hours): one row of offered hours per placement.
        width = max((len(p.schedule.hours_per_day) for p in ps), default=1)
        self.hours = np.full((len(ps), width), np.nan)
        for i, p in enumerate(ps):
            self.hours[i, :len(p.schedule.hours_per_day)] = p.schedule.hours_per_day
        self.times = column(lambda p: _bits(p.schedule.times, TIMES))
        self.level = {name: column(lambda p, n=name: LEVELS[getattr(p.demands, n)])
                      for name in ("lifting", "standing", "sitting", "noise", "crowds", "social")}
        self.lang = column(lambda p: _bits(p.support.guidance_languages, self.languages))
        self.municipality = column(lambda p: muni_index.get(_slug(p.municipality), -1))
        self.public_transport = column(lambda p: p.public_transport, bool)
        self.step_free = column(lambda p: p.accessibility.step_free, bool)
        self.work_coach = column(lambda p: p.support.work_coach, bool)
        self.adapted = column(lambda p: p.support.adapted_tasks, bool)
        self.indoors = column(lambda p: p.setting in ("indoors", "both"), bool)
        self.outdoors = column(lambda p: p.setting in ("outdoors", "both"), bool)
        self.individual = column(lambda p: p.form == "individual", bool)
        self.works_with = column(lambda p: _bits(p.works_with, WORKS_WITH))
        self.maintaining = column(lambda p: "maintaining" in p.orientation, bool)
        self.forward = column(lambda p: "forward" in p.orientation, bool)
        self.interests = np.zeros((len(ps), len(AREAS)))
        for i, p in enumerate(ps):
            for weight, letter in zip(RANK_WEIGHTS, p.interest_code):
                self.interests[i, AREAS.index(letter)] = weight
        self.skill_matrix = np.zeros((len(ps), len(self.skills)))
        for i, p in enumerate(ps):
            for s in p.skills:
                self.skill_matrix[i, self.skills.index(s)] = 1
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
        other, public = self.journey_table(client.home or "", client.transport)
        known = self.municipality >= 0
        index = np.where(known, self.municipality, 0)
        by_other = np.where(known, other[index], math.inf)
        by_public = np.where(known & self.public_transport, public[index], math.inf)
        return np.minimum(by_other, by_public)

    # --- matching ---------------------------------------------------------------

    def match(self, client: ClientProfile, rules: Rules | None = None) -> MatchResult:
        limits = Limits.of(client, rules)
        checks = self._constraints(client, limits)
        eligible = np.logical_and.reduce(list(checks.values())) if checks else np.ones(len(self.placements), bool)
        parts = self._parts(client)
        weights = self.config.weights.model_dump()
        total = sum(weights.values()) or 1.0
        score = sum(weights[name] * part for name, part in parts.items()) * (100.0 / total)
        order = np.lexsort((self.id_rank, -np.round(score, 9)))
        ranked = [int(i) for i in order if eligible[i]]
        return MatchResult(self, client, limits, checks, parts, score, ranked)

    def _constraints(self, client: ClientProfile, limits: Limits) -> dict[str, np.ndarray]:
        lv, r = self.level, client.restrictions
        checks = {
            "host_type": np.isin(self.host_type, list(limits.hosts)) & (self.host_type != "company"),
            "open_places": self.open_places > 0,
            "days": (self.days & limits.day_bits) != 0,
            "hours": ((self.hours >= limits.hours[0]) & (self.hours <= limits.hours[1])).any(axis=1),
            "times": (self.times & limits.time_bits) != 0,
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
            checks["language"] = (self.lang & _bits(client.languages, self.languages)) != 0
        if "step_free_access" in client.support_needs:
            checks["step_free"] = self.step_free
        # A journey limit needs to know where from and how: unknown is no constraint.
        if (client.home and client.max_journey is not None and client.transport
                and client.home in {m.id for m in self.config.municipalities}):
            checks["journey"] = self.journeys(client) <= client.max_journey
        return checks

    def _parts(self, client: ClientProfile) -> dict[str, np.ndarray]:
        n = len(self.placements)
        wants = np.zeros(len(AREAS))
        for weight, letter in zip(RANK_WEIGHTS, client.interest_code):
            wants[AREAS.index(letter)] = weight
        interests = self.interests @ wants / BEST_CONGRUENCE
        skill_vector = np.array([s in client.skills for s in self.skills], dtype=float)
        skills = np.minimum(self.skill_matrix @ skill_vector, 3) / 3 if len(self.skills) else np.zeros(n)

        preference_scores = []
        if client.setting == "indoors":
            preference_scores.append(self.indoors.astype(float))
        elif client.setting == "outdoors":
            preference_scores.append(self.outdoors.astype(float))
        if client.social == "alone":
            preference_scores.append(self.individual.astype(float))
        elif client.social in ("small_group", "group"):
            preference_scores.append(np.where(self.individual, 0.5, 1.0))
        if client.works_with:
            wanted = _bits(client.works_with, WORKS_WITH)
            shared = np.zeros(n)
            for bit in range(len(WORKS_WITH)):
                if wanted & (1 << bit):
                    shared += (self.works_with & (1 << bit)) != 0
            preference_scores.append(shared / len(client.works_with))
        preferences = np.mean(preference_scores, axis=0) if preference_scores else np.zeros(n)

        needs = [self.work_coach if need == "work_coach" else self.adapted
                 for need in sorted(client.support_needs) if need != "step_free_access"]
        support = np.mean(needs, axis=0) if needs else np.ones(n)
        orientation = {"maintaining": self.maintaining, "forward": self.forward}.get(client.orientation)
        return {
            "interests": interests,
            "skills": skills,
            "preferences": preferences,
            "support": support.astype(float),
            "orientation": orientation.astype(float) if orientation is not None else np.zeros(n),
        }


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

    @property
    def day_bits(self) -> int:
        return sum(1 << d for d in range(self.days[0], self.days[1] + 1))

    @property
    def time_bits(self) -> int:
        return _bits(self.times, TIMES)


class MatchResult:
    """The ranking for one client; reasons are worked out when asked for."""

    def __init__(self, catalogue: Catalogue, client: ClientProfile, limits: Limits,
                 checks: dict[str, np.ndarray], parts: dict[str, np.ndarray], score: np.ndarray, ranked: list[int]):
        self.catalogue = catalogue
        self.client = client
        self.limits = limits
        self._checks = checks
        self._parts = parts
        self._score = score
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
        parts = {name: round(float(values[index]), 3) for name, values in self._parts.items()}
        return Proposal(p, round(float(self._score[index]), 1), parts, self._reasons(p, parts, days, hours, journey),
                        days, hours, journey)

    def why_not(self, placement_id: str) -> list[Reason]:
        """Why a placement is not proposed: the constraints it fails (empty when it is proposed)."""
        index = self.catalogue.by_id.get(placement_id)
        if index is None:
            return [Reason("exclude.not_in_catalogue", {"id": placement_id})]
        p = self.catalogue.placements[index]
        reasons = [self._exclusion(name, p, index) for name, ok in self._checks.items() if not ok[index]]
        return reasons

    def excluded(self) -> dict[str, list[Reason]]:
        """Every placement that is not proposed, with the constraints that exclude it."""
        eligible = set(self.ranked)
        return {p.id: self.why_not(p.id) for i, p in enumerate(self.catalogue.placements) if i not in eligible}

    def _journey(self, index: int) -> int | None:
        if not self.client.home:
            return None
        minutes = self.catalogue.journeys(self.client)[index]
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
